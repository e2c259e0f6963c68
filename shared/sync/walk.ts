// Walking one table of the source in keyset pages: map each record, drop
// duplicate keys, screen what only Postgres can check, write the batch. The
// next page is read from MySQL while the current one is written, and two
// batches are written at once; the cursor only ever moves past pages whose
// writes have finished, in order.
import type { Sql } from "../db.ts";
import type { SyncConfig } from "./config.ts";
import { saveCursor } from "./cursor.ts";
import { cleanText, type SourceRow } from "./mapping.ts";
import { emptyCounts, type Rejection, type Replacement, type TableReport } from "./report.ts";
import type { SyncRetries } from "./retries.ts";
import type { Source } from "./source.ts";
import type { TableSpec } from "./tables/table.ts";
import { type SyncTable, TABLE_SPECS } from "./tables.ts";
import { analyzeIfRewritten, writeBatch } from "./writer.ts";

/** Batches written concurrently (each on its own pooled connection). */
const WRITES_IN_FLIGHT = 2;

/** What a run is: fixed once it has started. */
export interface RunTarget {
  sql: Sql;
  /** The environment's shared schema (public, dev). */
  schema: string;
  config: SyncConfig;
  syncId: string;
  tables: SyncTable[];
  dryRun: boolean;
  /** Retire past the guard's limits, once (operator CLI only). */
  allowMassDeactivation: boolean;
}

/** How the run reads, retries, keeps its lock and says how far it is. */
export interface RunIo {
  source: Source;
  retries: SyncRetries;
  /** Throws when the run no longer holds its environment's lock. */
  checkLock: () => Promise<void>;
  onProgress?: (table: SyncTable, rows: number, rowsPerSecond: number) => void;
}

/** What the walks of one invocation use up, or leave for the tables after them. */
export interface RunBudget {
  /** Stop cleanly once this time (ms since epoch) has come. */
  deadline: number;
  /** Source rows this invocation may still walk. */
  budget: number;
  /**
   * Keys a dry run mapped (and did not write), per table: a later table's
   * screen counts them as synced, as the real run would.
   */
  dryRunKeys: Map<string, Set<string>>;
}

/** What the walks of one invocation share. */
export type RunContext = RunTarget & RunIo & RunBudget;

export interface Walk {
  counts: TableReport;
  rejected: Rejection[];
  replaced: Replacement[];
  started: number;
  /** The deadline or the row budget stopped the walk; the cursor says where. */
  stopped: boolean;
  /** Every normalized source key read, when the walk began at the start. */
  present?: Set<string | number>;
}

export async function walkTable(run: RunContext, table: SyncTable, startAfter: number) {
  const spec = TABLE_SPECS[table];
  const walk: Walk = {
    counts: emptyCounts(),
    rejected: [],
    replaced: [],
    started: performance.now(),
    stopped: false,
  };
  const keys: SeenKeys = { present: new Set() };
  if (run.dryRun) run.dryRunKeys.set(table, keys.mapped = new Set());
  const writes = new OrderedWrites(run, table, walk);
  const today = new Date().toISOString().slice(0, 10);
  const fetchPage = (after: number) => {
    const page = run.source.page(spec, after, run.config.SYNC_BATCH_SIZE);
    page.catch(() => {}); // awaited below; never an unhandled rejection
    return page;
  };
  const outOfTime = () => Date.now() >= run.deadline || run.budget <= 0;

  let afterId = startAfter;
  let next = outOfTime() ? undefined : fetchPage(afterId);
  try {
    while (next) {
      // Writes go on other connections than the lock's: each page first
      // makes sure the run still holds it.
      await run.checkLock();
      const page = await next;
      if (page.length === 0) break;
      afterId = Number(page[page.length - 1].id);
      walk.counts.processed += page.length;
      run.budget -= page.length;
      next = outOfTime() ? undefined : fetchPage(afterId);
      const mapped = mapPage(spec, page, today, keys, walk);
      await writes.add(await screen(run, spec, mapped, walk.rejected), afterId);
    }
    await writes.drain();
  } catch (err) {
    // Nothing of this walk may still be writing once the run answers.
    await Promise.allSettled([...writes.inFlight(), next]);
    throw err;
  }
  if (next === undefined && outOfTime()) {
    walk.stopped = true;
    await writes.saveCursor(afterId);
  }
  walk.counts.failed = walk.rejected.length;
  if (!run.dryRun) {
    const written = walk.counts.inserted + walk.counts.updated;
    await run.retries.postgres(() => analyzeIfRewritten(run.sql, run.schema, spec.name, written));
  }
  if (startAfter === 0) walk.present = keys.present;
  return walk;
}

interface SeenKeys {
  /** Every normalized source key read: finds duplicates, and (for a walk that began at the start) which rows vanished. */
  present: Set<string | number>;
  /** A dry run's mapped keys, for the screens of later tables. */
  mapped?: Set<string>;
}

/** Maps a page: a record whose key was read before in this walk, or that the mapping refuses, is rejected. */
function mapPage(
  spec: TableSpec,
  page: SourceRow[],
  today: string,
  keys: SeenKeys,
  walk: Walk,
): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (const raw of page) {
    // Operators look records up by member number: name it wherever the record has one.
    const member = cleanText(raw.MemberNumber) ?? undefined;
    const key = spec.normalizeKey(raw[spec.sourceKey]);
    if (key !== null && keys.present.has(key)) {
      walk.rejected.push({
        key: String(raw.id),
        member_number: member,
        reason: `duplicate key ${key} in the source`,
      });
      continue;
    }
    if (key !== null) keys.present.add(key);
    const mapped = spec.map(raw, today);
    if (!mapped.ok) {
      walk.rejected.push({ key: String(raw.id), member_number: member, reason: mapped.reason });
      continue;
    }
    rows.push(mapped.row);
    keys.mapped?.add(String(mapped.row[spec.key]));
    if (mapped.notice) {
      walk.replaced.push({ key: String(raw.id), member_number: member, ...mapped.notice });
    }
  }
  return rows;
}

/** The table's rules only Postgres can check (its screen), if it has any. */
async function screen(
  run: RunContext,
  spec: TableSpec,
  rows: Record<string, unknown>[],
  rejected: Rejection[],
): Promise<Record<string, unknown>[]> {
  if (!spec.screen) return rows;
  const { references, check } = spec.screen;
  const pending = run.dryRunKeys.get(references) ?? new Set<string>();
  const screened = await run.retries.postgres(() => check(run.sql, run.schema, rows, pending));
  rejected.push(...screened.rejected);
  return screened.rows;
}

/**
 * The walk's batch writes: at most WRITES_IN_FLIGHT at once, settled in page
 * order, the cursor saved past each settled page.
 */
class OrderedWrites {
  private readonly writes: Promise<number>[] = [];

  constructor(
    private readonly run: RunContext,
    private readonly table: SyncTable,
    private readonly walk: Walk,
  ) {}

  /** Starts writing `batch`, the rows of the page that ends at source id `pageEnd`. */
  async add(batch: Record<string, unknown>[], pageEnd: number) {
    const { run, walk: { counts, rejected } } = this;
    const spec = TABLE_SPECS[this.table];
    const write = run.retries.postgres(() =>
      writeBatch(run.sql, run.schema, spec, batch, run.dryRun)
    ).then((written) => {
      rejected.push(...written.rejected);
      counts.inserted += written.inserted;
      counts.updated += written.updated;
      counts.unchanged += batch.length - written.inserted - written.updated -
        written.rejected.length;
      return pageEnd;
    });
    write.catch(() => {}); // awaited in order below
    this.writes.push(write);
    if (this.writes.length >= WRITES_IN_FLIGHT) await this.settleOldest();
  }

  async drain() {
    while (this.writes.length) await this.settleOldest();
  }

  inFlight(): Promise<number>[] {
    return [...this.writes];
  }

  saveCursor(afterId: number): Promise<void> {
    const { run, table } = this;
    if (run.dryRun) return Promise.resolve();
    return run.retries.postgres(() =>
      saveCursor(run.sql, run.schema, {
        sync_id: run.syncId,
        tables: run.tables,
        table_name: table,
        after_id: afterId,
      })
    );
  }

  private async settleOldest() {
    await this.saveCursor(await this.writes.shift()!);
    const { counts, started } = this.walk;
    const seconds = (performance.now() - started) / 1000;
    this.run.onProgress?.(this.table, counts.processed, Math.round(counts.processed / seconds));
  }
}
