// One measured sync-benchmark step in its own process, so CPU time and peak
// memory are the step's own. Prints one JSON line.
//   deno run -A bench/sync_worker.ts sync|ceiling|row-by-row
import process from "node:process";
import { loadConfig, syncConfig } from "../shared/config.ts";
import { closePools, getSql } from "../shared/db.ts";
import { runSync } from "../shared/sync/run.ts";
import { openSource } from "../shared/sync/source.ts";
import { TABLE_SPECS } from "../shared/sync/tables.ts";
import { SYNC_TABLES } from "../shared/sync/tables.ts";

const mode = Deno.args[0];
const config = loadConfig(syncConfig, Deno.env.toObject());
const sql = getSql(config);
let peak = 0;
const sample = () => (peak = Math.max(peak, Deno.memoryUsage().rss));
const sampler = setInterval(sample, 10);
const cpu0 = process.cpuUsage();
const started = performance.now();
let rows = 0;
let written = 0;

if (mode === "sync" || mode === "edge") {
  // "edge": one invocation as the Edge Function runs it, with its row budget.
  const report = await runSync(sql, config, {
    environment: "development",
    deadline: Date.now() + 3_600_000,
    rowBudget: mode === "edge" ? config.SYNC_ROWS_PER_INVOCATION : undefined,
  });
  for (const t of Object.values(report.tables)) {
    rows += t!.processed;
    written += t!.inserted + t!.updated + t!.deactivated;
  }
  if (report.status !== (mode === "edge" ? "partial" : "completed")) {
    throw new Error(`sync ${report.status}`);
  }
} else if (mode === "ceiling") {
  // The same rows, read the same way, COPYed raw into empty tables: no
  // mapping, no upsert, no indexes. Nothing can go faster than this.
  const source = await openSource(config);
  for (const table of SYNC_TABLES) {
    await sql.unsafe(`drop table if exists bench_ceiling_${table}`);
    await sql.unsafe(`create unlogged table bench_ceiling_${table} (id bigint, data text)`);
    const writable = await sql.unsafe(`copy bench_ceiling_${table} from stdin`).writable();
    let after = 0;
    for (;;) {
      const page = await source.page(table, after, config.SYNC_BATCH_SIZE);
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
    written += rows;
  }
  await source.close();
} else if (mode === "row-by-row") {
  // One upsert statement per member, on a slice of SLICE members.
  const slice = Number(Deno.env.get("SLICE") ?? 10_000);
  const source = await openSource(config);
  const spec = TABLE_SPECS.members;
  const cols = Object.keys(spec.columns);
  let after = 0;
  const today = new Date().toISOString().slice(0, 10);
  while (rows < slice) {
    const page = await source.page("members", after, Math.min(1000, slice - rows));
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
}

clearInterval(sampler);
sample();
const cpu = process.cpuUsage(cpu0);
await closePools();
console.log(JSON.stringify({
  mode,
  rows,
  written,
  wall_s: (performance.now() - started) / 1000,
  cpu_s: (cpu.user + cpu.system) / 1e6,
  peak_rss_mb: peak / 2 ** 20,
}));
