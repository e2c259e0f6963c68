// Every synced table, in the order of a run, as the engine names them: the
// declarations themselves are listed in tables/declared.ts.
import { DECLARED } from "./tables/declared.ts";
import type { TableSpec } from "./tables/table.ts";

export type SyncTable = typeof DECLARED[number]["name"];

/** The order of a run. */
export const SYNC_TABLES = DECLARED.map((t) => t.name) as unknown as readonly [
  SyncTable,
  ...SyncTable[],
];

/** `tables` in the order of a run. */
export const inSyncOrder = (tables: readonly SyncTable[]): SyncTable[] =>
  SYNC_TABLES.filter((t) => tables.includes(t));

// Each declaration is typed by its own row; the walk handles rows generically.
export const TABLE_SPECS = Object.fromEntries(
  DECLARED.map((t) => [t.name, t]),
) as unknown as Record<
  SyncTable,
  TableSpec
>;
