// The hash path: a run compares the source's row hashes with the hashes it
// stored when it last wrote each row, and reads in full only what differs.
// Per keyset page, MySQL sums each bucket of HASH_BUCKET source ids up
// (count and XOR of hashes) and Postgres does the same with the stored
// hashes; only the records of buckets that differ are compared one by one,
// and only those that differ are read in full.
import type { SourceRow } from "../mapping.ts";
import type { ReadPage, RunContext, SeenKeys } from "../run_context.ts";
import type { TableSpec } from "../tables/table.ts";
import {
  BucketMarks,
  compareBuckets,
  decideReads,
  differingBuckets,
  type WalkStart,
} from "./compare.ts";
import { bucketOf, readSourceBuckets, type SourceBucket } from "./source_hashes.ts";
import {
  forgetOrphanedHashes,
  forgetStaleHashes,
  readRecheckedRows,
  readStoredSums,
} from "./stored_hashes.ts";

/**
 * The hash path sums up this many ids per full-row batch size as one page
 * (then trimmed to what the row budget left can pay for): a page costs
 * MySQL one query and Postgres one range scan, whatever its size, and only
 * its buckets reach the sync.
 */
export const KEY_PAGE_FACTOR = 50;

/**
 * What comparing a record by its hash costs of the row budget, against a
 * full row's 1: measured on a table of 200,000 rows, a record compared one
 * by one about 3 µs of CPU, one of a bucket whose sums match about 1 µs, a
 * full row read, mapped and written 30-40 µs.
 */
export const KEY_ROW_COST = 0.1;
export const BUCKET_ROW_COST = 0.03;

/** One walk of a table by its hashes, page by page. */
export class HashPath {
  private readonly marks: BucketMarks;
  private start?: Promise<WalkStart>;
  /** The next page's buckets, summed up by MySQL while this one is compared. */
  private ahead?: { after: number; page: Promise<SourceBucket[]> };

  /** `startAfter`: the source id the walk started after (0, or a resumed walk's cursor). */
  constructor(
    private readonly run: RunContext,
    private readonly spec: TableSpec,
    private readonly keys: SeenKeys,
    private readonly today: string,
    startAfter: number,
  ) {
    this.marks = new BucketMarks(startAfter);
  }

  /** The page after source id `after`: the full rows of what needs reading; none past the end. */
  async readPage(after: number): Promise<ReadPage | undefined> {
    const { run, spec } = this;
    const [summed, start] = await Promise.all([this.sourceBuckets(after), this.walkStart()]);
    if (summed.length === 0) {
      await forgetStaleHashes(run, spec, after);
      return undefined;
    }
    const stored = await readStoredSums(run, spec, after, summed[summed.length - 1].lastId);
    const dirty = differingBuckets(summed, stored, this.marks.forced);
    const buckets = trimToBudget(summed, dirty, run.budget);
    const end = buckets[buckets.length - 1].lastId;
    const records = buckets.reduce((n, b) => n + b.records, 0);
    this.lookAhead(end);

    const range = { after, end };
    const comparison = await compareBuckets(run, spec, this.marks, start, range, dirty);
    this.marks.markClean(buckets, dirty, after, end);
    const reads = decideReads(spec, comparison, this.keys, start);
    await forgetStaleHashes(run, spec, after, { end, keys: reads.stale });
    const rows = await this.readFullRows(reads.ids);
    const compared = comparison.records.length;
    const cost = rows.length + compared * KEY_ROW_COST + (records - compared) * BUCKET_ROW_COST;
    return { rows, end, records, cost, duplicates: reads.duplicates };
  }

  /**
   * Once per walk, before its first comparison: stored hashes whose row is
   * gone from Postgres are forgotten by a run (their keys then compare as
   * new) and read in full by a dry run, which may not forget them; rows a
   * table's `recheck` names are compared one by one and read in full.
   */
  private walkStart(): Promise<WalkStart> {
    return this.start ??= (async () => {
      const { run, spec } = this;
      const [orphaned, rechecked] = await Promise.all([
        forgetOrphanedHashes(run, spec),
        readRecheckedRows(run, spec, this.today),
      ]);
      for (const r of [...orphaned, ...rechecked]) {
        if (r.sourceId !== null) this.marks.forced.add(bucketOf(r.sourceId));
      }
      return {
        orphaned: new Set(orphaned.map((r) => r.key)),
        rechecked: new Set(rechecked.map((r) => r.key)),
      };
    })();
  }

  /** A page of MySQL's bucket sums: the one summed up ahead, if it starts there. */
  private sourceBuckets(after: number): Promise<SourceBucket[]> {
    const { run, spec } = this;
    const page = this.ahead?.after === after ? this.ahead.page : readSourceBuckets(
      run.source,
      spec,
      after,
      run.config.SYNC_BATCH_SIZE * KEY_PAGE_FACTOR,
      run.mappingVersion,
    );
    this.ahead = undefined;
    return page;
  }

  /** Starts summing up the page after `end`, for the walk's next call. */
  private lookAhead(end: number) {
    this.ahead = { after: end, page: this.sourceBuckets(end) };
    this.ahead.page.catch(() => {}); // awaited by the next call, or dropped with the walk
  }

  /** The full rows of `ids`, in batches of SYNC_BATCH_SIZE. */
  private async readFullRows(ids: number[]): Promise<SourceRow[]> {
    const { run, spec } = this;
    const size = run.config.SYNC_BATCH_SIZE;
    const full: SourceRow[] = [];
    for (let i = 0; i < ids.length; i += size) {
      full.push(...await run.source.rows(spec, ids.slice(i, i + size), run.mappingVersion));
    }
    return full;
  }
}

/**
 * The page as far as the budget left could pay for if every record of a
 * bucket that differs needed its full row (an invocation stays within its
 * budget even when everything changed: a new mapping version, emptied
 * tables); at least one bucket, so the walk moves on.
 */
function trimToBudget(summed: SourceBucket[], dirty: Set<number>, budget: number) {
  let worst = 0;
  const fits = summed.findIndex(({ bucket, records }, i) => {
    worst += records * (dirty.has(bucket) ? 1 + KEY_ROW_COST : BUCKET_ROW_COST);
    return i > 0 && worst > budget;
  });
  return fits < 0 ? summed : summed.slice(0, fits);
}
