// The pg_cron schedules: they exist for both environments, hold no secret,
// and running a job's command really invokes the function (through the
// local pg_net stand-in, drained here as the local server's worker does).
import { assert, assertEquals } from "./assert.ts";
import { baseEnv, db, serveFunctions, SERVICE_KEY, test } from "./helpers.ts";
import { drainNetQueue } from "../local/net_worker.ts";

/** Every job of the project, by name: [name, schedule]. */
const EXPECTED = [
  ["mynatca-cleanup-development", "45 8 * * *"],
  ["mynatca-cleanup-production", "30 8 * * *"],
  ["mynatca-health-development", "*/15 * * * *"],
  ["mynatca-health-production", "*/15 * * * *"],
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

test("the resume job only calls sync while a cursor is saved", async () => {
  // Counted by what this job queues, so a job pg_cron fires meanwhile cannot interfere.
  const [{ max }] = await db`select coalesce(max(id), 0) as max from net.http_request_queue`;
  const queued = async () =>
    (await db`select count(*)::int from net.http_request_queue
              where id > ${max} and method = 'POST' and url like '%/functions/v1/sync'
                and convert_from(body, 'UTF8') like '%development%'`)[0].count;
  const [job] = await db`select command from cron.job
                         where jobname = 'mynatca-sync-resume-development'`;
  await db`delete from dev.sync_cursor`;
  await db.unsafe(job.command);
  assertEquals(await queued(), 0);
  await db`insert into dev.sync_cursor (sync_id, tables, table_name)
           values (gen_random_uuid(), '{members}', 'members')`;
  await db.unsafe(job.command);
  assertEquals(await queued(), 1);
  await db`delete from dev.sync_cursor`;
  await db`delete from net.http_request_queue where id > ${max}`;
});

test("re-running the schedules migration does not duplicate jobs", async () => {
  const file = new URL("../supabase/migrations/20261125000400_schedules.sql", import.meta.url);
  await db.unsafe(await Deno.readTextFile(file));
  await assertJobs();
});

test("the health job records an alert when GET /sync is unhealthy", async () => {
  await withProject(async () => {
    await drainNetQueue(db);
    await db`update private.health_checks set processed = true`; // earlier rounds
    await db`truncate dev.sync_logs`;
    await runJob("mynatca-health-development"); // asks
    const [job] =
      await db`select command from cron.job where jobname = 'mynatca-health-development'`;
    await db.unsafe(job.command); // reads the answer, asks again
    const alerts = await db`select status, error_details from dev.sync_logs
                            where table_name = 'health_check' and operation = 'sync_error'`;
    // One alert for our check (another if pg_cron's own check landed meanwhile).
    assert(alerts.length >= 1, "no alert recorded");
    for (const alert of alerts) {
      assertEquals(alert.status, "unhealthy");
      assertEquals(alert.error_details.status_code, 503);
      assertEquals(alert.error_details.health.healthy, false);
    }
    await drainNetQueue(db);
  });
});
