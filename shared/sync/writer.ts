// Set-based writes: one statement per batch. Rows arrive as one JSON
// parameter and are expanded by json_to_recordset, so a batch costs one
// round trip and one parse however wide it is. Unchanged rows are skipped by
// the ON CONFLICT ... WHERE, so their updated_at never moves.
import { isTransientDbError, type Sql } from "../db.ts";
import type { Rejection } from "./report.ts";
import type { TableSpec } from "./tables.ts";

export interface BatchResult {
  inserted: number;
  updated: number;
  rejected: Rejection[];
}

const statements = new Map<string, { upsert: string; preview: string }>();

/** The upsert and its dry-run twin for one table in one schema (identifiers are code constants). */
export function statementsFor(schema: string, spec: TableSpec) {
  const id = `${schema}.${spec.name}`;
  let found = statements.get(id);
  if (found) return found;
  const cols = Object.keys(spec.columns);
  const record = cols.map((c) => `"${c}" ${spec.columns[c]}`).join(", ");
  const list = cols.map((c) => `"${c}"`).join(", ");
  const target = `"${schema}"."${spec.name}"`;
  const tuple = (alias: string) => `(${cols.map((c) => `${alias}."${c}"`).join(", ")})`;
  const sets = cols.filter((c) => c !== spec.key).map((c) => `"${c}" = excluded."${c}"`);
  // The stamp is written with the row, so only an insert or a real change moves it.
  const stamp = spec.stampColumn;
  if (stamp) sets.push(`"${stamp}" = now()`);
  const follows = spec.follows;
  if (follows) {
    sets.push(
      `"${follows.column}" = case when t."${follows.source}" is distinct from excluded."${follows.source}"
        then excluded."${follows.source}" else t."${follows.column}" end`,
    );
  }
  // Columns an insert writes beyond the synced ones, and their values.
  const extraCols = [stamp, follows?.column].filter((c): c is string => !!c);
  const extraVals = [stamp ? "now()" : undefined, follows ? `"${follows.source}"` : undefined]
    .filter((v): v is string => !!v);
  found = {
    // Unchanged rows are filtered out by a read-only join first: ON
    // CONFLICT DO UPDATE would lock (and so write) every conflicting row,
    // even where its WHERE then skips the update.
    upsert: `
      with s as (
        select * from json_to_recordset($1::text::json) as s(${record})
      ), changed as (
        select s.* from s left join ${target} t on t."${spec.key}" = s."${spec.key}"
        where t."${spec.key}" is null or ${tuple("t")} is distinct from ${tuple("s")}
      ), up as (
        insert into ${target} as t (${[list, ...extraCols.map((c) => `"${c}"`)].join(", ")})
        select ${[list, ...extraVals].join(", ")} from changed
        on conflict ("${spec.key}") do update
          set ${sets.join(", ")}
          where ${tuple("t")} is distinct from ${tuple("excluded")}
        returning (xmax = 0) as inserted
      )
      select count(*) filter (where inserted)::int as inserted,
             count(*) filter (where not inserted)::int as updated
      from up`,
    preview: `
      select count(*) filter (where t."${spec.key}" is null)::int as inserted,
             count(*) filter (where t."${spec.key}" is not null
                              and ${tuple("t")} is distinct from ${tuple("s")})::int as updated
      from json_to_recordset($1::text::json) as s(${record})
      left join ${target} t on t."${spec.key}" = s."${spec.key}"`,
  };
  statements.set(id, found);
  return found;
}

/**
 * Writes `rows` (already mapped and free of duplicate keys). When the
 * database refuses the batch, it is split in halves until the refused rows
 * are isolated, so every good row still lands.
 */
export async function writeBatch(
  sql: Sql,
  schema: string,
  spec: TableSpec,
  rows: Record<string, unknown>[],
  dryRun: boolean,
): Promise<BatchResult> {
  if (rows.length === 0) return { inserted: 0, updated: 0, rejected: [] };
  const { upsert, preview } = statementsFor(schema, spec);
  try {
    const [r] = await sql.unsafe(dryRun ? preview : upsert, [JSON.stringify(rows)]);
    return { inserted: r.inserted, updated: r.updated, rejected: [] };
  } catch (err) {
    // Only a row's own data (SQLSTATE classes 22 and 23) can be isolated by
    // splitting; anything else is the whole batch's problem.
    const code = (err as { code?: string }).code ?? "";
    if (isTransientDbError(err) || !/^2[23]/.test(code)) throw err;
    if (rows.length === 1) {
      const e = err as { code?: string; constraint_name?: string };
      const why = e.constraint_name ? `violates ${e.constraint_name}` : `error ${e.code ?? "?"}`;
      return {
        inserted: 0,
        updated: 0,
        rejected: [{ key: String(rows[0][spec.key]), reason: `rejected by the database: ${why}` }],
      };
    }
    const half = Math.ceil(rows.length / 2);
    const a = await writeBatch(sql, schema, spec, rows.slice(0, half), dryRun);
    const b = await writeBatch(sql, schema, spec, rows.slice(half), dryRun);
    return {
      inserted: a.inserted + b.inserted,
      updated: a.updated + b.updated,
      rejected: [...a.rejected, ...b.rejected],
    };
  }
}

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
 * Retires (never deletes) active rows whose key is not in `sourceKeys`,
 * unless the source is empty or more than `maxRatio` of the active rows
 * would go: that smells of a broken source, not of real departures.
 */
export async function retireVanished(
  sql: Sql,
  schema: string,
  spec: TableSpec,
  sourceKeys: (string | number)[],
  limits: RetirementLimits,
  dryRun: boolean,
): Promise<Retirement> {
  const target = `"${schema}"."${spec.name}"`;
  // Joins, not per-row subqueries: both statements run as hash (anti) joins.
  const src = `with src as materialized (
      select distinct v::${spec.keyType} as k from json_array_elements_text($1::text::json) as j(v))`;
  const param = [JSON.stringify(sourceKeys)];
  const [count] = await sql.unsafe(
    `${src}
     select count(*)::int as active, count(*) filter (where src.k is null)::int as vanished
     from ${target} t left join src on src.k = t."${spec.key}"
     where t.${spec.activeWhere}`,
    param,
  );
  const result: Retirement = { active: count.active, vanished: count.vanished, retired: 0 };
  if (count.vanished === 0) return result;
  const vanished =
    `${count.vanished} of ${count.active} active ${spec.name} vanished from the source`;
  let limit: string | undefined;
  if (sourceKeys.length === 0) {
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
  const done = await sql.unsafe(
    `${src}
     update ${target} t set ${spec.retireSet}
     where t.${spec.activeWhere} and not exists (select 1 from src where src.k = t."${spec.key}")`,
    param,
  );
  result.retired = done.count;
  return result;
}

/** Recomputes member and facility counts; writes only counts that changed. */
export async function refreshDerivedCounts(sql: Sql, schema: string): Promise<void> {
  const s = `"${schema}"`;
  await sql.unsafe(`
    update ${s}.facilities f set member_count = c.n
    from (select f2.facility_code, count(m.member_number)::int as n
          from ${s}.facilities f2
          left join ${s}.members m on m.facility_code = f2.facility_code and m.status = 'active'
          group by f2.facility_code) c
    where c.facility_code = f.facility_code and f.member_count is distinct from c.n`);
  await sql.unsafe(`
    update ${s}.regions r set facility_count = c.facilities, member_count = c.members
    from (select r2.region_code,
                 (select count(*) from ${s}.facilities f
                  where f.region_code = r2.region_code and f.active)::int as facilities,
                 (select count(*) from ${s}.members m
                  where m.region_code = r2.region_code and m.status = 'active')::int as members
          from ${s}.regions r2) c
    where c.region_code = r.region_code
      and (r.facility_count, r.member_count) is distinct from (c.facilities, c.members)`);
}
