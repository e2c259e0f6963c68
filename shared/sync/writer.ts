// Set-based writes: one statement per batch. Rows arrive as one JSON
// parameter and are expanded by json_to_recordset, so a batch costs one
// round trip and one parse however wide it is. Unchanged rows are skipped by
// the ON CONFLICT ... WHERE, so their updated_at never moves.
import { isTransientDbError, type Sql } from "../db.ts";
import {
  HASH_FIELD,
  hashTable,
  NO_HASH,
  SOURCE_ID_FIELD,
} from "./change_detection/stored_hashes.ts";
import type { Rejection } from "./report.ts";
import type { TableSpec } from "./tables/table.ts";

export interface BatchResult {
  inserted: number;
  updated: number;
  rejected: Rejection[];
  /**
   * Keys of rows this batch changed although their stored source hash equals
   * the source's: rows the hash path would have missed (drift).
   */
  drift: string[];
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
  const hashes = hashTable(schema, spec.name);
  found = {
    // Unchanged rows are filtered out by a read-only join first: ON
    // CONFLICT DO UPDATE would lock (and so write) every conflicting row,
    // even where its WHERE then skips the update.
    upsert: `
      with s as (
        select * from json_to_recordset($1::text::json)
          as s(${record}, ${HASH_FIELD} uuid, ${SOURCE_ID_FIELD} bigint)
      ), changed as (
        select s.*, (t."${spec.key}" is not null and x.hash = s.${HASH_FIELD}) as missed
        from s left join ${target} t on t."${spec.key}" = s."${spec.key}"
        left join ${hashes} x on x.source_key = s."${spec.key}"::text
        where t."${spec.key}" is null or ${tuple("t")} is distinct from ${tuple("s")}
      ), hashed as (
        -- The hash is stored with the row, in the same statement: a batch
        -- the database refuses leaves neither behind. A row written without
        -- a hash (with a notice) stores NO_HASH, which no source row hashes
        -- to: it is read again on every run, and the source's way back to
        -- the row it was before must not match the hash stored back then,
        -- since Postgres now holds something else. Its key stays stored under
        -- its source id, which names who holds the key.
        insert into ${hashes} as x (source_key, hash, source_id)
        select s."${spec.key}"::text, coalesce(s.${HASH_FIELD}, '${NO_HASH}'),
               s.${SOURCE_ID_FIELD}
        from s where s.${SOURCE_ID_FIELD} is not null
        on conflict (source_key) do update
          set hash = excluded.hash, source_id = excluded.source_id
          where (x.hash, x.source_id) is distinct from (excluded.hash, excluded.source_id)
      ), up as (
        insert into ${target} as t (${[list, ...extraCols.map((c) => `"${c}"`)].join(", ")})
        select ${[list, ...extraVals].join(", ")} from changed
        on conflict ("${spec.key}") do update
          set ${sets.join(", ")}
          where ${tuple("t")} is distinct from ${tuple("excluded")}
        returning (xmax = 0) as inserted
      )
      select count(*) filter (where inserted)::int as inserted,
             count(*) filter (where not inserted)::int as updated,
             (select coalesce(json_agg("${spec.key}"::text), '[]') from changed where missed)::text
               as drift
      from up`,
    preview: `
      select count(*) filter (where t."${spec.key}" is null)::int as inserted,
             count(*) filter (where t."${spec.key}" is not null
                              and ${tuple("t")} is distinct from ${tuple("s")})::int as updated,
             '[]' as drift
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
  if (rows.length === 0) return { inserted: 0, updated: 0, rejected: [], drift: [] };
  const { upsert, preview } = statementsFor(schema, spec);
  try {
    const [r] = await sql.unsafe(dryRun ? preview : upsert, [JSON.stringify(rows)]);
    return { inserted: r.inserted, updated: r.updated, rejected: [], drift: JSON.parse(r.drift) };
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
        drift: [],
      };
    }
    const half = Math.ceil(rows.length / 2);
    const a = await writeBatch(sql, schema, spec, rows.slice(0, half), dryRun);
    const b = await writeBatch(sql, schema, spec, rows.slice(half), dryRun);
    return {
      inserted: a.inserted + b.inserted,
      updated: a.updated + b.updated,
      rejected: [...a.rejected, ...b.rejected],
      drift: [...a.drift, ...b.drift],
    };
  }
}

/** Share of a table's rows past which a sync's writes are followed by ANALYZE. */
export const ANALYZE_AFTER_SHARE = 0.1;

/**
 * ANALYZE a table the sync wrote more than 10 % of, and the stored hashes
 * with it, so the planner's statistics follow a large load at once rather
 * than at autovacuum's next round. The share is of the rows the planner last counted (reltuples, -1
 * when the table was never analyzed): what is stale is what it knows.
 */
export async function analyzeIfRewritten(
  sql: Sql,
  schema: string,
  table: string,
  written: number,
): Promise<boolean> {
  if (written === 0) return false;
  const target = `"${schema}"."${table}"`;
  const [{ rows }] = await sql`select reltuples::float8 as rows from pg_class
                               where oid = ${target}::regclass`;
  if (rows >= 0 && written <= ANALYZE_AFTER_SHARE * rows) return false;
  // The stored hashes were written with the rows: with statistics of a
  // smaller table the upsert's hash lookup took the source-id index, a scan
  // of every stored hash for each row (1 s for 600 rows, measured).
  await sql.unsafe(`analyze ${target}, ${hashTable(schema, table)}`);
  return true;
}
