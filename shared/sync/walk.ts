// Walking one table of the source in keyset pages: map each record, drop
// duplicate keys, screen what only Postgres can check, write the batch. The
// next page is read from MySQL while the current one is written, and two
// batches are written at once; the cursor only ever moves past pages whose
// writes have finished, in order.
//
// A page is read one of two ways (docs/sync.md#change-detection): a full
// comparison reads every full row; the hash path reads the full rows of only
// the records whose source hash differs from the one stored when the row was
// last written, or that cannot be compared (a duplicate or empty key, a
// record rejected or noticed before: no usable hash is stored for those, so
// they are read and reported every run). change_detection/ decides which.
import { pageReader } from "./change_detection/mode.ts";
import type { SourceKeys } from "./change_detection/source_keys.ts";
import { HASH_FIELD, SOURCE_ID_FIELD as SOURCE_ID } from "./change_detection/stored_hashes.ts";
import { saveCursor } from "./cursor.ts";
import { emptyCounts, type Rejection, type Replacement, type TableReport } from "./report.ts";
import type { ReadPage, RunContext, SeenKeys } from "./run_context.ts";
import type { TableSpec } from "./tables/table.ts";
import { type SyncTable, TABLE_SPECS } from "./tables.ts";
import { analyzeIfRewritten, writeBatch } from "./writer.ts";

/** Batches written concurrently (each on its own pooled connection). */
const WRITES_IN_FLIGHT = 2;

export interface Walk {
  counts: TableReport;
  rejected: Rejection[];
  replaced: Replacement[];
  started: number;
  /** The deadline or the row budget stopped the walk; the cursor says where. */
  stopped: boolean;
  /** The keys the source holds, when the walk began at the start. */
  present?: SourceKeys;
  /** Keys a full comparison wrote whose stored hash said they were unchanged. */
  drift: string[];
}

export async function walkTable(run: RunContext, table: SyncTable, startAfter: number) {
  const spec = TABLE_SPECS[table];
  const walk: Walk = {
    counts: emptyCounts(),
    rejected: [],
    replaced: [],
    started: performance.now(),
    stopped: false,
    drift: [],
  };
  const keys: SeenKeys = { present: new Set(), read: new Set() };
  if (run.dryRun) run.dryRunKeys.set(table, keys.mapped = new Set());
  const writes = new OrderedWrites(run, table, walk);
  const today = new Date().toISOString().slice(0, 10);
  const read = pageReader(run, spec, keys, today, startAfter);
  const fetchPage = (after: number) => {
    const page = read(after);
    page.catch(() => {}); // awaited below; never an unhandled rejection
    return page;
  };
  const outOfTime = () => Date.now() >= run.deadline || run.budget <= 0;

  let afterId = startAfter;
  let next = outOfTime() ? undefined : fetchPage(afterId);
  try {
    while (next) {
      const page = await next;
      if (page === undefined) break;
      afterId = page.end;
      walk.counts.processed += page.records;
      walk.counts.unchanged += page.records - page.rows.length;
      run.budget -= page.cost;
      next = outOfTime() ? undefined : fetchPage(afterId);
      const mapped = mapPage(spec, page, today, keys, walk);
      // Written in batches of SYNC_BATCH_SIZE; every batch but the page's
      // last ends at its own last source id (the ids between were unchanged).
      const size = run.config.SYNC_BATCH_SIZE;
      for (let i = 0; i < mapped.length || i === 0; i += size) {
        const batch = mapped.slice(i, i + size);
        const end = i + size >= mapped.length
          ? afterId
          : Number(batch[batch.length - 1][SOURCE_ID]);
        // Writes go on other connections than the lock's: each batch first
        // makes sure the run still holds it (a key page spans many batches).
        await run.checkLock();
        await writes.add(await screen(run, spec, batch, walk.rejected), end);
      }
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
  if (startAfter === 0) {
    // A full comparison saw every key. A hash-path run has just made the
    // stored hashes exact (SourceKeys), unless the source was empty (its
    // stored hashes are kept). A hash-path dry run, which forgets nothing,
    // saw only the keys of buckets that differ: the run asks the source.
    if (run.fullCompare || walk.counts.processed === 0) walk.present = { list: [...keys.present] };
    else if (!run.dryRun) walk.present = { stored: { table: spec.name, read: [...keys.read] } };
  }
  return walk;
}

/**
 * Maps a page: a record whose key was read before in this walk, or that the
 * mapping refuses, is rejected. A mapped row carries its source hash (to be
 * stored with it) unless the mapping noticed something to report: that row
 * is then read and reported again on every run.
 */
function mapPage(
  spec: TableSpec,
  page: ReadPage,
  today: string,
  keys: SeenKeys,
  walk: Walk,
): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (const raw of page.rows) {
    // Operators look records up by member number: name it wherever the record has one.
    const member = spec.memberNumber?.(raw);
    const key = spec.normalizeKey(raw[spec.sourceKey]);
    // The hash path found duplicates while comparing keys; a full page finds them here.
    const duplicate = page.duplicates
      ? page.duplicates.has(Number(raw.id))
      : (key !== null && keys.present.has(key)) || !!page.held?.has(Number(raw.id));
    if (duplicate) {
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
    rows.push({
      ...mapped.row,
      [SOURCE_ID]: raw.id,
      [HASH_FIELD]: mapped.notice ? null : raw.sync_hash,
    });
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
    const { run, walk } = this;
    const { counts, rejected } = walk;
    const spec = TABLE_SPECS[this.table];
    const write = run.retries.postgres(() =>
      writeBatch(run.sql, run.schema, spec, batch, run.dryRun)
    ).then((written) => {
      rejected.push(...written.rejected);
      walk.drift.push(...written.drift);
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
        full_compare: run.fullCompare,
        mapping_version: run.mappingVersion,
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
