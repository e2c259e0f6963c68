// Comparing a page of the source with the stored hashes: bucket sums first,
// then the records of the buckets that differ one by one, and from those the
// records to read in full.
import type { RunContext, SeenKeys } from "../run_context.ts";
import type { TableSpec } from "../tables/table.ts";
import {
  bucketOf,
  HASH_BUCKET,
  readSourceHashes,
  type SourceBucket,
  type SourceHash,
} from "./source_hashes.ts";
import {
  readKeyHolders,
  readStoredHashes,
  type StoredHash,
  type StoredSum,
} from "./stored_hashes.ts";

/** What a walk's comparisons leave for its later pages. */
export class BucketMarks {
  /** Buckets whose records are compared one by one whatever their sums say. */
  readonly forced = new Set<number>();
  /** Id ranges, per bucket, this walk found equal to the stored hashes. */
  private readonly clean = new Map<number, [number, number][]>();

  /** `startAfter`: the source id the walk started after (0, or a resumed walk's cursor). */
  constructor(private readonly startAfter: number) {}

  /** The record of `id` was found equal to its stored hash, or passed before this invocation. */
  isClean(id: number): boolean {
    const ranges = this.clean.get(bucketOf(id)) ?? [];
    return id <= this.startAfter || ranges.some(([lo, hi]) => id >= lo && id <= hi);
  }

  /** The buckets of a page in (after, end] that matched. */
  markClean(buckets: SourceBucket[], dirty: Set<number>, after: number, end: number) {
    for (const { bucket } of buckets) {
      if (dirty.has(bucket)) continue;
      const range: [number, number] = [
        Math.max(after + 1, bucket * HASH_BUCKET),
        Math.min(end, bucket * HASH_BUCKET + HASH_BUCKET - 1),
      ];
      this.clean.set(bucket, [...this.clean.get(bucket) ?? [], range]);
    }
  }
}

/** Keys found when the walk started: read in full whatever their hashes say. */
export interface WalkStart {
  /** Stored hashes whose row was gone from Postgres. */
  orphaned: Set<string>;
  /** Rows a table's `recheck` names. */
  rechecked: Set<string>;
}

/** A source record with its key as the mapping writes it. */
interface KeyedHash {
  id: number;
  key: string;
  hash: string;
}

/** The records and stored hashes of the buckets compared one by one. */
export interface Comparison {
  records: SourceHash[];
  stored: StoredHash[];
  /** Keys whose holder is an earlier record of a bucket that matched. */
  heldEarlier: Set<string>;
}

/**
 * The buckets whose sums differ (or that are forced), and those only
 * Postgres has (their records vanished).
 */
export function differingBuckets(
  source: SourceBucket[],
  stored: Map<number, StoredSum>,
  forced: Set<number>,
): Set<number> {
  const onlyStored = new Map(stored);
  const dirty = new Set<number>();
  for (const { bucket, records, xor } of source) {
    const s = onlyStored.get(bucket);
    const same = s && s.records === records && BigInt.asUintN(64, BigInt(s.xor)) === BigInt(xor);
    if (!same || forced.has(bucket)) dirty.add(bucket);
    onlyStored.delete(bucket);
  }
  for (const bucket of onlyStored.keys()) dirty.add(bucket);
  return dirty;
}

/**
 * The records and stored hashes of the dirty buckets, one by one. A record
 * to be read whose key is stored under another source id is a duplicate,
 * or has a duplicate, in a bucket that matched: that bucket is compared
 * one by one too (in this page: now, so both are seen in id order; in a
 * later page: when the walk gets there, by `marks.forced`).
 */
export async function compareBuckets(
  run: RunContext,
  spec: TableSpec,
  marks: BucketMarks,
  start: WalkStart,
  range: { after: number; end: number },
  dirty: Set<number>,
): Promise<Comparison> {
  for (;;) {
    const list = [...dirty];
    const [records, stored] = await Promise.all([
      list.length ? readSourceHashes(run.source, spec, range, list, run.mappingVersion) : [],
      list.length ? readStoredHashes(run, spec, range, list) : [],
    ]);
    const candidates = new Map<string, number[]>();
    const own = matchOwn(keyed(spec, records), stored, new Uint8Array(stored.length));
    for (const c of own) {
      if (needsReading(c, start)) candidates.set(c.key, [...candidates.get(c.key) ?? [], c.id]);
    }
    const heldEarlier = new Set<string>();
    if (candidates.size === 0) return { records, stored, heldEarlier };
    const holders = await readKeyHolders(run, spec, [...candidates.keys()]);
    let grew = false;
    for (const { key, sourceId } of holders) {
      if (candidates.get(key)?.includes(sourceId)) continue;
      const bucket = bucketOf(sourceId);
      if (sourceId > range.after && sourceId <= range.end) {
        grew ||= !dirty.has(bucket);
        dirty.add(bucket);
      } else if (sourceId > range.end) marks.forced.add(bucket);
      else if (marks.isClean(sourceId)) heldEarlier.add(key);
    }
    if (!grew) return { records, stored, heldEarlier };
  }
}

/** What the walk reads in full of a comparison, and the stored hashes it leaves stale. */
export interface Reads {
  /** Source ids to read in full, in id order. */
  ids: number[];
  /** Those whose key an earlier record of the walk has. */
  duplicates: Set<number>;
  /** Keys stored in these buckets that no record matched and none read in full has. */
  stale: string[];
}

/**
 * Records with an empty key, duplicates (of the walk's keys, or of a
 * `heldEarlier` key) and records whose own stored hash differs or that the
 * walk start named are read in full; any other hash stored in these buckets
 * is stale, unless its key was read in full (its write stores it anew).
 */
export function decideReads(
  spec: TableSpec,
  { records, stored, heldEarlier }: Comparison,
  keys: SeenKeys,
  start: WalkStart,
): Reads {
  const read = new Set<number>();
  const duplicates = new Set<number>();
  const compared: KeyedHash[] = [];
  for (const { id, rawKey, hash } of records) {
    const key = spec.normalizeKey(rawKey);
    if (key === null) read.add(id);
    else if (keys.present.has(key) || heldEarlier.has(String(key))) duplicates.add(id);
    else {
      keys.present.add(key);
      compared.push({ id, key: String(key), hash });
    }
  }
  const kept = new Uint8Array(stored.length);
  for (const c of matchOwn(compared, stored, kept)) {
    if (needsReading(c, start)) {
      read.add(c.id);
      keys.read.add(c.key);
    }
  }
  const stale = stored.filter((s, x) => !kept[x] && !keys.read.has(s.key)).map((s) => s.key);
  for (const id of duplicates) read.add(id);
  return { ids: [...read].sort((a, b) => a - b), duplicates, stale };
}

const needsReading = (c: KeyedHash & { same: boolean }, start: WalkStart) =>
  !c.same || start.rechecked.has(c.key) || start.orphaned.has(c.key);

/** Records with a key, as the mapping writes it. */
const keyed = (spec: TableSpec, records: SourceHash[]): KeyedHash[] =>
  records.flatMap(({ id, rawKey, hash }) => {
    const key = spec.normalizeKey(rawKey);
    return key === null ? [] : [{ id, key: String(key), hash }];
  });

/**
 * Pairs each record with the hash stored from its own source id under its
 * own key (both lists in source-id order: one merge), marking the stored
 * hashes it pairs in `kept`. `same`: that stored hash equals the source's.
 */
function matchOwn(records: KeyedHash[], stored: StoredHash[], kept: Uint8Array) {
  let j = 0;
  return records.map((c) => {
    while (j < stored.length && stored[j].sourceId < c.id) j++;
    let same = false;
    for (let x = j; x < stored.length && stored[x].sourceId === c.id; x++) {
      if (stored[x].key !== c.key) continue;
      kept[x] = 1;
      same = stored[x].hash === c.hash;
    }
    return { ...c, same };
  });
}
