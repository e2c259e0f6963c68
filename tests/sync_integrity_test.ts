// The sync under odd data and faults a real legacy database produces: an
// unknown status fails closed, retirement keeps history, the guard caps
// counts, every failure is on record, rejected records name their member.
import { assert, assertEquals, assertMatch } from "./assert.ts";
import {
  afterAll,
  baseEnv,
  blockedOnLocks,
  call,
  captureLog,
  db,
  insertMember,
  serveFunctions,
  SERVICE_KEY,
  test,
} from "./helpers.ts";
import { mysqlConnect, recreateSourceDatabase } from "../local/demo_data.ts";
import { withSyncLock } from "../shared/sync/lock.ts";

const SOURCE_DB = "mynatca_integrity_test";
const NARROW_USER = "mynatca_narrow";
const NARROW_PASS = "Pw-7c1e4a9f-narrow-secret";
const my = await recreateSourceDatabase(SOURCE_DB);
const env = { ...baseEnv(), MYSQL_DB: SOURCE_DB };
const server = serveFunctions(env);

afterAll(async () => {
  await server.close();
  await my.end();
  const admin = await mysqlConnect("mysql");
  await admin.query(`drop database if exists ${SOURCE_DB}`);
  await admin.query(`drop user if exists '${NARROW_USER}'@'%'`);
  await admin.end();
});

const sync = (body: Record<string, unknown> = {}, url = server.fn("sync")) =>
  call(url, { token: SERVICE_KEY, body: { environment: "development", ...body } });

async function reset(members: [string, string][]) {
  await db`truncate dev.positions, dev.members, dev.facilities, dev.regions, dev.sync_logs,
           dev.sync_cursor, discord_dev.validation_logs, discord_dev.validation_summaries cascade`;
  for (const t of ["position", "member", "facility", "region"]) await my.query(`delete from ${t}`);
  await my.query(
    `insert into member (MemberID, MemberNumber, FirstName, LastName, Status) values ?`,
    [members.map(([n, s], i) => [i + 1, n, "Int", "Egrity", s])],
  );
}
const statusOf = async (n: string) =>
  (await db`select status from dev.members where member_number = ${n}`)[0]?.status;
const many = (prefix: string, count: number, status = "Active") =>
  Array.from({ length: count }, (_, i) => [`${prefix}${i + 1}`, status] as [string, string]);

test("a linked member whose source status becomes unknown fails closed", async () => {
  await reset([["U1", "Active"], ...many("UX", 20)]);
  assertEquals((await sync({ tables: ["members"] })).body.status, "completed");
  await db`update dev.members set discord_id = '41111111111111111', discord_verified = true
           where member_number = 'U1'`;
  await my.query(`update member set Status = 'Terminated' where MemberNumber = 'U1'`);
  const res = await sync({ tables: ["members"] });
  assertEquals(res.body.status, "completed");
  assertEquals(await statusOf("U1"), "inactive");
  const [row] = await db`select error_details from dev.sync_logs
                         where sync_id = ${res.body.sync_id} and table_name = 'members'`;
  assertEquals(row.error_details.replaced, [
    { key: "1", member_number: "U1", kind: "unknown_status", value: "Terminated" },
  ]);
  const [check] = await db`select result, reason from discord_dev.validation_logs
                           where member_number = 'U1' order by id desc limit 1`;
  assertEquals([check.result, check.reason], ["inactive", "member status is inactive"]);
  const view = await db`select member_number from discord_dev.ineligible_links`;
  assertEquals(view.map((v) => v.member_number), ["U1"]);
});

test("retirement: retired and deceased keep their status, active and suspended become inactive", async () => {
  const kept: [string, string][] = [["R1", "Retired"], ["D1", "Deceased"], ["S1", "Suspended"], [
    "A1",
    "Active",
  ]];
  await reset([...kept, ...many("RX", 40)]);
  assertEquals((await sync({ tables: ["members"] })).body.status, "completed");
  await my.query(`delete from member where MemberNumber in ('R1', 'D1', 'S1', 'A1')`);
  const res = await sync({ tables: ["members"] });
  assertEquals(res.body.status, "completed");
  assertEquals(res.body.tables.members.deactivated, 2);
  assertEquals(
    [await statusOf("R1"), await statusOf("D1"), await statusOf("S1"), await statusOf("A1")],
    ["retired", "deceased", "inactive", "inactive"],
  );
});

test("the guard caps the count as well as the share", async () => {
  const capped = serveFunctions({
    ...env,
    SYNC_MAX_DEACTIVATE: "2",
    SYNC_MAX_DEACTIVATE_RATIO: "1",
  });
  try {
    await reset(many("G", 10));
    assertEquals((await sync({ tables: ["members"] }, capped.fn("sync"))).body.status, "completed");
    await my.query(`delete from member where MemberNumber in ('G1', 'G2', 'G3')`);
    const refused = await sync({ tables: ["members"] }, capped.fn("sync"));
    assertEquals(refused.body.status, "partial");
    assertEquals(refused.body.tables.members.deactivated, 0);
    // The report says 0 whenever it refuses: the rows themselves must still be active.
    assertEquals(
      [await statusOf("G1"), await statusOf("G2"), await statusOf("G3")],
      ["active", "active", "active"],
    );
    const [row] = await db`select status, error_details from dev.sync_logs
                           where sync_id = ${refused.body.sync_id} and table_name = 'members'`;
    assertEquals(row.status, "deactivation_refused");
    assertMatch(
      row.error_details.deactivation_refused,
      /^3 of 10 active members vanished from the source, more than SYNC_MAX_DEACTIVATE=2/,
    );
    await my.query(
      `insert into member (MemberID, MemberNumber, FirstName, LastName, Status)
       values (3, 'G3', 'Int', 'Egrity', 'Active')`,
    );
    const allowed = await sync({ tables: ["members"] }, capped.fn("sync"));
    assertEquals(allowed.body.tables.members.deactivated, 2); // at the cap, not over it
  } finally {
    await capped.close();
  }
});

test("rejected records name their member number", async () => {
  await reset([["N1", "Active"], ["N2", "Active"]]);
  await my.query(`update member set LastName = ' ' where MemberNumber = 'N2'`);
  await my.query(`insert into position (PositionID, MemberNumber, PositionType)
                  values (7, 'NOPE', 'facrep'), (8, 'N1', 'Steward')`);
  const res = await sync({ tables: ["members", "positions"] });
  const rows = await db`select table_name, error_details from dev.sync_logs
                        where sync_id = ${res.body.sync_id} and table_name is not null
                        order by table_name`;
  const rejected = Object.fromEntries(rows.map((r) => [r.table_name, r.error_details.rejected]));
  assertEquals(rejected.members.map((r: { member_number: string }) => r.member_number), ["N2"]);
  assertEquals(
    rejected.positions.map((r: { key: string; member_number: string }) => [r.key, r.member_number])
      .sort(),
    [["7", "NOPE"], ["8", "N1"]],
  );
});

test("a failure that is not transient is on record with its code, and a run that keeps failing is abandoned", async () => {
  await reset(many("F", 30));
  // A MySQL user that may not read positions: a privilege error, not a fault
  // a retry can cure. MySQL's own message for it quotes the user name.
  await my.query(`drop user if exists '${NARROW_USER}'@'%'`);
  await my.query(`create user '${NARROW_USER}'@'%' identified by '${NARROW_PASS}'`);
  for (const t of ["region", "facility", "member", "membertype"]) {
    await my.query(`grant select on ${SOURCE_DB}.${t} to '${NARROW_USER}'@'%'`);
  }
  // The function's log, as it would reach Supabase's log explorer.
  const log = captureLog();
  const narrow = serveFunctions({
    ...env,
    LOG_LEVEL: "info",
    MYSQL_USER: NARROW_USER,
    MYSQL_PASS: NARROW_PASS,
    SYNC_BATCH_SIZE: "10",
    SYNC_ROWS_PER_INVOCATION: "20",
    SYNC_MAX_RESUME_FAILURES: "2",
  });
  try {
    const first = await sync({}, narrow.fn("sync"));
    assertEquals(first.body.status, "partial"); // the row budget: a cursor is saved
    // Both resumptions reach positions and fail there; the second is the
    // SYNC_MAX_RESUME_FAILURES-th, so the run is abandoned.
    const failures = [await sync({}, narrow.fn("sync")), await sync({}, narrow.fn("sync"))];
    assertEquals(failures.map((f) => f.status), [500, 500], JSON.stringify(failures));
    const failed = failures[0];
    assertEquals(failed.body.error.code, "internal");
    assertEquals(failed.body.error.details.code, "mysql:ER_TABLEACCESS_DENIED_ERROR/1142");
    assertEquals(failed.body.error.details.sync_id, first.body.sync_id);
    const rows = await db`select operation, status, error_details from dev.sync_logs
                          where sync_id = ${first.body.sync_id} and table_name is null
                            and operation = 'sync_error' order by id`;
    assertEquals(rows.map((r) => r.status), ["failed", "failed", "abandoned"]);
    assertEquals(rows[0].error_details.code, "mysql:ER_TABLEACCESS_DENIED_ERROR/1142");
    assertEquals((await db`select count(*)::int from dev.sync_cursor`)[0].count, 0);
    // A wrong password fails at the start, where MySQL's message names the user too.
    const wrong = serveFunctions({ ...env, LOG_LEVEL: "info", MYSQL_USER: NARROW_USER });
    const refused = await sync({}, wrong.fn("sync"));
    await wrong.close();
    assertEquals(refused.status, 503);
    assertEquals(refused.body.error.details.code, "ER_ACCESS_DENIED_ERROR");
    // Neither the user name nor the password anywhere: the answers, every
    // sync_logs row of these runs, the function's log.
    const logged = await db`select error_details from dev.sync_logs
                            where sync_id in ${
      db([first.body.sync_id, refused.body.error.details.sync_id])
    }`;
    const told = [
      JSON.stringify([first, ...failures, refused]),
      JSON.stringify(logged),
      ...log.lines,
    ];
    assert(log.lines.some((l) => l.includes('"sync_failed"')), "nothing was logged");
    for (const secret of [NARROW_USER, NARROW_PASS]) {
      const leak = told.find((text) => text.includes(secret));
      const at = leak?.indexOf(secret) ?? 0;
      assert(leak === undefined, `${secret} was told: …${leak?.slice(at - 120, at + 80)}…`);
    }
  } finally {
    log.restore();
    await narrow.close();
  }
});

test("runs of the two environments do not block each other", async () => {
  await reset(many("E", 5));
  // Each environment's lock held as a run holds it, on a reserved connection:
  // its own runs are refused, the other environment's run.
  for (
    const [schema, own, other] of [
      ["dev", "development", "production"],
      ["public", "production", "development"],
    ]
  ) {
    await withSyncLock(db, schema, async () => {
      const refused = await sync({ tables: ["regions"], environment: own });
      assertEquals(refused.status, 409, `${own} while its lock is held`);
      assertEquals(refused.body.error.code, "sync_in_progress");
      const free = await sync({ tables: ["regions"], environment: other });
      assertEquals(free.status, 200, `${other} while ${own}'s lock is held`);
      assertEquals(free.body.status, "completed");
    });
  }
});

test("cleanup never expires a request completed while it ran", async () => {
  await db`delete from discord_dev.verification_requests where discord_id = '42222222222222222'`;
  const [req] = await db`insert into discord_dev.verification_requests
                           (discord_id, discord_username, expires_at)
                         values ('42222222222222222', 'race', now() - interval '1 minute')
                         returning verification_id`;
  const member = await insertMember("dev");
  const holder = await db.reserve();
  try {
    await holder`begin`;
    await holder`update discord_dev.verification_requests
                 set status = 'completed', member_number = ${member}, completed_at = now()
                 where verification_id = ${req.verification_id}`;
    const cleaning = call(server.fn("cleanup"), {
      token: SERVICE_KEY,
      body: { environment: "development" },
    });
    // Commit only once cleanup's update is waiting on the row.
    await blockedOnLocks(1);
    await holder`commit`;
    assertEquals((await cleaning).status, 200);
  } finally {
    await holder`rollback`.catch(() => {}); // when the test failed before its commit
    holder.release();
  }
  const [after] = await db`select status from discord_dev.verification_requests
                           where verification_id = ${req.verification_id}`;
  assertEquals(after.status, "completed");
});

test("the health job survives an answer that is not JSON", async () => {
  await db`update private.health_checks set processed = true`;
  await db`delete from private.health_checks where request_id = 990001`;
  await db`delete from net._http_response where id = 990001`;
  await db`insert into net._http_response (id, status_code, content) values
           (990001, 502, '{ not json, from a proxy')`;
  await db`insert into private.health_checks (request_id, environment) values (990001, 'development')`;
  // The job's own command, minus its new request (no function server here).
  await db`truncate dev.sync_logs`;
  await db.unsafe(`select private.check_sync_health('development')`);
  const [alert] =
    await db`select error_details from dev.sync_logs where table_name = 'health_check'`;
  assertEquals(alert.error_details.status_code, 502);
  assertEquals(alert.error_details.health, null);
  assertEquals(alert.error_details.answer, "{ not json, from a proxy");
  const [seen] = await db`select processed from private.health_checks where request_id = 990001`;
  assertEquals(seen.processed, true);
  await db`delete from private.health_checks where request_id = 990001`;
  await db`delete from net._http_response where id = 990001`;
});

test("a member's own email edit stands until the source's email changes", async () => {
  await reset([["EM1", "Active"], ...many("EMX", 20)]);
  await my.query(`update member set Email = 'old@example.org' where MemberNumber = 'EM1'`);
  assertEquals((await sync({ tables: ["members"] })).body.status, "completed");
  const email = async () =>
    (await db`select email, source_email from dev.members where member_number = 'EM1'`)[0];
  assertEquals(await email(), { email: "old@example.org", source_email: "old@example.org" });
  // The member edits their email, as the column privilege allows.
  await db.begin(async (tx) => {
    await tx`select set_config('request.jwt.claims',
               '{"role":"authenticated","https://mynatca.org/member_number":"EM1"}', true)`;
    await tx`set local role authenticated`;
    await tx`update dev.members set email = 'mine@example.org' where member_number = 'EM1'`;
  });
  const [{ updated_at: before }] =
    await db`select updated_at from dev.members where member_number = 'EM1'`;
  const unchanged = await sync({ tables: ["members"] });
  assertEquals(unchanged.body.tables.members.updated, 0);
  assertEquals(await email(), { email: "mine@example.org", source_email: "old@example.org" });
  const [{ updated_at: after }] =
    await db`select updated_at from dev.members where member_number = 'EM1'`;
  assertEquals(after, before);
  // The source's email changes: it wins again.
  await my.query(`update member set Email = 'New@Example.org' where MemberNumber = 'EM1'`);
  const changed = await sync({ tables: ["members"] });
  assertEquals(changed.body.tables.members.updated, 1);
  assertEquals(await email(), { email: "new@example.org", source_email: "new@example.org" });
  // Another change elsewhere in the row keeps a standing edit.
  await db`update dev.members set email = 'again@example.org' where member_number = 'EM1'`;
  await my.query(`update member set LastName = 'Renamed' where MemberNumber = 'EM1'`);
  const renamed = await sync({ tables: ["members"] });
  assertEquals(renamed.body.tables.members.updated, 1);
  assertEquals(
    (await db`select last_name from dev.members where member_number = 'EM1'`)[0].last_name,
    "Renamed",
  );
  assertEquals((await email()).email, "again@example.org");
});

test("a run that loses its lock stops, waits for its writes, records SYNC_LOCK_LOST and answers 503", async () => {
  await reset(many("L", 30)); // MemberID 1..30: L1..L30, five to a page
  const paged = serveFunctions({ ...env, SYNC_BATCH_SIZE: "5" });
  // Uncommitted rows for L6 and L11: the run's writes of pages 2 and 3 wait on them.
  const holders = [await db.reserve(), await db.reserve()];
  try {
    for (const [holder, member] of [[holders[0], "L6"], [holders[1], "L11"]] as const) {
      await holder`begin`;
      await holder`insert into dev.members (member_number, first_name, last_name, status)
                   values (${member}, 'Held', 'Row', 'active')`;
    }
    const running = sync({ tables: ["members"] }, paged.fn("sync"));
    await blockedOnLocks(2);
    const killed = await db`select pg_terminate_backend(l.pid) as done
                            from pg_locks l join pg_stat_activity a on a.pid = l.pid
                            where l.locktype = 'advisory' and l.granted
                              and a.application_name like 'mynatca-%'`;
    assertEquals(killed.map((k) => k.done), [true], "the run's lock connection was ended");
    const lost = Date.now();
    // Page 2's write lands; the next page finds the lock gone. Page 3's write
    // is still in flight, and the run must not answer before it ends.
    await holders[0]`rollback`;
    const early = await Promise.race([
      running,
      new Promise((r) => setTimeout(r, 500)).then(() => undefined),
    ]);
    assertEquals(early, undefined, "answered with a write still in flight");
    await holders[1]`rollback`;
    const res = await running;
    assertEquals(res.status, 503, JSON.stringify(res.body));
    assertEquals(res.body.error.code, "unavailable");
    assertEquals(res.body.error.details.code, "SyncLockLost:SYNC_LOCK_LOST");
    // Noticed at the next page, not when a statement on the dead connection
    // gives up (10 s): the driver never answers on a connection ended under it.
    const noticed = Date.now() - lost;
    assert(noticed < 5_000, `the lost lock was noticed after ${noticed} ms`);
    const written = await db`select member_number from dev.members order by id`;
    assertEquals(
      written.map((m) => m.member_number).sort(),
      many("L", 15).map(([n]) => n).sort(),
      "pages 1 to 3 written, nothing after",
    );
    const [row] = await db`select status, error_details from dev.sync_logs
                           where sync_id = ${res.body.error.details.sync_id}
                             and operation = 'sync_error' and table_name is null`;
    assertEquals(row.status, "failed");
    assertEquals(row.error_details.code, "SyncLockLost:SYNC_LOCK_LOST");
    // The same server resumes the run from its cursor, and completes it.
    const next = await sync({ tables: ["members"] }, paged.fn("sync"));
    assertEquals([next.status, next.body.status, next.body.resumed], [200, "completed", true]);
    assertEquals(next.body.sync_id, res.body.error.details.sync_id);
    assertEquals((await db`select count(*)::int from dev.members`)[0].count, 30);
  } finally {
    for (const holder of holders) {
      await holder`rollback`.catch(() => {});
      holder.release();
    }
    await paged.close();
  }
});
