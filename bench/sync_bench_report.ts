// What the sync benchmark prints (its tables and notes, for docs/benchmarks.md)
// and writes (bench-results/sync.json).
import { round } from "./lib.ts";
import { LINKED_SHARE, REPEATS, ROWS_PER_INVOCATION, SIZES, SLICE } from "./sync_bench_harness.ts";
import type { Step } from "./sync_bench_worker.ts";

export interface SyncBenchReport {
  table: string[];
  detail: string[];
  notes: string[];
  property: string;
  idle: Step;
  results: Record<string, unknown>;
}

export async function printSyncReport(
  { table, detail, notes, property, idle, results }: SyncBenchReport,
) {
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
  console.log(`- The change-detection property: ${property}.`);

  await Deno.mkdir("bench-results", { recursive: true });
  await Deno.writeTextFile(
    "bench-results/sync.json",
    JSON.stringify(
      {
        taken_at: new Date().toISOString(),
        config: { sizes: SIZES, repeats: REPEATS, slice: SLICE, linked_share: LINKED_SHARE },
        property,
        rows_per_invocation: ROWS_PER_INVOCATION,
        runtime_alone: idle,
        sizes: results,
      },
      null,
      2,
    ),
  );
}
