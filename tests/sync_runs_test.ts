// Runs of the sync as a whole: dry runs, one run at a time, resuming from a
// cursor, health, and who may call it.
import { assert, assertEquals } from "./assert.ts";
import { BOT_KEY, call, db, serveFunctions, SERVICE_KEY, test } from "./helpers.ts";
import { syncSource } from "./support/sync_source.ts";
import { SYNC_TABLES } from "../shared/sync/tables.ts";
import { HASH_BUCKET } from "../shared/sync/change_detection/source_hashes.ts";
import { hashTable } from "../shared/sync/change_detection/stored_hashes.ts";

const { my, env, SYNC, sync, resetAll, loadQuirkySource, everythingButLogs } = await syncSource(
  "mynatca_sync_runs_test",
);

/**
 * POST /sync to `server` until the run completes (at most `max` times), as
 * pg_cron's resume job calls it; `first` is the first invocation's body.
 * Every answer must be 200. Returns the answers' bodies.
 */
async function invokeUntilDone(
  server: ReturnType<typeof serveFunctions>,
  first: Record<string, unknown> = {},
  max = 40,
) {
  const bodies = [];
  do {
    const res = await sync(bodies.length === 0 ? first : {}, server.fn("sync"));
    assertEquals(res.status, 200, JSON.stringify(res.body));
    bodies.push(res.body);
  } while (bodies.at(-1).status === "partial" && bodies.length < max);
  return bodies;
}

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
    // Full rows (the mode is kept by the resumptions): one row of budget each.
    const bodies = await invokeUntilDone(small, { full_compare: true }, 20);
    const last = bodies.at(-1);
    assertEquals(last.status, "completed");
    assert(bodies.length >= 5, `took ${bodies.length} invocations`);
    assertEquals(last.resumed, true);
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

test("a hash-path run in which every record differs stays within the row budget", async () => {
  await resetAll();
  await loadQuirkySource();
  assertEquals((await sync()).body.status, "completed");
  // Every stored hash forgotten: every bucket differs, every record is read.
  await db.unsafe(`truncate ${SYNC_TABLES.map((t) => hashTable("dev", t)).join(", ")}`);
  const small = serveFunctions({ ...env, SYNC_ROWS_PER_INVOCATION: "10" });
  try {
    const bodies = await invokeUntilDone(small);
    assertEquals(bodies.at(-1).status, "completed");
    assert(bodies.every((b) => !b.details.full_compare), "the hash path ran");
    const walked = bodies.map((b) =>
      Object.values(b.tables as Record<string, { processed: number }>)
        .reduce((n, t) => n + t.processed, 0)
    );
    // Ten rows of budget: a page is cut at the bucket that would pass it, but
    // always keeps one bucket (at most HASH_BUCKET records) so the walk moves on.
    assert(
      walked.every((n) => n <= 10 + HASH_BUCKET),
      `records walked per invocation: ${walked.join(", ")}`,
    );
    assert(walked.length >= 4, `took ${walked.length} invocations`);
  } finally {
    await small.close();
  }
});

test("a full comparison resumed across a duplicate key keeps the earlier record", async () => {
  await resetAll();
  await loadQuirkySource();
  // The same member number twice once trimmed, thirty records apart: with
  // ten rows of budget the two are walked by different invocations.
  const filler = Array.from(
    { length: 30 },
    (_, i) => [901 + i, `FILL${i}`, "Fill", "Er", "Active"],
  );
  await my.query(
    `insert into member (MemberID, MemberNumber, FirstName, LastName, Status) values ?`,
    [[[900, "DUPX", "Earlier", "One", "Active"], ...filler, [
      950,
      " DUPX",
      "Later",
      "One",
      "Active",
    ]]],
  );
  const small = serveFunctions({ ...env, SYNC_BATCH_SIZE: "5", SYNC_ROWS_PER_INVOCATION: "10" });
  try {
    const bodies = await invokeUntilDone(small, { full_compare: true });
    assertEquals(bodies.at(-1).status, "completed");
    assertEquals(bodies.at(-1).details.full_compare, true);
    assert(bodies.length >= 4, `took ${bodies.length} invocations`);
    const [dup] = await db`select first_name from dev.members where member_number = 'DUPX'`;
    assertEquals(dup.first_name, "Earlier");
    const logged = await db`select error_details from dev.sync_logs
                            where sync_id = ${bodies[0].sync_id} and table_name = 'members'`;
    const rejected = logged.flatMap((l) => l.error_details?.rejected ?? []);
    assert(
      rejected.some((r: { key: string; reason: string }) =>
        r.key === "950" && r.reason.includes("duplicate")
      ),
      JSON.stringify(rejected),
    );
  } finally {
    await small.close();
  }
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
