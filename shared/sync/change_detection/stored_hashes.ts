// What Postgres keeps for change detection: the hash each row of a synced
// table was last written from, with the source id it came from, in a table
// of its own per synced table (platform-owned, no reader's grant covers it).
// The writer stores them with the rows; everything that reads or forgets
// them is here.
import type { RunContext } from "../run_context.ts";
import type { TableSpec } from "../tables/table.ts";
import { HASH_BUCKET } from "./source_hashes.ts";

/** The column of a mapped row that carries its source row's hash (absent: store none). */
export const HASH_FIELD = "sync_hash";

/** What a row written without a source hash (with a notice) stores: no MD5 is all zeros in practice. */
export const NO_HASH = "00000000-0000-0000-0000-000000000000";

/** The column of a mapped row that carries its source row's id (stored with the hash). */
export const SOURCE_ID_FIELD = "sync_source_id";

/** Where the hash each row of a synced table was last written from is kept. */
export const hashTable = (schema: string, table: string) =>
  `private."${schema}_sync_hashes_${table}"`;

/** A stored hash: the key it was written under, the source id it came from, its 32 hex digits. */
export interface StoredHash {
  key: string;
  sourceId: number;
  hash: string;
}

/** Where a key is stored: the source id of the record that holds it. */
export type KeyHolder = Omit<StoredHash, "hash">;

/** A bucket of stored hashes summed up as MySQL sums up the source's. */
export interface StoredSum {
  bucket: number;
  records: number;
  /** The XOR of the first 64 bits of the hashes, as a signed 64-bit number (text). */
  xor: string;
}

type Run = Pick<RunContext, "sql" | "schema" | "retries" | "dryRun">;
type Params = (string | number | string[] | number[])[];

const select = <T>(run: Run, query: string, params: Params = []) =>
  run.retries.postgres(async () => (await run.sql.unsafe(query, params)) as unknown as T[]);

/**
 * Stored hashes whose row is gone from Postgres (deleted by hand, a table
 * emptied): deleted, so their keys compare as new, except by a dry run,
 * which may not forget them and only lists them.
 */
export async function forgetOrphanedHashes(run: Run, spec: TableSpec): Promise<KeyHolder[]> {
  const target = `"${run.schema}"."${spec.name}"`;
  const found = "x.source_key as k, x.source_id::float8 as i";
  const rows = await select<{ k: string; i: number }>(
    run,
    `${run.dryRun ? `select ${found} from` : "delete from"}
     ${hashTable(run.schema, spec.name)} x
     where not exists (select from ${target} t where t."${spec.key}"::text = x.source_key)
     ${run.dryRun ? "" : `returning ${found}`}`,
  );
  return rows.map((r) => ({ key: r.k, sourceId: r.i }));
}

/**
 * The rows a table's `recheck` names (`today` its `$1`), with the source id
 * their key is stored under (null when none is).
 */
export async function readRecheckedRows(
  run: Run,
  spec: TableSpec,
  today: string,
): Promise<{ key: string; sourceId: number | null }[]> {
  if (!spec.recheck) return [];
  const rows = await select<{ k: string; i: number | null }>(
    run,
    `select t."${spec.key}"::text as k, x.source_id::float8 as i
     from "${run.schema}"."${spec.name}" t
     left join ${hashTable(run.schema, spec.name)} x on x.source_key = t."${spec.key}"::text
     where ${spec.recheck}`,
    [today],
  );
  return rows.map((r) => ({ key: r.k, sourceId: r.i }));
}

/** The stored hashes with source ids in (after, last], summed up per bucket. */
export async function readStoredSums(
  run: Run,
  spec: TableSpec,
  after: number,
  last: number,
): Promise<Map<number, StoredSum>> {
  const rows = await select<{ b: number; n: number; x: string }>(
    run,
    `select (source_id / ${HASH_BUCKET})::float8 as b, count(*)::int as n,
            bit_xor(('x' || left(replace(hash::text, '-', ''), 16))::bit(64)::bigint)::text as x
     from ${hashTable(run.schema, spec.name)} where source_id > $1 and source_id <= $2 group by 1`,
    [after, last],
  );
  return new Map(rows.map((r) => [r.b, { bucket: r.b, records: r.n, xor: r.x }]));
}

/** The stored hashes of `buckets` with source ids in (after, end], in source-id order. */
export async function readStoredHashes(
  run: Run,
  spec: TableSpec,
  range: { after: number; end: number },
  buckets: number[],
): Promise<StoredHash[]> {
  const rows = await select<{ k: string; i: number; h: string }>(
    run,
    `select source_key as k, source_id::float8 as i, replace(hash::text, '-', '') as h
     from ${hashTable(run.schema, spec.name)} where source_id > $1 and source_id <= $2
       and source_id / ${HASH_BUCKET} = any($3::bigint[])
     order by source_id`,
    [range.after, range.end, buckets],
  );
  return rows.map((r) => ({ key: r.k, sourceId: r.i, hash: r.h }));
}

/** Where each of `keys` is stored, whatever its source id. */
export async function readKeyHolders(
  run: Run,
  spec: TableSpec,
  keys: string[],
): Promise<KeyHolder[]> {
  const rows = await select<{ k: string; i: number }>(
    run,
    `select source_key as k, source_id::float8 as i from ${hashTable(run.schema, spec.name)}
     where source_key = any($1::text[])`,
    [keys],
  );
  return rows.map((r) => ({ key: r.k, sourceId: r.i }));
}

/** The keys stored with source ids in (after, end] (a full comparison's page). */
export async function readStoredKeys(
  run: Run,
  spec: TableSpec,
  after: number,
  end: number,
): Promise<string[]> {
  const rows = await select<{ k: string }>(
    run,
    `select source_key as k from ${hashTable(run.schema, spec.name)}
     where source_id > $1 and source_id <= $2`,
    [after, end],
  );
  return rows.map((r) => r.k);
}

/** Those of `keys` stored under a source id at or before `before` (a resumed walk's cursor). */
export async function readKeysHeldBefore(
  run: Run,
  spec: TableSpec,
  keys: string[],
  before: number,
): Promise<string[]> {
  const rows = await select<{ k: string }>(
    run,
    `select source_key as k from ${hashTable(run.schema, spec.name)}
     where source_key = any($1::text[]) and source_id <= $2`,
    [keys, before],
  );
  return rows.map((r) => r.k);
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
  run: Run,
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
