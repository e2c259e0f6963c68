// The pg_cron schedules: they exist for both environments, hold no secret,
// and running a job's command really invokes the function (through the
// local pg_net stand-in, drained here as the local server's worker does).
import { assert, assertEquals } from "./assert.ts";
import { baseEnv, db, ENVIRONMENTS, serveFunctions, SERVICE_KEY, test } from "./helpers.ts";
import { drainNetQueue } from "../local/net_worker.ts";

/** Every job of the project, by name: [name, schedule]. */
const EXPECTED = [
  ["mynatca-cleanup-development", "45 8 * * *"],
  ["mynatca-cleanup-production", "30 8 * * *"],
  ["mynatca-health-development", "*/5 * * * *"],
  ["mynatca-health-production", "*/5 * * * *"],
  ["mynatca-sync-development", "0 */6 * * *"],
  ["mynatca-sync-production", "0 */6 * * *"],
  ["mynatca-sync-resume-development", "*/2 * * * *"],
  ["mynatca-sync-resume-production", "*/2 * * * *"],
];

/** The jobs as a list (duplicates stay visible), checked against EXPECTED. */
async function assertJobs() {
  const jobs = await db`select jobname, schedule from cron.job
                        where jobname like 'mynatca-%' order by jobname, jobid`;
  assertEquals(jobs.length, 8, JSON.stringify(jobs));
  assertEquals(new Set(jobs.map((j) => j.jobname)).size, jobs.length, "job names are unique");
  assertEquals(jobs.map((j) => [j.jobname, j.schedule]), EXPECTED);
}

test("the jobs exist with their schedules, once each", async () => {
  await assertJobs();
});

test("no secret is written into cron.job", async () => {
  const [{ key }] = await db`select decrypted_secret as key from vault.decrypted_secrets
                             where name = 'service_role_key'`;
  const leaks = await db`select jobname from cron.job
                         where command like '%' || ${key} || '%' or command ilike '%bearer %'`;
  assertEquals(leaks.length, 0);
});

/** Points the Vault secrets at a test server while `fn` runs a job's command. */
async function withProject(fn: () => Promise<void>) {
  const server = serveFunctions({ ...baseEnv(), MYSQL_PORT: "9", SYNC_RETRY_COUNT: "0" });
  const saved = await db`select name, secret from vault.secrets
                         where name in ('project_url', 'service_role_key')`;
  try {
    await db`update vault.secrets set secret = ${server.url} where name = 'project_url'`;
    await db`update vault.secrets set secret = ${SERVICE_KEY} where name = 'service_role_key'`;
    await fn();
  } finally {
    for (const s of saved) {
      await db`update vault.secrets set secret = ${s.secret} where name = ${s.name}`;
    }
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

test("re-running the schedules migrations does not duplicate jobs", async () => {
  // The schedules file, then the later one that moves the health jobs to 5 minutes.
  for (
    const name of ["20261125000400_schedules.sql", "20261129000300_monitoring_health_figures.sql"]
  ) {
    const file = new URL(`../supabase/migrations/${name}`, import.meta.url);
    await db.unsafe(await Deno.readTextFile(file));
  }
  await assertJobs();
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
