// Sync health, from the same monitoring views operators query.
import type { Sql } from "../db.ts";
import type { Environment } from "../environment.ts";

export interface SyncHealth {
  healthy: boolean;
  last_success_at: string | null;
  age_ms: number | null;
  success_rate: number | null;
}

export async function syncHealth(
  sql: Sql,
  environment: Environment,
  maxAgeMs: number,
  minSuccessRate: number,
): Promise<SyncHealth> {
  const [row] = await sql<{ last_success_at: Date | null; success_rate: string | null }[]>`
    select l.last_success_at, r.success_rate
    from monitoring.last_successful_sync l
    join monitoring.sync_success_rate r using (environment)
    where environment = ${environment}`;
  const last = row?.last_success_at ?? null;
  const age = last ? Math.max(0, Date.now() - last.getTime()) : null;
  const rate = row?.success_rate == null ? null : Number(row.success_rate);
  return {
    healthy: age !== null && age <= maxAgeMs && (rate === null || rate >= minSuccessRate),
    last_success_at: last?.toISOString() ?? null,
    age_ms: age,
    success_rate: rate,
  };
}
