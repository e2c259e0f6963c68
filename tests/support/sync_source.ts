// What the sync's test files share: a MariaDB source database of their own,
// a function server reading it, and the crafted rows of docs/sync.md's
// mapping rules. The sync writes the development schemas of the real Postgres.
import { afterAll, baseEnv, call, db, serveFunctions, SERVICE_KEY } from "../helpers.ts";
import { mysqlConnect, recreateSourceDatabase } from "../../local/demo_data.ts";

export async function syncSource(sourceDb: string) {
  const my = await recreateSourceDatabase(sourceDb);
  const env = { ...baseEnv(), MYSQL_DB: sourceDb, SYNC_BATCH_SIZE: "7" };
  const server = serveFunctions(env);
  const SYNC = server.fn("sync");

  // Teardown, not a test: drop the source database once the file's tests ran.
  afterAll(async () => {
    await my.end();
    const admin = await mysqlConnect("mysql");
    await admin.query(`drop database if exists ${sourceDb}`);
    await admin.end();
  });

  const sync = (body: Record<string, unknown> = {}, url = SYNC) =>
    call(url, { token: SERVICE_KEY, body: { environment: "development", ...body } });

  async function resetAll() {
    await db`truncate dev.positions, dev.members, dev.facilities, dev.regions, dev.sync_logs,
             dev.sync_cursor, discord_dev.validation_logs, discord_dev.validation_summaries cascade`;
    for (const t of ["position", "member", "membertype", "facility", "region"]) {
      await my.query(`delete from \`${t}\``);
    }
  }

  /** A small quirky source: every mapping rule of docs/sync.md appears once or more. */
  async function loadQuirkySource() {
    await my.query(`insert into region (RegionID, RegionCode, RegionName, Active) values
      (1, ' nea ', '  New   England ', 1), (2, 'NSO', 'Southern', 1), (3, 'nwp', 'Northwest', 0)`);
    await my.query(
      `insert into facility (FacilityID, FacilityCode, FacilityName, RegionID, FacilityType, Active) values
      (1, ' zbw', 'Boston  Center', 1, 'artcc', 1),
      (2, 'A90', 'Boston TRACON', 1, ' Tracon ', 1),
      (3, 'ztl', 'Atlanta ARTCC', 2, NULL, 1),
      (4, 'XXX', 'Orphan Facility', 99, 'fss', 1)`,
    );
    await my.query(`insert into membertype values (6, 'Member'), (8, 'Retired  Member')`);
    const members: unknown[][] = [
      [1, " 1001 ", " Ada ", " Lovelace ", " Ada@Example.ORG ", 1, 6, "Active"],
      [2, "1002", "Zoë", "Nguyễn", "", 2, 6, "ACTIVE"],
      [3, "1003", "Bob", "Jones", "not-an-email", 3, 8, "retired"],
      [4, "1004", "Cy", "Young", null, 99, 77, null],
      [5, "1005", "Di", "Ross", "di@example.org", 4, 6, ""],
      [6, "1006", "Ed", "Stone", "ed@example.org", 1, 6, "On Leave"],
      [7, "1007", "Flo", " ", "flo@example.org", 1, 6, "active"],
      [8, "bad number!", "Gus", "Grant", null, 1, 6, "active"],
      [9, "   ", "Hal", "Hope", null, 1, 6, "active"],
      [10, "1010", "Ivy  Mae", "Lee", "IVY@example.org", 1, 6, "Suspended "],
      [11, "1011", "Jo", "Deceased", null, 2, 6, "DECEASED"],
      [12, "1012", "Kim", "Inactive", null, 2, 6, "inactive"],
    ];
    // Same member number as row 1 once trimmed: the first one wins.
    members.push([41, "1001", "Dup", "Licate", null, 1, 6, "Active"]);
    for (let i = 13; i <= 40; i++) {
      members.push([i, String(1000 + i), "Mem", `Ber${i}`, null, 1, 6, "Active"]);
    }
    await my.query(
      `insert into member (MemberID, MemberNumber, FirstName, LastName, Email, FacilityID, MemberTypeID, Status) values ?`,
      [members],
    );
    await my.query(
      `insert into position (PositionID, MemberNumber, PositionType, FacilityID, Title, StartDate, EndDate) values
      (1, '1001', 'FacRep', 1, ' Facility   Rep ', '2020-01-01', NULL),
      (2, ' 1002 ', 'NEB', 2, 'NEB', '0000-00-00', '2099-01-01'),
      (3, '1003', 'Committee', 3, 'Old', '2010-01-01', '2015-12-31'),
      (4, '1001', 'Steward', 1, 'Bad type', NULL, NULL),
      (5, '9999', 'regional', 1, 'Orphan', NULL, NULL),
      (6, '1013', 'REGIONAL', 99, 'RVP', '2021-01-01', '0000-00-00')`,
    );
  }

  const member = async (n: string) =>
    (await db`select * from dev.members where member_number = ${n}`)[0];

  /** Every row of the tables a sync writes, except sync_logs, in a stable order. */
  const everythingButLogs = async () => ({
    regions: await db`select * from dev.regions order by region_code`,
    facilities: await db`select * from dev.facilities order by facility_code`,
    members: await db`select * from dev.members order by member_number`,
    positions: await db`select * from dev.positions order by source_id`,
    cursor: await db`select * from dev.sync_cursor`,
    validationLogs: await db`select * from discord_dev.validation_logs order by id`,
    validationSummaries: await db`select * from discord_dev.validation_summaries order by run_id`,
  });

  return { my, env, SYNC, sync, resetAll, loadQuirkySource, member, everythingButLogs };
}
