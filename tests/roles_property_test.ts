// The role feed's invariant, as a property over seeded random sequences of
// syncs (status, position, facility and region changes in the legacy
// source), links, unlinks, replacements (all through the functions over
// HTTP), rule edits and grace periods ending, in both environments. After
// every step:
//   - member_roles and role_grace are what the reference model
//     (tests/support/roles_model.ts) says;
//   - folding each (discord_id, guild_id)'s roles_changed events, read as the
//     bot reads them, from nothing gives member_roles for linked members
//     (roles and nickname) and nothing for every other account.
import { assertEquals } from "./assert.ts";
import { db, ENVIRONMENTS, test } from "./helpers.ts";
import { prng } from "../local/demo_data.ts";
import { type MemberEvent, memberEventsFixture } from "./support/member_events.ts";
import { type Cause, type MemberData, RoleModel, type Rule } from "./support/roles_model.ts";

const fx = await memberEventsFixture("mynatca_roles_property_test");
const GUILD_A = "510000000000000001";
const GUILD_B = "510000000000000002";
const MEMBERS = 24;
const FACILITIES = ["FA1", "FA2", "FA3", "FA4"];
const REGIONS = ["RA1", "RA2", "RA3"];
const STATUSES = ["Active", "Active", "Inactive", "Retired", "Suspended"];
const TYPES = ["facrep", "neb", "regional", "committee"];

const INITIAL_RULES: Omit<Rule, "active">[] = [
  rule(GUILD_A, "610000000000000001", { grace_days: 3 }),
  rule(GUILD_A, "610000000000000002", { position_types: ["facrep"], facility_codes: ["FA1"] }),
  rule(GUILD_A, "610000000000000003", {
    position_types: ["regional"],
    region_codes: ["RA2"],
    grace_days: 2,
  }),
  rule(GUILD_A, "610000000000000004", {
    facility_codes: ["FA2"],
    member_statuses: ["active", "suspended"],
    grace_days: 5,
  }),
  rule(GUILD_A, "610000000000000005", { member_statuses: ["retired"] }),
  rule(GUILD_A, "610000000000000006", { position_types: ["neb"], member_statuses: null }),
  rule(GUILD_B, "610000000000000007", { region_codes: ["RA1"], grace_days: 1 }),
  rule(GUILD_B, "610000000000000008", { member_type_ids: [2] }),
];

function rule(guild_id: string, role_id: string, o: Partial<Rule> = {}): Omit<Rule, "active"> {
  return {
    guild_id,
    role_id,
    member_statuses: ["active"],
    position_types: null,
    facility_codes: null,
    region_codes: null,
    member_type_ids: null,
    grace_days: 0,
    ...o,
  };
}

/** The legacy source: regions, facilities, members and positions, all random. */
async function loadSource(rand: () => number) {
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  for (const t of ["position", "member", "membertype", "facility", "region"]) {
    await fx.my.query(`delete from \`${t}\``);
  }
  await fx.my.query(`insert into region (RegionID, RegionCode, RegionName, Active) values ?`, [
    REGIONS.map((r, i) => [i + 1, r, `Region ${r}`, 1]),
  ]);
  await fx.my.query(
    `insert into facility (FacilityID, FacilityCode, FacilityName, RegionID, FacilityType, Active) values ?`,
    [FACILITIES.map((f, i) => [i + 1, f, `Facility ${f}`, (i % REGIONS.length) + 1, "ATCT", 1])],
  );
  await fx.my.query(
    `insert into membertype (MemberTypeID, Description) values (1, 'Full'), (2, 'Retired')`,
  );
  const members = [];
  for (let i = 1; i <= MEMBERS; i++) {
    members.push([
      i,
      `P${i}`,
      `First${i}`,
      `Last${i}`,
      1 + Math.floor(rand() * 4),
      i % 5 ? 1 : 2,
      "Active",
    ]);
  }
  await fx.my.query(
    `insert into member (MemberID, MemberNumber, FirstName, LastName, FacilityID, MemberTypeID, Status) values ?`,
    [members],
  );
  const positions = [];
  for (let i = 1; i <= 30; i++) {
    positions.push([
      i,
      `P${1 + Math.floor(rand() * MEMBERS)}`,
      pick(TYPES),
      1 + Math.floor(rand() * 4),
      "T",
      "2020-01-01",
    ]);
  }
  await fx.my.query(
    `insert into position (PositionID, MemberNumber, PositionType, FacilityID, Title, StartDate) values ?`,
    [positions],
  );
}

/** A few random edits to the source, of the kinds the policy looks at. */
async function editSource(rand: () => number, nextPosition: { id: number }) {
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const member = () => `P${1 + Math.floor(rand() * MEMBERS)}`;
  const edits = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < edits; i++) {
    const what = Math.floor(rand() * 7);
    if (what <= 1) {
      await fx.my.query(`update member set Status = ? where MemberNumber = ?`, [
        pick(STATUSES),
        member(),
      ]);
    } else if (what === 2) {
      await fx.my.query(`update member set FacilityID = ? where MemberNumber = ?`, [
        1 + Math.floor(rand() * 4),
        member(),
      ]);
    } else if (what === 3) {
      await fx.my.query(`update facility set RegionID = ? where FacilityID = ?`, [
        1 + Math.floor(rand() * REGIONS.length),
        1 + Math.floor(rand() * 4),
      ]);
    } else if (what === 4) {
      nextPosition.id++;
      await fx.my.query(
        `insert into position (PositionID, MemberNumber, PositionType, FacilityID, Title, StartDate) values (?, ?, ?, ?, 'T', '2020-01-01')`,
        [nextPosition.id, member(), pick(TYPES), 1 + Math.floor(rand() * 4)],
      );
    } else if (what === 5) {
      await fx.my.query(`update position set EndDate = ? where PositionID = ?`, [
        rand() < 0.6 ? "2001-01-01" : null,
        1 + Math.floor(rand() * nextPosition.id),
      ]);
    } else {
      await fx.my.query(
        `update position set MemberNumber = ?, PositionType = ?, FacilityID = ? where PositionID = ?`,
        [
          member(),
          pick(TYPES),
          1 + Math.floor(rand() * 4),
          1 + Math.floor(rand() * nextPosition.id),
        ],
      );
    }
  }
}

/** A random rule edit: insert, update or delete. */
async function editRules(rand: () => number, discord: string) {
  const rules = db(`${discord}.role_rules`);
  const [{ n }] = await db`select count(*)::int as n from ${rules}`;
  const what = n < 3 ? 0 : Math.floor(rand() * 4);
  const someRule = db`(select id from ${rules} order by id offset ${
    Math.floor(rand() * n)
  } limit 1)`;
  if (what === 0) {
    const role = `6200000000000000${String(Math.floor(rand() * 90) + 10)}`;
    const facility = rand() < 0.5 ? [FACILITIES[Math.floor(rand() * 4)]] : null;
    const types = rand() < 0.5 ? [TYPES[Math.floor(rand() * 3)]] : null;
    await db`insert into ${rules} (guild_id, role_id, position_types, facility_codes, grace_days)
             values (${rand() < 0.7 ? GUILD_A : GUILD_B}, ${role}, ${types}, ${facility},
                     ${Math.floor(rand() * 3)})`;
  } else if (what === 1) {
    await db`update ${rules} set active = not active where id = ${someRule}`;
  } else if (what === 2) {
    await db`update ${rules} set grace_days = ${Math.floor(rand() * 4)},
             member_statuses = ${rand() < 0.5 ? ["active"] : ["active", "retired"]}
             where id = ${someRule}`;
  } else {
    await db`delete from ${rules} where id = ${someRule}`;
  }
}

async function memberData(shared: string): Promise<MemberData[]> {
  const rows = await db`
    select m.member_number, m.discord_id, m.status, m.member_type_id, m.facility_code, m.region_code,
           coalesce((select json_agg(json_build_object('type', p.position_type, 'facility', p.facility_code,
                                                       'region', f.region_code))
                     from ${db(`${shared}.positions`)} p
                     left join ${db(`${shared}.facilities`)} f on f.facility_code = p.facility_code
                     where p.member_number = m.member_number and p.active), '[]') as positions
    from ${db(`${shared}.members`)} m order by m.member_number`;
  return rows as unknown as MemberData[];
}

const rulesOf = async (discord: string) =>
  (await db`select guild_id, role_id, member_statuses, position_types, facility_codes, region_codes,
                   member_type_ids, grace_days, active from ${
    db(`${discord}.role_rules`)
  }`) as unknown as Rule[];

/** Folds roles_changed events into (discord_id|guild_id) -> roles and nickname. */
function fold(
  events: MemberEvent[],
  into: Map<string, { roles: Set<string>; nickname: string | null }>,
) {
  for (const e of events) {
    if (e.kind !== "roles_changed") continue;
    const k = `${e.discord_id}|${e.details.guild_id}`;
    const held = into.get(k) ?? { roles: new Set<string>(), nickname: null };
    for (const r of e.details.added) held.roles.add(r);
    for (const r of e.details.removed) held.roles.delete(r);
    if ("nickname" in e.details) held.nickname = e.details.nickname;
    into.set(k, held);
  }
}

const sorted = (xs: Iterable<string>) => [...xs].sort();

for (const { environment, shared, discord } of ENVIRONMENTS) {
  test(`${environment}: the roles feed folds to member_roles, and member_roles is the policy`, async () => {
    const rand = prng(environment === "production" ? 28 : 82);
    await db.unsafe(`truncate private."${discord}_roles_state", ${discord}.role_grace`);
    await db`truncate ${db(`${discord}.guilds`)} cascade`;
    // The environment's member data, emptied before and after: rows left in
    // production's tables would meet a later file's fixtures.
    const emptyTables = () =>
      db.unsafe(`truncate ${shared}.positions, ${shared}.members, ${shared}.facilities,
        ${shared}.regions, ${shared}.sync_logs, ${shared}.sync_cursor, ${discord}.validation_logs,
        ${discord}.validation_summaries, private."${discord}_roles_state", ${discord}.role_grace
        cascade`);
    await emptyTables();
    try {
      await loadSource(rand);
      await fx.syncOk({ environment });
      const model = new RoleModel();
      const cursor = await fx.head(discord);
      const folded = new Map<string, { roles: Set<string>; nickname: string | null }>();
      let after = cursor;
      const nextPosition = { id: 30 };

      await db`insert into ${db(`${discord}.guilds`)} (guild_id, name, nickname_template) values
        (${GUILD_A}, 'A', '{first_name} {last_name} | {facility_code}'), (${GUILD_B}, 'B', null)`;
      await db`insert into ${db(`${discord}.role_rules`)} ${
        db(INITIAL_RULES.map((r) => ({ ...r, active: true })))
      }`;

      const check = async (cause: Cause, step: string, ended?: Set<string>) => {
        model.step(cause, await memberData(shared), await rulesOf(discord), ended);
        const want = await db`select member_number, discord_id, guild_id, role_ids, nickname
                              from ${db(`${discord}.member_roles`)}`;
        const modelRows = [...model.held].map(([k, v]) =>
          `${k}|${v.discord_id}|${sorted(v.roles)}`
        );
        assertEquals(
          sorted(
            want.map((w) =>
              `${w.member_number}|${w.guild_id}|${w.discord_id}|${sorted(w.role_ids)}`
            ),
          ),
          sorted(modelRows),
          `${step}: member_roles is the policy`,
        );
        const grace = await db`select member_number, guild_id, role_id, discord_id from ${
          db(`${discord}.role_grace`)
        }`;
        assertEquals(
          sorted(grace.map((g) => `${g.member_number}|${g.guild_id}|${g.role_id}=${g.discord_id}`)),
          sorted([...model.grace].map(([k, d]) => `${k}=${d}`)),
          `${step}: the grace periods in force`,
        );
        const events = await fx.readAll(discord, after);
        if (events.length) after = events[events.length - 1].id;
        fold(events, folded);
        const expected = new Map(want.map((w) => [`${w.discord_id}|${w.guild_id}`, w]));
        for (const [k, held] of folded) {
          const w = expected.get(k);
          assertEquals(sorted(held.roles), sorted(w?.role_ids ?? []), `${step}: the feed for ${k}`);
          if (w) assertEquals(held.nickname, w.nickname, `${step}: the nickname for ${k}`);
        }
        for (const [k, w] of expected) {
          if (w.role_ids.length > 0 || w.nickname !== null) {
            assertEquals(folded.has(k), true, `${step}: the feed told ${k}`);
          }
        }
      };
      await check("rule", "initial rules");

      const linkedMembers = async () =>
        (await db`select member_number, discord_id, status from ${db(`${shared}.members`)}
                  where discord_id is not null order by member_number`) as unknown as {
          member_number: string;
          discord_id: string;
          status: string;
        }[];
      for (const n of ["P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8", "P9", "P10"]) {
        const [{ status }] = await db`select status from ${
          db(`${shared}.members`)
        } where member_number = ${n}`;
        if (status !== "active") continue;
        assertEquals((await fx.link(environment, n)).res.status, 200);
      }
      await check("link", "first links");

      for (let i = 0; i < 60; i++) {
        const op = rand();
        if (op < 0.4) {
          await editSource(rand, nextPosition);
          await fx.syncOk({ environment });
          await check("sync", `step ${i}: sync`);
        } else if (op < 0.55) {
          const active = await db`select member_number from ${db(`${shared}.members`)}
            where status = 'active' order by member_number`;
          if (active.length === 0) continue;
          const candidate = active[Math.floor(rand() * active.length)];
          const linked = (await linkedMembers()).some((m) =>
            m.member_number === candidate.member_number
          );
          const res = (await fx.link(environment, candidate.member_number, { replace: true })).res;
          assertEquals(res.status, 200, JSON.stringify(res.body));
          await check(
            "link",
            `step ${i}: ${linked ? "replacement" : "link"} ${candidate.member_number}`,
          );
        } else if (op < 0.65) {
          const linked = await linkedMembers();
          if (linked.length === 0) continue;
          const m = linked[Math.floor(rand() * linked.length)];
          const res = rand() < 0.5
            ? await fx.unlink(environment, { discord: m.discord_id })
            : await fx.unlink(environment, { member: m.member_number });
          assertEquals(res.status, 200, JSON.stringify(res.body));
          await check("unlink", `step ${i}: unlink ${m.member_number}`);
        } else if (op < 0.85) {
          await editRules(rand, discord);
          await check("rule", `step ${i}: rule edit`);
        } else {
          const keys = [...model.grace.keys()].filter(() => rand() < 0.7);
          for (const k of keys) {
            const [member_number, guild_id, role_id] = k.split("|");
            await db`update ${
              db(`${discord}.role_grace`)
            } set grace_until = now() - interval '1 second'
                     where (member_number, guild_id, role_id) = (${member_number}, ${guild_id}, ${role_id})`;
          }
          await db.unsafe(`select private."${discord}_roles_end_grace"()`);
          await check(
            "grace_ended",
            `step ${i}: ${keys.length} grace period(s) end`,
            new Set(keys),
          );
        }
      }
      // The run exercised every kind of change.
      const [seen] = await db`
        select array_agg(distinct details ->> 'cause' order by details ->> 'cause') as causes
        from ${
        db(`${discord}.member_events`)
      } where kind = 'roles_changed' and id > ${cursor.toString()}`;
      assertEquals(seen.causes, ["grace_ended", "link", "rule", "sync", "unlink"]);
    } finally {
      await db`truncate ${db(`${discord}.guilds`)} cascade`;
      await emptyTables();
    }
  });
}
