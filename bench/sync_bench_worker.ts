// One measured sync-benchmark step in its own process, so CPU time and peak
// memory are the step's own. Prints one JSON line (a Step).
//   deno run -A bench/sync_bench_worker.ts sync|edge|ceiling|row-by-row|idle
// sync: one whole run in one process, as the operator CLI does it.
// edge: one POST /sync through the function's own handler, with the row
//   budget and deadline the Edge runtime gets; each invocation is a fresh
//   process, as a cold isolate would be.
// idle: the modules loaded and nothing done, for the runtime's own footprint.
import process from "node:process";
import { loadConfig } from "../shared/config.ts";
import { syncConfig } from "../shared/sync/config.ts";
import { closePools, getSql } from "../shared/db.ts";
import { runSync } from "../shared/sync/run.ts";
import type { SyncReport } from "../shared/sync/report.ts";
import { openSource } from "../shared/sync/source.ts";
import { SYNC_TABLES, TABLE_SPECS } from "../shared/sync/tables.ts";
import { syncHandler } from "../supabase/functions/sync/handler.ts";

export interface Step {
  mode: string;
  /** Source rows walked. */
  rows: number;
  /** Rows the step itself says it wrote (the benchmark counts writes from pg_stat, not this). */
  written: number;
  wall_s: number;
  cpu_s: number;
  /** The kernel's high-water mark of resident memory (VmHWM), runtime included. */
  peak_rss_mb: number;
  /** Highest V8 heap in use plus external memory seen by a 10 ms sampler. */
  peak_heap_mb: number;
  /** sync and edge: the run's status, and rows walked per table in this step. */
  status?: SyncReport["status"];
  resumed?: boolean;
  tables?: Record<string, number>;
}

const mode = Deno.args[0];
const env = Deno.env.toObject();
const config = loadConfig(syncConfig, env);
let peakHeap = 0;
const sample = () => {
  const m = Deno.memoryUsage();
  peakHeap = Math.max(peakHeap, m.heapUsed + m.external);
};
const sampler = setInterval(sample, 10);
const cpu0 = process.cpuUsage();
const started = performance.now();
let rows = 0;
let written = 0;
let report: SyncReport | undefined;

if (mode === "sync") {
  report = await runSync(getSql(config, "sync"), config, {
    environment: "development",
    deadline: Date.now() + 3_600_000,
  });
  if (report.status !== "completed") throw new Error(`sync ${report.status}`);
} else if (mode === "edge") {
  const res = await syncHandler(env)(
    new Request("http://127.0.0.1/functions/v1/sync", {
      method: "POST",
      headers: {
        authorization: `Bearer ${config.SUPABASE_SERVICE_ROLE_KEY}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ environment: "development" }),
    }),
  );
  const body = await res.json();
  if (res.status !== 200) {
    throw new Error(`POST /sync answered ${res.status}: ${JSON.stringify(body)}`);
  }
  report = body as SyncReport;
} else if (mode === "ceiling") {
  // The same rows, read the same way, COPYed raw into empty tables: no
  // mapping, no upsert, no indexes. Nothing can go faster than this.
  const sql = getSql(config, "sync");
  const source = await openSource(config);
  for (const table of SYNC_TABLES) {
    await sql.unsafe(`drop table if exists bench_ceiling_${table}`);
    await sql.unsafe(`create unlogged table bench_ceiling_${table} (id bigint, data text)`);
    const writable = await sql.unsafe(`copy bench_ceiling_${table} from stdin`).writable();
    let after = 0;
    for (;;) {
      const page = await source.page(TABLE_SPECS[table], after, config.SYNC_BATCH_SIZE);
      if (page.length === 0) break;
      after = Number(page[page.length - 1].id);
      rows += page.length;
      const text = page.map((r) =>
        `${r.id}\t${Object.values(r).join("|").replace(/[\\\t\n]/g, " ")}\n`
      ).join("");
      if (!writable.write(text)) await new Promise((r) => writable.once("drain", r));
    }
    await new Promise<void>((resolve, reject) =>
      writable.end((e?: Error) => e ? reject(e) : resolve())
    );
  }
  written = rows;
  await source.close();
} else if (mode === "row-by-row") {
  // One upsert statement per member, on a slice of SLICE members.
  const sql = getSql(config, "sync");
  const slice = Number(env.SLICE ?? 10_000);
  const source = await openSource(config);
  const spec = TABLE_SPECS.members;
  const cols = Object.keys(spec.columns);
  let after = 0;
  const today = new Date().toISOString().slice(0, 10);
  while (rows < slice) {
    const page = await source.page(spec, after, Math.min(1000, slice - rows));
    if (page.length === 0) break;
    after = Number(page[page.length - 1].id);
    rows += page.length;
    for (const raw of page) {
      const m = spec.map(raw, today);
      if (!m.ok) continue;
      const row = m.row as Record<string, unknown>;
      await sql.unsafe(
        `insert into dev.members (${cols.join(",")}) values (${cols.map((_, i) => `$${i + 1}`)})
         on conflict (member_number) do update set ${
          cols.slice(1).map((c) => `${c} = excluded.${c}`).join(",")
        }`,
        cols.map((c) => row[c] as string),
      );
      written++;
    }
  }
  await source.close();
} else if (mode !== "idle") {
  throw new Error(`unknown mode ${mode}`);
}

for (const t of Object.values(report?.tables ?? {})) {
  rows += t!.processed;
  written += t!.inserted + t!.updated + t!.deactivated;
}

clearInterval(sampler);
sample();
const cpu = process.cpuUsage(cpu0);
const wall_s = (performance.now() - started) / 1000;
await closePools();
const step: Step = {
  mode,
  rows,
  written,
  wall_s,
  cpu_s: (cpu.user + cpu.system) / 1e6,
  peak_rss_mb: peakRss() / 2 ** 20,
  peak_heap_mb: peakHeap / 2 ** 20,
  ...(report
    ? {
      status: report.status,
      resumed: report.resumed,
      tables: Object.fromEntries(
        Object.entries(report.tables).map(([name, t]) => [name, t!.processed]),
      ),
    }
    : {}),
};
console.log(JSON.stringify(step));

/** VmHWM: every byte the process ever had resident, not just what a sampler caught. */
function peakRss(): number {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(Deno.readTextFileSync("/proc/self/status"))?.[1];
    if (kb) return Number(kb) * 1024;
  } catch {
    // not Linux: fall back to the current figure
  }
  return Deno.memoryUsage().rss;
}
