// Walking one table of the source in keyset pages: map each record, drop
// duplicate keys, screen what only Postgres can check, write the batch. The
// next page is read from MySQL while the current one is written, and two
// batches are written at once; the cursor only ever moves past pages whose
// writes have finished, in order.
import type { SyncConfig } from "./config.ts";
import type { Sql } from "../db.ts";
import { saveCursor } from "./cursor.ts";
import { cleanText } from "./mapping.ts";
import { emptyCounts, type Rejection, type Replacement, type TableReport } from "./report.ts";
import type { SyncRetries } from "./retries.ts";
import type { Source } from "./source.ts";
import { type SyncTable, TABLE_SPECS } from "./tables.ts";
import { writeBatch } from "./writer.ts";

/** Batches written concurrently (each on its own pooled connection). */
const WRITES_IN_FLIGHT = 2;

/** What the walks of one invocation share. */
export interface RunContext {
  sql: Sql;
  /** The environment's shared schema (public, dev). */
  schema: string;
  config: SyncConfig;
  dryRun: boolean;
  syncId: string;
  tables: SyncTable[];
  retries: SyncRetries;
  source: Source;
  /** Stop cleanly once this time (ms since epoch) has come. */
  deadline: number;
  /** Source rows this invocation may still walk. */
  budget: number;
  /** Throws when the run no longer holds its environment's lock. */
  checkLock: () => Promise<void>;
  /** Retire past the guard's limits, once (operator CLI only). */
  allowMassDeactivation: boolean;
  /**
   * Keys a dry run mapped (and did not write), per table: a later table's
   * screen counts them as synced, as the real run would.
   */
  dryRunKeys: Map<string, Set<string>>;
  onProgress?: (table: SyncTable, rows: number, rowsPerSecond: number) => void;
}

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
  const { sql, schema, config, dryRun, retries, source } = run;
  const spec = TABLE_SPECS[table];
  const walk: Walk = {
    counts: emptyCounts(),
    rejected: [],
    replaced: [],
    started: performance.now(),
    stopped: false,
  };
  const { counts, rejected, replaced } = walk;
  // Every normalized source key read: finds duplicates, and (for a walk
  // that began at the start) tells which rows vanished from the source.
  const present = new Set<string | number>();
  const mappedKeys = new Set<string>();
  if (dryRun) run.dryRunKeys.set(table, mappedKeys);
  const today = new Date().toISOString().slice(0, 10);
  const fetchPage = (after: number) => {
    const page = source.page(spec, after, config.SYNC_BATCH_SIZE);
    page.catch(() => {}); // awaited below; never an unhandled rejection
    return page;
  };
  const outOfTime = () => Date.now() >= run.deadline || run.budget <= 0;
  const save = (afterId: number) =>
    dryRun ? Promise.resolve() : retries.postgres(() =>
      saveCursor(sql, schema, {
        sync_id: run.syncId,
        tables: run.tables,
        table_name: table,
        after_id: afterId,
      })
    );

  const writes: Promise<number>[] = [];
  const settleOldest = async () => {
    await save(await writes.shift()!);
    const seconds = (performance.now() - walk.started) / 1000;
    run.onProgress?.(table, counts.processed, Math.round(counts.processed / seconds));
  };

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
      counts.processed += page.length;
      run.budget -= page.length;
      next = outOfTime() ? undefined : fetchPage(afterId);

      let rows: Record<string, unknown>[] = [];
      for (const raw of page) {
        // Operators look records up by member number: name it wherever the record has one.
        const member = cleanText(raw.MemberNumber) ?? undefined;
        const key = spec.normalizeKey(raw[spec.sourceKey]);
        if (key !== null && present.has(key)) {
          rejected.push({
            key: String(raw.id),
            member_number: member,
            reason: `duplicate key ${key} in the source`,
          });
          continue;
        }
        if (key !== null) present.add(key);
        const mapped = spec.map(raw, today);
        if (!mapped.ok) {
          rejected.push({ key: String(raw.id), member_number: member, reason: mapped.reason });
          continue;
        }
        rows.push(mapped.row);
        if (dryRun) mappedKeys.add(String(mapped.row[spec.key]));
        if (mapped.notice) {
          replaced.push({ key: String(raw.id), member_number: member, ...mapped.notice });
        }
      }
      if (spec.screen) {
        const { references, check } = spec.screen;
        const pending = run.dryRunKeys.get(references) ?? new Set<string>();
        const screened = await retries.postgres(() => check(sql, schema, rows, pending));
        rejected.push(...screened.rejected);
        rows = screened.rows;
      }
      const batch = rows;
      const pageEnd = afterId;
      const write = retries.postgres(() => writeBatch(sql, schema, spec, batch, dryRun)).then(
        (written) => {
          rejected.push(...written.rejected);
          counts.inserted += written.inserted;
          counts.updated += written.updated;
          counts.unchanged += batch.length - written.inserted - written.updated -
            written.rejected.length;
          return pageEnd;
        },
      );
      write.catch(() => {}); // awaited in order below
      writes.push(write);
      if (writes.length >= WRITES_IN_FLIGHT) await settleOldest();
    }
    while (writes.length) await settleOldest();
  } catch (err) {
    // Nothing of this walk may still be writing once the run answers.
    await Promise.allSettled([...writes, next]);
    throw err;
  }
  if (next === undefined && outOfTime()) {
    walk.stopped = true;
    await save(afterId);
  }
  counts.failed = rejected.length;
  if (startAfter === 0) walk.present = present;
  return walk;
}
