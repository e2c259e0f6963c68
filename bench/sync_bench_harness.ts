// The sync benchmark's harness (bench/sync_bench.ts): its settings, its one
// Postgres connection, the measured runs (each in its own process,
// bench/sync_bench_worker.ts), and the source edits of the "1 % changed" runs.
import postgres from "postgres";
import { STACK_MY_PORT, STACK_PG_URL } from "../local/stack.ts";
import { mysqlConnect } from "../local/demo_data.ts";
import { SYNC_TABLES } from "../shared/sync/tables.ts";
import { hashTable } from "../shared/sync/change_detection/stored_hashes.ts";
import { envNumber } from "./lib.ts";
import type { Step } from "./sync_bench_worker.ts";

export const SIZES = (Deno.env.get("BENCH_SYNC_SIZES") ?? "20000,200000").split(",").map(Number);
export const REPEATS = Math.max(1, envNumber("BENCH_REPEATS", 3));
export const SLICE = envNumber("BENCH_ROW_SLICE", 5_000);
export const LINKED_SHARE = envNumber("BENCH_LINKED_SHARE", 0.10);
export const ROWS_PER_INVOCATION = envNumber("SYNC_ROWS_PER_INVOCATION", 25_000);
export const DB_URL = STACK_PG_URL;
// One connection: pg_stat_force_next_flush() acts on the calling backend, so
// the harness's own writes (resets, links) must all come from the one it flushes.
export const db = postgres(DB_URL, { prepare: false, max: 1, onnotice: () => {} });
export const env = {
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
export const t0 = performance.now();
export const progress = (msg: string) =>
  console.error(`[sync bench ${Math.round((performance.now() - t0) / 1000)} s] ${msg}`);

export async function step(mode: string): Promise<Step> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "bench/sync_bench_worker.ts", mode],
    env,
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`${mode} failed`);
  return JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").pop()!);
}

/** One run as the Edge runtime makes it: invocations until the status is `completed`. */
export async function edgeRun(): Promise<Step[]> {
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
export async function repeated<T>(
  label: string,
  before: () => Promise<unknown>,
  run: () => Promise<T>,
) {
  const timed: T[] = [];
  for (let i = 0; i <= REPEATS; i++) {
    await before();
    const r = await run();
    if (i > 0) timed.push(r);
    progress(`${label}: ${i === 0 ? "warm-up" : `run ${i}/${REPEATS}`} done`);
  }
  return timed;
}

// Emptied as for a first load: no stored hashes, no mapping version (so the
// run is a full comparison, as a first load is).
export const resetDev = () =>
  db.unsafe(`truncate dev.positions, dev.members, dev.facilities, dev.regions, dev.sync_logs,
     dev.sync_cursor, discord_dev.validation_logs, discord_dev.validation_summaries,
     discord_dev.member_events, private.dev_sync_state,
     ${SYNC_TABLES.map((t) => hashTable("dev", t)).join(", ")} cascade`);
/** Rows in the bot's member event feed (development). */
export const memberEvents = async () =>
  (await db`select count(*)::int as n from discord_dev.member_events`)[0].n as number;

/** The "1 % changed" edits, the n-th time: every value they write is new. */
export async function changeSource(n: number) {
  const my = await mysqlConnect("mynatca_bench");
  try {
    await my.query(
      `update member set LastName = concat(substring_index(LastName, '~', 1), '~', ?)
                    where MemberID % 100 = 0`,
      [n],
    );
    await my.query(
      `update position set Title = concat(substring_index(coalesce(Title, 'T'), '~', 1), '~', ?)
                    where PositionID % 50 = 0`,
      [n],
    );
    await my.query(
      `update facility set FacilityName = concat(substring_index(FacilityName, '~', 1), '~', ?)
                    where FacilityID = 1`,
      [n],
    );
  } finally {
    await my.end();
  }
}

/** Rows whose synced columns the n-th edits changed, counted in Postgres. */
export async function changedRows(n: number) {
  const mark = `%~${n}`;
  const [r] = await db`select
      (select count(*) from dev.members where last_name like ${mark} or facility_name like ${mark})
      + (select count(*) from dev.positions where position_title like ${mark}
                                               or facility_name like ${mark})
      + (select count(*) from dev.facilities where facility_name like ${mark}) as n`;
  return Number(r.n);
}
