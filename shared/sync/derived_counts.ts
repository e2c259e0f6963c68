// The counts the platform derives from synced rows (each table's
// `derivedCounts`), recomputed after a run's last table.
import type { Sql } from "../db.ts";
import { SYNC_TABLES, TABLE_SPECS } from "./tables.ts";

/** Recomputes every table's derived counts; each statement writes only counts that changed. */
export async function refreshDerivedCounts(sql: Sql, schema: string): Promise<void> {
  for (const table of SYNC_TABLES) {
    const statement = TABLE_SPECS[table].derivedCounts?.(schema);
    if (statement) await sql.unsafe(statement);
  }
}
