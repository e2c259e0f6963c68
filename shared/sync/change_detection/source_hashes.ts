// What MySQL computes for change detection: each source row's hash, a keyset
// page summed up per bucket of ids, and the hashes of the records of the
// buckets that differ. The SQL and the records it answers with live here;
// the run's Source only sends it.
import type { SourceDeclaration, TableSpec } from "../tables/table.ts";

/**
 * The version of the mapping rules (tables/*.ts, mapping.ts). It is part of
 * every source row hash, so bumping it makes every stored hash differ: bump
 * it whenever a mapping rule changes what a row maps to. A run whose version
 * differs from the last full comparison's compares full rows.
 */
export const MAPPING_VERSION = 1;

/**
 * Source ids per bucket: a run compares the source with its stored hashes
 * bucket by bucket (`id div HASH_BUCKET`) before it reads any key.
 */
export const HASH_BUCKET = 16;

export const bucketOf = (id: number) => Math.floor(id / HASH_BUCKET);

/** One bucket of a source page: its records, its last id, the XOR of their hashes. */
export interface SourceBucket {
  bucket: number;
  records: number;
  lastId: number;
  /** The XOR of the first 64 bits of the records' hashes: an unsigned 64-bit number, as text. */
  xor: string;
}

/** A record of a bucket compared one by one: its id, its key as the source holds it, its hash. */
export interface SourceHash {
  id: number;
  rawKey: unknown;
  /** 32 hex digits. */
  hash: string;
}

/** What sends a query to the source (the run's Source, with its retries). */
export interface SourceQuery {
  query(sql: string, params: unknown[]): Promise<Record<string, unknown>[]>;
}

/** The SQL expression of a `reads` entry (without its `as Name`). */
const readExpression = (read: string) => read.replace(/\s+as\s+\w+$/i, "");

/**
 * MySQL's hash of a source row: MD5 over the mapping version, the row's id
 * and every column the mapping reads (joined ones included), each written as
 * `v<value>` or `n` for NULL, so NULL, '' and the text 'NULL' all differ;
 * char(31) (unit separator) between them. 32 hex digits, read into Postgres
 * as a uuid. The id makes a bucket's XOR of hashes tell which row is where.
 */
export function rowHash({ alias, id, reads }: SourceDeclaration, version: number): string {
  const parts = reads.map((r) => `ifnull(concat('v', ${readExpression(r)}), 'n')`);
  return `md5(concat_ws(char(31), '${Math.trunc(version)}', ${alias}.${id}, ${parts.join(", ")}))`;
}

/**
 * One keyset page summed up per bucket (`?` = after id, limit), in bucket
 * order: the bucket, its records, its last id, and the XOR of the first 64
 * bits of their hashes.
 */
export async function readSourceBuckets(
  source: SourceQuery,
  spec: Pick<TableSpec, "source">,
  after: number,
  limit: number,
  version: number,
): Promise<SourceBucket[]> {
  const { table, alias, id, joins = [] } = spec.source;
  const rows = await source.query(
    `select page.id div ${HASH_BUCKET} as b, count(*) as n, max(page.id) as last,
      cast(bit_xor(cast(conv(left(page.h, 16), 16, 10) as unsigned)) as char) as x
    from (select ${alias}.${id} as id, ${rowHash(spec.source, version)} as h
          from ${table} ${alias} ${joins.join(" ")}
          where ${alias}.${id} > ? order by ${alias}.${id} limit ?) page
    group by b order by b`,
    [after, limit],
  );
  return rows.map((r) => ({
    bucket: Number(r.b),
    records: Number(r.n),
    lastId: Number(r.last),
    xor: r.x as string,
  }));
}

/**
 * Ids, keys and hashes of the records of `buckets` with ids in (after, end],
 * in id order: what a run compares one by one where a bucket differs.
 */
export async function readSourceHashes(
  source: SourceQuery,
  spec: Pick<TableSpec, "source" | "sourceKey">,
  range: { after: number; end: number },
  buckets: number[],
  version: number,
): Promise<SourceHash[]> {
  const { table, alias, id, joins = [] } = spec.source;
  const rows = await source.query(
    `select ${alias}.${id} as id, ${alias}.${spec.sourceKey} as k,
      ${rowHash(spec.source, version)} as h
    from ${table} ${alias} ${joins.join(" ")}
    where ${alias}.${id} > ? and ${alias}.${id} <= ? and ${alias}.${id} div ${HASH_BUCKET} in (?)
    order by ${alias}.${id}`,
    [range.after, range.end, buckets],
  );
  return rows.map((r) => ({ id: Number(r.id), rawKey: r.k, hash: r.h as string }));
}
