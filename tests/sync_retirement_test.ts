// Rows that vanish from the source are retired, never deleted, and the
// guard that refuses a mass retirement (docs/sync.md, "Retirement").
import { assert, assertEquals } from "./assert.ts";
import { db, serveFunctions, test } from "./helpers.ts";
import { syncSource } from "./support/sync_source.ts";
import { SYNC_TABLES } from "../shared/sync/tables.ts";

const { my, env, sync, resetAll, loadQuirkySource, member } = await syncSource(
  "mynatca_sync_retirement_test",
);

test("a vanished member becomes inactive, never deleted", async () => {
  await resetAll();
  await loadQuirkySource();
  assertEquals((await sync()).body.status, "completed");
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
  // A linked member: against an empty source every link would be "missing",
  // and the bot would take everyone's roles.
  await db`update dev.members set discord_id = '300000000000000001', discord_verified = true,
           verified_at = now() where member_number = '1001'`;
  const empty = await sync({ tables: ["members", "positions"] });
  const checked = await db`select run_id from discord_dev.validation_summaries
                           where sync_id = ${empty.body.sync_id}`;
  assertEquals(checked.length, 0, "no link is validated against an empty source");
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
