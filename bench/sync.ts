// Full sync and no-op resync at 20,000 and 200,000 members, next to two
// baselines measured in the same run: row-by-row upserts (a 10,000-member
// slice, scaled) and the ceiling (the same rows read and COPYed raw).
// Uses the MariaDB database `mynatca_bench` and the development schemas.
import postgres from "postgres";
import { STACK_MY_PORT, STACK_PG_URL } from "../local/stack.ts";
import { loadDemoData, recreateSourceDatabase, scaled } from "../local/demo_data.ts";
import { round } from "./lib.ts";

const SIZES = (Deno.env.get("BENCH_SYNC_SIZES") ?? "20000,200000").split(",").map(Number);
const SLICE = 10_000;
const DB_URL = STACK_PG_URL;
const db = postgres(DB_URL, { prepare: false, onnotice: () => {} });
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

interface Step {
  mode: string;
  rows: number;
  written: number;
  wall_s: number;
  cpu_s: number;
  peak_rss_mb: number;
}

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

const resetDev = () =>
  db`truncate dev.positions, dev.members, dev.facilities, dev.regions, dev.sync_logs,
     dev.sync_cursor, discord_dev.validation_logs, discord_dev.validation_summaries cascade`;

const lines: string[] = [];
const results: Record<string, unknown> = {};
for (const members of SIZES) {
  const size = scaled(members);
  const conn = await recreateSourceDatabase("mynatca_bench");
  await conn.query("set session sql_mode = ''");
  await loadDemoData(conn, size);
  await conn.end();

  await resetDev();
  const ceiling = await step("ceiling");
  await resetDev();
  const rowByRow = await step("row-by-row");
  const rowByRowScaled = rowByRow.wall_s * members / SLICE;
  await resetDev();
  const edge = members > 60_000 ? await step("edge") : undefined;
  await resetDev();
  const full = await step("sync");
  const noop = await step("sync");
  await db`drop table if exists bench_ceiling_regions, bench_ceiling_facilities,
           bench_ceiling_members, bench_ceiling_positions`;

  results[members] = { size, ceiling, rowByRow, full, noop, edge };
  const perTenK = (s: Step) => round(s.cpu_s / (members / 10_000), 2);
  lines.push(
    `| ${members} | ceiling (read + COPY) | ${round(ceiling.wall_s, 2)} | ${
      Math.round(ceiling.rows / ceiling.wall_s)
    } | ${round(ceiling.cpu_s, 2)} | ${round(ceiling.peak_rss_mb, 0)} | 1.00 |`,
    `| ${members} | row-by-row upserts (${SLICE} slice, scaled) | ${round(rowByRowScaled, 1)} | ${
      Math.round(rowByRow.rows / rowByRow.wall_s)
    } | ${round(rowByRow.cpu_s * members / SLICE, 1)} | ${round(rowByRow.peak_rss_mb, 0)} | ${
      round(rowByRowScaled / ceiling.wall_s, 2)
    } |`,
    `| ${members} | full sync | ${round(full.wall_s, 2)} | ${
      Math.round(full.rows / full.wall_s)
    } | ${round(full.cpu_s, 2)} (${perTenK(full)} per 10k) | ${round(full.peak_rss_mb, 0)} | ${
      round(full.wall_s / ceiling.wall_s, 2)
    } |`,
    `| ${members} | no-op resync (${noop.written} rows written) | ${round(noop.wall_s, 2)} | ${
      Math.round(noop.rows / noop.wall_s)
    } | ${round(noop.cpu_s, 2)} (${perTenK(noop)} per 10k) | ${round(noop.peak_rss_mb, 0)} | ${
      round(noop.wall_s / ceiling.wall_s, 2)
    } |`,
  );
  if (edge) {
    lines.push(
      `| ${members} | first Edge invocation (${edge.rows} rows, then resumes) | ${
        round(edge.wall_s, 2)
      } | ${Math.round(edge.rows / edge.wall_s)} | ${round(edge.cpu_s, 2)} | ${
        round(edge.peak_rss_mb, 0)
      } | — |`,
    );
  }
}
await db.end();
console.log("\n| members | run | wall s | rows/s | CPU s | peak RSS MB | time vs ceiling |");
console.log("|---:|---|---:|---:|---:|---:|---:|");
for (const l of lines) console.log(l);
await Deno.mkdir("bench-results", { recursive: true });
await Deno.writeTextFile("bench-results/sync.json", JSON.stringify(results, null, 2));
