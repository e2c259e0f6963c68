// Postgres faults during a sync, against a function server in a process of
// its own: connections killed under in-flight writes, then Postgres itself
// stopped as a crash would and started again. The server must keep serving,
// answer each call with JSON, recover within 30 s, and lose nothing.
import { assert, assertEquals } from "./assert.ts";
import { baseEnv, call, db, denoLockArgs, discordId, SERVICE_KEY, test } from "./helpers.ts";
import { loadDemoData, recreateSourceDatabase, scaled } from "../local/demo_data.ts";

const SOURCE_DB = "mynatca_pg_fault_test";
const my = await recreateSourceDatabase(SOURCE_DB);
await loadDemoData(my, scaled(30_000));
await my.end();

const child = new Deno.Command(Deno.execPath(), {
  args: ["run", "-A", ...denoLockArgs, "tests/support/function_server.ts"],
  env: Object.fromEntries(
    Object.entries({
      ...baseEnv(),
      MYSQL_DB: SOURCE_DB,
      SYNC_BATCH_SIZE: "200",
      SYNC_RETRY_COUNT: "8",
      SYNC_RETRY_DELAY: "50",
      DB_POOL_SIZE: "6",
      LOG_LEVEL: "error",
    }).filter(([, v]) => v !== undefined),
  ) as Record<string, string>,
  stdout: "piped",
  stderr: "piped",
}).spawn();
const output: string[] = [];
const collect = async (stream: ReadableStream<Uint8Array>) => {
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) output.push(chunk);
};
collect(child.stdout);
collect(child.stderr);
let exited: Deno.CommandStatus | undefined;
child.status.then((s) => (exited = s));
for (let i = 0; i < 100 && !/listening \d+/.test(output.join("")); i++) {
  await new Promise((r) => setTimeout(r, 100));
}
const port = /listening (\d+)/.exec(output.join(""))?.[1];
const url = (name: string) => `http://127.0.0.1:${port}/functions/v1/${name}`;

/** A sync call; a dropped connection is an answer too (status 0), judged by the test. */
const sync = (body: Record<string, unknown> = {}) =>
  call(url("sync"), { token: SERVICE_KEY, body: { environment: "development", ...body } })
    .catch((err) => ({ status: 0, body: String(err), headers: new Headers() }));
const alive = () => exited === undefined;
/** `stack.sh pg-kill` or `pg-start`, which must succeed. */
async function stack(command: string) {
  const out = await new Deno.Command("bash", { args: ["local/stack.sh", command] }).output();
  const text = new TextDecoder();
  assertEquals(
    out.code,
    0,
    `stack.sh ${command}: ${text.decode(out.stdout)}${text.decode(out.stderr)}`,
  );
}

/** Until the server's run holds its environment's lock: the sync is under way. */
async function runHoldsItsLock() {
  for (let i = 0; i < 300; i++) {
    const [{ held }] = await db`select count(*)::int as held
                                from pg_locks l join pg_stat_activity a on a.pid = l.pid
                                where l.locktype = 'advisory' and l.granted
                                  and a.application_name like 'mynatca-%'`;
    if (held > 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`the run never took its lock:\n${output.join("").slice(-2000)}`);
}

/** When Postgres started; the test's own pooled connections may need a moment after a restart. */
async function startedAt(): Promise<Date> {
  for (let attempt = 1;; attempt++) {
    try {
      return (await db`select pg_postmaster_start_time() as started`)[0].started;
    } catch (err) {
      if (attempt >= 20) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** The run lost its lock or its database: a JSON 503, never a plain success. */
const failedWithJson = (res: { status: number; body: unknown }) =>
  res.status === 503 &&
  (res.body as { error?: { code?: string } })?.error?.code === "unavailable";

/** Calls `fn` until it answers 2xx, for at most `seconds`; returns how long it took. */
async function recovers(fn: () => Promise<{ status: number }>, seconds: number) {
  const started = Date.now();
  while (Date.now() - started < seconds * 1000) {
    const res = await fn().catch(() => ({ status: 0 }));
    if (res.status >= 200 && res.status < 300) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no success within ${seconds} s`);
}

test("connections killed under a running sync: the server keeps serving", async () => {
  await db`truncate dev.positions, dev.members, dev.facilities, dev.regions, dev.sync_cursor cascade`;
  const running = sync();
  await runHoldsItsLock();
  // Kill the server's connections again and again while its writes are in
  // flight: each kill may land between a write being queued and being sent.
  let terminated = 0;
  for (let i = 0; i < 40; i++) {
    const [{ ended }] = await db`select count(*) filter (where pg_terminate_backend(pid))::int
                                   as ended
                                 from pg_stat_activity
                                 where application_name like 'mynatca-%'`;
    terminated += ended;
    await new Promise((r) => setTimeout(r, 40));
  }
  assert(terminated > 0, "no backend of the server was terminated");
  const res = await running;
  // The first kill took the run's lock connection: the run cannot complete.
  assert(
    failedWithJson(res),
    `answer: ${res.status} ${JSON.stringify(res.body)}\n${output.join("").slice(-2000)}`,
  );
  assert(alive(), `the server died:\n${output.join("").slice(-2000)}`);
  await recovers(() => sync(), 30);
});

test("Postgres stopped and started mid-sync: a JSON answer, recovery within 30 s, nothing lost", async () => {
  await db`truncate dev.positions, dev.members, dev.facilities, dev.regions, dev.sync_cursor cascade`;
  const before = await startedAt();
  const running = sync();
  await runHoldsItsLock();
  await stack("pg-kill");
  await new Promise((r) => setTimeout(r, 1500));
  await stack("pg-start");
  const after = await startedAt();
  assert(after > before, `Postgres was not restarted (started ${before}, then ${after})`);
  const res = await running;
  assert(
    failedWithJson(res),
    `answer: ${res.status} ${JSON.stringify(res.body)}\n${output.join("").slice(-2000)}`,
  );
  assert(alive(), `the server died:\n${output.join("").slice(-2000)}`);
  const create = () =>
    call(url("create-verification"), {
      token: SERVICE_KEY,
      body: { discord_id: discordId(), discord_username: "after-restart" },
    });
  const health = () =>
    call(`${url("sync")}?environment=development`, { method: "GET", token: SERVICE_KEY });
  assert((await recovers(create, 30)) < 30_000);
  await recovers(async () => {
    const r = await health();
    return { status: r.status === 503 && r.body.healthy === false ? 200 : r.status };
  }, 30);
  // The next runs complete, and a dry run then finds nothing missing or stale.
  let last;
  for (let i = 0; i < 5; i++) {
    last = await sync();
    if (last.status === 200 && last.body.status === "completed") break;
  }
  assertEquals(last?.body.status, "completed", JSON.stringify(last?.body));
  const check = await sync({ dry_run: true });
  assertEquals(check.status, 200, JSON.stringify(check.body));
  assertEquals(Object.keys(check.body.tables).sort(), [
    "facilities",
    "members",
    "positions",
    "regions",
  ]);
  for (const [table, counts] of Object.entries(check.body.tables)) {
    const { inserted, updated } = counts as { inserted: number; updated: number };
    assertEquals([inserted, updated], [0, 0], `${table} after recovery`);
  }
  assert(alive(), "the server died after recovery");
});

// The server process ends with the test run (its source database is dropped
// and made again by the next run).
globalThis.addEventListener("unload", () => {
  try {
    child.kill("SIGKILL");
  } catch { /* already gone */ }
});
