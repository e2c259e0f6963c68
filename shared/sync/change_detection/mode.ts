// How a run compares the source with Postgres (docs/sync.md#change-detection):
// by source row hashes, or by full rows (a full comparison). Decided once,
// when the run starts; its resumptions keep the decision (the cursor holds it).
import type { Sql } from "../../db.ts";
import type { ReadPage, RunContext, SeenKeys } from "../run_context.ts";
import type { TableSpec } from "../tables/table.ts";
import { readFullComparisonPage } from "./full_compare.ts";
import { HashPath } from "./hash_path.ts";
import { MAPPING_VERSION } from "./source_hashes.ts";

export interface RunMode {
  fullCompare: boolean;
  mappingVersion: number;
  /** Why the run compares full rows. */
  reason?: "requested" | "mapping_version" | "scheduled";
}

const stateTable = (schema: string) => `private."${schema}_sync_state"`;

/**
 * A new run compares full rows when asked to, when the mapping version differs
 * from the last full comparison's (or none ever ran), and on every
 * `every`-th scheduled run of the environment. A scheduled run is counted
 * when it starts (a dry run never is).
 */
export async function decideMode(
  sql: Sql,
  schema: string,
  opts: { requested: boolean; scheduled: boolean; every: number; dryRun: boolean },
): Promise<RunMode> {
  const state = stateTable(schema);
  const count = opts.scheduled && !opts.dryRun;
  const [row] = await sql.unsafe(
    `insert into ${state} as s (scheduled_runs) values ($1)
     on conflict (environment_singleton) do update
       set scheduled_runs = s.scheduled_runs + excluded.scheduled_runs
     returning scheduled_runs::int as runs, mapping_version`,
    [count ? 1 : 0],
  );
  const mode: RunMode = { fullCompare: true, mappingVersion: MAPPING_VERSION };
  if (opts.requested) mode.reason = "requested";
  else if (row.mapping_version !== MAPPING_VERSION) mode.reason = "mapping_version";
  else if (count && row.runs % opts.every === 0) mode.reason = "scheduled";
  else mode.fullCompare = false;
  return mode;
}

/** A full comparison of every table finished: its mapping version is now the stored one. */
export async function fullCompareDone(sql: Sql, schema: string, version: number) {
  await sql.unsafe(`update ${stateTable(schema)} set mapping_version = $1`, [version]);
}

/**
 * How a walk reads its table under the run's mode, page by page from
 * `startAfter` (0, or a resumed walk's cursor) on: each call reads the page
 * after a source id, undefined past the source's last.
 */
export function pageReader(
  run: RunContext,
  spec: TableSpec,
  keys: SeenKeys,
  today: string,
  startAfter: number,
): (after: number) => Promise<ReadPage | undefined> {
  if (run.fullCompare) return (after) => readFullComparisonPage(run, spec, after, startAfter);
  const path = new HashPath(run, spec, keys, today, startAfter);
  return (after) => path.readPage(after);
}
