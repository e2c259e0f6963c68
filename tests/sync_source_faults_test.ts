// The legacy MySQL source failing under a run: refused connections, a
// connection cut mid-run, the server gone for good, or never reachable.
import { assert, assertEquals } from "./assert.ts";
import { db, serveFunctions, test } from "./helpers.ts";
import { syncSource } from "./support/sync_source.ts";
import { tcpRelay } from "./support/tcp_relay.ts";

const { env, sync, resetAll, loadQuirkySource, everythingButLogs } = await syncSource(
  "mynatca_sync_faults_test",
);

test("MySQL faults: refused connections and a connection cut mid-run are retried", async () => {
  await resetAll();
  await loadQuirkySource();
  const relay = tcpRelay();
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
  const everything = await everythingButLogs();
  const relay = tcpRelay();
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
    // Nothing retired, deleted or validated, in any table; only the cursor
    // the next invocation resumes from is new.
    const { cursor, ...after } = await everythingButLogs();
    const { cursor: none, ...expected } = everything;
    assertEquals(after, expected, "nothing retired or deleted");
    assertEquals(none.length, 0);
    assertEquals(cursor.map((c) => c.sync_id), [res.body.error.details.sync_id]);
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
