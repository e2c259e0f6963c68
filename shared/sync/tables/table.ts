// What a synced table is: one declaration (tables/<name>.ts) of where its rows
// come from in the legacy database, how a record is mapped, the columns the
// sync owns, and how a vanished row is retired. Everything else (the page and
// key queries, the upsert, the retirement statements) is derived from it.
import type { Sql } from "../../db.ts";
import type { Mapped, SourceRow } from "../mapping.ts";
import type { Rejection } from "../report.ts";

export interface Screened<R> {
  rows: R[];
  rejected: Rejection[];
}

/** Where a table's rows come from in the legacy MySQL database. */
export interface SourceDeclaration {
  /** The legacy table and its alias in the queries below. */
  table: string;
  alias: string;
  /** Its integer primary key, walked in keyset pages. */
  id: string;
  /**
   * Every source column the mapping reads, and only those: `alias.Column`, or
   * `expression as Name` for a column of a joined table read under another name.
   */
  reads: string[];
  /** Left joins that bring the columns of other tables the mapping reads. */
  joins?: string[];
}

export interface TableSpec<Row = Record<string, unknown>, Name extends string = string> {
  name: Name;
  key: keyof Row & string;
  keyType: "text" | "integer";
  /** Synced columns with their Postgres types, key first. */
  columns: Record<string, string>;
  source: SourceDeclaration;
  /** The source column (of `source.table`) the key comes from. */
  sourceKey: string;
  map: (row: SourceRow, today: string) => Mapped<Row>;
  /** The source key as the mapping would write it (for vanished-row checks). */
  normalizeKey: (key: unknown) => string | number | null;
  /** A column set to now() whenever the sync inserts or changes a row (never for an unchanged one). */
  stampColumn?: string;
  /**
   * A column the platform's users may edit that follows a synced column:
   * written with the row on insert, and on update only when the synced
   * column's value changed, so a user's edit stands until the source changes.
   */
  follows?: { column: string; source: string };
  /** SQL predicate of a row that counts as active, and the update that retires it. */
  activeWhere: string;
  retireSet: string;
  /**
   * Rules only Postgres can check: a row of the table named `references`
   * (synced earlier in the run) must exist. `check` returns the rows to keep,
   * the rest rejected; `pending` holds the keys of `references` this run
   * mapped but did not write (a dry run), which count as existing.
   */
  /**
   * Rows whose mapping depends on the day as well as on the source (a
   * position's `active`): an SQL predicate over the Postgres table, `$1` being
   * today (`YYYY-MM-DD`), of rows the day may have changed. The hash path
   * re-reads them though their source hash is unchanged.
   */
  recheck?: string;
  screen?: {
    references: string;
    check: (sql: Sql, schema: string, rows: Row[], pending: Set<string>) => Promise<Screened<Row>>;
  };
}

/** A table's declaration, with its name kept as a literal type. */
export const defineTable = <Row, Name extends string>(spec: TableSpec<Row, Name>) => spec;

/** The name a column of `reads` has in a fetched row. */
export const readName = (read: string) =>
  /\s+as\s+(\w+)$/i.exec(read)?.[1] ?? read.slice(read.lastIndexOf(".") + 1);

/**
 * The version of the mapping rules (tables/*.ts, mapping.ts). It is part of
 * every source row hash, so bumping it makes every stored hash differ: bump
 * it whenever a mapping rule changes what a row maps to. A run whose version
 * differs from the last full comparison's compares full rows.
 */
export const MAPPING_VERSION = 1;

/** The SQL expression of a `reads` entry (without its `as Name`). */
const readExpression = (read: string) => read.replace(/\s+as\s+\w+$/i, "");

/**
 * MySQL's hash of a source row: MD5 over the mapping version, the row's id
 * and every column the mapping reads (joined ones included), each written as
 * `v<value>` or `n` for NULL, so NULL, '' and the text 'NULL' all differ;
 * char(31) (unit separator) between them. 32 hex digits, read into Postgres
 * as a uuid. The id makes a bucket's XOR of hashes tell which row is where.
 */
export function hashExpression({ alias, id, reads }: SourceDeclaration, version: number): string {
  const parts = reads.map((r) => `ifnull(concat('v', ${readExpression(r)}), 'n')`);
  return `md5(concat_ws(char(31), '${Math.trunc(version)}', ${alias}.${id}, ${parts.join(", ")}))`;
}

/** The columns the mapping reads and, unless `version` is undefined, the row's hash. */
const selectFrom = (source: SourceDeclaration, version: number | undefined) => {
  const { table, alias, id, reads, joins = [] } = source;
  const hash = version === undefined ? "" : `, ${hashExpression(source, version)} as sync_hash`;
  return `select ${alias}.${id} as id, ${reads.join(", ")}${hash}
    from ${table} ${alias} ${joins.join(" ")}`;
};

/**
 * One keyset page of the source table, joined to what the mapping reads, with
 * each row's hash (`sync_hash`); `?` = after id, limit.
 */
export function pageQuery(source: SourceDeclaration, version?: number): string {
  const { alias, id } = source;
  return `${selectFrom(source, version)}
    where ${alias}.${id} > ? order by ${alias}.${id} limit ?`;
}

/** The rows of the given source ids (`?` = the list), as pageQuery reads them. */
export function rowsQuery(source: SourceDeclaration, version: number): string {
  const { alias, id } = source;
  return `${selectFrom(source, version)} where ${alias}.${id} in (?) order by ${alias}.${id}`;
}

/**
 * Source ids per bucket: a run compares the source with its stored hashes
 * bucket by bucket (`id div HASH_BUCKET`) before it reads any key.
 */
export const HASH_BUCKET = 16;

/**
 * One keyset page summarised per bucket: the bucket, its records, its last
 * id, and the XOR of the first 64 bits of their hashes (as text: an unsigned
 * 64-bit number). `?` = after id, limit.
 */
export function bucketPageQuery(spec: Pick<TableSpec, "source">, version: number): string {
  const { table, alias, id, joins = [] } = spec.source;
  return `select page.id div ${HASH_BUCKET} as b, count(*) as n, max(page.id) as last,
      cast(bit_xor(cast(conv(left(page.h, 16), 16, 10) as unsigned)) as char) as x
    from (select ${alias}.${id} as id, ${hashExpression(spec.source, version)} as h
          from ${table} ${alias} ${joins.join(" ")}
          where ${alias}.${id} > ? order by ${alias}.${id} limit ?) page
    group by b order by b`;
}

/**
 * Ids, keys and hashes of the records of some buckets within a range of
 * ids: what a run compares one by one where a bucket differs.
 * `?` = after id, last id, the buckets.
 */
export function hashRowsQuery(
  spec: Pick<TableSpec, "source" | "sourceKey">,
  version: number,
): string {
  const { table, alias, id, joins = [] } = spec.source;
  return `select ${alias}.${id} as id, ${alias}.${spec.sourceKey} as k,
      ${hashExpression(spec.source, version)} as h
    from ${table} ${alias} ${joins.join(" ")}
    where ${alias}.${id} > ? and ${alias}.${id} <= ? and ${alias}.${id} div ${HASH_BUCKET} in (?)
    order by ${alias}.${id}`;
}

/** Every key the source holds now, for finding rows that vanished. */
export const keyQuery = (spec: Pick<TableSpec, "source" | "sourceKey">): string =>
  `select ${spec.source.alias}.${spec.sourceKey} as k from ${spec.source.table} ${spec.source.alias}`;
