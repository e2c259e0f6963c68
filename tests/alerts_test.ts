// Alert delivery (docs/operations.md, "Alerts"): sync_error rows, recovery and
// the daily digest reach a local webhook receiver over real HTTP, in each
// payload format, folded, retried and never lost, and the webhook URL, a
// secret, is found in no table, no queued pg_net request and no log line.
// Everything runs in the development environment; the receiver's paths pick
// the format (tests/support/alert_receiver.ts).
import postgres from "postgres";
import { assert, assertEquals, assertMatch } from "./assert.ts";
import {
  afterAll,
  baseEnv,
  call,
  captureLog,
  db,
  DB_URL,
  denoLockArgs,
  SCHEDULER_KEY,
  serveFunctions,
  SERVICE_KEY,
  test,
} from "./helpers.ts";
import { alertReceiver, type Received } from "./support/alert_receiver.ts";
import { backgroundSettled } from "../shared/background.ts";
import { drainNetQueue } from "../local/net_worker.ts";
import { loadDemoData, mysqlConnect, recreateSourceDatabase, scaled } from "../local/demo_data.ts";
import { DISCORD_LIMITS, SLACK_SECTION_LIMIT } from "../shared/alerts/payloads.ts";

const SOURCE_DB = "mynatca_alerts_test";
const receiver = alertReceiver();
const DISCORD = receiver.url("/api/webhooks/100000000000000001/discord-token");
const SLACK = receiver.url("/services/T000/B000/slack-token");
const GENERIC = receiver.url("/generic");
/** A port nothing listens on: a webhook that is down. */
const DOWN = "http://127.0.0.1:9/api/webhooks/2/down";

afterAll(async () => {
  await receiver.close();
  const admin = await mysqlConnect("mysql");
  await admin.query(`drop database if exists ${SOURCE_DB}`);
  await admin.end();
});

function alertServer(env: Record<string, string> = {}) {
  return serveFunctions({
    ...baseEnv(),
    MYSQL_DB: SOURCE_DB,
    ALERT_WEBHOOK_URL_DEVELOPMENT: GENERIC,
    ...env,
  });
}
type AlertServer = ReturnType<typeof alertServer>;

const health = (server: AlertServer) =>
  call(`${server.fn("sync")}?environment=development`, { method: "GET", token: SERVICE_KEY });

/** The health check, and the delivery pass it starts once it has answered. */
async function pass(server: AlertServer) {
  const res = await health(server);
  await backgroundSettled();
  return res;
}

/** Development's alerts start from nothing in every test. */
async function resetAlerts() {
  await db`delete from private.alerts where environment = 'development'`;
  await db`delete from private.alert_occurrences where environment = 'development'`;
  await db`delete from private.alert_windows where environment = 'development'`;
  await db`delete from private.alert_digests where environment = 'development'`;
  await db`delete from private.alert_health where environment = 'development'`;
  receiver.reset();
}

interface ErrorRow {
  table_name?: string | null;
  status: string;
  error_details: Record<string, unknown>;
  created_at?: string;
}

/** A sync_error row as the sync or the health check writes it; returns its sync_id. */
async function logError(row: ErrorRow): Promise<string> {
  const syncId = crypto.randomUUID();
  await db`insert into dev.sync_logs (sync_id, table_name, operation, status, error_details,
                                      created_at)
           values (${syncId}, ${row.table_name ?? null}, 'sync_error', ${row.status},
                   ${db.json(row.error_details as postgres.JSONValue)},
                   coalesce(${row.created_at ?? null}::timestamptz, now()))`;
  return syncId;
}

const savedVault = () =>
  db<{ name: string; secret: string }[]>`
    select name, decrypted_secret as secret from vault.decrypted_secrets
    where name in ('project_url', 'scheduler_api_key')`;

/** Vault as it was: the secrets a test replaced, and no scheduler key where there was none. */
async function restoreVault(saved: { name: string; secret: string }[]) {
  await db`select private.set_vault_secret('scheduler_api_key', null)`;
  for (const s of saved) await db`select private.set_vault_secret(${s.name}, ${s.secret})`;
}

const generic = (r: Received) => r.body as Record<string, unknown>;
const ofSync = (syncId: string) => receiver.mentioning(syncId);

async function deliveryOf(alertId: string) {
  const [row] = await db`select * from private.alert_deliveries where alert_id = ${alertId}`;
  return row;
}

test("every kind of alert arrives at Discord, Slack and a generic webhook, with its fields", async () => {
  await resetAlerts();
  const server = alertServer({ ALERT_WEBHOOK_URL_DEVELOPMENT: `${DISCORD}, ${SLACK},${GENERIC}` });
  try {
    const kinds = {
      failed: await logError({
        status: "failed",
        error_details: { reason: "the legacy MySQL database is unreachable", code: "ECONNREFUSED" },
      }),
      abandoned: await logError({
        status: "abandoned",
        error_details: { alert: "sync run abandoned", reason: "5 invocations failed", failures: 5 },
      }),
      deactivation_refused: await logError({
        table_name: "members",
        status: "deactivation_refused",
        error_details: {
          deactivation_refused: "would deactivate 900 of 1000 active rows",
          rejected: [],
          rejected_total: 0,
        },
      }),
      unhealthy: await logError({
        table_name: "health_check",
        status: "unhealthy",
        error_details: {
          status_code: 503,
          health: { healthy: false, last_success_at: null, age_ms: null, success_rate: 0.5 },
        },
      }),
    };
    // The others as the health check, the digest and the CLI queue them.
    await db`insert into private.alert_occurrences (environment, kind, table_name, code, details)
             values ('development', 'resolved', 'health_check', 'health:resolved',
                     '{"unhealthy_since": "2026-12-08T01:00:00Z"}'),
                    ('development', 'digest', null, 'digest:2026-12-07',
                     '{"day": "2026-12-07", "problems": [{"table_name": "members",
                       "problem": "rejected", "count": 2, "member_numbers": ["100000", "100997"]}]}'),
                    ('development', 'test', null, 'test', '{"nonce": "x"}')`;
    const expected = {
      failed: ["error", "MySQL unreachable", "ECONNREFUSED"],
      abandoned: ["error", "Sync stuck or failing", "sync:abandoned"],
      deactivation_refused: ["warning", "Mass deactivation refused", "sync:deactivation_refused"],
      unhealthy: ["error", "Health alert", "health:503"],
      resolved: ["info", "Health alert", "health:resolved"],
      digest: ["info", "Data problems in the legacy database", "digest:2026-12-07"],
      test: ["info", "Alerts", "test"],
    };
    const res = await pass(server);
    assertEquals(res.body.alerts_undelivered, 0);
    assertEquals(
      receiver.received.length,
      21,
      JSON.stringify(receiver.received.map((r) => r.path)),
    );

    for (const [kind, [severity, runbook, code]] of Object.entries(expected)) {
      const syncId = kinds[kind as keyof typeof kinds] ?? null;
      const mine = receiver.received.filter((r) => r.path === "/generic" && r.body.kind === kind);
      assertEquals(mine.length, 1, kind);
      // The Discord and Slack messages name the same alert_id.
      const got = receiver.mentioning(String(mine[0].body.alert_id));
      assertEquals(got.map((r) => r.path).sort(), [
        "/api/webhooks/100000000000000001/discord-token",
        "/generic",
        "/services/T000/B000/slack-token",
      ]);
      const g = generic(got.find((r) => r.path === "/generic")!);
      // The generic JSON's keys, exactly as docs/api.md pins them.
      assertEquals(Object.keys(g).sort(), [
        "alert_id",
        "code",
        "count",
        "environment",
        "first_at",
        "kind",
        "last_at",
        "runbook",
        "severity",
        "sync_id",
        "table_name",
        "text",
        "title",
      ]);
      assertEquals([g.environment, g.kind, g.severity, g.runbook, g.code, g.sync_id, g.count], [
        "development",
        kind,
        severity,
        runbook,
        code,
        syncId,
        1,
      ]);
      // The line read first: environment, what happened, what to do, sync_id and code.
      const headline = String(g.text).split("\n")[0];
      assertMatch(headline, /^\[development\] /);
      assert(headline.includes(`runbook "${runbook}"`), headline);
      assert(headline.includes(`code ${code}`), headline);
      if (syncId) assert(headline.includes(`sync_id ${syncId}`), headline);

      const d = got.find((r) => r.path.startsWith("/api/webhooks/"))!.body as {
        content: string;
        allowed_mentions: unknown;
        embeds: { title: string; description: string; footer: { text: string } }[];
      };
      assertEquals(d.content, headline);
      assertEquals(d.allowed_mentions, { parse: [] });
      assertEquals(d.embeds[0].footer.text, `alert ${g.alert_id}`);
      const s = got.find((r) => r.path.startsWith("/services/"))!.body as {
        text: string;
        blocks: { type: string }[];
      };
      assertEquals(s.text, headline.replaceAll("&", "&amp;"));
      assertEquals(s.blocks[0].type, "section");
      assertEquals(s.blocks.at(-1)!.type, "context");
      for (const r of got) {
        // No email address, token or key in any message.
        assert(!/@|bearer|sb_secret|eyJ/i.test(JSON.stringify(r.body)), JSON.stringify(r.body));
      }
    }
    const states = await db`select d.state, count(*)::int from private.alert_deliveries d
                            join private.alerts a on a.id = d.alert_id
                            where a.environment = 'development' group by 1`;
    assertEquals(states.map((s) => [s.state, s.count]), [["delivered", 21]]);
  } finally {
    await server.close();
  }
});

test("a long alert fits Discord's and Slack's documented limits", async () => {
  await resetAlerts();
  const server = alertServer({ ALERT_WEBHOOK_URL_DEVELOPMENT: `${DISCORD},${SLACK}` });
  try {
    const syncId = await logError({
      status: "failed",
      error_details: { reason: "x".repeat(10_000) + " <@everyone> & more", code: "long" },
    });
    await pass(server);
    const [discord, slack] = ["/api/", "/services/"].map((p) =>
      ofSync(syncId).find((r) => r.path.startsWith(p))!.body
    ) as [
      { content: string; embeds: Record<string, unknown>[] },
      { text: string; blocks: { text?: { text: string } }[] },
    ];
    assert(discord.content.length <= DISCORD_LIMITS.content, `${discord.content.length}`);
    const e = discord.embeds[0] as {
      title: string;
      description: string;
      fields: { name: string; value: string }[];
      footer: { text: string };
    };
    assert(e.description.length <= DISCORD_LIMITS.description);
    const total = e.title.length + e.description.length + e.footer.text.length +
      e.fields.reduce((n, f) => n + f.name.length + f.value.length, 0);
    assert(total <= DISCORD_LIMITS.embedTotal, `embed total ${total}`);
    for (const b of slack.blocks) {
      assert((b.text?.text.length ?? 0) <= SLACK_SECTION_LIMIT, `${b.text?.text.length}`);
    }
    assert(!slack.blocks[0].text!.text.includes("<@"), "Slack's control characters are escaped");
  } finally {
    await server.close();
  }
});

test("repeats within ALERT_REPEAT_MINUTES are folded, and the next message counts them", async () => {
  await resetAlerts();
  // 0.05 minutes: a 3-second window.
  const server = alertServer({ ALERT_REPEAT_MINUTES: "0.05" });
  try {
    const code = `mysql:fold-${crypto.randomUUID()}`;
    const failure = { status: "failed", error_details: { reason: "the run failed", code } };
    const first = await logError(failure);
    await logError(failure);
    const third = await logError(failure);
    // Another code is another alert.
    await logError({
      status: "failed",
      error_details: { reason: "the run failed", code: "other" },
    });
    await pass(server);
    const mine = () => receiver.mentioning(code).map(generic);
    assertEquals(mine().map((g) => [g.count, g.sync_id]), [[1, first]]);
    assertEquals(receiver.mentioning('"code":"other"').length, 1);
    await pass(server);
    assertEquals(mine().length, 1, "nothing new is sent within the window");
    await new Promise((r) => setTimeout(r, 3_200));
    await pass(server);
    assertEquals(mine().map((g) => [g.count, g.sync_id]), [[1, first], [2, third]]);
    assertMatch(String(mine()[1].text), /Happened 2 times since the last message/);
  } finally {
    await server.close();
  }
});

test("a sync failing every 2 minutes for 2 hours sends one message an hour, counting all 60", async () => {
  await resetAlerts();
  const server = alertServer();
  try {
    const code = `mysql:hourly-${crypto.randomUUID()}`;
    for (let k = 0; k < 60; k++) {
      await logError({
        status: "failed",
        error_details: { reason: "the run failed", code },
        created_at: new Date(Date.now() - (120 - 2 * k) * 60_000 - 30_000).toISOString(),
      });
    }
    await pass(server);
    // In the order they happened, though one pass made all three.
    const counts = receiver.mentioning(code).map(generic).map((g) => g.count);
    assertEquals(counts, [1, 30, 29]);
  } finally {
    await server.close();
  }
});

test("500, then 429 with a Retry-After, then 200: the alert arrives once, after the Retry-After", async () => {
  await resetAlerts();
  const server = alertServer();
  try {
    receiver.answer({ status: 500 }, { status: 429, headers: { "retry-after": "3" } }, {
      status: 200,
    });
    const syncId = await logError({
      status: "failed",
      error_details: { reason: "the run failed", code: "retry" },
    });
    await pass(server);
    const got = ofSync(syncId);
    assertEquals(got.map((r) => r.status), [500, 429, 200]);
    assert(got[2].at - got[1].at >= 3_000, `${got[2].at - got[1].at} ms after the 429`);
    const ids = new Set(got.map((r) => generic(r).alert_id));
    assertEquals(ids.size, 1, "the same alert_id on every try");
    const d = await deliveryOf([...ids][0] as string);
    assertEquals([d.state, d.attempts, d.last_status], ["delivered", 3, 200]);
    await pass(server);
    assertEquals(ofSync(syncId).length, 3, "a delivered alert is not sent again");
  } finally {
    await server.close();
  }
});

test("408 and 503 are tried again, a redirect is a wrong URL, and a malformed setting is its default", async () => {
  await resetAlerts();
  const server = alertServer({ ALERT_REPEAT_MINUTES: "an hour", ALERT_MAX_AGE_HOURS: "-1" });
  try {
    receiver.answer({ status: 408 }, { status: 503, headers: { "retry-after": "1" } }, {
      status: 200,
    }, { status: 301, headers: { location: "https://example.org/" } });
    const retried = await logError({
      status: "failed",
      error_details: { reason: "the run failed", code: "retried" },
    });
    const moved = await logError({
      status: "failed",
      error_details: { reason: "the run failed", code: "moved" },
    });
    const res = await pass(server);
    assert(res.status === 200 || res.status === 503, `the health check answered ${res.status}`);
    assertEquals(ofSync(retried).map((r) => r.status), [408, 503, 200]);
    assertEquals(ofSync(moved).map((r) => r.status), [301]);
    const [d] = await db`select d.state, d.last_status from private.alert_deliveries d
                         join private.alerts a on a.id = d.alert_id where a.sync_id = ${moved}`;
    assertEquals([d.state, d.last_status], ["rejected", 301]);
  } finally {
    await server.close();
  }
});

test("a 404 stops that alert, and it shows in monitoring.alert_deliveries and the health answer", async () => {
  await resetAlerts();
  const server = alertServer({ ALERT_WEBHOOK_URL_DEVELOPMENT: `${GENERIC},not a url` });
  try {
    receiver.answer({ status: 404 });
    const syncId = await logError({
      status: "failed",
      error_details: { reason: "the run failed", code: "gone" },
    });
    await pass(server);
    await pass(server);
    assertEquals(ofSync(syncId).map((r) => r.status), [404], "not retried");
    const rows = await db.begin(async (tx) => {
      await tx`set local role service_role`;
      return await tx`select target, target_name, format, state, last_status, last_error
                      from monitoring.alert_deliveries where sync_id = ${syncId} order by target`;
    });
    assertEquals(rows.map((r) => Object.values(r)), [
      [1, "ALERT_WEBHOOK_URL_DEVELOPMENT#1", "generic", "rejected", 404, "http_404"],
      [2, "ALERT_WEBHOOK_URL_DEVELOPMENT#2", "invalid", "rejected", null, "invalid_url"],
    ]);
    // Counted once it is 15 minutes old.
    assertEquals((await health(server)).body.alerts_undelivered, 0);
    await db`update private.alerts set created_at = now() - interval '16 minutes'
             where sync_id = ${syncId}`;
    assertEquals((await health(server)).body.alerts_undelivered, 1);
    await backgroundSettled();
  } finally {
    await server.close();
  }
});

test("a webhook down for longer than ALERT_MAX_AGE_HOURS: retried, then given up with a row saying so", async () => {
  await resetAlerts();
  // 0.001 hours: 3.6 seconds.
  const server = alertServer({ ALERT_WEBHOOK_URL_DEVELOPMENT: DOWN, ALERT_MAX_AGE_HOURS: "0.001" });
  try {
    const syncId = await logError({
      status: "failed",
      error_details: { reason: "the run failed", code: "down" },
    });
    await pass(server);
    const [alert] = await db`select id from private.alerts where sync_id = ${syncId}`;
    const first = await deliveryOf(alert.id);
    assert(first.attempts >= 2, `tried ${first.attempts} times`);
    assertEquals(first.last_error, "connection");
    if (first.state === "pending") {
      await db`update private.alert_deliveries set next_attempt_at = now()
               where alert_id = ${alert.id}`;
      await new Promise((r) => setTimeout(r, 3_700));
      await pass(server);
    }
    const d = await deliveryOf(alert.id);
    assertEquals([d.state, d.last_error, d.finished_at !== null], ["gave_up", "connection", true]);
  } finally {
    await server.close();
  }
});

test("a webhook URL, a secret, is in no table, no pg_net request and no log line", async () => {
  await resetAlerts();
  const secret = `s3cret${crypto.randomUUID().replaceAll("-", "")}`;
  const log = captureLog();
  const server = alertServer({
    ALERT_WEBHOOK_URL_DEVELOPMENT: `${receiver.url(`/api/webhooks/1/${secret}`)},` +
      `http://127.0.0.1:9/api/webhooks/2/${secret}`,
    MYSQL_PORT: "9",
    SYNC_RETRY_COUNT: "0",
    LOG_LEVEL: "info",
  });
  const saved = await savedVault();
  try {
    await db`select private.set_vault_secret('project_url', ${server.url})`;
    await db`select private.set_vault_secret('scheduler_api_key', ${SCHEDULER_KEY})`;
    // A failed run (MySQL down) and the health job's own command, through pg_net.
    const run = await call(server.fn("sync"), {
      token: SERVICE_KEY,
      body: { environment: "development" },
    });
    assertEquals(run.status, 503);
    for (let round = 0; round < 2; round++) {
      await db`select private.check_sync_health('development')`;
      while (await drainNetQueue(db) > 0) { /* sent */ }
      await backgroundSettled();
    }
    assert(receiver.received.some((r) => r.path.includes(secret)), "delivered to the secret URL");
  } finally {
    log.restore();
    await restoreVault(saved);
    await server.close();
  }
  assert(log.lines.some((l) => l.includes("alert_not_delivered")), "the failure was logged");
  assertEquals(log.lines.filter((l) => l.includes(secret)), []);
  // Every table of the database, read by the superuser, row by row as text.
  const admin = postgres(DB_URL.replace("postgres:postgres@", "supabase_admin:postgres@"), {
    max: 1,
    onnotice: () => {},
  });
  try {
    const tables = await admin`
      select format('%I.%I', n.nspname, c.relname) as name
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p', 'm')
        and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')`;
    assert(tables.some((t) => t.name === "net.http_request_queue"), "pg_net's queue is read");
    const leaks: string[] = [];
    for (const { name } of tables) {
      const [hit] = await admin.unsafe(
        `select exists (select 1 from ${name} t where t::text like '%' || $1 || '%') as hit`,
        [secret],
      );
      if (hit.hit) leaks.push(name);
    }
    const [view] = await admin`select count(*)::int as n from vault.decrypted_secrets
                               where decrypted_secret like '%' || ${secret} || '%'`;
    assertEquals([leaks, view.n], [[], 0]);
  } finally {
    await admin.end();
  }
});

test("resolved follows recovery, through the health job's own command", async () => {
  await resetAlerts();
  const server = alertServer();
  const saved = await savedVault();
  /** One round of the health job: its command, then pg_net's delivery of its request. */
  const round = async () => {
    await db`select private.check_sync_health('development')`;
    while (await drainNetQueue(db) > 0) { /* sent */ }
    await backgroundSettled();
  };
  try {
    await db`select private.set_vault_secret('project_url', ${server.url})`;
    await db`select private.set_vault_secret('scheduler_api_key', ${SCHEDULER_KEY})`;
    await db`delete from private.health_checks where environment = 'development'`;
    // Unhealthy: development has no successful run.
    await db`truncate dev.sync_logs`;
    await round();
    await round();
    const kinds = () => receiver.received.map((r) => generic(r).kind);
    assertEquals(kinds(), ["unhealthy"]);
    await db`insert into dev.sync_logs (sync_id, operation, status)
             values (gen_random_uuid(), 'sync_complete', 'completed')`;
    await round(); // answers healthy
    await round(); // reads that answer
    // The unhealthy answer read after the first alert was folded; recovery
    // sends what the window held first, then resolved.
    assertEquals(kinds(), ["unhealthy", "unhealthy", "resolved"]);
    assertEquals(generic(receiver.received[1]).count, 1);
    const resolved = generic(receiver.received[2]);
    assertEquals([resolved.severity, resolved.runbook], ["info", "Health alert"]);
    assertMatch(String(resolved.text), /^\[development\] the sync is healthy again/);
    await round();
    assertEquals(kinds(), ["unhealthy", "unhealthy", "resolved"], "resolved once");
  } finally {
    await restoreVault(saved);
    await server.close();
  }
});

test("the daily digest lists the demo data's rejected records and unknown statuses", async () => {
  await resetAlerts();
  const my = await recreateSourceDatabase(SOURCE_DB);
  await loadDemoData(my, scaled(3000));
  await my.end();
  await db`truncate dev.positions, dev.members, dev.facilities, dev.regions, dev.sync_logs,
           dev.sync_cursor cascade`;
  const server = alertServer();
  try {
    const run = await call(server.fn("sync"), {
      token: SERVICE_KEY,
      body: { environment: "development" },
    });
    assertEquals([run.status, run.body.status], [200, "completed"]);
    const logged = await db`
      select l.table_name, coalesce(r ->> 'member_number', r ->> 'key') as who
      from dev.sync_logs l, jsonb_array_elements(l.error_details -> 'rejected') r
      where l.sync_id = ${run.body.sync_id}
      union all
      select 'status', r ->> 'member_number'
      from dev.sync_logs l, jsonb_array_elements(l.error_details -> 'replaced') r
      where l.sync_id = ${run.body.sync_id}`;
    const members = logged.filter((l) => l.table_name === "members").map((l) => l.who);
    const unknown = logged.filter((l) => l.table_name === "status").map((l) => l.who);
    assert(members.length >= 3 && unknown.length >= 1, JSON.stringify(logged));
    // A table with more rejected records than a digest lists.
    await db`insert into dev.sync_logs (sync_id, table_name, operation, status, error_details)
             select gen_random_uuid(), 'regions', 'sync_complete', 'completed',
                    jsonb_build_object('rejected_total', 30, 'rejected',
                      jsonb_agg(jsonb_build_object('key', 'R' || lpad(i::text, 2, '0'),
                                                   'reason', 'bad')))
             from generate_series(1, 30) i`;
    const [made] =
      await db`select private.compose_alert_digest('development', current_date) as made`;
    assertEquals(made.made, true);
    const [again] =
      await db`select private.compose_alert_digest('development', current_date) as made`;
    assertEquals(again.made, false, "once a day");
    await pass(server);
    const digests = receiver.received.map(generic).filter((g) => g.kind === "digest");
    assertEquals(digests.length, 1);
    const text = String(digests[0].text);
    for (const who of [...members, ...unknown]) assert(text.includes(who), `${who} in ${text}`);
    assertMatch(text, /members: \d+ with an unknown status/);
    assertMatch(text, /regions: 30 rejected \(R01, .*R20, …\)/);
    assert(!text.includes("R21"), "at most 20 member numbers or keys");
    // A day with nothing to say sends nothing.
    await db`select private.compose_alert_digest('development', current_date - 400)`;
    await pass(server);
    assertEquals(receiver.received.map(generic).filter((g) => g.kind === "digest").length, 1);
  } finally {
    await server.close();
  }
});

test("a sync whose alert cannot be delivered still completes, and the health check answers at once", async () => {
  await resetAlerts();
  const server = alertServer();
  try {
    // The webhook hangs for 4 s on every request.
    receiver.answer(...Array.from({ length: 4 }, () => ({ status: 200, delayMs: 4_000 })));
    const my = await mysqlConnect(SOURCE_DB);
    await my.query("delete from region");
    await my.end();
    const run = await call(server.fn("sync"), {
      token: SERVICE_KEY,
      body: { environment: "development", tables: ["regions"] },
    });
    assertEquals(run.status, 200);
    const [refused] = await db`select status from dev.sync_logs
                               where sync_id = ${run.body.sync_id} and operation = 'sync_error'`;
    assertEquals(refused.status, "deactivation_refused");
    const started = Date.now();
    const res = await health(server);
    assert(Date.now() - started < 2_000, `the health check took ${Date.now() - started} ms`);
    assertEquals(receiver.received.length, 0, "not delivered yet");
    assertEquals(typeof res.body.alerts_undelivered, "number");
    const again = await call(server.fn("sync"), {
      token: SERVICE_KEY,
      body: { environment: "development", tables: ["regions"] },
    });
    assertEquals(again.status, 200, "a sync meanwhile is not held up");
    await backgroundSettled();
    assertEquals(ofSync(run.body.sync_id).map((r) => generic(r).kind), ["deactivation_refused"]);
  } finally {
    await server.close();
  }
});

test("npm run alerts -- test sends a test alert through the same path and reports it", async () => {
  await resetAlerts();
  const server = alertServer({ ALERT_WEBHOOK_URL_DEVELOPMENT: `${GENERIC},${DISCORD}` });
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        ...denoLockArgs,
        "scripts/alerts_cli.ts",
        "test",
        "--environment",
        "development",
      ],
      env: {
        SUPABASE_URL: server.url,
        SUPABASE_DB_URL: DB_URL,
        SUPABASE_SERVICE_ROLE_KEY: SERVICE_KEY,
        LOG_LEVEL: "silent",
      },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    assertEquals(out.code, 0, text);
    assertMatch(text, /ALERT_WEBHOOK_URL_DEVELOPMENT#1 \[generic\]: delivered \(HTTP 204\)/);
    assertMatch(text, /ALERT_WEBHOOK_URL_DEVELOPMENT#2 \[discord\]: delivered \(HTTP 204\)/);
    const got = receiver.received.map(generic).filter((g) => g.kind === "test");
    assertEquals(got.map((g) => [g.environment, g.severity, g.runbook]), [
      ["development", "info", "Alerts"],
    ]);
  } finally {
    await backgroundSettled();
    await server.close();
  }
});

test("cleanup: development's alerts and the digest's data", async () => {
  await resetAlerts();
  await db`truncate dev.positions, dev.members, dev.facilities, dev.regions, dev.sync_logs,
           dev.sync_cursor cascade`;
});
