// What a synced table is: one declaration (tables/<name>.ts) of where its rows
// come from in the legacy database, how a record is mapped, the columns the
// sync owns, and how a vanished row is retired. Everything else (the page,
// key and hash queries, the upsert, the retirement statements) is derived
// from it.
import { z } from "zod";
import type { Sql } from "../../db.ts";
import { cleanText, type Mapped, type SourceRow } from "../mapping.ts";
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
   * Rows whose mapping depends on the day as well as on the source (a
   * position's `active`): an SQL predicate over the Postgres table, `$1` being
   * today (`YYYY-MM-DD`), of rows the day may have changed. The hash path
   * re-reads them though their source hash is unchanged.
   */
  recheck?: string;
  /**
   * The member number of a raw source record, where it has one: named with
   * the record's rejections and notices, since operators look records up by it.
   */
  memberNumber?: (row: SourceRow) => string | undefined;
  /**
   * Its source keys are the member numbers Discord links are validated
   * against, after the last table of a run that synced this one. Against an
   * empty source validation is skipped: every link would be missing, and
   * the bot would take everyone's roles.
   */
  validatesLinks?: boolean;
  /**
   * The statement that recomputes the counts this table holds of other
   * synced rows (`schema` the environment's), run after a run's last table
   * whatever tables it synced; it writes only the counts that changed.
   */
  derivedCounts?: (schema: string) => string;
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

/**
 * One synced column, declared once: the source column it is read from (an
 * entry of `source.reads`), its Postgres type, how the mapping cleans the
 * raw value and the rule the cleaned value must pass.
 */
export interface ColumnDeclaration<Rule extends z.ZodType = z.ZodType> {
  read: string;
  type: string;
  clean: (value: unknown) => unknown;
  rule: Rule;
}

/** A text column read with the common cleaning (or `clean`), NULL when empty. */
export const textColumn = (
  read: string,
  clean: (value: unknown) => string | null = cleanText,
): ColumnDeclaration<z.ZodNullable<z.ZodString>> => ({
  read,
  type: "text",
  clean,
  rule: z.string().nullable(),
});

/**
 * What a table's declaration derives from its columns, each declared once
 * (key first). Their order is the order of `reads`, and so of the values in
 * the row's hash: reordering them changes every hash (a new MAPPING_VERSION).
 */
export function fromColumns<C extends Record<string, ColumnDeclaration>>(declared: C) {
  const names = Object.keys(declared);
  const shape = Object.fromEntries(names.map((n) => [n, declared[n].rule]));
  return {
    /** Postgres types, for TableSpec.columns. */
    columns: Object.fromEntries(names.map((n) => [n, declared[n].type])),
    /** Source columns, for SourceDeclaration.reads. */
    reads: names.map((n) => declared[n].read),
    /** The rules of a mapped row. */
    schema: z.object(shape as { [K in keyof C]: C[K]["rule"] }),
    /** A source record's cleaned values, one per column, to check against `schema`. */
    cleaned: (row: SourceRow) =>
      Object.fromEntries(names.map((n) => [n, declared[n].clean(row[readName(declared[n].read)])])),
  };
}
