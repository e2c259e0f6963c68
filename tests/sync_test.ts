// The sync over real HTTP, from a real MariaDB database of crafted rows into
// the development schemas of the real Postgres.
import { assert, assertEquals } from "./assert.ts";
import {
  afterAll,
  baseEnv,
  BOT_KEY,
  call,
  db,
  serveFunctions,
  SERVICE_KEY,
  test,
} from "./helpers.ts";
import { mysqlConnect, recreateSourceDatabase } from "../local/demo_data.ts";
import { STACK_MY_PORT } from "../local/stack.ts";
import { SYNC_TABLES } from "../shared/sync/tables.ts";

const SOURCE_DB = "mynatca_sync_test";
const my = await recreateSourceDatabase(SOURCE_DB);
const env = { ...baseEnv(), MYSQL_DB: SOURCE_DB, SYNC_BATCH_SIZE: "7" };
const server = serveFunctions(env);
const SYNC = server.fn("sync");

// Teardown, not a test: drop this file's source database once its tests ran.
afterAll(async () => {
  await my.end();
  const admin = await mysqlConnect("mysql");
  await admin.query(`drop database if exists ${SOURCE_DB}`);
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

test("sync maps every mapping rule on quirky data", async () => {
  await resetAll();
  await loadQuirkySource();
  const res = await sync();
  assertEquals(res.status, 200, JSON.stringify(res.body));
  assertEquals(res.body.status, "completed");
  assertEquals(res.body.tables.regions, {
    ...res.body.tables.regions,
    processed: 3,
    inserted: 3,
    failed: 0,
  });
  assertEquals(res.body.tables.members.processed, 41);
  // Empty last name, bad number, empty number, duplicate number. An unknown
  // status (On Leave) is not a rejection: the member is synced as inactive.
  assertEquals(res.body.tables.members.failed, 4);
  assertEquals(res.body.tables.members.inserted, 37);
  assertEquals(res.body.tables.positions.failed, 2); // unknown type, orphan member
  assertEquals(res.body.tables.positions.inserted, 4);

  const regions = await db`select region_code, region_name, active from dev.regions order by 1`;
  assertEquals(regions.map((r) => [r.region_code, r.region_name, r.active]), [
    ["NEA", "New England", true],
    ["NSO", "Southern", true],
    ["NWP", "Northwest", false],
  ]);
  const [zbw] = await db`select * from dev.facilities where facility_code = 'ZBW'`;
  assertEquals([zbw.facility_name, zbw.facility_type, zbw.region_code, zbw.region_name], [
    "Boston Center",
    "ARTCC",
    "NEA",
    "New England",
  ]);
  const [a90] = await db`select facility_type from dev.facilities where facility_code = 'A90'`;
  assertEquals(a90.facility_type, "TRACON");
  const [orphan] =
    await db`select region_code, region_name from dev.facilities where facility_code = 'XXX'`;
  assertEquals([orphan.region_code, orphan.region_name], [null, null]);

  const ada = await member("1001");
  assertEquals([ada.first_name, ada.last_name, ada.email, ada.status], [
    "Ada",
    "Lovelace",
    "ada@example.org",
    "active",
  ]);
  assertEquals([ada.facility_code, ada.facility_name, ada.region_code, ada.region_name], [
    "ZBW",
    "Boston Center",
    "NEA",
    "New England",
  ]);
  assertEquals([ada.member_type_id, ada.member_type], [6, "Member"]);
  const zoe = await member("1002");
  assertEquals([zoe.first_name, zoe.last_name, zoe.email, zoe.status], [
    "Zoë",
    "Nguyễn",
    null,
    "active",
  ]);
  const bob = await member("1003");
  assertEquals([bob.email, bob.status, bob.member_type], [null, "retired", "Retired Member"]);
  const cy = await member("1004");
  assertEquals([cy.status, cy.facility_code, cy.region_code, cy.member_type_id, cy.member_type], [
    "inactive",
    null,
    null,
    77,
    null,
  ]);
  assertEquals((await member("1005")).status, "inactive");
  assertEquals((await member("1010")).status, "suspended");
  assertEquals((await member("1010")).first_name, "Ivy Mae");
  assertEquals((await member("1011")).status, "deceased");
  const onLeave = await member("1006");
  assertEquals([onLeave.status, onLeave.last_name], ["inactive", "Stone"]);
  for (const gone of ["1007", "bad number!", ""]) {
    assertEquals(await member(gone), undefined);
  }

  const positions = await db`select source_id, member_number, position_type, facility_code,
                                    facility_name, position_title, start_date::text,
                                    end_date::text, active
                             from dev.positions order by source_id`;
  assertEquals(positions.map((p) => Object.values(p)), [
    [1, "1001", "facrep", "ZBW", "Boston Center", "Facility Rep", "2020-01-01", null, true],
    [2, "1002", "neb", "A90", "Boston TRACON", "NEB", null, "2099-01-01", true],
    [3, "1003", "committee", "ZTL", "Atlanta ARTCC", "Old", "2010-01-01", "2015-12-31", false],
    [6, "1013", "regional", null, null, "RVP", "2021-01-01", null, true],
  ]);
  // last_sync: set on insert.
  const [{ unstamped }] = await db`select count(*)::int as unstamped from dev.members
                                   where last_sync is null`;
  assertEquals(unstamped, 0);

  // Rejections are described, with the total, in sync_logs.
  const [log] = await db`select error_details, records_succeeded from dev.sync_logs
                         where table_name = 'members' and sync_id = ${res.body.sync_id}`;
  assertEquals(log.error_details.rejected_total, 4);
  // The unknown status is reported with the member number and the raw value.
  assertEquals(log.error_details.replaced_total, 1);
  assertEquals(log.error_details.replaced[0].member_number, "1006");
  assertEquals(log.error_details.replaced[0].kind, "unknown_status");
  assertEquals(log.error_details.replaced[0].value, "On Leave");
  assertEquals(log.records_succeeded, 37); // written or confirmed unchanged
  const reasons = log.error_details.rejected.map((r: { reason: string }) => r.reason).join(" | ");
  for (
    const bit of [
      "LastName is empty",
      "MemberNumber is not",
      "MemberNumber is empty",
      "duplicate key 1001",
    ]
  ) {
    assert(reasons.includes(bit), `${bit} in ${reasons}`);
  }
  // Derived counts: active members per facility, active facilities and members per region.
  // ZBW: 1001 and 1013-1040; A90: 1002 (1010, 1011 and 1012 are not active).
  const facilityCounts =
    await db`select facility_code, member_count from dev.facilities order by facility_code`;
  assertEquals(facilityCounts.map((f) => [f.facility_code, f.member_count]), [
    ["A90", 1],
    ["XXX", 0],
    ["ZBW", 29],
    ["ZTL", 0],
  ]);
  const regionCounts = await db`select region_code, facility_count, member_count
                                from dev.regions order by region_code`;
  assertEquals(regionCounts.map((r) => [r.region_code, r.facility_count, r.member_count]), [
    ["NEA", 2, 30],
    ["NSO", 1, 0],
    ["NWP", 0, 0],
  ]);
  // The run-level rows frame the run.
  const ops = await db`select operation, status from dev.sync_logs
                       where sync_id = ${res.body.sync_id} and table_name is null order by id`;
  assertEquals(ops.map((o) => [o.operation, o.status]), [["sync_start", "started"], [
    "sync_complete",
    "completed",
  ]]);
});

test("a second run with an unchanged source writes nothing; platform columns survive", async () => {
  await db`update dev.members set discord_id = '123456789012345678', discord_username = 'ada',
           discord_verified = true, auth0_user_id = 'auth0|ada', verified_at = now(),
           last_auth0_sync = now() where member_number = '1001'`;
  const before = await db`select member_number, updated_at, last_sync from dev.members order by 1`;
  const res = await sync();
  assertEquals(res.body.status, "completed");
  for (const t of SYNC_TABLES) {
    assertEquals([res.body.tables[t].inserted, res.body.tables[t].updated], [0, 0], t);
  }
  assertEquals(res.body.tables.members.unchanged, 37);
  const after = await db`select member_number, updated_at, last_sync from dev.members order by 1`;
  assertEquals(after, before); // last_sync untouched by a no-op resync

  await my.query(`update member set LastName = 'Byron', Email = NULL where MemberID = 1`);
  const changed = await sync();
  assertEquals(changed.body.tables.members.updated, 1);
  const ada = await member("1001");
  const adaBefore = before.find((m) => m.member_number === "1001")!;
  assert(ada.last_sync > adaBefore.last_sync, "last_sync moves when the row changes");
  const stamps = await db`select member_number, last_sync from dev.members
                          where member_number <> '1001' order by 1`;
  assertEquals(
    stamps,
    before.filter((m) => m.member_number !== "1001").map((m) => ({
      member_number: m.member_number,
      last_sync: m.last_sync,
    })),
    "only the changed row's last_sync moves",
  );
  assertEquals([ada.last_name, ada.email], ["Byron", null]);
  assertEquals([ada.discord_id, ada.discord_username, ada.discord_verified, ada.auth0_user_id], [
    "123456789012345678",
    "ada",
    true,
    "auth0|ada",
  ]);
  assert(ada.verified_at && ada.last_auth0_sync);
});

test("a vanished member becomes inactive, never deleted", async () => {
  await my.query(`delete from member where MemberID = 13`);
  const res = await sync({ tables: ["members"] });
  assertEquals(res.body.status, "completed");
  assertEquals(res.body.tables.members.deactivated, 1);
  assertEquals((await member("1013")).status, "inactive");
  // Its position stays until positions sync; the row is still there.
  assertEquals(
    (await db`select count(*)::int from dev.positions where member_number = '1013'`)[0].count,
    1,
  );
});

test("the guard: mass vanishing or an empty source deactivates nothing", async () => {
  await my.query(`delete from member where MemberID between 20 and 40`);
  const mass = await sync({ tables: ["members"] });
  assertEquals(mass.body.status, "partial");
  assertEquals(mass.body.tables.members.deactivated, 0);
  assertEquals((await member("1030")).status, "active");
  const [err] = await db`select error_details from dev.sync_logs
                         where sync_id = ${mass.body.sync_id} and operation = 'sync_error'`;
  assert(String(err.error_details.deactivation_refused).includes("SYNC_MAX_DEACTIVATE_RATIO"));

  await my.query(`delete from position`);
  await my.query(`delete from member`);
  const empty = await sync({ tables: ["members", "positions"] });
  assertEquals(empty.body.tables.members.deactivated, 0);
  assertEquals(empty.body.tables.positions.deactivated, 0);
  assertEquals((await member("1001")).status, "active");
  const errors = await db`select table_name, error_details from dev.sync_logs
                          where sync_id = ${empty.body.sync_id} and operation = 'sync_error'`;
  assertEquals(errors.map((e) => e.table_name).sort(), ["members", "positions"]);
  assert(String(errors[0].error_details.deactivation_refused).includes("no "));
});

test("vanished regions, facilities and positions are retired (active = false), never deleted", async () => {
  await resetAll();
  await loadQuirkySource();
  assertEquals((await sync()).body.status, "completed");
  await my.query(`delete from region where RegionID = 2`); // NSO
  await my.query(`delete from facility where FacilityID = 4`); // XXX
  await my.query(`delete from position where PositionID = 1`);
  // One of two active regions vanishes: allowed at a ratio of one half.
  const lenient = serveFunctions({ ...env, SYNC_MAX_DEACTIVATE_RATIO: "0.5" });
  try {
    const res = await sync({}, lenient.fn("sync"));
    assertEquals(res.body.status, "completed", JSON.stringify(res.body));
    const deactivated = Object.fromEntries(
      Object.entries(res.body.tables).map((
        [t, r],
      ) => [t, (r as { deactivated: number }).deactivated]),
    );
    assertEquals(deactivated, { regions: 1, facilities: 1, members: 0, positions: 1 });
    const regions = await db`select region_code, active from dev.regions order by 1`;
    assertEquals(regions.map((r) => [r.region_code, r.active]), [
      ["NEA", true],
      ["NSO", false],
      ["NWP", false],
    ]);
    const facilities = await db`select facility_code, active from dev.facilities order by 1`;
    assertEquals(facilities.map((f) => [f.facility_code, f.active]), [
      ["A90", true],
      ["XXX", false],
      ["ZBW", true],
      ["ZTL", true],
    ]);
    const positions = await db`select source_id, active from dev.positions order by 1`;
    assertEquals(positions.map((p) => [p.source_id, p.active]), [
      [1, false],
      [2, true],
      [3, false],
      [6, true],
    ]);
    const logged = await db`select table_name, records_deactivated from dev.sync_logs
                            where sync_id = ${res.body.sync_id} and table_name is not null
                            order by table_name`;
    assertEquals(logged.map((l) => [l.table_name, l.records_deactivated]), [
      ["facilities", 1],
      ["members", 0],
      ["positions", 1],
      ["regions", 1],
    ]);
    // Retired rows are not retired again.
    const again = await sync({}, lenient.fn("sync"));
    for (const t of SYNC_TABLES) {
      assertEquals(again.body.tables[t].deactivated, 0, t);
    }
  } finally {
    await lenient.close();
  }
});

test("the guard's threshold: exactly SYNC_MAX_DEACTIVATE_RATIO retires, one row more refuses", async () => {
  await resetAll();
  const rows = Array.from({ length: 20 }, (_, i) => [i + 1, `G${i + 1}`, "Gu", "Ard", "Active"]);
  await my.query(
    `insert into member (MemberID, MemberNumber, FirstName, LastName, Status) values ?`,
    [rows],
  );
  const members = { tables: ["members"] };
  assertEquals((await sync(members)).body.tables.members.inserted, 20);
  const active = async () =>
    (await db`select count(*)::int from dev.members where status = 'active'`)[0].count;

  // The default ratio is 0.10: 3 of 20 active members is over it.
  await my.query(`delete from member where MemberID in (18, 19, 20)`);
  const over = await sync(members);
  assertEquals([over.body.status, over.body.tables.members.deactivated], ["partial", 0]);
  assertEquals(await active(), 20);
  const [refusal] = await db`select status, error_details from dev.sync_logs
                             where sync_id = ${over.body.sync_id} and table_name = 'members'`;
  assertEquals(refusal.status, "deactivation_refused");
  assert(
    String(refusal.error_details.deactivation_refused).startsWith("3 of 20 active members"),
    JSON.stringify(refusal.error_details),
  );

  // 2 of 20 is exactly the ratio: retired.
  await my.query(`insert into member (MemberID, MemberNumber, FirstName, LastName, Status)
                  values (18, 'G18', 'Gu', 'Ard', 'Active')`);
  const at = await sync(members);
  assertEquals([at.body.status, at.body.tables.members.deactivated], ["completed", 2]);
  const retired = await db`select member_number from dev.members
                           where status = 'inactive' order by 1`;
  assertEquals(retired.map((r) => r.member_number), ["G19", "G20"]);
});

test("the guard at exactly a ratio binary floating point cannot hold (29 of 50 at 0.58) retires", async () => {
  await resetAll();
  const rows = Array.from({ length: 50 }, (_, i) => [i + 1, `H${i + 1}`, "Fl", "Oat", "Active"]);
  await my.query(
    `insert into member (MemberID, MemberNumber, FirstName, LastName, Status) values ?`,
    [rows],
  );
  const ratio = serveFunctions({ ...env, SYNC_MAX_DEACTIVATE_RATIO: "0.58" });
  try {
    const members = { tables: ["members"] };
    assertEquals((await sync(members, ratio.fn("sync"))).body.tables.members.inserted, 50);
    // 29 of 50 is 0.58 exactly: not more than the ratio, so it is retired.
    await my.query(`delete from member where MemberID > 21`);
    const res = await sync(members, ratio.fn("sync"));
    assertEquals(
      [res.body.status, res.body.tables.members.deactivated],
      ["completed", 29],
      JSON.stringify(res.body),
    );
  } finally {
    await ratio.close();
  }
});

test("a walk resumed over several invocations retires in its last one, under one sync_id", async () => {
  await resetAll();
  await loadQuirkySource();
  assertEquals((await sync()).body.status, "completed");
  await my.query(`delete from member where MemberID = 14`);
  const small = serveFunctions({ ...env, SYNC_ROWS_PER_INVOCATION: "10" });
  try {
    const reports = [];
    let res;
    do {
      // A full comparison (asked for once, kept by the resumptions) reads
      // every row, so the budget of 10 rows spans several invocations.
      res = await sync(
        { tables: ["members"], full_compare: reports.length === 0 },
        small.fn("sync"),
      );
      assertEquals(res.status, 200, JSON.stringify(res.body));
      reports.push(res.body);
      if (reports.length === 1) {
        // Not retired while the walk is unfinished.
        assertEquals(res.body.status, "partial");
        assertEquals((await member("1014")).status, "active");
      }
    } while (res.body.status === "partial" && reports.length < 20);
    assert(reports.length >= 3, `took ${reports.length} invocations`);
    assertEquals(reports.map((r) => r.status), [
      ...Array(reports.length - 1).fill("partial"),
      "completed",
    ]);
    assertEquals(new Set(reports.map((r) => r.sync_id)).size, 1);
    assertEquals(reports.map((r) => r.resumed), [false, ...Array(reports.length - 1).fill(true)]);
    assertEquals(reports.map((r) => r.details.full_compare), Array(reports.length).fill(true));
    assertEquals(reports.map((r) => r.tables.members.deactivated), [
      ...Array(reports.length - 1).fill(0),
      1,
    ]);
    assertEquals((await member("1014")).status, "inactive");
    assertEquals(
      (await db`select count(*)::int from dev.members where status = 'inactive'`)[0].count,
      5, // 1004, 1005, 1006 (an unknown status) and 1012 were inactive already
    );
    const logs = await db`select table_name, operation, status, records_deactivated
                          from dev.sync_logs where sync_id = ${reports[0].sync_id} order by id`;
    assertEquals(logs.filter((l) => l.operation === "sync_start").length, 1);
    assertEquals(
      logs.filter((l) => l.table_name === "members" && l.status === "completed")
        .map((l) => l.records_deactivated),
      [1],
    );
  } finally {
    await small.close();
  }
});

test("dry_run reports what would change and writes nothing", async () => {
  await resetAll();
  await loadQuirkySource();
  const res = await sync({ dry_run: true });
  assertEquals(res.status, 200);
  assertEquals(res.body.dry_run, true);
  assertEquals(res.body.tables.members.inserted, 37);
  assertEquals((await db`select count(*)::int from dev.members`)[0].count, 0);
  assertEquals((await db`select count(*)::int from dev.sync_logs`)[0].count, 0);
});

test("a dry run reports updates and retirements like the real run, and writes nothing", async () => {
  await resetAll();
  await loadQuirkySource();
  assertEquals((await sync()).body.status, "completed");
  await my.query(`update region set RegionName = 'Northwest Mountain' where RegionID = 3`);
  await my.query(`update facility set FacilityType = 'atct' where FacilityID = 3`);
  await my.query(`update member set LastName = 'Byron' where MemberID = 1`);
  await my.query(`delete from member where MemberID = 20`);
  await my.query(`insert into member (MemberID, MemberNumber, FirstName, LastName, Status)
                  values (42, '1042', 'New', 'Comer', 'Active')`);
  await my.query(`delete from position where PositionID = 2`);
  await my.query(`insert into position (PositionID, MemberNumber, PositionType, Title)
                  values (7, '1002', 'committee', 'Added')`);
  // One of three active positions vanishes: allowed at a ratio of one half.
  const lenient = serveFunctions({ ...env, SYNC_MAX_DEACTIVATE_RATIO: "0.5" });
  const everything = async () => ({
    ...await everythingButLogs(),
    logs: await db`select * from dev.sync_logs order by id`,
  });
  try {
    const before = await everything();
    const dry = await sync({ dry_run: true }, lenient.fn("sync"));
    assertEquals(dry.status, 200, JSON.stringify(dry.body));
    assertEquals([dry.body.status, dry.body.dry_run, dry.body.resumed], ["completed", true, false]);
    assertEquals(await everything(), before);
    const changes = (report: Record<string, Record<string, number>>) =>
      Object.fromEntries(
        Object.entries(report).map((
          [t, r],
        ) => [t, [r.processed, r.inserted, r.updated, r.unchanged, r.deactivated, r.failed]]),
      );
    // [processed, inserted, updated, unchanged, deactivated, failed]
    assertEquals(changes(dry.body.tables), {
      regions: [3, 0, 1, 2, 0, 0],
      facilities: [4, 0, 1, 3, 0, 0],
      members: [41, 1, 1, 35, 1, 4],
      positions: [6, 1, 0, 3, 1, 2],
    });
    const real = await sync({}, lenient.fn("sync"));
    assertEquals(real.body.status, "completed");
    assertEquals(changes(real.body.tables), changes(dry.body.tables));
  } finally {
    await lenient.close();
  }
});

test("a first-load dry run reports the positions the real run inserts", async () => {
  await resetAll();
  await loadQuirkySource();
  const counts = (report: Record<string, Record<string, number>>) =>
    Object.fromEntries(
      Object.entries(report).map(([t, r]) => [t, [r.processed, r.inserted, r.updated, r.failed]]),
    );
  const dry = await sync({ dry_run: true });
  assertEquals(dry.body.status, "completed");
  const real = await sync();
  assertEquals(real.body.status, "completed");
  // [processed, inserted, updated, failed]; positions: 4 inserted, 2 rejected.
  assertEquals(counts(dry.body.tables), counts(real.body.tables));
});

test("rows the database refuses are isolated; the rest of their batch lands", async () => {
  await resetAll();
  await loadQuirkySource();
  // Postgres text cannot hold NUL; MySQL can. The mapping lets it through,
  // so Postgres refuses that row and the batch is split around it.
  await my.query(`update member set FirstName = concat('Nu', char(0), 'l') where MemberID = 15`);
  const res = await sync({ tables: ["regions", "facilities", "members"] });
  assertEquals(res.status, 200);
  assertEquals(res.body.tables.members.failed, 5);
  assertEquals(res.body.tables.members.inserted, 36);
  assertEquals(await member("1015"), undefined);
  assertEquals((await member("1014")).last_name, "Ber14"); // same batch, landed
  assertEquals((await member("1016")).last_name, "Ber16");
  const [log] = await db`select error_details from dev.sync_logs
                         where table_name = 'members' and sync_id = ${res.body.sync_id}`;
  const refused = log.error_details.rejected.find((r: { key: string }) => r.key === "1015");
  assert(refused?.reason.startsWith("rejected by the database"), JSON.stringify(refused));
});

test("the environment keeps production apart", async () => {
  const before = await db`select count(*)::int, max(updated_at) from public.members`;
  const res = await sync();
  assertEquals(res.body.status, "completed");
  assertEquals(await db`select count(*)::int, max(updated_at) from public.members`, before);
  assertEquals(
    (await db`select count(*)::int from public.sync_logs where sync_id = ${res.body.sync_id}`)[0]
      .count,
    0,
  );
});

test("a second concurrent run gets 409 sync_in_progress", async () => {
  const holder = await db.reserve();
  try {
    await holder`begin`;
    await holder`select pg_advisory_xact_lock(hashtextextended('mynatca.sync.dev', 0))`;
    const res = await sync();
    assertEquals(res.status, 409);
    assertEquals(res.body.error.code, "sync_in_progress");
  } finally {
    await holder`rollback`;
    holder.release();
  }
});

test("a run that meets its row budget or deadline resumes from its cursor", async () => {
  await resetAll();
  await loadQuirkySource();
  const small = serveFunctions({ ...env, SYNC_ROWS_PER_INVOCATION: "10" });
  try {
    const statuses: string[] = [];
    let res;
    do {
      // Full rows (the mode is kept by the resumptions): one row of budget each.
      res = await sync({ full_compare: statuses.length === 0 }, small.fn("sync"));
      assertEquals(res.status, 200);
      statuses.push(res.body.status);
    } while (res.body.status === "partial" && statuses.length < 20);
    assertEquals(res.body.status, "completed");
    assert(statuses.length >= 5, `took ${statuses.length} invocations`);
    assertEquals(res.body.resumed, true);
    assertEquals((await db`select count(*)::int from dev.members`)[0].count, 37);
    assertEquals((await db`select count(*)::int from dev.positions`)[0].count, 4);
    assertEquals((await db`select count(*)::int from dev.sync_cursor`)[0].count, 0);
  } finally {
    await small.close();
  }
  const late = serveFunctions({ ...env, SYNC_TIMEOUT: "1" });
  try {
    const res = await sync({}, late.fn("sync"));
    assertEquals(res.body.status, "partial");
    assertEquals((await db`select count(*)::int from dev.sync_cursor`)[0].count, 1);
  } finally {
    await late.close();
  }
  assertEquals((await sync()).body.status, "completed");
});

test("a cursor older than MAX_SYNC_AGE is not resumed", async () => {
  await resetAll();
  await loadQuirkySource();
  await db`insert into dev.sync_cursor (sync_id, tables, table_name, after_id, updated_at)
           values (gen_random_uuid(), '{regions,facilities,members,positions}', 'members', 30,
                   now() - interval '2 days')`;
  const res = await sync();
  assertEquals(res.body.status, "completed");
  assertEquals(res.body.resumed, false);
  assertEquals((await db`select count(*)::int from dev.members`)[0].count, 37);
});

/** A TCP relay to MariaDB that the test can break and mend. */
function faultyRelay(target = STACK_MY_PORT) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const open = new Set<Deno.Conn>();
  // refused, cuts and accepted count what actually happened, so a test can
  // tell that its faults fired.
  const state = {
    refuse: 0,
    /** Refuse every connection after this many were accepted (the server is gone for good). */
    acceptAtMost: Infinity,
    cutAfterBytes: Infinity,
    relayed: 0,
    refused: 0,
    cuts: 0,
    accepted: 0,
  };
  (async () => {
    for await (const client of listener) {
      if (state.refuse > 0 || state.accepted >= state.acceptAtMost) {
        if (state.refuse > 0) state.refuse--;
        state.refused++;
        client.close();
        continue;
      }
      state.accepted++;
      const upstream = await Deno.connect({ hostname: "127.0.0.1", port: target });
      open.add(client).add(upstream);
      const pipe = async (from: Deno.Conn, to: Deno.Conn, count: boolean) => {
        const buf = new Uint8Array(16384);
        try {
          for (;;) {
            const n = await from.read(buf);
            if (n === null) break;
            if (count && (state.relayed += n) > state.cutAfterBytes) {
              state.cutAfterBytes = Infinity;
              state.cuts++;
              throw new Error("cut");
            }
            await to.write(buf.subarray(0, n));
          }
        } catch { /* cut or closed */ }
        for (const c of [from, to]) {
          try {
            c.close();
          } catch { /* already closed */ }
          open.delete(c);
        }
      };
      pipe(client, upstream, false);
      pipe(upstream, client, true);
    }
  })().catch(() => {});
  return {
    port: (listener.addr as Deno.NetAddr).port,
    state,
    close() {
      listener.close();
      for (const c of open) {
        try {
          c.close();
        } catch { /* closed */ }
      }
    },
  };
}

test("MySQL faults: refused connections and a connection cut mid-run are retried", async () => {
  await resetAll();
  await loadQuirkySource();
  const relay = faultyRelay();
  const flaky = serveFunctions({ ...env, MYSQL_PORT: String(relay.port), SYNC_RETRY_COUNT: "4" });
  try {
    relay.state.refuse = 2; // the first two connection attempts fail
    relay.state.cutAfterBytes = 3000; // and the first connection dies mid-run
    const res = await sync({}, flaky.fn("sync"));
    assertEquals(res.status, 200, JSON.stringify(res.body));
    assertEquals(res.body.status, "completed");
    // Both faults fired: two refusals, one cut, and a connection opened after the cut.
    assertEquals([relay.state.refused, relay.state.cuts], [2, 1]);
    assert(relay.state.accepted >= 2, `accepted ${relay.state.accepted} connections`);
    assertEquals((await db`select count(*)::int from dev.members`)[0].count, 37);
    assertEquals((await db`select count(*)::int from dev.positions`)[0].count, 4);
  } finally {
    relay.close();
    await flaky.close();
  }
});

test("MariaDB gone mid-run: a JSON 503 and a sync_error row, nothing retired, the next runs complete", async () => {
  await resetAll();
  await loadQuirkySource();
  assertEquals((await sync()).body.status, "completed");
  const statuses = async () =>
    await db`select member_number, status from dev.members order by member_number`;
  const before = await statuses();
  const relay = faultyRelay();
  const dying = serveFunctions({
    ...env,
    MYSQL_PORT: String(relay.port),
    SYNC_RETRY_COUNT: "2",
    SYNC_BATCH_SIZE: "5",
  });
  try {
    // The server dies after the first pages and does not come back.
    relay.state.cutAfterBytes = 2500;
    relay.state.acceptAtMost = 1;
    const started = Date.now();
    const res = await sync({}, dying.fn("sync"));
    assertEquals(res.status, 503, JSON.stringify(res.body));
    assertEquals(res.body.error.code, "unavailable");
    assert(Date.now() - started < 30_000, "answered within its deadline");
    assertEquals(relay.state.cuts, 1);
    const [row] = await db`select status, error_details from dev.sync_logs
                           where sync_id = ${res.body.error.details.sync_id}
                             and operation = 'sync_error' and table_name is null`;
    assertEquals(row.status, "failed");
    assertEquals(row.error_details.reason, "the legacy MySQL database failed during the run");
    assertEquals(await statuses(), before, "nothing retired or deleted");
    assert(relay.state.refused >= 1, "reconnecting was refused");
    // MariaDB is back: the next runs complete with every valid source member.
    relay.state.acceptAtMost = Infinity;
    let next;
    for (let i = 0; i < 3; i++) {
      next = await sync({}, dying.fn("sync"));
      if (next.body.status === "completed") break;
    }
    assertEquals(next?.body.status, "completed", JSON.stringify(next?.body));
    assertEquals(await statuses(), before);
  } finally {
    relay.close();
    await dying.close();
  }
});

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

test("MySQL unreachable after retries: 503, a sync_error row, nothing else changed", async () => {
  await resetAll();
  await loadQuirkySource();
  assertEquals((await sync()).body.status, "completed");
  const before = await everythingButLogs();
  assert(before.members.length > 0 && before.validationSummaries.length > 0, "fixture is empty");
  const [{ max }] = await db`select coalesce(max(id), 0)::int as max from dev.sync_logs`;
  const down = serveFunctions({ ...env, MYSQL_PORT: "9", SYNC_RETRY_COUNT: "2" });
  try {
    const res = await sync({}, down.fn("sync"));
    assertEquals(res.status, 503);
    assertEquals(res.body.error.code, "unavailable");
    // Health-check alerts come from pg_cron's own job, not from this run.
    const rows = await db`select sync_id, table_name, operation, status, error_details
                          from dev.sync_logs
                          where id > ${max} and table_name is distinct from 'health_check'
                          order by id`;
    assertEquals(rows.map((r) => [r.table_name, r.operation, r.status]), [
      [null, "sync_start", "started"],
      [null, "sync_error", "failed"],
    ]);
    assertEquals(new Set(rows.map((r) => r.sync_id)).size, 1);
    assertEquals(rows[1].error_details.reason, "the legacy MySQL database is unreachable");
    assertEquals(await everythingButLogs(), before);
  } finally {
    await down.close();
  }
});

test("GET /sync reports health both ways", async () => {
  await db`truncate dev.sync_logs`;
  assertEquals((await sync()).body.status, "completed");
  const healthy = await call(`${SYNC}?environment=development`, {
    method: "GET",
    token: SERVICE_KEY,
  });
  assertEquals(healthy.status, 200);
  assertEquals(healthy.body.healthy, true);
  assert(healthy.body.age_ms >= 0 && healthy.body.last_success_at);
  const strict = serveFunctions({ ...env, MAX_SYNC_AGE: "1" });
  try {
    await new Promise((r) => setTimeout(r, 5));
    const stale = await call(`${strict.fn("sync")}?environment=development`, {
      method: "GET",
      token: SERVICE_KEY,
    });
    assertEquals(stale.status, 503);
    assertEquals(stale.body.healthy, false);
  } finally {
    await strict.close();
  }
  const bad = await call(`${SYNC}?environment=staging`, { method: "GET", token: SERVICE_KEY });
  assertEquals(bad.status, 400);
});

test("sync needs the service key on both methods", async () => {
  for (const method of ["GET", "POST"]) {
    for (const token of [undefined, "nope", BOT_KEY]) {
      const res = await call(SYNC, { method, token, body: method === "POST" ? {} : undefined });
      assertEquals(res.status, 401, `${method} ${token}`);
    }
  }
  const bad = await call(SYNC, { token: SERVICE_KEY, body: { tables: ["users"] } });
  assertEquals(bad.status, 400);
});
