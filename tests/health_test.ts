// GET /sync health over real HTTP, from run-level rows crafted in sync_logs:
// the age of the last completed run against MAX_SYNC_AGE, and the share of
// successful runs in the last 24 h against MIN_SUCCESS_RATE.
import { assert, assertEquals } from "./assert.ts";
import { afterAll, baseEnv, call, db, serveFunctions, SERVICE_KEY, test } from "./helpers.ts";

const servers = new Map<string, ReturnType<typeof serveFunctions>>();
/** A function server with these health settings (one per setting, reused). */
function server(settings: Record<string, string> = {}) {
  const key = JSON.stringify(settings);
  if (!servers.has(key)) servers.set(key, serveFunctions({ ...baseEnv(), ...settings }));
  return servers.get(key)!;
}
afterAll(async () => {
  await Promise.all([...servers.values()].map((s) => s.close()));
});

const health = (environment = "development", settings: Record<string, string> = {}) =>
  call(`${server(settings).fn("sync")}?environment=${environment}`, {
    method: "GET",
    token: SERVICE_KEY,
  });

/**
 * One run-level row (table_name null) as the sync writes it at the end of a
 * run, `ago` before now; returns its created_at.
 */
async function logRun(
  status: "completed" | "partial" | "failed",
  ago = "1 minute",
  opts: { schema?: string; table?: string } = {},
): Promise<Date> {
  const operation = status === "failed" ? "sync_error" : "sync_complete";
  const [row] = await db`
    insert into ${db(`${opts.schema ?? "dev"}.sync_logs`)}
      (sync_id, table_name, operation, status, created_at)
    values (gen_random_uuid(), ${opts.table ?? null}, ${operation}, ${status},
            now() - ${ago}::interval)
    returning created_at`;
  return row.created_at;
}

const reset = () => db`truncate dev.sync_logs, public.sync_logs`;

test("a low success rate in the last 24 h is unhealthy despite a recent success", async () => {
  await reset();
  const last = await logRun("completed", "1 minute");
  for (let i = 0; i < 3; i++) await logRun("failed", `${i + 2} hours`);
  const res = await health();
  assertEquals(res.status, 503, JSON.stringify(res.body));
  assertEquals(res.body.healthy, false);
  assertEquals(res.body.success_rate, 0.25);
  assertEquals(res.body.last_success_at, last.toISOString());
  assert(res.body.age_ms >= 60_000 && res.body.age_ms < 120_000, `age ${res.body.age_ms}`);

  // The threshold is inclusive: a rate equal to MIN_SUCCESS_RATE is healthy.
  const at = await health("development", { MIN_SUCCESS_RATE: "0.25" });
  assertEquals([at.status, at.body.healthy], [200, true]);
  const above = await health("development", { MIN_SUCCESS_RATE: "0.26" });
  assertEquals([above.status, above.body.healthy], [503, false]);
});

test("partial runs count as successful; failures older than 24 h do not count", async () => {
  await reset();
  await logRun("completed", "1 minute");
  for (let i = 0; i < 3; i++) await logRun("partial", `${i + 1} hours`);
  for (let i = 0; i < 5; i++) await logRun("failed", `${25 + i} hours`);
  const res = await health();
  assertEquals(res.status, 200, JSON.stringify(res.body));
  assertEquals([res.body.healthy, res.body.success_rate], [true, 1]);
});

test("health-check alerts and per-table rows are not runs", async () => {
  await reset();
  await logRun("completed", "1 minute");
  // Alerts the health job records, and a table's own failure row.
  for (let i = 0; i < 4; i++) {
    await db`insert into dev.sync_logs (sync_id, table_name, operation, status)
             values (gen_random_uuid(), 'health_check', 'sync_error', 'unhealthy')`;
  }
  await logRun("failed", "2 minutes", { table: "members" });
  const res = await health();
  assertEquals(res.status, 200, JSON.stringify(res.body));
  assertEquals(res.body.success_rate, 1);
});

test("only a completed run counts as the last success", async () => {
  await reset();
  // Recent partial and failed runs, and a completed row of one table only.
  await logRun("partial", "1 minute");
  await logRun("failed", "2 minutes");
  await logRun("completed", "3 minutes", { table: "members" });
  const none = await health();
  assertEquals(none.status, 503, JSON.stringify(none.body));
  assertEquals([none.body.healthy, none.body.last_success_at, none.body.age_ms], [
    false,
    null,
    null,
  ]);
  assertEquals(none.body.success_rate, 0.5);

  // An old completed run is the last success, however many partial runs followed it.
  const old = await logRun("completed", "2 days");
  const stale = await health();
  assertEquals(stale.status, 503);
  assertEquals(stale.body.last_success_at, old.toISOString());
  assert(stale.body.age_ms >= 2 * 86_400_000, `age ${stale.body.age_ms}`);
  const lenient = await health("development", {
    MAX_SYNC_AGE: String(3 * 86_400_000),
    MIN_SUCCESS_RATE: "0.5",
  });
  assertEquals([lenient.status, lenient.body.last_success_at], [200, old.toISOString()]);
});

test("only the last 24 h count for the rate; with no run there, the age alone decides", async () => {
  await reset();
  const last = await logRun("completed", "23 hours");
  await logRun("failed", "26 hours");
  const res = await health();
  assertEquals(res.status, 200, JSON.stringify(res.body));
  assertEquals([res.body.last_success_at, res.body.success_rate], [last.toISOString(), 1]);
  await reset();
  await logRun("completed", "25 hours");
  const old = await health();
  assertEquals(old.status, 503);
  assertEquals(old.body.success_rate, null);
  const lenient = await health("development", { MAX_SYNC_AGE: String(2 * 86_400_000) });
  assertEquals([lenient.status, lenient.body.success_rate], [200, null]);
});

test("each environment's health reads its own logs", async () => {
  await reset();
  await logRun("completed", "1 minute");
  await logRun("failed", "1 minute", { schema: "public" });
  const dev = await health("development");
  const prod = await health("production");
  assertEquals([dev.status, dev.body.success_rate], [200, 1]);
  assertEquals([prod.status, prod.body.last_success_at, prod.body.success_rate], [503, null, 0]);
  await logRun("completed", "1 minute", { schema: "public" });
  const both = await health("production", { MIN_SUCCESS_RATE: "0.5" });
  assertEquals([both.status, both.body.success_rate], [200, 0.5]);
});
