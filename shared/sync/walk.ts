// Walking one table of the source in keyset pages: map each record, drop
// duplicate keys, screen what only Postgres can check, write the batch. The
// next page is read from MySQL while the current one is written, and two
// batches are written at once; the cursor only ever moves past pages whose
// writes have finished, in order.
//
// A page is read one of two ways (docs/sync.md#change-detection): a full
// comparison reads every full row; the hash path reads ids, keys and source
// hashes, and then the full rows of only those keys that are new, whose hash
// differs from the one stored when the row was last written, whose row is
// missing from Postgres, that the day may have changed, or that cannot be
// compared (a duplicate or empty key, a record rejected or noticed before:
// no hash is stored for those, so they are read and reported every run).
import type { Sql } from "../db.ts";
import type { SyncConfig } from "./config.ts";
import { saveCursor } from "./cursor.ts";
import { cleanText, type SourceRow } from "./mapping.ts";
import { emptyCounts, type Rejection, type Replacement, type TableReport } from "./report.ts";
import type { SyncRetries } from "./retries.ts";
import type { KeyHash, Source } from "./source.ts";
import type { SourceKeys } from "./source_keys.ts";
import type { TableSpec } from "./tables/table.ts";
import { type SyncTable, TABLE_SPECS } from "./tables.ts";
import {
  analyzeIfRewritten,
  HASH_FIELD,
  hashTable,
  SOURCE_ID_FIELD as SOURCE_ID,
  writeBatch,
} from "./writer.ts";

/** Batches written concurrently (each on its own pooled connection). */
const WRITES_IN_FLIGHT = 2;

/** The hash path reads this many ids, keys and hashes per full-row batch size. */
export const KEY_PAGE_FACTOR = 10;

/**
 * What reading a key and its hash costs of the row budget, against a full
 * row's 1: measured at 200,000 members, about 3 µs of CPU (read, compared
 * with the stored hashes of its page) against 30-40 µs.
 */
export const KEY_ROW_COST = 0.1;

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
  /** Compare full rows (and report drift) instead of source hashes. */
  fullCompare: boolean;
  /** The mapping version the run hashes with (MAPPING_VERSION when it started). */
  mappingVersion: number;
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
  /** The keys the source holds, when the walk began at the start. */
  present?: SourceKeys;
  /** Keys a full comparison wrote whose stored hash said they were unchanged. */
  drift: string[];
}

/** A page as the walk maps it: the full rows to map, and how far it reaches. */
interface ReadPage {
  rows: SourceRow[];
  /** The source id it ends at (the cursor's next after_id). */
  end: number;
  /** Source records it covers (full rows read, or keys compared). */
  records: number;
  /** Its share of the row budget. */
  cost: number;
  /** Source ids of records whose key an earlier record of the walk has. */
  duplicates?: Set<number>;
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
  const read = run.fullCompare
    ? (after: number) => readFullPage(run, spec, after)
    : changedRows(run, spec, keys, today);
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
    // A hash-path run has just made the stored hashes exact (SourceKeys); a
    // full comparison, which forgets none, a dry run, and an empty source
    // (whose stored hashes are kept) list every key.
    walk.present = run.fullCompare || run.dryRun || walk.counts.processed === 0
      ? { list: [...keys.present] }
      : { stored: { table: spec.name, read: [...keys.read] } };
  }
  return walk;
}

/** A full comparison's page: every full row. */
async function readFullPage(
  run: RunContext,
  spec: TableSpec,
  after: number,
): Promise<ReadPage | undefined> {
  const rows = await run.source.page(spec, after, run.config.SYNC_BATCH_SIZE, run.mappingVersion);
  if (rows.length === 0) return undefined;
  return { rows, end: Number(rows[rows.length - 1].id), records: rows.length, cost: rows.length };
}

/**
 * The hash path's pages: ids, keys and hashes, compared with the hashes
 * Postgres stored; the full rows of the records that need reading.
 */
function changedRows(run: RunContext, spec: TableSpec, keys: SeenKeys, today: string) {
  const { sql, schema, source, config, mappingVersion } = run;
  // No more keys than the budget left could pay for if every one of them
  // needed its full row: an invocation stays within its budget even when
  // everything changed (a new mapping version, emptied tables).
  // `committed`: budget the page read before this one may still use up.
  const limit = (committed = 0) =>
    Math.max(
      config.SYNC_BATCH_SIZE,
      Math.min(
        config.SYNC_BATCH_SIZE * KEY_PAGE_FACTOR,
        Math.floor((run.budget - committed) / (1 + KEY_ROW_COST)),
      ),
    );
  const target = `"${schema}"."${spec.name}"`;
  // The hashes stored for one key page: one range scan of the source ids.
  const storedQuery = `
    select source_key as k, source_id::float8 as i, replace(hash::text, '-', '') as h
    from ${hashTable(schema)}
    where table_name = '${spec.name}' and source_id > $1 and source_id <= $2
    order by source_id`;
  // A stored hash whose row is gone from Postgres (deleted by hand, a table
  // emptied) must not count: once, when the walk starts, one anti-join finds
  // them. A run forgets them, so their keys compare as new from then on; a
  // dry run, which may not, reads those keys in full.
  const goneQuery = `
    ${run.dryRun ? "select x.source_key as k from" : "delete from"} ${hashTable(schema)} x
    where x.table_name = '${spec.name}'
      and not exists (select from ${target} t where t."${spec.key}"::text = x.source_key)
    ${run.dryRun ? "" : "returning x.source_key as k"}`;
  let gone: Promise<Set<string>> | undefined;
  const forget = () =>
    gone ??= run.retries.postgres(async () =>
      new Set((await sql.unsafe(goneQuery)).map((r) => r.k as string))
    );
  let recheck: Promise<Set<string>> | undefined;
  const rechecked = () =>
    recheck ??= spec.recheck
      ? run.retries.postgres(async () => {
        const rows = await sql.unsafe(
          `select "${spec.key}"::text as k from ${target} where ${spec.recheck}`,
          [today],
        );
        return new Set(rows.map((r) => r.k as string));
      })
      : Promise.resolve(new Set());
  // Stored hashes no source record has any more (its key changed or it
  // vanished) are forgotten as the walk passes their source ids, so that
  // after a whole walk the stored keys are the source's (SourceKeys). The
  // range bounds the delete: a write of this walk may have given the key
  // another id meanwhile.
  const forgetStale = (where: string, params: (number | string[])[]) =>
    run.dryRun ? Promise.resolve() : run.retries.postgres(() =>
      sql.unsafe(
        `delete from ${hashTable(schema)} where table_name = '${spec.name}' and ${where}`,
        params,
      )
    );
  // The next key page is read from MySQL while Postgres compares this one.
  let ahead: { after: number; page: Promise<KeyHash[]> } | undefined;
  const keyPage = (after: number) => {
    const page = ahead?.after === after
      ? ahead.page
      : source.hashes(spec, after, limit(), mappingVersion);
    ahead = undefined;
    return page;
  };
  return async (after: number): Promise<ReadPage | undefined> => {
    const [page] = await Promise.all([keyPage(after), forget()]);
    if (page.length === 0) {
      // Past the source's last id: every stored hash there is stale (none
      // is forgotten when the source returned nothing at all).
      if (after > 0) await forgetStale("source_id > $1", [after]);
      return undefined;
    }
    const end = Number(page[page.length - 1].id);
    const committed = page.length * (1 + KEY_ROW_COST);
    ahead = { after: end, page: source.hashes(spec, end, limit(committed), mappingVersion) };
    ahead.page.catch(() => {}); // awaited by the next call, or dropped with the walk
    const read = new Set<number>();
    const duplicates = new Set<number>();
    const compared: { id: number; k: string; h: string }[] = [];
    for (const { id, k, h } of page) {
      const key = spec.normalizeKey(k);
      if (key === null) read.add(Number(id));
      else if (keys.present.has(key)) duplicates.add(Number(id));
      else {
        keys.present.add(key);
        compared.push({ id: Number(id), k: String(key), h });
      }
    }
    const [again, missing, storedRows] = await Promise.all([
      rechecked(),
      forget(),
      run.retries.postgres(() => sql.unsafe(storedQuery, [after, end])),
    ]);
    // Unchanged: a hash stored from this source row (same id, same key) is
    // equal to the source's. Both lists are in source-id order: one merge.
    const kept = new Uint8Array(storedRows.length);
    let j = 0;
    for (const c of compared) {
      while (j < storedRows.length && storedRows[j].i < c.id) j++;
      let same = false;
      for (let x = j; x < storedRows.length && storedRows[x].i === c.id; x++) {
        if (storedRows[x].k !== c.k) continue;
        kept[x] = 1;
        same = storedRows[x].h === c.h;
      }
      if (!same || again.has(c.k) || missing.has(c.k)) {
        read.add(c.id);
        keys.read.add(c.k);
      }
    }
    // Any other hash stored in this range is stale, unless its key was read
    // in full (its write stores it anew).
    const stale = storedRows.filter((r, x) => !kept[x] && !keys.read.has(r.k)).map((r) => r.k);
    if (stale.length) {
      await forgetStale("source_id > $1 and source_id <= $2 and source_key = any($3::text[])", [
        after,
        end,
        stale,
      ]);
    }
    for (const id of duplicates) read.add(id);
    const ids = [...read].sort((a, b) => a - b);
    const rows: SourceRow[] = [];
    for (let i = 0; i < ids.length; i += config.SYNC_BATCH_SIZE) {
      rows.push(
        ...await source.rows(spec, ids.slice(i, i + config.SYNC_BATCH_SIZE), mappingVersion),
      );
    }
    return {
      rows,
      end,
      records: page.length,
      cost: rows.length + page.length * KEY_ROW_COST,
      duplicates,
    };
  };
}

interface SeenKeys {
  /** Every normalized source key read: finds duplicates, and (for a walk that began at the start) which rows vanished. */
  present: Set<string | number>;
  /** The hash path: keys of the records read in full. */
  read: Set<string>;
  /** A dry run's mapped keys, for the screens of later tables. */
  mapped?: Set<string>;
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
    const member = cleanText(raw.MemberNumber) ?? undefined;
    const key = spec.normalizeKey(raw[spec.sourceKey]);
    // The hash path found duplicates while comparing keys; a full page finds them here.
    const duplicate = page.duplicates
      ? page.duplicates.has(Number(raw.id))
      : key !== null && keys.present.has(key);
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
