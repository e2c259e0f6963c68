// The hash path against full comparisons and fresh full syncs, over seeded
// rounds of random edits to a real MariaDB source (local/sync_property.ts).
import { assert, assertEquals } from "./assert.ts";
import {
  afterAll,
  baseEnv,
  call,
  db,
  SCHEDULER_KEY,
  serveFunctions,
  SERVICE_KEY,
  test,
} from "./helpers.ts";
import { HASH_BUCKET, MAPPING_VERSION } from "../shared/sync/change_detection/source_hashes.ts";
import { loadDemoData, mysqlConnect, recreateSourceDatabase, scaled } from "../local/demo_data.ts";
import { loadConfig } from "../shared/config.ts";
import { closePools, getSql } from "../shared/db.ts";
import { syncConfig } from "../shared/sync/config.ts";
import { checkIncrementalSync } from "../local/sync_property.ts";
import { runSync } from "../shared/sync/run.ts";

const SOURCE_DB = "mynatca_sync_property_test";
const my = await recreateSourceDatabase(SOURCE_DB);
// Small pages, so every table spans several key pages and write batches.
const config = loadConfig(syncConfig, {
  ...baseEnv(),
  MYSQL_DB: SOURCE_DB,
  SYNC_BATCH_SIZE: "13",
  // Random deletes of a small source pass the retirement guard's share (the
  // guard has tests of its own).
  SYNC_MAX_DEACTIVATE_RATIO: "1",
  LOG_LEVEL: "silent",
});
const sql = getSql(config, "sync-property-test");
const server = serveFunctions({
  ...baseEnv(),
  MYSQL_DB: SOURCE_DB,
  SYNC_FULL_COMPARE_EVERY: "3",
  SYNC_MAX_DEACTIVATE_RATIO: "1",
});
const sync = (body: Record<string, unknown> = {}, token = SERVICE_KEY) =>
  call(server.fn("sync"), { token, body: { environment: "development", ...body } });

afterAll(async () => {
  await server.close();
  await my.end();
  await closePools();
  const admin = await mysqlConnect("mysql");
  await admin.query(`drop database if exists ${SOURCE_DB}`);
  await admin.end();
});

test("after random edits, the hash path equals a full comparison and a fresh full sync", async () => {
  await loadDemoData(my, scaled(300));
  await checkIncrementalSync({ sql, config, my, seed: 19, rounds: 6, edits: 30 });
});

test("full_compare: true reports and repairs what the hash path cannot see", async () => {
  assertEquals((await sync({ full_compare: true })).status, 200);
  const [{ member_number }] = await db`update dev.members set first_name = 'Edited by hand'
    where member_number = (select min(member_number) from dev.members where first_name <> 'Edited by hand')
    returning member_number`;
  const byHashes = await sync();
  assertEquals(byHashes.body.details.full_compare, false);
  assertEquals(byHashes.body.details.drift, undefined);
  assertEquals(byHashes.body.tables.members.updated, 0, "the source hash did not change");
  const full = await sync({ full_compare: true });
  assertEquals(full.body.details.full_compare, true);
  assertEquals(full.body.details.full_compare_reason, "requested");
  assertEquals(full.body.details.drift.members, { rows: 1, keys: [member_number] });
  assertEquals(full.body.details.drift.positions, { rows: 0, keys: [] });
  assertEquals(full.body.tables.members.updated, 1);
  const [row] = await db`select first_name from dev.members where member_number = ${member_number}`;
  assert(row.first_name !== "Edited by hand", "repaired");
  const [logged] = await db`select error_details from dev.sync_logs
    where sync_id = ${full.body.sync_id} and table_name = 'members'`;
  assertEquals(logged.error_details.drift, [member_number]);
  assertEquals(logged.error_details.drift_total, 1);
  assertEquals((await sync({ full_compare: true })).body.details.drift.members.rows, 0);
});

test("every SYNC_FULL_COMPARE_EVERY-th scheduled run compares full rows, and so does a new mapping version", async () => {
  assertEquals((await sync({ full_compare: true })).status, 200);
  await db`update private.dev_sync_state set scheduled_runs = 0`;
  const modes = [];
  for (const token of [SCHEDULER_KEY, SERVICE_KEY, SCHEDULER_KEY, SCHEDULER_KEY, SCHEDULER_KEY]) {
    const res = await sync({}, token);
    assertEquals(res.status, 200, JSON.stringify(res.body));
    modes.push(res.body.details.full_compare_reason ?? "hashes");
  }
  // The operator's call (the second) is not counted; the third scheduled one compares.
  assertEquals(modes, ["hashes", "hashes", "hashes", "scheduled", "hashes"]);
  const [state] = await db`select scheduled_runs::int as runs from private.dev_sync_state`;
  assertEquals(state.runs, 4);

  await db`update private.dev_sync_state set mapping_version = ${MAPPING_VERSION - 1}`;
  const redeployed = await sync();
  assertEquals(redeployed.body.details.full_compare_reason, "mapping_version");
  const [after] = await db`select mapping_version from private.dev_sync_state`;
  assertEquals(after.mapping_version, MAPPING_VERSION, "a completed full comparison stores it");
  assertEquals((await sync()).body.details.full_compare, false);
});

test("an active position whose end date has passed is read again though its source row did not change", async () => {
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  // A whole bucket of new, valid positions (of a member the sync wrote), so
  // that once synced its sums match and only the recheck makes the run read
  // one of them again.
  const [{ member_number }] = await db`select min(member_number) as member_number
    from dev.members where status = 'active'`;
  const first = 4096 * HASH_BUCKET;
  const id = first + 3;
  await my.query(
    `insert into position (PositionID, MemberNumber, PositionType, Title, StartDate) values ?`,
    [
      Array.from(
        { length: HASH_BUCKET },
        (_, i) => [first + i, member_number, "FacRep", "Bucket", "2020-01-01"],
      ),
    ],
  );
  assertEquals((await sync()).status, 200);
  await my.query(`update position set EndDate = ? where PositionID = ?`, [yesterday, id]);
  assertEquals((await sync()).status, 200);
  // As the run of the day before wrote it: still active, its hash stored.
  const [p] = await db`update dev.positions set active = true
    where source_id = ${id} and end_date = ${yesterday} returning source_id`;
  assert(p, "the position was synced with its end date");
  const res = await sync();
  assertEquals(res.body.details.full_compare, false);
  assertEquals(res.body.tables.positions.updated, 1);
  const [now] = await db`select active from dev.positions where source_id = ${id}`;
  assertEquals(now.active, false);
});

test("a key taken across buckets: the earlier record wins, whichever bucket still matches", async () => {
  // Two groups of members in buckets of their own, at the end of the source.
  const early = 4200 * HASH_BUCKET;
  const late = early + 4 * HASH_BUCKET;
  const ids = [...Array(8).keys()].flatMap((i) => [early + i, late + i]);
  const number = (id: number) => `X${id}`;
  await my.query(
    `insert into member (MemberID, MemberNumber, FirstName, LastName, Status) values ?`,
    [ids.map((id) => [id, number(id), `First ${id}`, "Bucket", "Active"])],
  );
  // Large pages (both groups in one page), then pages of ten records (the
  // later group's records in a later page than the earlier one's).
  const small = { ...config, SYNC_BATCH_SIZE: 1 };
  const runs = [
    async () => (await sync()).body,
    () => runSync(sql, small, { environment: "development", deadline: Date.now() + 60_000 }),
  ];
  const firstName = async (id: number) =>
    (await db`select first_name from dev.members where member_number = ${number(id)}`)[0]
      .first_name;
  const rejected = async (syncId: string) =>
    ((await db`select error_details from dev.sync_logs
               where sync_id = ${syncId} and table_name = 'members'`)[0]?.error_details
      ?.rejected ?? []).map((r: { key: string }) => Number(r.key));
  for (const run of runs) {
    assertEquals((await run()).status, "completed");
    // A later record takes the key of an earlier one whose bucket matches:
    // it is the duplicate, and the earlier record's row stays as it was.
    // (The source's unique key allows this only with a space the mapping trims.)
    await my.query(`update member set MemberNumber = ? where MemberID = ?`, [
      ` ${number(early + 1)}`,
      late + 2,
    ]);
    const taken = await run();
    assert((await rejected(taken.sync_id)).includes(late + 2), "the later record is rejected");
    assertEquals(await firstName(early + 1), `First ${early + 1}`);
    await my.query(`update member set MemberNumber = ? where MemberID = ?`, [
      number(late + 2),
      late + 2,
    ]);
    assertEquals((await run()).status, "completed");
    // An earlier record takes the key of a later one whose bucket matches:
    // the earlier record wins, and the later one is the duplicate.
    await my.query(`update member set MemberNumber = ?, FirstName = 'Earlier' where MemberID = ?`, [
      ` ${number(late + 5)}`,
      early + 3,
    ]);
    const takes = await run();
    assert((await rejected(takes.sync_id)).includes(late + 5), "the later record is rejected");
    assertEquals(await firstName(late + 5), "Earlier");
    // Back as they were, for the next page size.
    await my.query(`update member set MemberNumber = ?, FirstName = ? where MemberID = ?`, [
      number(early + 3),
      `First ${early + 3}`,
      early + 3,
    ]);
    await db`update dev.members set status = 'active' where member_number like 'X%'`;
  }
  await my.query(`delete from member where MemberID in (?)`, [ids]);
  assertEquals((await sync({ full_compare: true })).status, 200);
});

test("a row written with a notice keeps no usable hash: the source's way back is read", async () => {
  // A bucket of members of its own, so its sums match once synced.
  const first = 4400 * HASH_BUCKET;
  const ids = [...Array(HASH_BUCKET).keys()].map((i) => first + i);
  await my.query(
    `insert into member (MemberID, MemberNumber, FirstName, LastName, Status) values ?`,
    [ids.map((id) => [id, `N${id}`, "Notice", "Bucket", "Active"])],
  );
  const status = async () =>
    (await db`select status from dev.members where member_number = ${`N${first}`}`)[0].status;
  try {
    assertEquals((await sync()).body.status, "completed");
    assertEquals(await status(), "active");
    // An unknown status: written as inactive, with a notice.
    await my.query(`update member set Status = 'On Leave' where MemberID = ?`, [first]);
    assertEquals((await sync()).body.status, "completed");
    assertEquals(await status(), "inactive");
    // Back to the very row it was: its hash is the one stored before the notice.
    await my.query(`update member set Status = 'Active' where MemberID = ?`, [first]);
    const back = await sync();
    assertEquals(back.body.details.full_compare, false);
    assertEquals(await status(), "active");
  } finally {
    await my.query(`delete from member where MemberID in (?)`, [ids]);
    assertEquals((await sync({ full_compare: true })).status, 200);
  }
});
