// The goals, checked against the results the two benchmarks of this run left
// in bench-results/. A goal is judged on the median; when the runs straddle
// the threshold, the verdict says so.
import { fmt, type Spread } from "./lib.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

async function read(path: string): Promise<Json | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(path));
  } catch {
    return undefined;
  }
}

function verdict(s: Spread, op: "≤" | "≥", limit: number): string {
  const ok = (x: number) => op === "≤" ? x <= limit : x >= limit;
  const all = s.runs.every(ok), none = !s.runs.some(ok);
  if (ok(s.median)) return all ? "met" : "met on the median, missed in some runs";
  return none ? "**missed**" : "**missed** on the median, met in some runs";
}

const lines: string[] = [];
const goal = (what: string, measured: string, result: string) =>
  lines.push(`| ${what} | ${measured} | ${result} |`);

const v = await read("bench-results/verification.json");
if (v) {
  const c = v.summary.create_verification, p = v.summary.complete_verification;
  goal("create-verification ≥ 1,000 req/s", `${fmt(c.rps, 0)} req/s`, verdict(c.rps, "≥", 1000));
  goal("create-verification p99 ≤ 50 ms", `${fmt(c.p99)} ms`, verdict(c.p99, "≤", 50));
  goal(
    "create-verification ≥ 0.6 of the baseline",
    fmt(c.vs_baseline, 2),
    verdict(c.vs_baseline, "≥", 0.6),
  );
  goal("complete-verification ≥ 500 req/s", `${fmt(p.rps, 0)} req/s`, verdict(p.rps, "≥", 500));
}

const s = await read("bench-results/sync.json");
if (s) {
  const sizes = Object.keys(s.sizes).map(Number).sort((a, b) => a - b);
  const perTenK = (members: number, cpu: Spread): Spread => {
    const runs = cpu.runs.map((x) => x / (members / 10_000));
    const sorted = [...runs].sort((a, b) => a - b);
    return { median: cpu.median / (members / 10_000), min: sorted[0], max: sorted.at(-1)!, runs };
  };
  for (const m of sizes) {
    const r = s.sizes[m];
    const written = Math.max(r.noop.synced_rows_written, r.noop_edge.synced_rows_written);
    goal(
      `no-op resync writes 0 rows to members, positions, facilities, regions (${m} members)`,
      `${r.noop.synced_rows_written} (1 process), ${r.noop_edge.synced_rows_written} (Edge), ` +
        `most of any run, from pg_stat_user_tables`,
      written === 0 ? "met" : "**missed**",
    );
  }
  for (const m of sizes) {
    const r = s.sizes[m];
    const runs: [string, Spread][] = [
      ["full, 1 process", r.full.cpu],
      ["no-op, 1 process", r.noop.cpu],
      ["full, Edge summed", r.full_edge.total.cpu],
      ["no-op, Edge summed", r.noop_edge.total.cpu],
    ];
    const worst = runs.map(([, cpu]) => perTenK(m, cpu)).sort((a, b) => b.median - a.median)[0];
    goal(
      `≤ 0.5 s CPU per 10,000 members (${m} members)`,
      runs.map(([label, cpu]) => `${label} ${fmt(perTenK(m, cpu), 2)}`).join("; "),
      verdict(worst, "≤", 0.5),
    );
  }
  const largest = sizes.at(-1)!;
  const r = s.sizes[largest];
  const ratio = (wall: Spread): Spread => {
    const c = r.ceiling.wall.median;
    return {
      median: wall.median / c,
      min: wall.min / c,
      max: wall.max / c,
      runs: wall.runs.map((x) => x / c),
    };
  };
  const both = (label: string, one: Spread, edge: Spread, limitOne: number, limitEdge: number) =>
    goal(
      `${label} ≤ ${limitOne}× the ceiling in one process, ≤ ${limitEdge}× as Edge invocations summed (${largest} members)`,
      `1 process ${fmt(ratio(one), 2)}×; Edge ${fmt(ratio(edge), 2)}× (ceiling ${
        fmt(r.ceiling.wall, 2)
      } s)`,
      `1 process: ${verdict(ratio(one), "≤", limitOne)}; Edge: ${
        verdict(ratio(edge), "≤", limitEdge)
      }`,
    );
  both("no-op resync", r.noop.wall, r.noop_edge.total.wall, 1.0, 1.0);
  if (r.changed) {
    both("1 % changed", r.changed.wall, r.changed_edge.total.wall, 1.2, 1.2);
    const all = [...r.changed.writes, ...r.changed_edge.writes];
    goal(
      `1 % changed writes exactly the changed rows (${largest} members)`,
      all.map((c: { written: number; expected: number }) => `${c.written}/${c.expected}`).join(
        ", ",
      ) + " (written/changed, every run)",
      all.every((c: { written: number; expected: number }) => c.written === c.expected)
        ? "met"
        : "**missed**",
    );
  }
  both("full sync", r.full.wall, r.full_edge.total.wall, 3.0, 3.5);
  const worstGoal = (label: string, e: Json, cpu: number) =>
    goal(
      `${label}: worst Edge invocation ≤ ${cpu} s CPU, ≤ 150 MB (${largest} members)`,
      `${fmt(e.worst.cpu, 2)} s CPU, ${fmt(e.worst.rss, 0)} MB RSS`,
      `CPU: ${verdict(e.worst.cpu, "≤", cpu)}; memory: ${verdict(e.worst.rss, "≤", 150)}`,
    );
  worstGoal("no-op resync", r.noop_edge, 0.5);
  worstGoal("full sync", r.full_edge, 1.0);
  const smallest = s.sizes[sizes[0]];
  goal(
    `no-op resync ≤ 0.4 s wall (${sizes[0]} members, one process)`,
    `${fmt(smallest.noop.wall, 2)} s`,
    verdict(smallest.noop.wall, "≤", 0.4),
  );
  for (const m of sizes) {
    const x = s.sizes[m];
    const worst = [x.full_edge.worst.rss, x.noop_edge.worst.rss].sort((a: Spread, b: Spread) =>
      b.median - a.median
    )[0];
    goal(
      `peak memory ≤ 150 MB per Edge invocation, limit 256 MB (${m} members)`,
      `worst invocation: full sync ${fmt(x.full_edge.worst.rss, 0)} MB, no-op ${
        fmt(x.noop_edge.worst.rss, 0)
      } MB process RSS (V8 heap ${fmt(x.full_edge.worst.heap, 0)} / ${
        fmt(x.noop_edge.worst.heap, 0)
      } MB)`,
      `${verdict(worst, "≤", 150)}; under 256 MB: ${verdict(worst, "≤", 256)}`,
    );
  }
  if (s.property) {
    goal(
      "change-detection property (bench size)",
      s.property,
      s.property.startsWith("held") ? "met" : s.property,
    );
  }
}

const r = await read("bench-results/roles.json");
if (r) {
  const ratioSpread = (a: Spread, b: Spread): Spread => {
    const runs = a.runs.map((x) => x / b.median);
    return { median: a.median / b.median, min: Math.min(...runs), max: Math.max(...runs), runs };
  };
  const roleGoal = (what: string, key: string, limit: number) => {
    const x = ratioSpread(r.with_rules[key], r.without[key]);
    goal(
      `${what} with 30 rules ≤ ${limit}× without (${r.members} members, ${r.linked} linked)`,
      `${fmt(x, 2)}×`,
      verdict(x, "≤", limit),
    );
  };
  roleGoal("no-op sync", "noop", 1.1);
  roleGoal("full sync (every member changed)", "every_member_changed", 1.25);
  roleGoal("first load", "first_load", 1.25);
  goal(
    `rule edit giving every active member a role < 10 s (${r.rule_edit.events} events)`,
    `${fmt(r.rule_edit.seconds)} s`,
    verdict(r.rule_edit.seconds, "≤", 10),
  );
}

const a = await read("bench-results/alerts.json");
if (a) {
  const runs = a.noop.delivering.runs.map((x: number) => x / a.noop.quiet.median);
  const x: Spread = {
    median: a.noop.delivering.median / a.noop.quiet.median,
    min: Math.min(...runs),
    max: Math.max(...runs),
    runs,
  };
  goal(
    `no-op sync while ${a.noop.delivered} alerts are delivered ≤ 1.05× without (${a.members} members)`,
    `${fmt(x, 2)}×`,
    verdict(x, "≤", 1.05),
  );
  if (a.latency.length) {
    const worst = Math.max(...a.latency.map((l: { latency_s: number }) => l.latency_s));
    goal(
      "sync_error row to webhook ≤ 360 s on the local schedules (worst sample)",
      `${worst.toFixed(1)} s`,
      worst <= 360 ? "met" : "**missed**",
    );
  }
}

if (lines.length) {
  const taken = [v && `verification ${v.taken_at}`, s && `sync ${s.taken_at}`].filter(Boolean);
  console.log(`\n### Goals, judged on the median (results of ${taken.join(", ")})\n`);
  console.log("| goal | measured: median (min–max) | result |");
  console.log("|---|---|---|");
  for (const l of lines) console.log(l);
}

// Written by scripts/bench.sh: how much CPU everything else on the machine took.
const machine = await read("bench-results/machine.json");
if (machine) {
  const phases = Object.entries(machine).filter(([k]) => k !== "cores") as [
    string,
    { seconds: number; other_processes_cores: number },
  ][];
  console.log(
    `\nOther processes on the machine used ${
      phases.map(([k, p]) =>
        `${p.other_processes_cores} of its ${machine.cores} cores during the ${k} benchmark (${p.seconds} s)`
      )
        .join(" and ")
    }.`,
  );
}
