// The verification benchmark's report: per run, the median and spread of
// throughput and latency, each round's ratio to that round's baseline, a
// markdown table, and the raw results in bench-results/verification.json.
import { fmt, type LoadResult, type Spread, spread } from "./lib.ts";

export const NAMES = ["baseline_insert", "create_verification", "complete_verification"] as const;
export type Name = typeof NAMES[number];

export interface VerificationRuns {
  runs: Record<Name, LoadResult[]>;
  warmup: Partial<Record<Name, LoadResult>>;
  restarts: string[];
  config: { seconds: number; repeats: number; warmup_seconds: number; pairs: number };
  connections: number;
}

export async function reportVerification(
  { runs, warmup, restarts, config, connections }: VerificationRuns,
) {
  const LABELS: Record<Name, string> = {
    baseline_insert: "baseline (bare INSERT)",
    create_verification: "create-verification",
    complete_verification: "complete-verification",
  };
  const summary = Object.fromEntries(NAMES.map((name) => {
    const r = runs[name];
    // Each round's own ratio: the baseline ran moments before, under the same noise.
    const ratio = spread(r.map((x, i) => x.rps / runs.baseline_insert[i].rps));
    return [name, {
      rps: spread(r.map((x) => x.rps)),
      p50: spread(r.map((x) => x.p50)),
      p99: spread(r.map((x) => x.p99)),
      errors: r.reduce((n, x) => n + x.errors, 0),
      requests: r.reduce((n, x) => n + x.requests, 0),
      vs_baseline: ratio,
    }];
  })) as Record<Name, {
    rps: Spread;
    p50: Spread;
    p99: Spread;
    errors: number;
    requests: number;
    vs_baseline: Spread;
  }>;

  console.log(
    `\n### Verification: ${connections} connections, ${config.seconds} s per run, median (min–max) ` +
      `of ${config.repeats} rounds after a ${config.warmup_seconds} s warm-up\n`,
  );
  console.log("| run | req/s | p50 ms | p99 ms | errors | throughput vs baseline |");
  console.log("|---|---:|---:|---:|---:|---:|");
  for (const name of NAMES) {
    const s = summary[name];
    console.log(
      `| ${LABELS[name]} | ${fmt(s.rps, 0)} | ${fmt(s.p50)} | ${fmt(s.p99)} | ${s.errors} | ${
        fmt(s.vs_baseline, 2)
      } |`,
    );
  }
  if (restarts.length) {
    console.log(
      `\n${restarts.length} run(s) were repeated because a server exited under them: ${
        restarts.join("; ")
      }.`,
    );
  }
  await Deno.mkdir("bench-results", { recursive: true });
  await Deno.writeTextFile(
    "bench-results/verification.json",
    JSON.stringify(
      {
        taken_at: new Date().toISOString(),
        config,
        connections,
        summary,
        restarts,
        warmup,
        runs,
      },
      null,
      2,
    ),
  );
}
