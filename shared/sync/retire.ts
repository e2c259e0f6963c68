// Retiring rows that vanished from the source, never deleting them, behind a
// guard against a broken source: an empty source, or more than the configured
// share or number of a table's active rows, retires nothing.
import type { Sql } from "../db.ts";
import type { TableSpec } from "./tables/table.ts";
import { notInSource, sourceIsEmpty, type SourceKeys } from "./change_detection/source_keys.ts";
import { hashTable } from "./change_detection/stored_hashes.ts";

export interface Retirement {
  active: number;
  vanished: number;
  retired: number;
  /** Set when the guard stopped the retirement. */
  refused?: string;
  /** Set when the guard would have stopped it, but an operator allowed it once. */
  overridden?: string;
}

/** The guard against a broken source: how much one run may retire of a table. */
export interface RetirementLimits {
  /** Largest share of the table's active rows (SYNC_MAX_DEACTIVATE_RATIO). */
  maxRatio: number;
  /** Largest number of rows (SYNC_MAX_DEACTIVATE). */
  maxRows: number;
  /** An operator's one-off override (the CLI's --allow-mass-deactivation). */
  allowMass?: boolean;
}

/**
 * Retires (never deletes) active rows whose key the source no longer holds,
 * unless the source is empty or more than `maxRatio` of the active rows
 * would go: that smells of a broken source, not of real departures.
 */
export async function retireVanished(
  sql: Sql,
  schema: string,
  spec: TableSpec,
  sourceKeys: SourceKeys,
  limits: RetirementLimits,
  dryRun: boolean,
): Promise<Retirement> {
  const target = `"${schema}"."${spec.name}"`;
  // Anti-joins, not per-row subqueries: both statements run as hash joins.
  const { joins, absent, notExists, value } = notInSource(
    sourceKeys,
    schema,
    `t."${spec.key}"::text`,
    1,
  );
  const [count] = await sql.unsafe(
    `select count(*)::int as active, count(*) filter (where ${absent})::int as vanished
     from ${target} t ${joins} where t.${spec.activeWhere}`,
    [value],
  );
  const result: Retirement = { active: count.active, vanished: count.vanished, retired: 0 };
  if (count.vanished === 0) return result;
  const vanished =
    `${count.vanished} of ${count.active} active ${spec.name} vanished from the source`;
  let limit: string | undefined;
  if (sourceIsEmpty(sourceKeys)) {
    // An empty source is never a real departure of everyone: no override.
    result.refused = `the source returned no ${spec.name}; nothing was deactivated`;
  } else if (count.vanished / count.active > limits.maxRatio) {
    // A share, compared as a share: 29 of 50 is exactly 0.58, while
    // 0.58 * 50 is 28.999999999999996 in floating point.
    limit = `${vanished}, more than SYNC_MAX_DEACTIVATE_RATIO=${limits.maxRatio}`;
  } else if (count.vanished > limits.maxRows) {
    limit = `${vanished}, more than SYNC_MAX_DEACTIVATE=${limits.maxRows}`;
  }
  if (limit && limits.allowMass) result.overridden = `${limit}; allowed once by an operator`;
  else if (limit) result.refused = `${limit}; nothing was deactivated`;
  if (result.refused || dryRun) return result;
  // A retired row's stored hash goes with it: a key that comes back with the
  // same source row must be read and written again (re-activated).
  const [done] = await sql.unsafe(
    `with retired as (
       update ${target} t set ${spec.retireSet}
       where t.${spec.activeWhere} and ${notExists}
       returning t."${spec.key}"::text as k
     ), forgotten as (
       delete from ${hashTable(schema, spec.name)} x using retired
       where x.source_key = retired.k
     )
     select count(*)::int as retired from retired`,
    [value],
  );
  result.retired = done.retired;
  return result;
}
