// Where an unfinished run stopped (table and last source id), saved after
// every page so that the next invocation resumes instead of starting over.
import type { Sql } from "../db.ts";
import { inSyncOrder, type SyncTable } from "./tables.ts";

export interface Cursor {
  sync_id: string;
  tables: SyncTable[];
  table_name: SyncTable;
  after_id: number;
  /** Decided when the run started; its resumptions keep them. */
  full_compare: boolean;
  mapping_version: number;
}

/**
 * The saved cursor, if it is younger than `maxAgeMs` (an older one belongs
 * to a run whose source snapshot is long gone) and covers the tables asked
 * for now (`requested` unset: any).
 */
export async function loadCursor(
  sql: Sql,
  schema: string,
  maxAgeMs: number,
  requested?: SyncTable[],
): Promise<Cursor | undefined> {
  const [saved] = await sql<Cursor[]>`
    select sync_id, tables, table_name, after_id::int as after_id, full_compare,
           coalesce(mapping_version, 0) as mapping_version
    from ${sql(schema)}.sync_cursor
    where updated_at > now() - make_interval(secs => ${maxAgeMs / 1000})`;
  if (!saved) return undefined;
  if (requested && inSyncOrder(requested).join() !== saved.tables.join()) return undefined;
  return saved;
}

export async function saveCursor(sql: Sql, schema: string, cursor: Cursor): Promise<void> {
  await sql`
    insert into ${sql(schema)}.sync_cursor
      (sync_id, tables, table_name, after_id, full_compare, mapping_version)
    values (${cursor.sync_id}, ${cursor.tables}, ${cursor.table_name}, ${cursor.after_id},
            ${cursor.full_compare}, ${cursor.mapping_version})
    on conflict (environment_singleton) do update
    set sync_id = excluded.sync_id, tables = excluded.tables, table_name = excluded.table_name,
        after_id = excluded.after_id, full_compare = excluded.full_compare,
        mapping_version = excluded.mapping_version, updated_at = now(),
        failures = case when sync_cursor.sync_id = excluded.sync_id then sync_cursor.failures
                        else 0 end`;
}

export async function dropCursor(sql: Sql, schema: string): Promise<void> {
  await sql`delete from ${sql(schema)}.sync_cursor`;
}

/** Counts a failed invocation against the run's saved cursor; undefined when none is saved. */
export async function countCursorFailure(
  sql: Sql,
  schema: string,
  syncId: string,
): Promise<number | undefined> {
  const [row] = await sql<{ failures: number }[]>`
    update ${sql(schema)}.sync_cursor set failures = failures + 1
    where sync_id = ${syncId}
    returning failures`;
  return row?.failures;
}
