// What the sync writes, per table: its key, the columns it owns (and only
// those: the platform-owned discord_*, auth0_user_id, verified_at and
// last_auth0_sync are never listed), and how a vanished row is retired.
import {
  cleanCode,
  cleanText,
  type FacilityRow,
  mapFacility,
  mapMember,
  type Mapped,
  mapPosition,
  mapRegion,
  type MemberRow,
  type PositionRow,
  type RegionRow,
} from "./mapping.ts";
import type { Sql } from "../db.ts";
import type { Rejection } from "./report.ts";
import type { SourceRow } from "./source.ts";

/** The order of a run: what a table refers to is synced before it. */
export const SYNC_TABLES = ["regions", "facilities", "members", "positions"] as const;
export type SyncTable = typeof SYNC_TABLES[number];

/** `tables` in the order of a run. */
export const inSyncOrder = (tables: readonly SyncTable[]): SyncTable[] =>
  SYNC_TABLES.filter((t) => tables.includes(t));

export interface Screened<R> {
  rows: R[];
  rejected: Rejection[];
}

export interface TableSpec<Row = Record<string, unknown>> {
  name: SyncTable;
  key: keyof Row & string;
  keyType: "text" | "integer";
  /** Synced columns with their Postgres types, key first. */
  columns: Record<string, string>;
  map: (row: SourceRow, today: string) => Mapped<Row>;
  /** The source column the key comes from. */
  sourceKey: string;
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
   * Rules only Postgres can check: a row of `references` must exist. `check`
   * returns the rows to keep, the rest rejected; `pending` holds the keys of
   * `references` this run mapped but did not write (a dry run), which count
   * as existing.
   */
  screen?: {
    references: SyncTable;
    check: (sql: Sql, schema: string, rows: Row[], pending: Set<string>) => Promise<Screened<Row>>;
  };
}

const region: TableSpec<RegionRow> = {
  name: "regions",
  key: "region_code",
  keyType: "text",
  columns: { region_code: "text", region_name: "text", active: "boolean" },
  map: mapRegion,
  sourceKey: "RegionCode",
  normalizeKey: cleanCode,
  activeWhere: "active",
  retireSet: "active = false",
};

const facility: TableSpec<FacilityRow> = {
  name: "facilities",
  key: "facility_code",
  keyType: "text",
  columns: {
    facility_code: "text",
    facility_name: "text",
    facility_type: "text",
    region_code: "text",
    region_name: "text",
    active: "boolean",
  },
  map: mapFacility,
  sourceKey: "FacilityCode",
  normalizeKey: cleanCode,
  activeWhere: "active",
  retireSet: "active = false",
};

const member: TableSpec<MemberRow> = {
  name: "members",
  key: "member_number",
  keyType: "text",
  columns: {
    member_number: "text",
    first_name: "text",
    last_name: "text",
    source_email: "text",
    facility_code: "text",
    facility_name: "text",
    region_code: "text",
    region_name: "text",
    member_type_id: "integer",
    member_type: "text",
    status: "text",
  },
  map: mapMember,
  sourceKey: "MemberNumber",
  stampColumn: "last_sync",
  follows: { column: "email", source: "source_email" },
  normalizeKey: cleanText,
  // Only a member who could be eligible is retired: retired and deceased
  // keep their status, which the source would otherwise lose for good.
  activeWhere: "status in ('active', 'suspended')",
  retireSet: "status = 'inactive'",
};

const position: TableSpec<PositionRow> = {
  name: "positions",
  key: "source_id",
  keyType: "integer",
  columns: {
    source_id: "integer",
    member_number: "text",
    position_type: "text",
    position_title: "text",
    facility_code: "text",
    facility_name: "text",
    start_date: "date",
    end_date: "date",
    active: "boolean",
  },
  map: mapPosition,
  sourceKey: "PositionID",
  normalizeKey: (k) => (typeof k === "number" ? k : null),
  activeWhere: "active",
  retireSet: "active = false",
  screen: { references: "members", check: onlySyncedMembers },
};

/** A position whose member is not among the synced members is rejected. */
async function onlySyncedMembers(
  sql: Sql,
  schema: string,
  rows: PositionRow[],
  pending: Set<string>,
): Promise<Screened<PositionRow>> {
  const numbers = [...new Set(rows.map((r) => r.member_number))].filter((n) => !pending.has(n));
  const known = new Set<string>(pending);
  if (numbers.length) {
    const found = await sql.unsafe(
      `select m.member_number from json_array_elements_text($1::text::json) as k(v)
       join "${schema}".members m on m.member_number = k.v`,
      [JSON.stringify(numbers)],
    );
    for (const r of found) known.add(r.member_number as string);
  }
  const kept: PositionRow[] = [];
  const rejected: Rejection[] = [];
  for (const r of rows) {
    if (known.has(r.member_number)) kept.push(r);
    else {
      rejected.push({
        key: String(r.source_id),
        member_number: r.member_number,
        reason: `member ${r.member_number} is not among the synced members`,
      });
    }
  }
  return { rows: kept, rejected };
}

export const TABLE_SPECS = {
  regions: region,
  facilities: facility,
  members: member,
  positions: position,
} as unknown as Record<SyncTable, TableSpec>;
