// The pg_cron schedules: they exist for both environments, hold no secret,
// and running a job's command really invokes the function (through the
// local pg_net stand-in, drained here as the local server's worker does).
import { assert, assertEquals, assertMatch, assertRejects } from "./assert.ts";
import {
  baseEnv,
  BOT_KEY,
  call,
  db,
  ENVIRONMENTS,
  SCHEDULER_KEY,
  serveFunctions,
  SERVICE_KEY,
  test,
} from "./helpers.ts";
import { drainNetQueue } from "../local/net_worker.ts";

/** Every job of the project, by name: [name, schedule]. */
const EXPECTED = [
  ["mynatca-cleanup-development", "45 8 * * *"],
  ["mynatca-cleanup-production", "30 8 * * *"],
  ["mynatca-health-development", "*/5 * * * *"],
  ["mynatca-health-production", "*/5 * * * *"],
  ["mynatca-role-grace-development", "*/15 * * * *"],
  ["mynatca-role-grace-production", "*/15 * * * *"],
  ["mynatca-sync-development", "0 */6 * * *"],
  ["mynatca-sync-production", "0 */6 * * *"],
  ["mynatca-sync-resume-development", "*/2 * * * *"],
  ["mynatca-sync-resume-production", "*/2 * * * *"],
];

/** The jobs as a list (duplicates stay visible), checked against EXPECTED. */
async function assertJobs() {
  const jobs = await db`select jobname, schedule from cron.job
                        where jobname like 'mynatca-%' order by jobname, jobid`;
  assertEquals(jobs.length, EXPECTED.length, JSON.stringify(jobs));
  assertEquals(new Set(jobs.map((j) => j.jobname)).size, jobs.length, "job names are unique");
  assertEquals(jobs.map((j) => [j.jobname, j.schedule]), EXPECTED);
}

test("the jobs exist with their schedules, once each", async () => {
  await assertJobs();
});

test("no secret is written into cron.job", async () => {
  const leaks = await db`select jobname from cron.job
                         where command like '%' || ${SCHEDULER_KEY} || '%'
                            or command like '%' || ${SERVICE_KEY} || '%'
                            or command ilike '%bearer %'`;
  assertEquals(leaks.length, 0);
});

/**
 * Points the Vault secrets at a test server, configured with `env`, while
 * `fn` runs jobs' commands; Vault's scheduler key is `vaultKey`.
 */
async function withProject(
  fn: () => Promise<void>,
  opts: { env?: Record<string, string>; vaultKey?: string } = {},
) {
  const server = serveFunctions({
    ...baseEnv(),
    MYSQL_PORT: "9",
    SYNC_RETRY_COUNT: "0",
    ...opts.env,
  });
  const saved = await db`select name, decrypted_secret as secret from vault.decrypted_secrets
                         where name in ('project_url', 'scheduler_api_key')`;
  const setSecret = (name: string, value: string | null) =>
    db`select private.set_vault_secret(${name}, ${value})`;
  try {
    await setSecret("project_url", server.url);
    await setSecret("scheduler_api_key", opts.vaultKey ?? SCHEDULER_KEY);
    await fn();
  } finally {
    await setSecret("scheduler_api_key", null);
    for (const s of saved) await setSecret(s.name, s.secret);
    await server.close();
  }
}

/** Runs a job's command as pg_cron would; returns the pg_net request id it queued. */
async function runJob(name: string): Promise<string | undefined> {
  const [job] = await db`select command from cron.job where jobname = ${name}`;
  const [row] = await db.unsafe(job.command);
  // The local pg_net worker's work, done here so the test waits for it.
  let sent = 0;
  for (let i = 0; i < 20 && sent === 0; i++) sent += await drainNetQueue(db);
  return row ? String(Object.values(row)[0]) : undefined;
}

test("the cleanup jobs' commands invoke cleanup", async () => {
  await withProject(async () => {
    for (
      const [job, schema] of [["mynatca-cleanup-production", "discord"], [
        "mynatca-cleanup-development",
        "discord_dev",
      ]]
    ) {
      const [row] = await db`insert into ${db(`${schema}.verification_requests`)}
                               (discord_id, discord_username, expires_at)
                             values ('55555555555555555', 'cron', now() - interval '1 minute')
                             returning id`;
      await runJob(job);
      const [after] = await db`select status from ${db(`${schema}.verification_requests`)}
                               where id = ${row.id}`;
      assertEquals(after.status, "expired", job);
      await db`delete from ${db(`${schema}.verification_requests`)} where id = ${row.id}`;
    }
  });
});

test("the sync jobs' commands invoke sync (seen in sync_logs)", async () => {
  await withProject(async () => {
    for (
      const [job, schema] of [["mynatca-sync-production", "public"], [
        "mynatca-sync-development",
        "dev",
      ]]
    ) {
      const [{ max }] = await db`select coalesce(max(id), 0) as max from ${
        db(`${schema}.sync_logs`)
      }`;
      const requestId = await runJob(job);
      // MySQL is pointed at a closed port here: the run is logged as an error.
      const rows = await db`select operation from ${db(`${schema}.sync_logs`)} where id > ${max}`;
      assert(rows.some((r) => r.operation === "sync_error"), `${job}: ${JSON.stringify(rows)}`);
      const [answer] =
        await db`select status_code from net._http_response where id = ${requestId!}`;
      assertEquals(answer.status_code, 503);
    }
  });
});

for (const { environment, shared } of ENVIRONMENTS) {
  test(`the ${environment} resume job only calls sync, for ${environment}, while a cursor is saved`, async () => {
    // Counted by what this job queues, so a job pg_cron fires meanwhile cannot interfere.
    const [{ max }] = await db`select coalesce(max(id), 0) as max from net.http_request_queue`;
    const queued = async () =>
      await db`select method, url, convert_from(body, 'UTF8')::jsonb as body
               from net.http_request_queue
               where id > ${max} and url like '%/functions/v1/sync' order by id`;
    const [job] = await db`select command from cron.job
                           where jobname = ${`mynatca-sync-resume-${environment}`}`;
    const cursor = db(`${shared}.sync_cursor`);
    try {
      await db`delete from ${cursor}`;
      await db.unsafe(job.command);
      assertEquals((await queued()).length, 0);
      await db`insert into ${cursor} (sync_id, tables, table_name)
               values (gen_random_uuid(), '{members}', 'members')`;
      await db.unsafe(job.command);
      const sent = await queued();
      assertEquals(sent.map((q) => [q.method, q.body]), [["POST", { environment }]]);
    } finally {
      await db`delete from ${cursor}`;
      await db`delete from net.http_request_queue where id > ${max}`;
    }
  });
}

test("re-running the migrations' schedules does not duplicate jobs", async () => {
  // cron.schedule() with an existing job name replaces that job: every
  // schedule the migrations declare, run again in their order, changes nothing.
  const dir = new URL("../supabase/migrations/", import.meta.url);
  const files = [...Deno.readDirSync(dir)].map((f) => f.name).filter((f) => f.endsWith(".sql"))
    .sort();
  let schedules = 0;
  for (const file of files) {
    const sql = await Deno.readTextFile(new URL(file, dir));
    for (const [statement] of sql.matchAll(/^select cron\.schedule\([\s\S]*?\$\$\);$/gm)) {
      await db.unsafe(statement);
      schedules++;
    }
  }
  assert(schedules >= 8, `only ${schedules} schedules found in the migrations`);
  await assertJobs();
});

/** What the jobs queued since `max`: each request's URL and Authorization header. */
const queuedSince = (max: number) =>
  db`select url, headers ->> 'Authorization' as authorization, headers, body
     from net.http_request_queue where id > ${max} order by id`;

test("the jobs' requests carry a scheduler credential, never a key", async () => {
  await withProject(async () => {
    const [{ max }] = await db`select coalesce(max(id), 0)::int as max from net.http_request_queue`;
    for (const [job] of EXPECTED) {
      if (job.includes("resume")) continue; // these queue nothing without a cursor
      const [{ command }] = await db`select command from cron.job where jobname = ${job}`;
      await db.unsafe(command);
    }
    const queued = await queuedSince(max);
    assert(queued.length >= 6, `only ${queued.length} requests queued`);
    for (const q of queued) {
      assertMatch(q.authorization, /^Bearer sched1\.[0-9]+\.[0-9a-f]{64}$/, q.url);
      const row = JSON.stringify(q);
      assert(!row.includes(SCHEDULER_KEY), "the scheduler's key is in the queue");
      assert(!row.includes(SERVICE_KEY), "the service role key is in the queue");
    }
    await db`delete from net.http_request_queue where id > ${max}`;
  });
});

test("a job without the scheduler's key in Vault fails loudly and queues nothing", async () => {
  const [{ max }] = await db`select coalesce(max(id), 0)::int as max from net.http_request_queue`;
  const saved = await db`select decrypted_secret as secret from vault.decrypted_secrets
                         where name = 'scheduler_api_key'`;
  try {
    await db`select private.set_vault_secret('scheduler_api_key', null)`;
    const [{ command }] = await db`select command from cron.job
                                   where jobname = 'mynatca-cleanup-production'`;
    await assertRejects(() => db.unsafe(command), "scheduler_api_key must be set");
    assertEquals((await queuedSince(max)).length, 0);
  } finally {
    for (const s of saved) {
      await db`select private.set_vault_secret('scheduler_api_key', ${s.secret})`;
    }
  }
});

test("rotating the scheduler's key (two keys, then one) misses no scheduled run", async () => {
  const OLD = SCHEDULER_KEY, NEW = "test-scheduler-key-for-pg-cron-00002";
  // The answer to one run of the production cleanup job.
  const cleanupRun = async () => {
    const requestId = await runJob("mynatca-cleanup-production");
    const [answer] = await db`select status_code from net._http_response where id = ${requestId!}`;
    return answer?.status_code;
  };
  // 1. The functions learn the new key beside the old one; Vault still has the old.
  await withProject(async () => assertEquals(await cleanupRun(), 200), {
    env: { SCHEDULER_API_KEY: `${OLD},${NEW}` },
    vaultKey: OLD,
  });
  // 2. Vault moves to the new key.
  await withProject(async () => assertEquals(await cleanupRun(), 200), {
    env: { SCHEDULER_API_KEY: `${OLD},${NEW}` },
    vaultKey: NEW,
  });
  // 3. The old key is retired.
  await withProject(async () => assertEquals(await cleanupRun(), 200), {
    env: { SCHEDULER_API_KEY: NEW },
    vaultKey: NEW,
  });
  // And a job still holding the retired key is refused: the rotation's order matters.
  await withProject(async () => assertEquals(await cleanupRun(), 401), {
    env: { SCHEDULER_API_KEY: NEW },
    vaultKey: OLD,
  });
});

test("the scheduler's key runs sync and cleanup, and nothing else", async () => {
  const server = serveFunctions({ ...baseEnv(), MYSQL_PORT: "9", SYNC_RETRY_COUNT: "0" });
  try {
    const as = (method: string, fn: string, body?: unknown) =>
      call(server.fn(fn), { method, token: SCHEDULER_KEY, body });
    assertEquals((await as("POST", "cleanup", { environment: "development" })).status, 200);
    // Authenticated: GET /sync answers health, POST /sync runs (MySQL is unreachable here).
    assert([200, 503].includes((await as("GET", "sync?environment=development")).status));
    const run = await as("POST", "sync", { environment: "development", dry_run: true });
    assertEquals(run.status, 503, JSON.stringify(run.body));
    assertEquals(run.body.error.code, "unavailable");
    for (
      const [fn, body] of [
        ["create-verification", { discord_id: "123456789012345678", discord_username: "cron" }],
        ["complete-verification", { verification_id: crypto.randomUUID() }],
        ["unlink-discord", { discord_id: "123456789012345678" }],
      ] as const
    ) {
      const res = await as("POST", fn, body);
      assertEquals(res.status, 401, `${fn}: ${JSON.stringify(res.body)}`);
    }
    // The bot's key is no scheduler key.
    assertEquals((await call(server.fn("cleanup"), { token: BOT_KEY, body: {} })).status, 401);
  } finally {
    await server.close();
  }
});

/**
 * One round of an environment's health job that asks, then one that reads
 * the answer; returns the alerts in that environment's sync_logs.
 */
async function healthRounds(environment: string, shared: string) {
  const logs = db(`${shared}.sync_logs`);
  const job = `mynatca-health-${environment}`;
  await drainNetQueue(db);
  await db`update private.health_checks set processed = true`; // earlier rounds
  const [{ max }] = await db`select coalesce(max(id), 0) as max from net.http_request_queue`;
  const [{ command }] = await db`select command from cron.job where jobname = ${job}`;
  await db.unsafe(command); // asks
  // Every request queued since is this check (pg_cron may run the same job meanwhile).
  const asked = await db`select method, url from net.http_request_queue where id > ${max}`;
  const requests = asked.map((q) =>
    `${q.method} ${new URL(q.url).pathname}${new URL(q.url).search}`
  );
  assert(requests.length >= 1, "the job queued nothing");
  assertEquals([...new Set(requests)], [`GET /functions/v1/sync?environment=${environment}`]);
  for (let i = 0; i < 20 && await drainNetQueue(db) === 0; i++);
  await db.unsafe(command); // reads the answer, asks again
  await drainNetQueue(db);
  return await db`select status, error_details from ${logs}
                  where table_name = 'health_check' and operation = 'sync_error'`;
}

for (const { environment, shared } of ENVIRONMENTS) {
  const logs = db(`${shared}.sync_logs`);

  test(`the ${environment} health job records an alert when GET /sync is unhealthy`, async () => {
    await withProject(async () => {
      await db`truncate ${logs}`;
      const alerts = await healthRounds(environment, shared);
      // One alert for our check (another if pg_cron's own check landed meanwhile).
      assert(alerts.length >= 1, "no alert recorded");
      for (const alert of alerts) {
        assertEquals(alert.status, "unhealthy");
        assertEquals(alert.error_details.status_code, 503);
        assertEquals(alert.error_details.health.healthy, false);
      }
    });
  });

  test(`the ${environment} health job records nothing when GET /sync is healthy`, async () => {
    await withProject(async () => {
      await db`truncate ${logs}`;
      await db`insert into ${logs} (sync_id, operation, status)
               values (gen_random_uuid(), 'sync_complete', 'completed')`;
      assertEquals(await healthRounds(environment, shared), []);
      const answered = await db`
        select r.status_code from private.health_checks h
        join net._http_response r on r.id = h.request_id
        where h.environment = ${environment} and h.processed
        order by h.request_id desc limit 1`;
      assertEquals(answered.map((a) => a.status_code), [200]);
    });
  });
}
