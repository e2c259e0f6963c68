// The sync at each size of BENCH_SYNC_SIZES (members; facilities and
// positions in proportion), next to two baselines measured in the same run:
// the ceiling (the same rows read and COPYed raw) and row-by-row upserts (a
// slice of members, one statement each, scaled). For each size:
//   - full sync and no-op resync in one process, as the operator CLI runs them;
//   - the same two as the Edge runtime runs them: one POST /sync after another,
//     each bounded by SYNC_ROWS_PER_INVOCATION, until the run is `completed`,
//     every invocation measured (wall, CPU, peak memory);
//   - before the resyncs, a share of members is linked to Discord accounts, so
//     the link validation that ends a run has real work;
//   - the resyncs' writes are read from Postgres' own statistics
//     (pg_stat_user_tables), not from the sync's report.
// Every figure gets one untimed warm-up run, then BENCH_REPEATS timed runs,
// reported as median (min–max). Uses the MariaDB database `mynatca_bench` and
// the development schemas, which it empties.
//   BENCH_SYNC_SIZES (20000,200000), BENCH_REPEATS (3), BENCH_ROW_SLICE (5000),
//   BENCH_LINKED_SHARE (0.10); SYNC_ROWS_PER_INVOCATION and SYNC_BATCH_SIZE
//   reach the measured processes.
import postgres from "postgres";
import { STACK_MY_PORT, STACK_PG_URL } from "../local/stack.ts";
import { loadDemoData, recreateSourceDatabase, scaled } from "../local/demo_data.ts";
import { envNumber, fmt, round, sleep, type Spread, spread } from "./lib.ts";
import type { Step } from "./sync_worker.ts";

const SIZES = (Deno.env.get("BENCH_SYNC_SIZES") ?? "20000,200000").split(",").map(Number);
const REPEATS = Math.max(1, envNumber("BENCH_REPEATS", 3));
const SLICE = envNumber("BENCH_ROW_SLICE", 5_000);
const LINKED_SHARE = envNumber("BENCH_LINKED_SHARE", 0.10);
const ROWS_PER_INVOCATION = envNumber("SYNC_ROWS_PER_INVOCATION", 60_000);
const SYNCED = ["regions", "facilities", "members", "positions"];
const DB_URL = STACK_PG_URL;
// One connection: pg_stat_force_next_flush() acts on the calling backend, so
// the harness's own writes (resets, links) must all come from the one it flushes.
const db = postgres(DB_URL, { prepare: false, max: 1, onnotice: () => {} });
const env = {
  SUPABASE_DB_URL: DB_URL,
  SUPABASE_SERVICE_ROLE_KEY: "bench",
  MYSQL_HOST: "127.0.0.1",
  MYSQL_PORT: String(STACK_MY_PORT),
  MYSQL_USER: "root",
  MYSQL_DB: "mynatca_bench",
  MYSQL_SSL: "disable",
  LOG_LEVEL: "silent",
  SLICE: String(SLICE),
};
const t0 = performance.now();
const progress = (msg: string) =>
  console.error(`[sync bench ${Math.round((performance.now() - t0) / 1000)} s] ${msg}`);

async function step(mode: string): Promise<Step> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "bench/sync_worker.ts", mode],
    env,
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`${mode} failed`);
  return JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").pop()!);
}

/** One run as the Edge runtime makes it: invocations until the status is `completed`. */
async function edgeRun(): Promise<Step[]> {
  const invocations: Step[] = [];
  for (;;) {
    const s = await step("edge");
    invocations.push(s);
    if (s.status === "completed") return invocations;
    if (s.status !== "partial" || invocations.length > 100) {
      throw new Error(`Edge invocation ${invocations.length} ended ${s.status}`);
    }
  }
}

/** An untimed warm-up run, then REPEATS timed ones. */
async function repeated<T>(label: string, before: () => Promise<unknown>, run: () => Promise<T>) {
  const timed: T[] = [];
  for (let i = 0; i <= REPEATS; i++) {
    await before();
    const r = await run();
    if (i > 0) timed.push(r);
    progress(`${label}: ${i === 0 ? "warm-up" : `run ${i}/${REPEATS}`} done`);
  }
  return timed;
}

const resetDev = () =>
  db`truncate dev.positions, dev.members, dev.facilities, dev.regions, dev.sync_logs,
     dev.sync_cursor, discord_dev.validation_logs, discord_dev.validation_summaries cascade`;

type Writes = Record<string, { ins: number; upd: number; del: number }>;

/**
 * Cumulative row counters of the development tables, once every write so far
 * is in them: a backend flushes its statistics when it exits (the measured
 * processes have closed theirs; we wait until they are gone), and ours is
 * flushed on demand.
 */
async function tableCounters(): Promise<Writes> {
  for (let i = 0;; i++) {
    const [{ n }] = await db`select count(*)::int as n from pg_stat_activity
                             where application_name = 'mynatca-functions'`;
    if (n === 0) break;
    if (i > 300) throw new Error("the measured process's connections did not close");
    await sleep(50);
  }
  await db`select pg_stat_force_next_flush()`;
  const rows = await db<{ t: string; ins: string; upd: string; del: string }[]>`
    select schemaname || '.' || relname as t, n_tup_ins as ins, n_tup_upd as upd, n_tup_del as del
    from pg_stat_user_tables where schemaname in ('dev', 'discord_dev')`;
  return Object.fromEntries(
    rows.map((r) => [r.t, { ins: Number(r.ins), upd: Number(r.upd), del: Number(r.del) }]),
  );
}

async function measuringWrites<T>(run: () => Promise<T>): Promise<{ result: T; writes: Writes }> {
  const before = await tableCounters();
  const result = await run();
  const after = await tableCounters();
  const writes: Writes = {};
  for (const [t, a] of Object.entries(after)) {
    const b = before[t] ?? { ins: 0, upd: 0, del: 0 };
    const d = { ins: a.ins - b.ins, upd: a.upd - b.upd, del: a.del - b.del };
    if (d.ins || d.upd || d.del) writes[t] = d;
  }
  return { result, writes };
}

const syncedWrites = (w: Writes) =>
  SYNCED.reduce((n, t) => {
    const d = w[`dev.${t}`];
    return n + (d ? d.ins + d.upd + d.del : 0);
  }, 0);

/**
 * Links LINKED_SHARE of the members to Discord accounts, as complete-verification
 * would have: most of them active members, some whose status has changed
 * since, and some no longer in the source at all (kept here as inactive rows,
 * so the sync has nothing to retire), so every outcome of validation occurs.
 */
async function linkMembers(members: number) {
  const linked = Math.round(members * LINKED_SHARE);
  const active = Math.round(linked * 0.9);
  const other = Math.round(linked * 0.08);
  const ghosts = linked - active - other;
  await db`
    with pick as (
      (select member_number from dev.members where status = 'active'
       order by md5(member_number) limit ${active})
      union all
      (select member_number from dev.members where status <> 'active'
       order by md5(member_number) limit ${other})
    ), numbered as (
      select member_number, row_number() over (order by member_number) as n from pick
    )
    update dev.members m
    set discord_id = '4' || lpad(n::text, 17, '0'), discord_username = 'bench' || n,
        discord_verified = true, verified_at = now() - interval '30 days'
    from numbered where numbered.member_number = m.member_number`;
  await db`
    insert into dev.members (member_number, first_name, last_name, status, discord_id,
                             discord_username, discord_verified, verified_at)
    select 'GONE' || g, 'Gone', 'Member', 'inactive', '5' || lpad(g::text, 17, '0'),
           'gone' || g, true, now() - interval '400 days'
    from generate_series(1, ${ghosts}) g`;
  // Steady state, as autovacuum would leave it long before the next 6-hourly run.
  await db.unsafe(`vacuum (analyze) dev.members, dev.positions, dev.facilities, dev.regions`);
  const [n] = await db`select count(*)::int as linked,
                              count(*) filter (where status = 'active')::int as active
                       from dev.members where discord_verified`;
  return { linked: n.linked, active: n.active, ghosts };
}

interface Run {
  wall: Spread;
  cpu: Spread;
  rss: Spread;
  heap: Spread;
  rows: number;
}
const summarize = (steps: Step[]): Run => ({
  wall: spread(steps.map((s) => s.wall_s)),
  cpu: spread(steps.map((s) => s.cpu_s)),
  rss: spread(steps.map((s) => s.peak_rss_mb)),
  heap: spread(steps.map((s) => s.peak_heap_mb)),
  rows: steps[0].rows,
});

/** An Edge run summed (wall, CPU) and at its worst invocation (each figure's own worst). */
function summarizeEdge(runs: Step[][]) {
  const sum = (k: "wall_s" | "cpu_s") => (r: Step[]) => r.reduce((n, s) => n + s[k], 0);
  const worst = (k: keyof Step) => (r: Step[]) => Math.max(...r.map((s) => s[k] as number));
  const counts = spread(runs.map((r) => r.length));
  // Invocation i across the repeats, for the detail table.
  const perInvocation = Array.from(
    { length: Math.max(...runs.map((r) => r.length)) },
    (_, i) => {
      const steps = runs.map((r) => r[i]).filter(Boolean);
      return { ...summarize(steps), status: steps[0].status, tables: steps[0].tables };
    },
  );
  return {
    invocations: counts,
    total: {
      wall: spread(runs.map(sum("wall_s"))),
      cpu: spread(runs.map(sum("cpu_s"))),
      rows: runs[0].reduce((n, s) => n + s.rows, 0),
    },
    worst: {
      wall: spread(runs.map(worst("wall_s"))),
      cpu: spread(runs.map(worst("cpu_s"))),
      rss: spread(runs.map(worst("peak_rss_mb"))),
      heap: spread(runs.map(worst("peak_heap_mb"))),
      rows: Math.max(...runs[0].map((s) => s.rows)),
    },
    perInvocation,
  };
}

const idle = await step("idle");
const results: Record<string, unknown> = {};
const table: string[] = [];
const detail: string[] = [];
const notes: string[] = [];
let rowByRow: Run | undefined;

for (const members of SIZES) {
  const size = scaled(members);
  progress(`loading ${members} members into mynatca_bench`);
  const conn = await recreateSourceDatabase("mynatca_bench");
  await conn.query("set session sql_mode = ''");
  await loadDemoData(conn, size);
  await conn.end();
  const noop = async () => {};

  const ceiling = summarize(await repeated("ceiling", noop, () => step("ceiling")));
  await db`drop table if exists bench_ceiling_regions, bench_ceiling_facilities,
           bench_ceiling_members, bench_ceiling_positions`;
  // Row-by-row upserts into an empty table cost the same per row at any
  // source size: measured once, at the first size, and scaled.
  rowByRow ??= summarize(await repeated("row-by-row", resetDev, () => step("row-by-row")));

  const full = summarize(await repeated("full sync, one process", resetDev, () => step("sync")));
  const fullEdge = summarizeEdge(await repeated("full sync, Edge", resetDev, edgeRun));

  const links = await linkMembers(members);
  const noopRuns = await repeated(
    "no-op resync, one process",
    noop,
    () => measuringWrites(() => step("sync")),
  );
  const noopEdgeRuns = await repeated("no-op resync, Edge", noop, () => measuringWrites(edgeRun));
  const [validation] = await db`
    select checked, eligible, inactive, missing, duration_ms
    from discord_dev.validation_summaries order by started_at desc limit 1`;

  const noopOne = summarize(noopRuns.map((r) => r.result));
  const noopEdge = summarizeEdge(noopEdgeRuns.map((r) => r.result));
  const noopWritten = Math.max(...noopRuns.map((r) => syncedWrites(r.writes)));
  const noopEdgeWritten = Math.max(...noopEdgeRuns.map((r) => syncedWrites(r.writes)));
  results[members] = {
    size,
    rows_per_invocation: ROWS_PER_INVOCATION,
    links,
    validation,
    ceiling,
    row_by_row: rowByRow,
    full,
    full_edge: fullEdge,
    noop: { ...noopOne, synced_rows_written: noopWritten, writes: noopRuns.map((r) => r.writes) },
    noop_edge: {
      ...noopEdge,
      synced_rows_written: noopEdgeWritten,
      writes: noopEdgeRuns.map((r) => r.writes),
    },
  };

  // The summary table.
  const c = ceiling.wall.median;
  const per10k = (cpu: Spread) => fmt(spread(cpu.runs.map((x) => x / (members / 10_000))), 2);
  const rps = (rows: number, wall: Spread) => Math.round(rows / wall.median);
  const row = (
    label: string,
    r: { wall: Spread; cpu: Spread; rss: Spread; rows: number },
    vs: string,
    whole = true,
  ) =>
    table.push(
      `| ${members} | ${label} | ${fmt(r.wall, 2)} | ${whole ? rps(r.rows, r.wall) : "—"} | ${
        fmt(r.cpu, 2)
      } | ${whole ? per10k(r.cpu) : "—"} | ${fmt(r.rss, 0)} | ${vs} |`,
    );
  const vs = (wall: Spread) => (wall.median / c).toFixed(2);
  row("ceiling (read + COPY)", ceiling, "1.00");
  const scale = members / SLICE;
  const scaledRun = {
    wall: spread(rowByRow.wall.runs.map((x) => x * scale)),
    cpu: spread(rowByRow.cpu.runs.map((x) => x * scale)),
    rss: rowByRow.rss,
    rows: members,
  };
  row(`row-by-row upserts (${SLICE} slice, scaled)`, scaledRun, vs(scaledRun.wall));
  const edgeRows = (label: string, e: ReturnType<typeof summarizeEdge>, note = "") => {
    const n = fmt(e.invocations, 0);
    const count = n === "1" ? "1 invocation" : `${n} invocations summed`;
    row(`${label}, Edge: ${count}${note}`, { ...e.total, rss: e.worst.rss }, vs(e.total.wall));
    // With one invocation, the worst is that one, already on the row above.
    if (e.invocations.max > 1) row(`${label}, Edge: worst invocation`, e.worst, "—", false);
  };
  row("full sync, 1 process", full, vs(full.wall));
  edgeRows("full sync", fullEdge);
  row(`no-op resync, 1 process, ${noopWritten} rows written`, noopOne, vs(noopOne.wall));
  edgeRows("no-op resync", noopEdge, `, ${noopEdgeWritten} rows written`);

  // Each Edge invocation, medians over the repeats.
  for (const [label, e] of [["full sync", fullEdge], ["no-op resync", noopEdge]] as const) {
    e.perInvocation.forEach((inv, i) => {
      const walked = Object.entries(inv.tables ?? {}).map(([t, n]) => `${t} ${n}`).join(", ");
      const finish = inv.status === "completed" ? "; retire, counts, validate links" : "";
      detail.push(
        `| ${members} | ${label} | ${i + 1} | ${inv.rows} | ${walked}${finish} | ${
          fmt(inv.wall, 2)
        } | ${fmt(inv.cpu, 2)} | ${fmt(inv.rss, 0)} | ${fmt(inv.heap, 0)} |`,
      );
    });
  }

  // The resync's writes per table, from pg_stat, in the last timed run.
  const describe = (w: Writes) =>
    Object.entries(w).sort().map(([t, d]) =>
      `${t} ${
        [d.ins && `+${d.ins} ins`, d.upd && `${d.upd} upd`, d.del && `${d.del} del`]
          .filter(Boolean).join(" ")
      }`
    ).join(", ") || "none";
  const synced = (w: Writes) =>
    SYNCED.map((t) => {
      const d = w[`dev.${t}`] ?? { ins: 0, upd: 0, del: 0 };
      return `${t} ${d.ins + d.upd + d.del}`;
    }).join(", ");
  const other = (w: Writes) =>
    describe(
      Object.fromEntries(
        Object.entries(w).filter(([t]) => !SYNCED.map((s) => `dev.${s}`).includes(t)),
      ),
    );
  const lastOne = noopRuns.at(-1)!.writes, lastEdge = noopEdgeRuns.at(-1)!.writes;
  notes.push(
    `- ${members} members: ${links.linked} linked members (${links.active} active, ` +
      `${links.ghosts} no longer in the source); the last validation checked ${validation.checked} ` +
      `(${validation.eligible} eligible, ${validation.inactive} inactive, ${validation.missing} ` +
      `missing) in ${validation.duration_ms} ms.`,
    `- ${members} members, no-op resync rows written per pg_stat_user_tables (inserted + updated + ` +
      `deleted), one process: ${synced(lastOne)}; bookkeeping: ${other(lastOne)}.`,
    `- ${members} members, no-op resync as Edge invocations: ${synced(lastEdge)}; bookkeeping: ${
      other(lastEdge)
    }.`,
  );
}
await db.end();

console.log(
  `\n### Sync: median (min–max) of ${REPEATS} runs after a warm-up; ` +
    `SYNC_ROWS_PER_INVOCATION=${ROWS_PER_INVOCATION}\n`,
);
console.log(
  "| members | run | wall s | rows/s | CPU s | CPU s per 10k members | peak RSS MB | time vs ceiling |",
);
console.log("|---:|---|---:|---:|---:|---:|---:|---:|");
for (const l of table) console.log(l);
console.log(
  "\nEdge rows: wall and CPU summed over the invocations, peak RSS the worst invocation's; " +
    "the worst-invocation row takes each column's worst. Rows written: to members, positions, " +
    "facilities and regions, from pg_stat_user_tables.",
);
console.log(
  `\nEach Edge invocation (a fresh process; the runtime alone peaks at ${
    round(idle.peak_rss_mb, 0)
  } MB RSS):\n`,
);
console.log(
  "| members | run | invocation | rows | tables walked | wall s | CPU s | peak RSS MB | peak heap MB |",
);
console.log("|---:|---|---:|---:|---|---:|---:|---:|---:|");
for (const l of detail) console.log(l);
console.log("");
for (const n of notes) console.log(n);

await Deno.mkdir("bench-results", { recursive: true });
await Deno.writeTextFile(
  "bench-results/sync.json",
  JSON.stringify(
    {
      taken_at: new Date().toISOString(),
      config: { sizes: SIZES, repeats: REPEATS, slice: SLICE, linked_share: LINKED_SHARE },
      rows_per_invocation: ROWS_PER_INVOCATION,
      runtime_alone: idle,
      sizes: results,
    },
    null,
    2,
  ),
);
