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

/** One keyset page of the source table, joined to what the mapping reads; `?` = after id, limit. */
export function pageQuery({ table, alias, id, reads, joins = [] }: SourceDeclaration): string {
  return `select ${alias}.${id} as id, ${reads.join(", ")}
    from ${table} ${alias} ${joins.join(" ")}
    where ${alias}.${id} > ? order by ${alias}.${id} limit ?`;
}

/** Every key the source holds now, for finding rows that vanished. */
export const keyQuery = (spec: Pick<TableSpec, "source" | "sourceKey">): string =>
  `select ${spec.source.alias}.${spec.sourceKey} as k from ${spec.source.table} ${spec.source.alias}`;
