// What alert delivery costs, and how long an alert takes to arrive:
//   - a no-op sync at BENCH_ALERTS_MEMBERS members (200,000), in its own
//     process as the operator CLI runs it (bench/sync_bench_worker.ts), with
//     nothing to deliver, and while a delivery pass posts
//     BENCH_ALERTS_BACKLOG (300) alerts to a receiver that answers each after
//     20 ms; the runs alternate, so drift on the machine falls on both;
//   - the time from a sync_error row to its arrival at a webhook on the local
//     stack's own schedules: the real pg_cron health job (every 5 minutes),
//     the local pg_net worker, and the functions served over HTTP. A failed
//     sync (MySQL unreachable) writes the row right after a health round
//     (the worst case: the alert waits for the next round) and again half
//     way between two rounds.
// BENCH_REPEATS timed no-op runs per variant after a warm-up, median (min–max).
// Uses mynatca_bench and the development schemas, which it empties.
import { loadDemoData, recreateSourceDatabase, scaled } from "../local/demo_data.ts";
import { runNetWorker } from "../local/net_worker.ts";
import { deliverAlerts } from "../shared/alerts/deliver.ts";
import { getSql } from "../shared/db.ts";
import { setLogLevel } from "../shared/log.ts";
import { syncHandler } from "../supabase/functions/sync/handler.ts";
import { alertReceiver } from "../tests/support/alert_receiver.ts";
import { envNumber, fmt, type Spread, spread } from "./lib.ts";
import { db, DB_URL, env, progress, REPEATS, resetDev, step } from "./sync_bench_harness.ts";

const MEMBERS = envNumber("BENCH_ALERTS_MEMBERS", 200_000);
const BACKLOG = envNumber("BENCH_ALERTS_BACKLOG", 300);
const SAMPLES = envNumber("BENCH_ALERTS_LATENCY_SAMPLES", 2);
const SCHEDULER_KEY = "bench-scheduler-key-for-pg-cron-000001";

async function noopRuns() {
  progress(`loading ${MEMBERS} members into mynatca_bench`);
  const conn = await recreateSourceDatabase("mynatca_bench");
  await loadDemoData(conn, scaled(MEMBERS));
  await conn.end();
  await resetDev();
  await db`delete from private.alerts where environment = 'development'`;
  await db`delete from private.alert_occurrences where environment = 'development'`;
  await db`delete from private.alert_windows where environment = 'development'`;
  await step("sync");
  progress("first load done");

  const hook = alertReceiver({ status: 204, delayMs: 20 });
  const config = {
    ALERT_WEBHOOK_URL_DEVELOPMENT: hook.url("/generic"),
    ALERT_REPEAT_MINUTES: 60,
    ALERT_MAX_AGE_HOURS: 24,
  };
  const sql = getSql({ SUPABASE_DB_URL: DB_URL, DB_POOL_SIZE: 2 }, "bench-alerts");
  const quiet: number[] = [], delivering: number[] = [];
  let delivered = 0;
  for (let i = 0; i <= REPEATS; i++) {
    quiet.push((await step("sync")).wall_s);
    // A backlog of distinct alerts (each its own code, so none is folded).
    await db`insert into dev.sync_logs (sync_id, operation, status, error_details)
             select gen_random_uuid(), 'sync_error', 'failed',
                    jsonb_build_object('reason', 'bench', 'code', ${`bench:${crypto.randomUUID()}:`} || n)
             from generate_series(1, ${BACKLOG}) n`;
    const before = hook.received.length;
    const [run] = await Promise.all([step("sync"), deliverAlerts(sql, config, "development")]);
    delivering.push(run.wall_s);
    delivered = hook.received.length - before;
    progress(`no-op ${i === 0 ? "warm-up" : `run ${i}/${REPEATS}`} done (${delivered} delivered)`);
  }
  await hook.close();
  await db`delete from dev.sync_logs where operation = 'sync_error'`;
  await db`delete from private.alerts where environment = 'development'`;
  await db`delete from private.alert_windows where environment = 'development'`;
  if (delivered !== BACKLOG) throw new Error(`${delivered} of ${BACKLOG} alerts were delivered`);
  return { quiet: spread(quiet.slice(1)), delivering: spread(delivering.slice(1)), delivered };
}

/** Seconds until the next health round (pg_cron's `*\/5 * * * *`, on the minute). */
const untilRound = () => (300_000 - (Date.now() % 300_000)) / 1000;

async function latencyRuns() {
  const hook = alertReceiver();
  const serverEnv = {
    ...env,
    SUPABASE_SERVICE_ROLE_KEY: "bench-service-role-key",
    SCHEDULER_API_KEY: SCHEDULER_KEY,
    MYSQL_PORT: "9", // unreachable: every sync fails with a sync_error row
    SYNC_RETRY_COUNT: "0",
    ALERT_WEBHOOK_URL_DEVELOPMENT: hook.url("/generic"),
    // Each sample's failure is the same fault: within the default hour it
    // would be folded into the first sample's message, not sent.
    ALERT_REPEAT_MINUTES: "0.01",
  };
  // The sync function alone (the health job calls nothing else), as the gateway serves it.
  const sync = syncHandler(serverEnv);
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (req) =>
      new URL(req.url).pathname === "/functions/v1/sync"
        ? sync(req)
        : Promise.resolve(new Response(null, { status: 404 })),
  );
  const base = `http://127.0.0.1:${server.addr.port}`;
  const saved = await db<{ name: string; secret: string }[]>`
    select name, decrypted_secret as secret from vault.decrypted_secrets
    where name in ('project_url', 'scheduler_api_key')`;
  const stop = new AbortController();
  const worker = runNetWorker(
    getSql({ SUPABASE_DB_URL: DB_URL, DB_POOL_SIZE: 2 }, "bench-net-worker"),
    stop.signal,
  );
  const samples: { offset_s: number; latency_s: number }[] = [];
  try {
    await db`select private.set_vault_secret('project_url', ${base})`;
    await db`select private.set_vault_secret('scheduler_api_key', ${SCHEDULER_KEY})`;
    await db`delete from private.alert_occurrences where environment = 'development'`;
    await db`delete from private.alert_windows where environment = 'development'`;
    // Right after a round (the alert waits a whole period), then mid-way.
    const offsets = [5, 150, 60, 240].slice(0, SAMPLES);
    for (const offset of offsets) {
      const wait = (untilRound() + offset) % 300;
      progress(`latency: waiting ${Math.round(wait)} s for ${offset} s after a health round`);
      await new Promise((r) => setTimeout(r, wait * 1000));
      const res = await fetch(`${base}/functions/v1/sync`, {
        method: "POST",
        headers: {
          authorization: "Bearer bench-service-role-key",
          "content-type": "application/json",
        },
        body: JSON.stringify({ environment: "development" }),
      });
      const { error: { details } } = await res.json();
      const [row] = await db`select created_at from dev.sync_logs
                             where sync_id = ${details.sync_id} and operation = 'sync_error'`;
      const until = Date.now() + 420_000;
      let arrival: number | undefined;
      while (!arrival && Date.now() < until) {
        arrival = hook.received.find((a) => a.body.sync_id === details.sync_id)?.at;
        if (!arrival) await new Promise((r) => setTimeout(r, 250));
      }
      if (!arrival) throw new Error("the alert did not arrive within 7 minutes");
      const latency = (arrival - row.created_at.getTime()) / 1000;
      samples.push({ offset_s: offset, latency_s: latency });
      progress(`latency: ${latency.toFixed(1)} s (row written ${offset} s after a round)`);
    }
  } finally {
    await db`select private.set_vault_secret('scheduler_api_key', null)`;
    for (const s of saved) await db`select private.set_vault_secret(${s.name}, ${s.secret})`;
    stop.abort();
    await worker;
    await server.shutdown();
    await hook.close();
  }
  return samples;
}

// One line per delivered alert would drown the figures.
setLogLevel("warn");
const noop = await noopRuns();
const latency = SAMPLES > 0 ? await latencyRuns() : [];
const result = { members: MEMBERS, backlog: BACKLOG, noop, latency };
await Deno.mkdir("bench-results", { recursive: true });
await Deno.writeTextFile("bench-results/alerts.json", JSON.stringify(result, null, 2));

const ratio = (a: Spread, b: Spread) => a.median / b.median;
console.log(`\nAlert delivery (${MEMBERS} members)\n`);
console.log("| run | measured | goal |");
console.log("|---|---|---|");
console.log(`| no-op sync, nothing to deliver | ${fmt(noop.quiet)} s | |`);
console.log(
  `| no-op sync while ${noop.delivered} alerts are delivered | ${fmt(noop.delivering)} s (${
    ratio(noop.delivering, noop.quiet).toFixed(2)
  }×) | no measurable change |`,
);
for (const s of latency) {
  console.log(
    `| sync_error row to webhook, row written ${s.offset_s} s after a health round | ${
      s.latency_s.toFixed(1)
    } s | ≤ 360 s |`,
  );
}
await db.end();
