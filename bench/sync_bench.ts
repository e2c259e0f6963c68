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
//     (pg_stat_user_tables), not from the sync's report;
//   - "1 % changed": before each run, 1 % of members get a new last name,
//     2 % of positions a new title and one facility a new name; the rows
//     written (pg_stat) are compared with the rows whose synced columns
//     changed (counted in Postgres after the run).
// After the sizes, the change-detection property (local/sync_property.ts)
// runs at BENCH_PROPERTY_MEMBERS members (0: skipped).
// Every figure gets one untimed warm-up run, then BENCH_REPEATS timed runs,
// reported as median (min–max). Uses the MariaDB database `mynatca_bench` and
// the development schemas, which it empties.
//   BENCH_SYNC_SIZES (20000,200000), BENCH_REPEATS (3), BENCH_ROW_SLICE (5000),
//   BENCH_LINKED_SHARE (0.10), BENCH_PROPERTY_MEMBERS (5000), BENCH_PROPERTY_ROUNDS (4);
//   SYNC_ROWS_PER_INVOCATION and SYNC_BATCH_SIZE
//   reach the measured processes.
import { loadDemoData, recreateSourceDatabase, scaled } from "../local/demo_data.ts";
import { SYNC_TABLES } from "../shared/sync/tables.ts";
import { fmt, type Spread, spread } from "./lib.ts";
import {
  linkMembers,
  measuringWrites,
  type Run,
  summarize,
  summarizeEdge,
  syncedWrites,
  type Writes,
} from "./sync_bench_stats.ts";
import {
  changedRows,
  changeSource,
  db,
  edgeRun,
  LINKED_SHARE,
  memberEvents,
  progress,
  repeated,
  REPEATS,
  resetDev,
  ROWS_PER_INVOCATION,
  SIZES,
  SLICE,
  step,
} from "./sync_bench_harness.ts";
import { propertyRun } from "./sync_bench_property.ts";
import { printSyncReport } from "./sync_bench_report.ts";

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
  await loadDemoData(conn, size);
  await conn.end();
  const noop = async () => {};

  const ceiling = summarize(await repeated("ceiling", noop, () => step("ceiling")));
  await db`drop table if exists bench_ceiling_regions, bench_ceiling_facilities,
           bench_ceiling_members, bench_ceiling_positions`;
  // Row-by-row upserts into an empty table cost the same per row at any
  // source size: measured once, at the first size, and scaled.
  rowByRow ??= summarize(await repeated("row-by-row", resetDev, () => step("row-by-row")));

  // Member events: a full sync of unlinked members writes none (resetDev
  // empties the feed before each run, so the count after each is its own).
  const fullEvents: number[] = [];
  const full = summarize(
    await repeated("full sync, one process", resetDev, async () => {
      const r = await step("sync");
      fullEvents.push(await memberEvents());
      return r;
    }),
  );
  const fullEdge = summarizeEdge(
    await repeated("full sync, Edge", resetDev, async () => {
      const r = await edgeRun();
      fullEvents.push(await memberEvents());
      return r;
    }),
  );

  const links = await linkMembers(db, members, LINKED_SHARE);
  const eventsBeforeResyncs = await memberEvents();
  const noopRuns = await repeated(
    "no-op resync, one process",
    noop,
    () => measuringWrites(db, () => step("sync")),
  );
  const noopEdgeRuns = await repeated(
    "no-op resync, Edge",
    noop,
    () => measuringWrites(db, edgeRun),
  );
  // The warm-up's link validation writes the became_ineligible events the
  // links made directly lack (a link older than the feed); the timed
  // resyncs find the feed in agreement and write none.
  const resyncEvents = (await memberEvents()) - eventsBeforeResyncs;
  let edits = 0;
  const changes: { written: number; expected: number }[] = [];
  const changedOne = await repeated(
    "1 % changed, one process",
    () => changeSource(++edits),
    async () => {
      const r = await measuringWrites(db, () => step("sync"));
      changes.push({ written: syncedWrites(r.writes), expected: await changedRows(edits) });
      return r.result;
    },
  );
  const changedEdge = await repeated(
    "1 % changed, Edge",
    () => changeSource(++edits),
    async () => {
      const r = await measuringWrites(db, edgeRun);
      changes.push({ written: syncedWrites(r.writes), expected: await changedRows(edits) });
      return r.result;
    },
  );
  const [validation] = await db`
    select checked, eligible, inactive, missing, duration_ms
    from discord_dev.validation_summaries order by started_at desc limit 1`;

  const changedSummary = summarize(changedOne);
  const changedEdgeSummary = summarizeEdge(changedEdge);
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
    member_events: {
      full_sync_runs: fullEvents,
      resyncs_with_warm_ups: resyncEvents,
      timed_resyncs: [...noopRuns, ...noopEdgeRuns].map((r) =>
        r.writes["discord_dev.member_events"]?.ins ?? 0
      ),
    },
    noop: { ...noopOne, synced_rows_written: noopWritten, writes: noopRuns.map((r) => r.writes) },
    noop_edge: {
      ...noopEdge,
      synced_rows_written: noopEdgeWritten,
      writes: noopEdgeRuns.map((r) => r.writes),
    },
    // Warm-ups included: every run's rows written next to the rows that changed.
    changed: { ...changedSummary, writes: changes.slice(0, REPEATS + 1) },
    changed_edge: { ...changedEdgeSummary, writes: changes.slice(REPEATS + 1) },
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
  const exact = (w: typeof changes) =>
    w.every((c) => c.written === c.expected)
      ? `${w.at(-1)!.written} rows written, exactly the changed rows`
      : `rows written vs changed: ${w.map((c) => `${c.written}/${c.expected}`).join(", ")}`;
  row(
    `1 % changed, 1 process, ${exact(changes.slice(0, REPEATS + 1))}`,
    changedSummary,
    vs(changedSummary.wall),
  );
  edgeRows("1 % changed", changedEdgeSummary, `, ${exact(changes.slice(REPEATS + 1))}`);

  // Each Edge invocation, medians over the repeats.
  for (
    const [label, e] of [
      ["full sync", fullEdge],
      ["no-op resync", noopEdge],
      ["1 % changed", changedEdgeSummary],
    ] as const
  ) {
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
    SYNC_TABLES.map((t) => {
      const d = w[`dev.${t}`] ?? { ins: 0, upd: 0, del: 0 };
      return `${t} ${d.ins + d.upd + d.del}`;
    }).join(", ");
  const other = (w: Writes) =>
    describe(
      Object.fromEntries(
        Object.entries(w).filter(([t]) => !SYNC_TABLES.map((s) => `dev.${s}`).includes(t)),
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
    `- ${members} members, member events written: full syncs of unlinked members ${
      fullEvents.join(", ")
    } (warm-ups included); timed no-op resyncs ${
      [...noopRuns, ...noopEdgeRuns].map((r) => r.writes["discord_dev.member_events"]?.ins ?? 0)
        .join(", ")
    }; all resyncs with their warm-ups ${resyncEvents} (the links made directly for the ` +
      `benchmark have no events, so the first validation reconciles the ineligible ones).`,
  );
}

const property = await propertyRun();
await db.end();

await printSyncReport({ table, detail, notes, property, idle, results });
