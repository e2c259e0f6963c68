// The change-detection property's random edits to the legacy source
// (local/sync_property.ts): each round hits every column the mappings read,
// seeded, so a failing round can be replayed.
import type mysql from "mysql2/promise";

const MEMBER_COLUMNS =
  "MemberID, MemberNumber, FirstName, LastName, Email, FacilityID, MemberTypeID, Status, LastModified";

/** One round of seeded edits that hit every column the mappings read. */
export async function editSource(
  my: mysql.Connection,
  rand: () => number,
  round: number,
  n: number,
) {
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const ids = async (table: string, id: string) =>
    ((await my.query(`select ${id} as id from \`${table}\``))[0] as { id: number }[]).map((r) =>
      r.id
    );
  const q = async (text: string, params: unknown[] = []) => {
    try {
      await my.query(text, params);
    } catch (err) {
      // A unique key the edit would break: MySQL refuses it, as it would the office's.
      if ((err as { code?: string }).code !== "ER_DUP_ENTRY") throw err;
    }
  };
  // NULL, empty, the text 'NULL', a new value, whitespace the mapping drops, a case change.
  const textValue = (col: string) =>
    pick([
      "NULL",
      "''",
      "'NULL'",
      `'R${round}x${Math.floor(rand() * 1000)}'`,
      `concat('  ', ${col}, ' ')`,
      `lower(${col})`,
      `upper(${col})`,
    ]);
  const facilities = await ids("facility", "FacilityID");
  const regions = await ids("region", "RegionID");

  // Joined values: a facility renamed, a region moved, a member type renamed.
  await q(`update facility set FacilityName = ? where FacilityID = ?`, [
    `Renamed ${round}`,
    pick(facilities),
  ]);
  await q(`update facility set RegionID = ? where FacilityID = ?`, [
    pick(regions),
    pick(facilities),
  ]);
  await q(`update membertype set Description = ? where MemberTypeID = ?`, [
    pick(["Member", " Member ", "Retired Member", `Type ${round}`]),
    pick([6, 8, 9]),
  ]);

  const members = await ids("member", "MemberID");
  const positions = await ids("position", "PositionID");
  for (let i = 0; i < n; i++) {
    const m = pick(members), p = pick(positions), f = pick(facilities);
    switch (Math.floor(rand() * 16)) {
      case 0:
        await q(`update member set FirstName = ${textValue("FirstName")} where MemberID = ?`, [m]);
        break;
      case 1:
        await q(`update member set LastName = ${textValue("LastName")} where MemberID = ?`, [m]);
        break;
      case 2:
        await q(`update member set Email = ${textValue("Email")} where MemberID = ?`, [m]);
        break;
      case 3:
        await q(
          `update member set Status = ${
            pick(["NULL", "''", "'Active'", "' ACTIVE '", "'retired'", "'On Leave'", "'suspended'"])
          } where MemberID = ?`,
          [m],
        );
        break;
      case 4:
        await q(`update member set FacilityID = ? where MemberID = ?`, [
          pick([...facilities, null, 99999]),
          m,
        ]);
        break;
      case 5:
        await q(`update member set MemberTypeID = ? where MemberID = ?`, [
          pick([6, 8, 9, null, 77]),
          m,
        ]);
        break;
      case 6: {
        // Whitespace around a key (the mapping trims it): this member's own
        // number, or another's (a duplicate once trimmed).
        const [[other]] = await my.query(
          `select MemberNumber as n from member where MemberID = ?`,
          [
            pick([m, pick(members)]),
          ],
        ) as unknown as [{ n: string }[]];
        if (other) {
          await q(`update member set MemberNumber = concat(' ', trim(?)) where MemberID = ?`, [
            other.n,
            m,
          ]);
        }
        break;
      }
      case 7:
        await q(`insert ignore into member_gone select m.*, ? from member m where MemberID = ?`, [
          round,
          m,
        ]);
        await q(`delete from member where MemberID = ?`, [m]);
        break;
      case 8: {
        // A vanished key comes back: the same number, as it was before.
        await q(
          `insert into member (MemberID, MemberNumber, FirstName, LastName, Email, FacilityID, MemberTypeID, Status)
           values (?, ?, 'Back', 'Again', null, ?, 6, 'Active')`,
          [100_000_000 + round * 1000 + i, `N${round}-${i}`, f],
        );
        break;
      }
      case 9:
        await q(`update position set Title = ${textValue("Title")} where PositionID = ?`, [p]);
        break;
      case 10:
        await q(
          `update position set PositionType = ${
            pick(["'FacRep'", "' neb '", "'COMMITTEE'", "'regional'", "'unknown'"])
          } where PositionID = ?`,
          [p],
        );
        break;
      case 11:
        await q(
          `update position set EndDate = ${
            pick(["NULL", "'2001-01-01'", "'2999-12-31'", "'0000-00-00'"])
          }, StartDate = ${pick(["StartDate", "NULL", "'2020-02-02'"])} where PositionID = ?`,
          [p],
        );
        break;
      case 12:
        await q(
          `update position set FacilityID = ?, MemberNumber = (
                   select MemberNumber from member order by rand(?) limit 1) where PositionID = ?`,
          [
            pick([...facilities, null]),
            Math.floor(rand() * 1e6),
            p,
          ],
        );
        break;
      case 13:
        await q(`delete from position where PositionID = ?`, [p]);
        break;
      case 14:
        await q(
          `update facility set FacilityCode = ${
            pick(["lower(FacilityCode)", "upper(FacilityCode)", "concat(' ', FacilityCode)"])
          }, FacilityType = ${textValue("FacilityType")}, Active = ? where FacilityID = ?`,
          [
            rand() < 0.8 ? 1 : 0,
            f,
          ],
        );
        break;
      case 15:
        await q(
          `update region set RegionName = ?, RegionCode = ${
            pick(["lower(RegionCode)", "upper(RegionCode)"])
          } where RegionID = ?`,
          [pick(["Southern", " Southern ", `Region ${round}`]), pick(regions)],
        );
        break;
    }
  }
  // Members deleted in an earlier round (so retired since) come back exactly as they were.
  await q(
    `insert into member select ${MEMBER_COLUMNS} from member_gone
     where GoneRound < ? and MemberID not in (select MemberID from member)
     order by rand(?) limit 2`,
    [round, round],
  );
}
