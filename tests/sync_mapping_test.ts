// The sync's mapping over real HTTP, from a real MariaDB database of crafted
// rows into the development schemas of the real Postgres: every rule of
// docs/sync.md, an unchanged source writing nothing, rows Postgres refuses,
// and production left alone.
import { assert, assertEquals } from "./assert.ts";
import { db, test } from "./helpers.ts";
import { syncSource } from "./support/sync_source.ts";
import { SYNC_TABLES } from "../shared/sync/tables.ts";

const { my, sync, resetAll, loadQuirkySource, member } = await syncSource(
  "mynatca_sync_mapping_test",
);

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
