// What the sync benchmark measures around its steps: Postgres' own write
// counters, the Discord links that give validation real work, and the
// summaries (median and spread) of repeated steps and Edge runs.
import type postgres from "postgres";
import { SYNC_TABLES } from "../shared/sync/tables.ts";
import { sleep, type Spread, spread } from "./lib.ts";
import type { Step } from "./sync_bench_worker.ts";

type Sql = postgres.Sql;

export type Writes = Record<string, { ins: number; upd: number; del: number }>;

/**
 * Cumulative row counters of the development tables, once every write so far
 * is in them: a backend flushes its statistics when it exits (the measured
 * processes have closed theirs; we wait until they are gone), and ours is
 * flushed on demand.
 */
async function tableCounters(db: Sql): Promise<Writes> {
  for (let i = 0;; i++) {
    const [{ n }] = await db`select count(*)::int as n from pg_stat_activity
                             where application_name like 'mynatca-%'`;
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

export async function measuringWrites<T>(
  db: Sql,
  run: () => Promise<T>,
): Promise<{ result: T; writes: Writes }> {
  const before = await tableCounters(db);
  const result = await run();
  const after = await tableCounters(db);
  const writes: Writes = {};
  for (const [t, a] of Object.entries(after)) {
    const b = before[t] ?? { ins: 0, upd: 0, del: 0 };
    const d = { ins: a.ins - b.ins, upd: a.upd - b.upd, del: a.del - b.del };
    if (d.ins || d.upd || d.del) writes[t] = d;
  }
  return { result, writes };
}

export const syncedWrites = (w: Writes) =>
  SYNC_TABLES.reduce((n, t) => {
    const d = w[`dev.${t}`];
    return n + (d ? d.ins + d.upd + d.del : 0);
  }, 0);

/**
 * Links `share` of the members to Discord accounts, as complete-verification
 * would have: most of them active members, some whose status has changed
 * since, and some no longer in the source at all (kept here as inactive rows,
 * so the sync has nothing to retire), so every outcome of validation occurs.
 */
export async function linkMembers(db: Sql, members: number, share: number) {
  const linked = Math.round(members * share);
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

export interface Run {
  wall: Spread;
  cpu: Spread;
  rss: Spread;
  heap: Spread;
  rows: number;
}
export const summarize = (steps: Step[]): Run => ({
  wall: spread(steps.map((s) => s.wall_s)),
  cpu: spread(steps.map((s) => s.cpu_s)),
  rss: spread(steps.map((s) => s.peak_rss_mb)),
  heap: spread(steps.map((s) => s.peak_heap_mb)),
  rows: steps[0].rows,
});

/** An Edge run summed (wall, CPU) and at its worst invocation (each figure's own worst). */
export function summarizeEdge(runs: Step[][]) {
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
