// `npm run soak -- [--minutes N]` (default 60): the local stack as deployed,
// under an hour of mixed traffic. `npm start`'s function server (its own
// process, with its pg_net worker) and the real pg_cron schedules, plus the
// production sync job's command every 5 minutes and cleanup's every 10; the
// traffic of bench/soak_traffic.ts; the legacy source changing 0.5 % of its
// members between syncs. Every minute it prints and keeps what an operator would
// watch; at the end it judges the run (docs/benchmarks.md, "Soak") and
// writes bench-results/soak.json, docs/soak.svg and the docs' soak section.
// The production schemas hold the demo data afterwards.
import { parseArgs } from "node:util";
import postgres from "postgres";
import { localEnv, STACK_PG_URL } from "../local/stack.ts";
import { actors, every, type Ledger, newLedger } from "./soak_traffic.ts";
import { judge, type Sample, summarize } from "./soak_verdict.ts";
import { soakSvg } from "./soak_plot.ts";
import { closeAuthenticator } from "../tests/support/postgrest.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { minutes: { type: "string", default: "60" } },
});
const MINUTES = Number(values.minutes);
if (!(MINUTES > 0)) throw new Error("--minutes must be a positive number");

// As npm start: the local configuration, made from the example on first use.
try {
  await Deno.stat("supabase/functions/.env");
} catch {
  await Deno.copyFile("supabase/functions/.env.example", "supabase/functions/.env");
}
const env = await localEnv();
const sql = postgres(STACK_PG_URL, { prepare: false, max: 2, onnotice: () => {} });
const say = (msg: string) => console.log(`[soak ${new Date().toISOString().slice(11, 19)}] ${msg}`);

// The demo data, once, as npm start loads it.
await new Deno.Command(Deno.execPath(), { args: ["run", "-A", "scripts/seed.ts", "--if-empty"] })
  .output();

const server = new Deno.Command(Deno.execPath(), {
  args: ["run", "-A", "scripts/serve.ts"],
  env: { LOG_LEVEL: "warn" },
  stdout: "null",
  stderr: "piped",
}).spawn();
const base = `http://127.0.0.1:${env.FUNCTIONS_PORT}`;
for (let i = 0; i < 100; i++) {
  const up = await fetch(`${base}/functions/v1/sync`).then((r) => r.body?.cancel(), () => false);
  if (up !== false) break;
  await new Promise((r) => setTimeout(r, 200));
}
const serverErrors: string[] = [];
(async () => {
  for await (const chunk of server.stderr.pipeThrough(new TextDecoderStream())) {
    for (const line of chunk.split("\n")) if (line.trim()) serverErrors.push(line.slice(0, 300));
  }
})();

// pg_cron's jobs call the server through Vault's project_url and key.
await sql`select private.set_vault_secret('project_url', ${base})`;
await sql`select private.set_vault_secret('scheduler_api_key',
                                          ${env.SCHEDULER_API_KEY.split(",")[0]})`;
/** The server stopped, once (also on Ctrl-C). */
let stopped = false;
async function stopServer() {
  if (stopped) return;
  stopped = true;
  try {
    server.kill("SIGTERM");
  } catch { /* already stopped */ }
  await server.status;
}
const onSignal = async () => {
  await stopServer();
  Deno.exit(130);
};
// A signal listener keeps the process alive: both are removed at the end.
const SIGNALS = ["SIGINT", "SIGTERM"] as const;
for (const signal of SIGNALS) Deno.addSignalListener(signal, onSignal);
try {
  /**
   * A job's own command, run on a 5- or 10-minute mark as pg_cron would if its
   * schedule said so: the sync every 5 minutes, cleanup every 10. Running the
   * command rather than changing the jobs' schedules leaves nothing to put
   * back if the soak is stopped half way.
   */
  const onTheMark = async (periodMs: number, job: string) => {
    while (Date.now() < until) {
      const mark = periodMs - (Date.now() % periodMs);
      if (Date.now() + mark >= until) return;
      await new Promise((r) => setTimeout(r, mark));
      const [{ command }] = await sql`select command from cron.job where jobname = ${job}`;
      await sql.unsafe(command);
    }
  };

  // A first sync, as after a deploy, so the members are there from the start.
  const [{ members }] = await sql`select count(*)::int as members from public.members`;
  if (members === 0) {
    say("first sync of the demo data");
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${base}/functions/v1/sync`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${env.SUPABASE_SERVICE_ROLE_KEY}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({ environment: "production" }),
      });
      const report = await res.json();
      if (report.status === "completed") break;
    }
  }

  const started = Date.now();
  const until = started + MINUTES * 60_000;
  const [{ since_log }] = await sql`select coalesce(max(id), 0) as since_log from public.sync_logs`;
  const ledger: Ledger = newLedger();
  const keys = {
    base,
    bot: env.DISCORD_BOT_API_KEY.split(",")[0],
    audience: env.AUTH0_AUDIENCE,
  };
  const a = await actors(sql, ledger, keys, env.MYSQL_DB);
  const samples: Sample[] = [];

  const sample = async (): Promise<Sample> => {
    const rss = Number(
      /VmRSS:\s+(\d+)/.exec(await Deno.readTextFile(`/proc/${server.pid}/status`))?.[1] ?? 0,
    ) / 1024;
    const connections = await sql<{ application_name: string; n: number }[]>`
      select application_name, count(*)::int as n from pg_stat_activity
      where datname = current_database() and backend_type = 'client backend'
      group by 1 order by 1`;
    const [sizes] = await sql`
      select (select count(*) from discord.verification_requests)::int as verification_requests,
             (select count(*) from discord.member_events)::int as member_events,
             (select count(*) from public.sync_logs)::int as sync_logs,
             (select count(*) from net.http_request_queue)::int as net_queue,
             (select count(*) from net._http_response)::int as net_responses`;
    const dead = await sql<{ table_name: string; dead: number }[]>`
      select relname as table_name, n_dead_tup::int as dead from pg_stat_user_tables
      where schemaname in ('public', 'discord')
        and relname in ('members', 'verification_requests', 'member_events', 'sync_logs',
                        'discord_link_audit')
      order by 1`;
    const recent = ledger.calls.filter((c) => c.at > Date.now() - 60_000).map((c) => c.ms)
      .sort((x, y) => x - y);
    const p = (q: number) =>
      recent.length ? recent[Math.min(recent.length - 1, Math.floor(q * recent.length))] : 0;
    return {
      minute: Math.round((Date.now() - started) / 60_000),
      rss_mb: Math.round(rss),
      connections: Object.fromEntries(
        connections.map((c) => [c.application_name || "(none)", c.n]),
      ),
      sizes,
      dead: Object.fromEntries(dead.map((d) => [d.table_name, d.dead])),
      requests: recent.length,
      p50_ms: Math.round(p(0.5)),
      p99_ms: Math.round(p(0.99)),
    } as Sample;
  };

  const reporter = (async () => {
    while (Date.now() < until) {
      await new Promise((r) => setTimeout(r, Math.min(60_000, Math.max(0, until - Date.now()))));
      const s = await sample();
      samples.push(s);
      const conns = Object.entries(s.connections).map(([k, v]) => `${k}=${v}`).join(" ");
      say(
        `min ${s.minute}: ${s.requests} req, p50 ${s.p50_ms} ms, p99 ${s.p99_ms} ms, rss ${s.rss_mb} MB, ` +
          `queue ${s.sizes.net_queue}, requests ${s.sizes.verification_requests}, ${conns}`,
      );
    }
  })();

  say(`running ${MINUTES} min against ${base}`);
  // The source changes half way between two syncs (they run on the 5-minute marks).
  const sourceChanges = (async () => {
    while (Date.now() < until) {
      const wait = (450_000 - (Date.now() % 300_000)) % 300_000;
      if (Date.now() + wait >= until) return;
      await new Promise((r) => setTimeout(r, wait));
      await a.changeSource().catch((e) => say(`source change failed: ${e.message}`));
    }
  })();
  await Promise.all([
    every(200, until, a.create),
    every(500, until, a.complete),
    every(600, until, a.unlink),
    every(1_000, until, a.consume),
    onTheMark(300_000, "mynatca-sync-production"),
    onTheMark(600_000, "mynatca-cleanup-production"),
    reporter,
    sourceChanges,
  ]);

  // Let the last sync and the pg_net worker finish, and read the feed to its end.
  say("traffic stopped; waiting for a running sync to finish");
  for (let i = 0; i < 150; i++) {
    const [{ running }] = await sql`select exists (select 1 from public.sync_cursor) as running`;
    if (!running) break;
    await new Promise((r) => setTimeout(r, 2_000));
  }
  await new Promise((r) => setTimeout(r, 5_000));
  await a.consume();
  await stopServer();

  const verdict = await judge(sql, ledger, samples, {
    since_log,
    start: a.start,
    startedAt: started,
  });
  const summary = summarize(MINUTES, ledger, samples, verdict, serverErrors);
  await Deno.mkdir("bench-results", { recursive: true });
  await Deno.writeTextFile("bench-results/soak.json", JSON.stringify(summary, null, 2));
  await Deno.writeTextFile("docs/soak.svg", soakSvg(samples));
  await writeDocs(summary.markdown);
  console.log(summary.markdown);
  await sql.end();
  if (!verdict.passed) Deno.exitCode = 1;
} finally {
  // Never leave the server running (it holds the functions' port).
  await stopServer();
  for (const signal of SIGNALS) Deno.removeSignalListener(signal, onSignal);
  // The bot's reads' pool: its idle connections would keep the process alive.
  await closeAuthenticator();
}

/** Replaces the soak's section of docs/benchmarks.md with this run's figures. */
async function writeDocs(markdown: string) {
  const path = "docs/benchmarks.md";
  const text = await Deno.readTextFile(path);
  const [open, close] = ["<!-- soak:start -->", "<!-- soak:end -->"];
  const i = text.indexOf(open), j = text.indexOf(close);
  const block = `${open}\n${markdown}\n${close}`;
  await Deno.writeTextFile(
    path,
    i >= 0 && j > i
      ? text.slice(0, i) + block + text.slice(j + close.length)
      : `${text}\n${block}\n`,
  );
}
