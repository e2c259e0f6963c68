// The hash path (docs/sync.md#change-detection): a run compares the source's
// row hashes with the hashes it stored when it last wrote each row, and reads
// in full only what differs. Per keyset page, MySQL sums each bucket of
// HASH_BUCKET source ids up (count and XOR of hashes) and Postgres does the
// same with the stored hashes; only the records of buckets that differ are
// compared one by one, and only those that differ are read in full.
import type { SourceRow } from "./mapping.ts";
import type { ReadPage, RunContext, SeenKeys } from "./run_context.ts";
import type { Bucket } from "./source.ts";
import { HASH_BUCKET, type TableSpec } from "./tables/table.ts";
import { hashTable } from "./writer.ts";

/**
 * The hash path sums up this many ids per full-row batch size as one page
 * (then trimmed to what the row budget left can pay for): a page costs
 * MySQL one query and Postgres one range scan, whatever its size, and only
 * its buckets reach the sync.
 */
export const KEY_PAGE_FACTOR = 50;

/**
 * What comparing a record by its hash costs of the row budget, against a
 * full row's 1: measured at 200,000 members, a record compared one by one
 * about 3 µs of CPU, one of a bucket whose sums match about 1 µs, a full
 * row read, mapped and written 30-40 µs.
 */
export const KEY_ROW_COST = 0.1;
export const BUCKET_ROW_COST = 0.03;

const bucketOf = (id: number) => Math.floor(id / HASH_BUCKET);

/** A stored hash: key, source id, hash (32 hex digits). */
interface Stored {
  k: string;
  i: number;
  h: string;
}

/**
 * The hash path's pages. `startAfter`: the source id the walk started after
 * (0, or a resumed walk's cursor).
 */
export function changedRows(
  run: RunContext,
  spec: TableSpec,
  keys: SeenKeys,
  today: string,
  startAfter: number,
) {
  const { sql, source, config, mappingVersion } = run;
  const hashes = hashTable(run.schema, spec.name);
  const target = `"${run.schema}"."${spec.name}"`;
  const limit = config.SYNC_BATCH_SIZE * KEY_PAGE_FACTOR;
  const postgres = <T>(query: string, params: (string | number | string[] | number[])[] = []) =>
    run.retries.postgres(async () => (await sql.unsafe(query, params)) as unknown as T[]);

  // Buckets whose records are compared one by one whatever their sums say.
  const forced = new Set<number>();
  // Id ranges, per bucket, this walk found equal to the stored hashes.
  const clean = new Map<number, [number, number][]>();
  const isClean = (id: number) =>
    id <= startAfter || (clean.get(bucketOf(id)) ?? []).some(([lo, hi]) => id >= lo && id <= hi);

  // Once per walk, before its first comparison: stored hashes whose row is
  // gone from Postgres (deleted by hand, a table emptied) are forgotten by a
  // run (their keys then compare as new) and read in full by a dry run,
  // which may not forget them; rows a table's `recheck` names are compared
  // one by one and read in full.
  let prepared: Promise<{ missing: Set<string>; again: Set<string> }> | undefined;
  const prepare = () =>
    prepared ??= (async () => {
      const [gone, recheck] = await Promise.all([
        postgres<{ k: string; i: number }>(
          `${run.dryRun ? "select x.source_key as k, x.source_id::float8 as i from" : "delete from"}
           ${hashes} x
           where not exists (select from ${target} t where t."${spec.key}"::text = x.source_key)
           ${run.dryRun ? "" : "returning x.source_key as k, x.source_id::float8 as i"}`,
        ),
        spec.recheck
          ? postgres<{ k: string; i: number | null }>(
            `select t."${spec.key}"::text as k, x.source_id::float8 as i from ${target} t
             left join ${hashes} x on x.source_key = t."${spec.key}"::text
             where ${spec.recheck}`,
            [today],
          )
          : [],
      ]);
      for (const r of [...gone, ...recheck]) if (r.i !== null) forced.add(bucketOf(r.i));
      return {
        missing: new Set(gone.map((r) => r.k)),
        again: new Set(recheck.map((r) => r.k)),
      };
    })();

  // The next page's buckets are summed up by MySQL while this one is compared.
  let ahead: { after: number; page: Promise<Bucket[]> } | undefined;
  const bucketPage = (after: number) => {
    const page = ahead?.after === after
      ? ahead.page
      : source.buckets(spec, after, limit, mappingVersion);
    ahead = undefined;
    return page;
  };

  return async (after: number): Promise<ReadPage | undefined> => {
    const [summed, { missing, again }] = await Promise.all([bucketPage(after), prepare()]);
    if (summed.length === 0) {
      await forgetStaleHashes(run, spec, after);
      return undefined;
    }
    const sums = new Map(
      (await postgres<{ b: number; n: number; x: string }>(
        `select (source_id / ${HASH_BUCKET})::float8 as b, count(*)::int as n,
                bit_xor(('x' || left(replace(hash::text, '-', ''), 16))::bit(64)::bigint)::text as x
         from ${hashes} where source_id > $1 and source_id <= $2 group by 1`,
        [after, summed[summed.length - 1].last],
      )).map((s) => [s.b, s]),
    );
    const dirty = new Set<number>();
    for (const { b, n, x } of summed) {
      const s = sums.get(b);
      const same = s && s.n === n && BigInt.asUintN(64, BigInt(s.x)) === BigInt(x);
      if (!same || forced.has(b)) dirty.add(b);
      sums.delete(b);
    }
    for (const b of sums.keys()) dirty.add(b); // stored hashes only: their records vanished
    // The page as far as the budget left could pay for if every record of a
    // bucket that differs needed its full row (an invocation stays within
    // its budget even when everything changed: a new mapping version,
    // emptied tables); at least one bucket, so the walk moves on.
    let worst = 0;
    const fits = summed.findIndex(({ b, n }, i) => {
      worst += n * (dirty.has(b) ? 1 + KEY_ROW_COST : BUCKET_ROW_COST);
      return i > 0 && worst > run.budget;
    });
    const buckets = fits < 0 ? summed : summed.slice(0, fits);
    const end = buckets[buckets.length - 1].last;
    const records = buckets.reduce((n, b) => n + b.n, 0);
    ahead = { after: end, page: bucketPage(end) };
    ahead.page.catch(() => {}); // awaited by the next call, or dropped with the walk

    const { rows, stored, heldEarlier } = await compareBuckets(after, end, dirty, missing, again);
    for (const { b } of buckets) {
      if (dirty.has(b)) continue;
      const range: [number, number] = [
        Math.max(after + 1, b * HASH_BUCKET),
        Math.min(end, b * HASH_BUCKET + HASH_BUCKET - 1),
      ];
      clean.set(b, [...clean.get(b) ?? [], range]);
    }

    const read = new Set<number>();
    const duplicates = new Set<number>();
    const compared: { id: number; k: string; h: string }[] = [];
    for (const { id, k, h } of rows) {
      const key = spec.normalizeKey(k);
      if (key === null) read.add(Number(id));
      else if (keys.present.has(key) || heldEarlier.has(String(key))) duplicates.add(Number(id));
      else {
        keys.present.add(key);
        compared.push({ id: Number(id), k: String(key), h });
      }
    }
    const kept = new Uint8Array(stored.length);
    for (const c of matchOwn(compared, stored, kept)) {
      if (!c.same || again.has(c.k) || missing.has(c.k)) {
        read.add(c.id);
        keys.read.add(c.k);
      }
    }
    // Any other hash stored in these buckets is stale, unless its key was
    // read in full (its write stores it anew).
    const stale = stored.filter((r, x) => !kept[x] && !keys.read.has(r.k)).map((r) => r.k);
    await forgetStaleHashes(run, spec, after, { end, keys: stale });
    for (const id of duplicates) read.add(id);
    const ids = [...read].sort((a, b) => a - b);
    const full: SourceRow[] = [];
    for (let i = 0; i < ids.length; i += config.SYNC_BATCH_SIZE) {
      full.push(
        ...await source.rows(spec, ids.slice(i, i + config.SYNC_BATCH_SIZE), mappingVersion),
      );
    }
    const cost = full.length + rows.length * KEY_ROW_COST +
      (records - rows.length) * BUCKET_ROW_COST;
    return { rows: full, end, records, cost, duplicates };
  };

  /**
   * The records and stored hashes of the dirty buckets, one by one. A record
   * to be read whose key is stored under another source id is a duplicate,
   * or has a duplicate, in a bucket that matched: that bucket is compared
   * one by one too (in this page: now, so both are seen in id order; in a
   * later page: when the walk gets there). `heldEarlier`: keys whose holder
   * is an earlier record of a bucket that matched (so a record of the page
   * with that key is a duplicate).
   */
  async function compareBuckets(
    after: number,
    end: number,
    dirty: Set<number>,
    missing: Set<string>,
    again: Set<string>,
  ) {
    for (;;) {
      const list = [...dirty];
      const [rows, stored] = await Promise.all([
        list.length ? source.hashes(spec, after, end, list, mappingVersion) : [],
        list.length
          ? postgres<Stored>(
            `select source_key as k, source_id::float8 as i, replace(hash::text, '-', '') as h
             from ${hashes} where source_id > $1 and source_id <= $2
               and source_id / ${HASH_BUCKET} = any($3::bigint[])
             order by source_id`,
            [after, end, list],
          )
          : [],
      ]);
      const candidates = new Map<string, number[]>();
      const own = matchOwn(
        rows.flatMap(({ id, k, h }) => {
          const key = spec.normalizeKey(k);
          return key === null ? [] : [{ id: Number(id), k: String(key), h }];
        }),
        stored,
        new Uint8Array(stored.length),
      );
      for (const c of own) {
        if (!c.same || again.has(c.k) || missing.has(c.k)) {
          candidates.set(c.k, [...candidates.get(c.k) ?? [], c.id]);
        }
      }
      const heldEarlier = new Set<string>();
      if (candidates.size === 0) return { rows, stored, heldEarlier };
      const holders = await postgres<{ k: string; i: number }>(
        `select source_key as k, source_id::float8 as i from ${hashes}
         where source_key = any($1::text[])`,
        [[...candidates.keys()]],
      );
      let grew = false;
      for (const { k, i } of holders) {
        if (candidates.get(k)?.includes(i)) continue;
        if (i > after && i <= end) {
          grew ||= !dirty.has(bucketOf(i));
          dirty.add(bucketOf(i));
        } else if (i > end) forced.add(bucketOf(i));
        else if (isClean(i)) heldEarlier.add(k);
      }
      if (!grew) return { rows, stored, heldEarlier };
    }
  }
}

/**
 * Stored hashes no record has any more are forgotten as a walk (the hash
 * path or a full comparison) passes their ids, so that after a whole walk a
 * stored hash names the record that holds its key (SourceKeys, and a full
 * comparison's duplicates across invocations). Given a page's range and its
 * stale keys: those, only while their source id is still in the range (a
 * write of the same walk may have given the key another id meanwhile).
 * Without: every hash past `after`, the source's last id (none when the
 * source returned nothing at all). A dry run forgets nothing.
 */
export async function forgetStaleHashes(
  run: RunContext,
  spec: TableSpec,
  after: number,
  page?: { end: number; keys: string[] },
): Promise<void> {
  if (run.dryRun || (page ? page.keys.length === 0 : after === 0)) return;
  const hashes = hashTable(run.schema, spec.name);
  await run.retries.postgres(() =>
    page
      ? run.sql.unsafe(
        `delete from ${hashes}
         where source_id > $1 and source_id <= $2 and source_key = any($3::text[])`,
        [after, page.end, page.keys],
      )
      : run.sql.unsafe(`delete from ${hashes} where source_id > $1`, [after])
  );
}

/**
 * Pairs each record with the hash stored from its own source id under its
 * own key (both lists in source-id order: one merge), marking the stored
 * hashes it pairs in `kept`. `same`: that stored hash equals the source's.
 */
function matchOwn(
  records: { id: number; k: string; h: string }[],
  stored: Stored[],
  kept: Uint8Array,
) {
  let j = 0;
  return records.map((c) => {
    while (j < stored.length && stored[j].i < c.id) j++;
    let same = false;
    for (let x = j; x < stored.length && stored[x].i === c.id; x++) {
      if (stored[x].k !== c.k) continue;
      kept[x] = 1;
      same = stored[x].h === c.h;
    }
    return { ...c, same };
  });
}
