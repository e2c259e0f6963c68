// Every synced table, in the order of a run: what a table refers to is
// synced before it. A table is one declaration in tables/<name>.ts; adding
// one is adding its module here (and its Postgres table, in a migration).
import { facilities } from "./tables/facilities.ts";
import { members } from "./tables/members.ts";
import { positions } from "./tables/positions.ts";
import { regions } from "./tables/regions.ts";
import type { TableSpec } from "./tables/table.ts";

const DECLARED = [regions, facilities, members, positions] as const;

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
