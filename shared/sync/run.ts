// One sync run (docs/sync.md): take the environment's lock, resume a saved
// cursor or start afresh, walk each table, retire what vanished from the
// source, refresh derived counts, validate Discord links, and log it all.
import type { SyncConfig } from "./config.ts";
import { isTransientDbError, type Sql } from "../db.ts";
import { type Environment, schemasFor } from "../environment.ts";
import { HttpError, unavailable } from "../errors.ts";
import { log } from "../log.ts";
import { countCursorFailure, type Cursor, dropCursor, loadCursor, saveCursor } from "./cursor.ts";
import { describeRunFailure, failureAnswer, faultCode } from "./failure.ts";
import { withSyncLock } from "./lock.ts";
import { MAX_LOGGED_REJECTIONS, type SyncReport } from "./report.ts";
import { syncRetries } from "./retries.ts";
import { RunLog } from "./run_log.ts";
import { openRetryingSource, type Source } from "./source.ts";
import { inSyncOrder, SYNC_TABLES, type SyncTable, TABLE_SPECS } from "./tables.ts";
import { validateLinks } from "./validate_links.ts";
import type { RunContext } from "./run_context.ts";
import { walkTable } from "./walk.ts";
import { refreshDerivedCounts } from "./derived_counts.ts";
import { retireVanished } from "./retire.ts";
import { sourceIsEmpty, type SourceKeys } from "./change_detection/source_keys.ts";
import { decideMode, fullCompareDone, type RunMode } from "./change_detection/mode.ts";

export interface SyncOptions {
  environment: Environment;
  tables?: SyncTable[];
  dryRun?: boolean;
  /** Stop cleanly (status partial, cursor saved) once this time (ms since epoch) has come. */
  deadline: number;
  /** Stop after this many source rows in this invocation (CPU budget); resumable. */
  rowBudget?: number;
  /** Retire past the guard's limits, once (operator CLI only; logged as such). */
  allowMassDeactivation?: boolean;
  onProgress?: RunContext["onProgress"];
  /** Compare full rows instead of source hashes, and report drift. */
  fullCompare?: boolean;
  /** pg_cron started the run (counted towards SYNC_FULL_COMPARE_EVERY). */
  scheduled?: boolean;
}

export async function runSync(
  sql: Sql,
  config: SyncConfig,
  opts: SyncOptions,
): Promise<SyncReport> {
  const { shared } = schemasFor(opts.environment);
  try {
    return await withSyncLock(sql, shared, (checkLock) => lockedRun(sql, config, opts, checkLock));
  } catch (err) {
    // Before the run could start (the lock's connection, the cursor): no row
    // can be written, so the fault is only logged and answered.
    if (!(err instanceof HttpError) && isTransientDbError(err)) {
      log("error", "sync_not_started", { code: faultCode(err) });
      throw unavailable("The database");
    }
    throw err;
  }
}

async function lockedRun(
  sql: Sql,
  config: SyncConfig,
  opts: SyncOptions,
  checkLock: () => Promise<void>,
): Promise<SyncReport> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const { shared } = schemasFor(opts.environment);
  const dryRun = opts.dryRun ?? false;
  const retries = syncRetries(config, opts.deadline);
  const cursor = dryRun
    ? undefined
    : await retries.postgres(() => loadCursor(sql, shared, config.MAX_SYNC_AGE, opts.tables));
  const syncId = cursor?.sync_id ?? crypto.randomUUID();
  const tables = cursor?.tables ?? inSyncOrder(opts.tables ?? SYNC_TABLES);
  const mode: RunMode = cursor
    ? { fullCompare: cursor.full_compare, mappingVersion: cursor.mapping_version }
    : await retries.postgres(() =>
      decideMode(sql, shared, {
        requested: opts.fullCompare ?? false,
        scheduled: opts.scheduled ?? false,
        every: config.SYNC_FULL_COMPARE_EVERY,
        dryRun,
      })
    );
  const runLog = new RunLog(sql, shared, syncId, dryRun, retries);
  const report: SyncReport = {
    sync_id: syncId,
    status: "completed",
    duration_ms: 0,
    dry_run: dryRun,
    resumed: !!cursor,
    tables: {},
    details: {
      full_compare: mode.fullCompare,
      mapping_version: mode.mappingVersion,
      ...(mode.reason ? { full_compare_reason: mode.reason } : {}),
      ...(mode.fullCompare ? { drift: {} } : {}),
    },
  };
  if (!cursor) await runLog.started();

  let source: Source | undefined;
  try {
    source = await openRetryingSource(config, retries).catch((err) => {
      throw new OpeningFailed(err);
    });
    const run: RunContext = {
      sql,
      schema: shared,
      config,
      dryRun,
      syncId,
      tables,
      retries,
      source,
      deadline: opts.deadline,
      budget: opts.rowBudget ?? Infinity,
      checkLock,
      allowMassDeactivation: opts.allowMassDeactivation ?? false,
      dryRunKeys: new Map(),
      onProgress: opts.onProgress,
      fullCompare: mode.fullCompare,
      mappingVersion: mode.mappingVersion,
    };
    const walked = await syncTables(run, report, runLog, cursor);
    if (walked.finished && !dryRun) await finishRun(run, opts.environment, walked.linkKeys);
  } catch (err) {
    // Every failed run is on record, whatever the fault; a saved cursor is
    // kept so the next invocation resumes, unless it keeps failing.
    const opening = err instanceof OpeningFailed;
    const failure = describeRunFailure(opening ? err.cause : err, opening);
    log("error", "sync_failed", { sync_id: syncId, code: failure.code });
    // The answer says what failed whatever happens here; a record that could
    // not be written (the database is what failed) is logged instead.
    await runLog.failed(elapsed(), failure.reason, failure.code).catch((e) =>
      log("error", "sync_failure_not_recorded", { sync_id: syncId, code: faultCode(e) })
    );
    if (!dryRun) {
      await countFailure(sql, shared, syncId, config, runLog).catch((e) =>
        log("error", "sync_failure_not_counted", { sync_id: syncId, code: faultCode(e) })
      );
    }
    throw failureAnswer(failure, syncId);
  } finally {
    await source?.close();
  }
  report.duration_ms = elapsed();
  await runLog.completed(report);
  return report;
}

/** Opening the source failed (told apart from a fault in the middle of the run). */
class OpeningFailed extends Error {
  constructor(override readonly cause: unknown) {
    super("opening the source failed");
  }
}

/**
 * A failed invocation of a run with a saved cursor counts against it; after
 * SYNC_MAX_RESUME_FAILURES the cursor is dropped with an alert, so the resume
 * job stops calling and the next scheduled run starts afresh.
 */
async function countFailure(
  sql: Sql,
  schema: string,
  syncId: string,
  config: SyncConfig,
  runLog: RunLog,
) {
  const failures = await countCursorFailure(sql, schema, syncId);
  if (failures === undefined || failures < config.SYNC_MAX_RESUME_FAILURES) return;
  await dropCursor(sql, schema);
  await runLog.abandoned(failures);
  log("error", "sync_abandoned", { sync_id: syncId, failures });
}

/**
 * Walks the run's tables from the cursor on and retires what vanished from
 * each. `finished` is false when the deadline or the row budget stopped the
 * walk (the cursor then says where); `linkKeys` are the source's keys of
 * the table that validates links, when its walk was done in this invocation.
 */
async function syncTables(
  run: RunContext,
  report: SyncReport,
  runLog: RunLog,
  cursor: Cursor | undefined,
): Promise<{ finished: boolean; linkKeys?: SourceKeys }> {
  const { tables } = run;
  let linkKeys: SourceKeys | undefined;
  for (const table of tables.slice(cursor ? tables.indexOf(cursor.table_name) : 0)) {
    const walk = await walkTable(run, table, cursor?.table_name === table ? cursor.after_id : 0);
    const { counts } = walk;
    report.tables[table] = counts;
    if (report.details.drift) {
      report.details.drift[table] = {
        rows: walk.drift.length,
        keys: walk.drift.slice(0, MAX_LOGGED_REJECTIONS),
      };
      if (walk.drift.length) {
        log("warn", "sync_drift", { table, sync_id: run.syncId, rows: walk.drift.length });
      }
    }
    let refused: string | undefined, overridden: string | undefined;
    if (!walk.stopped) {
      // Keys seen by a walk done wholly in this invocation are the
      // snapshot's keys; a resumed walk asks the source again.
      const keys = walk.present ?? { list: await sourceKeys(run, table) };
      if (TABLE_SPECS[table].validatesLinks) linkKeys = keys;
      const limits = {
        maxRatio: run.config.SYNC_MAX_DEACTIVATE_RATIO,
        maxRows: run.config.SYNC_MAX_DEACTIVATE,
        allowMass: run.allowMassDeactivation,
      };
      const retirement = await run.retries.postgres(() =>
        retireVanished(run.sql, run.schema, TABLE_SPECS[table], keys, limits, run.dryRun)
      );
      refused = retirement.refused;
      overridden = retirement.overridden;
      if (overridden) log("warn", "sync_mass_deactivation_allowed", { table, sync_id: run.syncId });
      counts.deactivated = refused ? 0 : run.dryRun ? retirement.vanished : retirement.retired;
    }
    counts.duration_ms = Math.round(performance.now() - walk.started);
    await runLog.table(table, counts, { ...walk, refused, overridden });
    if (refused || walk.stopped) report.status = "partial";
    if (walk.stopped) return { finished: false };
    const next = tables[tables.indexOf(table) + 1];
    if (!run.dryRun && next) {
      const saved = {
        sync_id: run.syncId,
        tables,
        table_name: next,
        after_id: 0,
        full_compare: run.fullCompare,
        mapping_version: run.mappingVersion,
      };
      await run.retries.postgres(() => saveCursor(run.sql, run.schema, saved));
    }
  }
  return { finished: true, linkKeys };
}

/**
 * After the last table: derived counts, link validation (when the run synced
 * the table that validates links), and the cursor is done with.
 */
async function finishRun(run: RunContext, environment: Environment, linkKeys?: SourceKeys) {
  const { sql, schema, retries } = run;
  const linked = run.tables.find((t) => TABLE_SPECS[t].validatesLinks);
  // Independent (one writes counts, the other validation rows): side by
  // side, each on its own connection. Both settle before the run answers.
  const done = await Promise.allSettled([
    retries.postgres(() => refreshDerivedCounts(sql, schema)),
    linked !== undefined &&
    (async () => {
      const numbers = linkKeys ?? { list: await sourceKeys(run, linked) };
      // Against an empty source every link would be "missing" and the bot
      // would take everyone's roles: that table's retirement was refused for
      // the same reason, and its sync_error row says so.
      if (sourceIsEmpty(numbers)) {
        log("warn", "sync_validation_skipped", { sync_id: run.syncId, reason: "empty_source" });
        return;
      }
      await retries.postgres(() => validateLinks(sql, environment, run.syncId, linked, numbers));
    })(),
  ]);
  for (const d of done) if (d.status === "rejected") throw d.reason;
  if (run.fullCompare && SYNC_TABLES.every((t) => run.tables.includes(t))) {
    await retries.postgres(() => fullCompareDone(sql, schema, run.mappingVersion));
  }
  await retries.postgres(() => dropCursor(sql, schema));
}

/** Every key the source holds now, as the mapping would write it. */
async function sourceKeys(run: RunContext, table: SyncTable) {
  return (await run.source.keys(TABLE_SPECS[table]))
    .map(TABLE_SPECS[table].normalizeKey)
    .filter((k): k is string | number => k !== null);
}
