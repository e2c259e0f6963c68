// One sync run: lock, resume or start, walk each table in batches, retire
// what vanished, refresh derived counts, log every step to sync_logs.
import type { SyncConfig } from "../config.ts";
import { isTransientDbError, type Sql } from "../db.ts";
import { type Environment, schemasFor } from "../environment.ts";
import { HttpError, unavailable } from "../errors.ts";
import { log } from "../log.ts";
import { withRetry } from "../retry.ts";
import { SYNC_TABLES, type SyncTable } from "../validation.ts";
import { describeSourceFailure, isTransientMysqlError, openSource, type Source } from "./source.ts";
import { TABLE_SPECS } from "./tables.ts";
import {
  existingMembers,
  refreshDerivedCounts,
  type Rejection,
  retireVanished,
  writeBatch,
} from "./writer.ts";
import { validateLinks } from "./validate_links.ts";

/** Batches written concurrently (each on its own pooled connection). */
const WRITES_IN_FLIGHT = 2;

/** How many rejected records a sync_logs row describes; the total is always kept. */
export const MAX_LOGGED_REJECTIONS = 100;

export interface TableReport {
  processed: number;
  inserted: number;
  updated: number;
  unchanged: number;
  deactivated: number;
  failed: number;
  duration_ms: number;
}

export interface SyncReport {
  sync_id: string;
  status: "completed" | "partial" | "failed";
  duration_ms: number;
  dry_run: boolean;
  resumed: boolean;
  tables: Partial<Record<SyncTable, TableReport>>;
}

export interface SyncOptions {
  environment: Environment;
  tables?: SyncTable[];
  dryRun?: boolean;
  /** Stop cleanly (status partial, cursor saved) once this time (ms since epoch) has come. */
  deadline: number;
  /** Stop after this many source rows in this invocation (CPU budget); resumable. */
  rowBudget?: number;
  onProgress?: (table: SyncTable, rows: number, rowsPerSecond: number) => void;
}

interface Cursor {
  sync_id: string;
  tables: SyncTable[];
  table_name: SyncTable;
  after_id: number;
}

export async function runSync(
  sql: Sql,
  config: SyncConfig,
  opts: SyncOptions,
): Promise<SyncReport> {
  const started = performance.now();
  const { shared } = schemasFor(opts.environment);
  const dryRun = opts.dryRun ?? false;

  // One run per environment: a transaction-scoped advisory lock, held on a
  // reserved connection for the whole run. It works through Supabase's
  // transaction pooler and dies with the connection if the isolate does.
  const lock = await sql.reserve();
  try {
    await lock`begin`;
    const [{ locked }] = await lock`
      select pg_try_advisory_xact_lock(hashtextextended(${"mynatca.sync." + shared}, 0)) as locked`;
    if (!locked) throw new HttpError(409, "sync_in_progress", "Another sync run is in progress");

    const retry = <T>(fn: () => Promise<T>, isTransient: (e: unknown) => boolean) =>
      withRetry(fn, {
        retries: config.SYNC_RETRY_COUNT,
        baseDelayMs: config.SYNC_RETRY_DELAY,
        isTransient,
        deadline: opts.deadline,
        onRetry: (err, attempt, delay) =>
          log("warn", "sync_retry", {
            attempt,
            delay_ms: delay,
            code: (err as { code?: string })?.code,
          }),
      });
    const pg = <T>(fn: () => Promise<T>) => retry(fn, isTransientDbError);

    const [saved] = dryRun ? [] : await pg(() =>
      // A cursor older than MAX_SYNC_AGE belongs to a run whose source
      // snapshot is long gone: start afresh rather than resume it.
      sql<Cursor[]>`select sync_id, tables, table_name, after_id::int as after_id
                    from ${sql(shared)}.sync_cursor
                    where updated_at > now() - make_interval(secs => ${config.MAX_SYNC_AGE / 1000})`
    );
    const cursor: Cursor | undefined = saved && (!opts.tables ||
        sameTables(saved.tables, opts.tables))
      ? saved
      : undefined;
    const syncId = cursor?.sync_id ?? crypto.randomUUID();
    const tables = cursor?.tables ?? order(opts.tables ?? [...SYNC_TABLES]);
    const report: SyncReport = {
      sync_id: syncId,
      status: "completed",
      duration_ms: 0,
      dry_run: dryRun,
      resumed: !!cursor,
      tables: {},
    };
    const logRow = (row: Record<string, unknown>) =>
      dryRun
        ? Promise.resolve()
        : pg(() => sql`insert into ${sql(shared)}.sync_logs ${sql({ sync_id: syncId, ...row })}`)
          .then(() => {});

    if (!cursor) await logRow({ operation: "sync_start", status: dryRun ? "dry_run" : "started" });

    let source: Source;
    try {
      source = await retry(() => openSource(config), isTransientMysqlError);
    } catch (err) {
      const failure = describeSourceFailure(err);
      await logRow({
        operation: "sync_error",
        status: "failed",
        duration_ms: Math.round(performance.now() - started),
        error_details: failure,
      });
      log("error", "sync_source_unreachable", { sync_id: syncId, code: failure.code });
      throw unavailable("The legacy MySQL database");
    }
    // A dropped source connection loses its snapshot: reopen and go on
    // from the cursor (documented: the run is then consistent per page).
    const fromSource = async <T>(fn: (s: Source) => Promise<T>) =>
      await retry(async () => {
        try {
          return await fn(source);
        } catch (err) {
          if (isTransientMysqlError(err)) {
            await source.close();
            source = await openSource(config);
          }
          throw err;
        }
      }, isTransientMysqlError);

    // Every key the source holds now, as the mapping would write it.
    const sourceKeys = async (table: SyncTable) =>
      (await fromSource((s) => s.keys(table)))
        .map(TABLE_SPECS[table].normalizeKey)
        .filter((k): k is string | number => k !== null);

    const run: RunContext = {
      sql,
      shared,
      config,
      dryRun,
      syncId,
      tables,
      pg,
      fromSource,
      deadline: opts.deadline,
      budget: opts.rowBudget ?? Infinity,
      onProgress: opts.onProgress,
    };
    let stoppedAt: SyncTable | undefined;
    let sourceMembers: string[] | undefined;
    try {
      const startAt = cursor ? tables.indexOf(cursor.table_name) : 0;
      for (const table of tables.slice(startAt)) {
        const spec = TABLE_SPECS[table];
        const startAfter = cursor?.table_name === table ? cursor.after_id : 0;
        const walk = await walkTable(run, table, startAfter);
        const { counts, rejected } = walk;
        report.tables[table] = counts;

        let refused: string | undefined;
        if (!walk.stopped) {
          // Keys seen by a walk done wholly in this invocation are the
          // snapshot's keys; a resumed walk asks the source again.
          const keys = walk.present ? [...walk.present] : await sourceKeys(table);
          if (table === "members") sourceMembers = keys as string[];
          const retirement = await pg(() =>
            retireVanished(sql, shared, spec, keys, config.SYNC_MAX_DEACTIVATE_RATIO, dryRun)
          );
          refused = retirement.refused;
          counts.deactivated = refused ? 0 : dryRun ? retirement.vanished : retirement.retired;
        }
        counts.duration_ms = Math.round(performance.now() - walk.started);
        await logRow({
          table_name: table,
          operation: refused ? "sync_error" : "sync_complete",
          status: walk.stopped ? "partial" : refused ? "deactivation_refused" : "completed",
          records_processed: counts.processed,
          records_inserted: counts.inserted,
          records_updated: counts.updated,
          records_unchanged: counts.unchanged,
          records_deactivated: counts.deactivated,
          records_failed: counts.failed,
          duration_ms: counts.duration_ms,
          error_details: rejected.length || refused
            ? {
              ...(refused ? { deactivation_refused: refused } : {}),
              rejected: rejected.slice(0, MAX_LOGGED_REJECTIONS),
              rejected_total: rejected.length,
            }
            : null,
        });
        if (refused) report.status = "partial";
        if (walk.stopped) {
          report.status = "partial";
          stoppedAt = table;
          break;
        }
        const next = tables[tables.indexOf(table) + 1];
        if (!dryRun && next) await saveCursor(run, next, 0);
      }
      if (!dryRun && !stoppedAt) {
        await pg(() => refreshDerivedCounts(sql, shared));
        if (tables.includes("members")) {
          const members = sourceMembers ?? (await sourceKeys("members")) as string[];
          await pg(() => validateLinks(sql, opts.environment, syncId, members));
        }
        await pg(() => sql`delete from ${sql(shared)}.sync_cursor`);
      }
    } catch (err) {
      // Out of retries: report, keep the cursor so the next run resumes.
      const what = isTransientMysqlError(err) ? "The legacy MySQL database" : "The database";
      if (!isTransientMysqlError(err) && !isTransientDbError(err)) throw err;
      await logRow({
        operation: "sync_error",
        status: "failed",
        duration_ms: Math.round(performance.now() - started),
        error_details: { reason: `${what} failed during the run`, code: codeOf(err) },
      }).catch(() => {});
      throw unavailable(what);
    } finally {
      await source.close();
    }

    report.duration_ms = Math.round(performance.now() - started);
    await logRow({
      operation: "sync_complete",
      status: report.status,
      duration_ms: report.duration_ms,
      ...totals(report),
    });
    return report;
  } finally {
    await lock`commit`.catch(() => {});
    lock.release();
  }
}

function totals(report: SyncReport) {
  const sum = (k: keyof TableReport) =>
    Object.values(report.tables).reduce((n, t) => n + (t?.[k] ?? 0), 0);
  return {
    records_processed: sum("processed"),
    records_inserted: sum("inserted"),
    records_updated: sum("updated"),
    records_unchanged: sum("unchanged"),
    records_deactivated: sum("deactivated"),
    records_failed: sum("failed"),
  };
}

interface RunContext {
  sql: Sql;
  shared: string;
  config: SyncConfig;
  dryRun: boolean;
  syncId: string;
  tables: SyncTable[];
  pg: <T>(fn: () => Promise<T>) => Promise<T>;
  fromSource: <T>(fn: (s: Source) => Promise<T>) => Promise<T>;
  deadline: number;
  /** Source rows this invocation may still walk. */
  budget: number;
  onProgress?: SyncOptions["onProgress"];
}

interface Walk {
  counts: TableReport;
  rejected: Rejection[];
  started: number;
  stopped: boolean;
  /** Every normalized source key read, when the walk began at the start. */
  present?: Set<string | number>;
}

/**
 * Walks one table in keyset pages: map, drop duplicates, write. The next
 * page is read from MySQL while the current one is written to Postgres.
 */
async function walkTable(run: RunContext, table: SyncTable, startAfter: number): Promise<Walk> {
  const { sql, shared, config, dryRun, pg, fromSource } = run;
  const spec = TABLE_SPECS[table];
  const walk: Walk = {
    counts: {
      processed: 0,
      inserted: 0,
      updated: 0,
      unchanged: 0,
      deactivated: 0,
      failed: 0,
      duration_ms: 0,
    },
    rejected: [],
    started: performance.now(),
    stopped: false,
  };
  const { counts, rejected } = walk;
  // Every normalized source key read: finds duplicates, and (for a walk
  // that began at the start) tells which rows vanished from the source.
  const present = new Set<string | number>();
  const today = new Date().toISOString().slice(0, 10);
  const fetchPage = (after: number) => {
    const page = fromSource((s) => s.page(table, after, config.SYNC_BATCH_SIZE));
    page.catch(() => {}); // awaited below; never an unhandled rejection
    return page;
  };
  const outOfTime = () => Date.now() >= run.deadline || run.budget <= 0;

  const writes: Promise<number>[] = [];
  const settleOldest = async () => {
    const done = await writes.shift()!;
    if (!dryRun) await saveCursor(run, table, done);
    const seconds = (performance.now() - walk.started) / 1000;
    run.onProgress?.(table, counts.processed, Math.round(counts.processed / seconds));
  };

  let afterId = startAfter;
  let next = outOfTime() ? undefined : fetchPage(afterId);
  while (next) {
    const page = await next;
    if (page.length === 0) break;
    afterId = Number(page[page.length - 1].id);
    counts.processed += page.length;
    run.budget -= page.length;
    next = outOfTime() ? undefined : fetchPage(afterId);

    let rows: Record<string, unknown>[] = [];
    for (const raw of page) {
      const key = spec.normalizeKey(raw[spec.sourceKey]);
      if (key !== null && present.has(key)) {
        rejected.push({ key: String(key), reason: `duplicate key ${key} in the source` });
        continue;
      }
      if (key !== null) present.add(key);
      const mapped = spec.map(raw, today);
      if (!mapped.ok) {
        rejected.push({ key: String(raw.id), reason: mapped.reason });
        continue;
      }
      rows.push(mapped.row);
    }
    if (table === "positions") {
      const numbers = [...new Set(rows.map((r) => r.member_number as string))];
      const known = await pg(() => existingMembers(sql, shared, numbers));
      rows = rows.filter((r) => {
        if (known.has(r.member_number as string)) return true;
        rejected.push({
          key: String(r.source_id),
          reason: `member ${r.member_number} is not among the synced members`,
        });
        return false;
      });
    }
    const batch = rows;
    const pageEnd = afterId;
    const write = pg(() => writeBatch(sql, shared, spec, batch, dryRun)).then((written) => {
      rejected.push(...written.rejected);
      counts.inserted += written.inserted;
      counts.updated += written.updated;
      counts.unchanged += batch.length - written.inserted - written.updated -
        written.rejected.length;
      return pageEnd;
    });
    write.catch(() => {}); // awaited in order below
    writes.push(write);
    // Batches have disjoint keys, so two may be written at once; the cursor
    // only ever moves past pages whose writes have finished, in order.
    if (writes.length >= WRITES_IN_FLIGHT) await settleOldest();
  }
  while (writes.length) await settleOldest();
  if (next === undefined && outOfTime()) {
    // Stopped by the deadline or the budget: the cursor says where.
    walk.stopped = true;
    if (!dryRun) await saveCursor(run, table, afterId);
  }
  counts.failed = rejected.length;
  if (startAfter === 0) walk.present = present;
  return walk;
}

async function saveCursor(run: RunContext, table: SyncTable, afterId: number) {
  const { sql, shared, syncId, tables } = run;
  await run.pg(() =>
    sql`insert into ${sql(shared)}.sync_cursor (sync_id, tables, table_name, after_id)
        values (${syncId}, ${tables}, ${table}, ${afterId})
        on conflict (environment_singleton) do update
        set sync_id = excluded.sync_id, tables = excluded.tables, table_name = excluded.table_name,
            after_id = excluded.after_id, updated_at = now()`
  );
}

/** The contract's order: regions, facilities, members, positions. */
const order = (tables: SyncTable[]) => SYNC_TABLES.filter((t) => tables.includes(t));
const sameTables = (a: string[], b: string[]) => order(b as SyncTable[]).join() === a.join();
const codeOf = (err: unknown) => String((err as { code?: string })?.code ?? (err as Error)?.name);
