// cleanup over real HTTP: each rule on rows crafted around its boundary.
import { assertEquals } from "./assert.ts";
import {
  baseEnv,
  BOT_KEY,
  call,
  db,
  discordId,
  ENVIRONMENTS,
  serveFunctions,
  SERVICE_KEY,
  test,
} from "./helpers.ts";
import { CLEANUP_BATCH } from "../supabase/functions/cleanup/cleanup.ts";

const server = serveFunctions(baseEnv());
const CLEANUP = server.fn("cleanup");
const cleanup = (environment: string) =>
  call(CLEANUP, { token: SERVICE_KEY, body: { environment } });

async function craft(shared: string, discord: string) {
  const requests = db(`${discord}.verification_requests`);
  const ids: Record<string, string> = {};
  const add = async (name: string, status: string, expires: string, created = "0") => {
    const [row] = await db`
      insert into ${requests} (discord_id, discord_username, status, expires_at, created_at)
      values (${discordId()}, ${name}, ${status}, now() + ${expires}::interval,
              now() - ${created}::interval)
      returning id`;
    ids[name] = row.id;
  };
  await add("pending-just-expired", "pending", "-1 second");
  await add("pending-live", "pending", "1 minute");
  await add("pending-long-gone", "pending", "-2 days");
  await add("expired-past-grace", "expired", "-1 day -1 minute");
  await add("expired-within-grace", "expired", "-1 day +1 minute");
  await add("completed-old", "completed", "-30 days");
  await add("failed-old", "failed", "-30 days");
  // Failed requests: kept VERIFICATION_RETENTION_DAYS (90 by default) from
  // their creation; completed ones, the links' record, for ever.
  await add("failed-past-retention", "failed", "-90 days", "90 days 1 minute");
  await add("failed-within-retention", "failed", "-89 days", "89 days 23 hours");
  await add("completed-ancient", "completed", "-400 days", "400 days");
  // Failed completions, counted over 10 minutes: kept a day.
  await db`insert into ${db(`private.${discord}_completion_failures`)}
             (auth0_user_id, outcome, failed_at) values
           ('auth0|cleanup-old', 'not_found', now() - interval '1 day 1 minute'),
           ('auth0|cleanup-new', 'not_found', now() - interval '23 hours')`;
  const syncId = crypto.randomUUID();
  await db`insert into ${db(`${shared}.sync_logs`)} (sync_id, operation, created_at) values
           (${syncId}, 'sync_start', now() - interval '91 days'),
           (${syncId}, 'sync_start', now() - interval '89 days')`;
  const [old] = await db`insert into ${db(`${discord}.validation_summaries`)} (started_at)
                         values (now() - interval '91 days') returning run_id`;
  const [recent] = await db`insert into ${db(`${discord}.validation_summaries`)} (started_at)
                            values (now() - interval '1 day') returning run_id`;
  await db`insert into ${db(`${discord}.validation_logs`)}
             (run_id, member_number, discord_id, result, created_at) values
           (${old.run_id}, 'X1', '11111111111111111', 'eligible', now() - interval '91 days'),
           (${recent.run_id}, 'X2', '11111111111111112', 'inactive', now() - interval '89 days')`;
  // Member events: kept MEMBER_EVENT_RETENTION_DAYS (30 by default).
  await db`insert into ${db(`${discord}.member_events`)}
             (member_number, discord_id, kind, source, created_at) values
           ('X1', '11111111111111111', 'linked', 'sync', now() - interval '30 days 1 minute'),
           ('X1', '11111111111111111', 'unlinked', 'sync', now() - interval '29 days 23 hours')`;
  // Alerts: kept 7 days, messages and never-folded occurrences alike.
  const environment = shared === "public" ? "production" : "development";
  await db`delete from private.alerts where environment = ${environment}`;
  await db`delete from private.alert_occurrences where environment = ${environment}`;
  await db`insert into private.alerts
             (environment, kind, severity, code, count, first_at, last_at, created_at)
           select ${environment}, 'failed', 'error', 'cleanup:' || age, 1, now(), now(),
                  now() - age::interval
           from unnest(array['7 days 1 minute', '6 days 23 hours']) age`;
  await db`insert into private.alert_occurrences (environment, kind, code, at)
           values (${environment}, 'failed', 'cleanup:old', now() - interval '7 days 1 minute'),
                  (${environment}, 'failed', 'cleanup:new', now() - interval '6 days 23 hours')`;
  return { ids, syncId, oldRun: old.run_id, recentRun: recent.run_id };
}

for (const { environment, shared, discord } of ENVIRONMENTS) {
  test(`cleanup ${environment}: each rule at its boundary, then nothing on a second run`, async () => {
    await db`truncate ${db(`${discord}.verification_requests`)}, ${db(`${shared}.sync_logs`)},
             ${db(`${discord}.validation_logs`)}, ${db(`${discord}.validation_summaries`)},
             ${db(`${discord}.member_events`)}, ${db(`private.${discord}_completion_failures`)}`;
    const { ids, syncId, oldRun, recentRun } = await craft(shared, discord);
    const res = await cleanup(environment);
    assertEquals(res.status, 200);
    assertEquals(res.body, {
      environment,
      expired_requests: 2,
      deleted_requests: 2,
      deleted_failed_requests: 1,
      deleted_completion_failures: 1,
      deleted_sync_logs: 1,
      deleted_validation_logs: 1,
      deleted_validation_summaries: 1,
      deleted_member_events: 1,
      deleted_alerts: 2,
    });
    const alerts = await db`select code from private.alerts where environment = ${environment}
                            union all
                            select code from private.alert_occurrences
                            where environment = ${environment} order by 1`;
    assertEquals(alerts.map((a) => a.code), ["cleanup:6 days 23 hours", "cleanup:new"]);
    const events = await db`select kind from ${db(`${discord}.member_events`)}
                            where member_number = 'X1'`;
    assertEquals(events.map((e) => e.kind), ["unlinked"]);
    const rows = await db`select discord_username as name, status
                          from ${db(`${discord}.verification_requests`)} order by 1`;
    assertEquals(rows.map((r) => [r.name, r.status]), [
      ["completed-ancient", "completed"],
      ["completed-old", "completed"],
      ["expired-within-grace", "expired"],
      ["failed-old", "failed"],
      ["failed-within-retention", "failed"],
      ["pending-just-expired", "expired"],
      ["pending-live", "pending"],
    ]);
    assertEquals(Object.keys(ids).length, 10);
    const failures = await db`select auth0_user_id
                              from ${db(`private.${discord}_completion_failures`)}`;
    assertEquals(failures.map((f) => f.auth0_user_id), ["auth0|cleanup-new"]);
    const logs = await db`select count(*)::int from ${
      db(`${shared}.sync_logs`)
    } where sync_id = ${syncId}`;
    assertEquals(logs[0].count, 1);
    const runs = await db`select run_id from ${db(`${discord}.validation_summaries`)}`;
    assertEquals(runs.map((r) => r.run_id), [recentRun]);
    assertEquals(runs.some((r) => r.run_id === oldRun), false);

    const again = await cleanup(environment);
    assertEquals(again.body, {
      environment,
      expired_requests: 0,
      deleted_requests: 0,
      deleted_failed_requests: 0,
      deleted_completion_failures: 0,
      deleted_sync_logs: 0,
      deleted_validation_logs: 0,
      deleted_validation_summaries: 0,
      deleted_member_events: 0,
      deleted_alerts: 0,
    });
  });
}

test("cleanup works through more rows than one batch holds", async () => {
  const B = CLEANUP_BATCH;
  await db`truncate discord_dev.verification_requests, dev.sync_logs,
           discord_dev.validation_logs, discord_dev.validation_summaries, discord_dev.member_events,
           private.discord_dev_completion_failures`;
  // Two batches and one row to mark expired (within the grace day), and
  // exactly one batch both expired and past it: a full batch must not end the loop.
  await db`insert into discord_dev.verification_requests (discord_id, discord_username, expires_at)
           select '7' || lpad(i::text, 17, '0'), 'bulk', now() - interval '1 hour'
           from generate_series(1, ${2 * B + 1}) i`;
  await db`insert into discord_dev.verification_requests (discord_id, discord_username, expires_at)
           select '8' || lpad(i::text, 17, '0'), 'bulk', now() - interval '2 days'
           from generate_series(1, ${B}) i`;
  await db`insert into discord_dev.verification_requests
             (discord_id, discord_username, status, expires_at, created_at)
           select '9' || lpad(i::text, 17, '0'), 'bulk', 'failed', now() - interval '91 days',
                  now() - interval '91 days'
           from generate_series(1, ${B + 1}) i`;
  await db`insert into private.discord_dev_completion_failures (auth0_user_id, outcome, failed_at)
           select 'auth0|bulk', 'not_found', now() - interval '2 days'
           from generate_series(1, ${B + 1})`;
  await db`insert into dev.sync_logs (sync_id, operation, created_at)
           select gen_random_uuid(), 'sync_start', now() - interval '91 days'
           from generate_series(1, ${B + 1})`;
  const [run] = await db`insert into discord_dev.validation_summaries (started_at)
                         values (now() - interval '91 days') returning run_id`;
  await db`insert into discord_dev.validation_logs
             (run_id, member_number, discord_id, result, created_at)
           select ${run.run_id}, 'X' || i, '11111111111111111', 'eligible',
                  now() - interval '91 days'
           from generate_series(1, ${B + 1}) i`;
  await db`insert into discord_dev.validation_summaries (started_at)
           select now() - interval '91 days' from generate_series(1, ${B})`;
  await db`insert into discord_dev.member_events (member_number, discord_id, kind, source, created_at)
           select 'X' || i, '11111111111111111', 'linked', 'sync', now() - interval '31 days'
           from generate_series(1, ${B + 1}) i`;
  const res = await cleanup("development");
  assertEquals(res.status, 200, JSON.stringify(res.body));
  assertEquals(res.body, {
    environment: "development",
    expired_requests: 3 * B + 1,
    deleted_requests: B,
    deleted_failed_requests: B + 1,
    deleted_completion_failures: B + 1,
    deleted_sync_logs: B + 1,
    deleted_validation_logs: B + 1,
    deleted_validation_summaries: B + 1,
    deleted_member_events: B + 1,
    deleted_alerts: 0,
  });
  const left = await db`select status, count(*)::int from discord_dev.verification_requests
                        group by status`;
  assertEquals(left.map((r) => [r.status, r.count]), [["expired", 2 * B + 1]]);
  const [rest] = await db`
    select (select count(*)::int from dev.sync_logs) as logs,
           (select count(*)::int from discord_dev.validation_logs) as vlogs,
           (select count(*)::int from discord_dev.validation_summaries) as summaries,
           (select count(*)::int from discord_dev.member_events) as events,
           (select count(*)::int from private.discord_dev_completion_failures) as failures`;
  assertEquals([rest.logs, rest.vlogs, rest.summaries, rest.events, rest.failures], [
    0,
    0,
    0,
    0,
    0,
  ]);
});

test("cleanup of one environment leaves the other alone", async () => {
  const [row] = await db`insert into discord.verification_requests
                           (discord_id, discord_username, expires_at)
                         values (${discordId()}, 'prod', now() - interval '3 days') returning id`;
  await cleanup("development");
  const [still] = await db`select status from discord.verification_requests where id = ${row.id}`;
  assertEquals(still.status, "pending");
  await cleanup("production");
  assertEquals(
    (await db`select 1 from discord.verification_requests where id = ${row.id}`).length,
    0,
  );
});

test("MEMBER_EVENT_RETENTION_DAYS sets how long member events are kept, and is validated", async () => {
  await db`truncate discord_dev.member_events`;
  await db`insert into discord_dev.member_events (member_number, discord_id, kind, source, created_at)
           values ('R1', '11111111111111111', 'linked', 'sync', now() - interval '7 days 1 minute'),
                  ('R2', '11111111111111112', 'linked', 'sync', now() - interval '6 days 23 hours')`;
  const week = serveFunctions({ ...baseEnv(), MEMBER_EVENT_RETENTION_DAYS: "7" });
  try {
    const res = await call(week.fn("cleanup"), {
      token: SERVICE_KEY,
      body: { environment: "development" },
    });
    assertEquals(res.body.deleted_member_events, 1);
    const left = await db`select member_number from discord_dev.member_events`;
    assertEquals(left.map((r) => r.member_number), ["R2"]);
  } finally {
    await week.close();
  }
  for (const bad of ["0", "-1", "2.5", "thirty"]) {
    const misconfigured = serveFunctions({ ...baseEnv(), MEMBER_EVENT_RETENTION_DAYS: bad });
    try {
      const res = await call(misconfigured.fn("cleanup"), { token: SERVICE_KEY, body: {} });
      assertEquals([res.status, res.body.error?.code], [500, "misconfigured"], bad);
    } finally {
      await misconfigured.close();
    }
  }
});

test("VERIFICATION_RETENTION_DAYS sets how long failed requests are kept, and is validated", async () => {
  const requests = db("discord_dev.verification_requests");
  await db`delete from ${requests} where discord_username like 'retention-%'`;
  await db`insert into ${requests} (discord_id, discord_username, status, expires_at, created_at)
           values (${discordId()}, 'retention-gone', 'failed', now(), now() - interval '7 days 1 minute'),
                  (${discordId()}, 'retention-kept', 'failed', now(), now() - interval '6 days 23 hours')`;
  const week = serveFunctions({ ...baseEnv(), VERIFICATION_RETENTION_DAYS: "7" });
  try {
    const res = await call(week.fn("cleanup"), {
      token: SERVICE_KEY,
      body: { environment: "development" },
    });
    assertEquals(res.body.deleted_failed_requests, 1);
    const left = await db`select discord_username from ${requests}
                          where discord_username like 'retention-%'`;
    assertEquals(left.map((r) => r.discord_username), ["retention-kept"]);
  } finally {
    await week.close();
  }
  for (const bad of ["0", "2.5", "ninety"]) {
    const misconfigured = serveFunctions({ ...baseEnv(), VERIFICATION_RETENTION_DAYS: bad });
    try {
      const res = await call(misconfigured.fn("cleanup"), { token: SERVICE_KEY, body: {} });
      assertEquals([res.status, res.body.error?.code], [500, "misconfigured"], bad);
    } finally {
      await misconfigured.close();
    }
  }
});

test("cleanup needs the service key, and the bot key is not enough", async () => {
  for (const token of [undefined, "wrong", BOT_KEY]) {
    const res = await call(CLEANUP, { token, body: {} });
    assertEquals(res.status, 401);
  }
});
