// Discord link validation: after a run that synced the table whose keys are
// member numbers (TableSpec.validatesLinks), every linked member is checked
// against the source. Each check is a validation_logs row, each run a
// validation_summaries row. Nobody is unlinked here: the bot reads the
// ineligible_links view and removes roles itself.
import type { Sql } from "../db.ts";
import { type Environment, schemasFor } from "../environment.ts";
import { notInSource, type SourceKeys } from "./change_detection/source_keys.ts";

export interface ValidationSummary {
  run_id: string;
  checked: number;
  eligible: number;
  inactive: number;
  missing: number;
}

/**
 * `table` holds the rows linked to Discord accounts; `sourceMembers` are
 * the member numbers the source holds now (normalized). A linked member
 * outside them is `missing`, one whose status is not active is `inactive`,
 * the rest are `eligible`.
 */
export async function validateLinks(
  sql: Sql,
  environment: Environment,
  syncId: string | null,
  table: string,
  sourceMembers: SourceKeys,
): Promise<ValidationSummary> {
  const { shared, discord } = schemasFor(environment);
  const started = performance.now();
  const { joins, absent, value } = notInSource(sourceMembers, shared, "m.member_number", 2);
  return await sql.begin(async (tx) => {
    const [{ run_id }] = await tx`
      insert into ${tx(discord)}.validation_summaries (sync_id) values (${syncId})
      returning run_id`;
    await tx.unsafe(
      `insert into "${discord}".validation_logs (run_id, member_number, discord_id, result, reason)
       select $1, m.member_number, m.discord_id,
              case when ${absent} then 'missing'
                   when m.status <> 'active' then 'inactive'
                   else 'eligible' end,
              case when ${absent} then 'member no longer in the membership database'
                   when m.status <> 'active' then 'member status is ' || m.status end
       from "${shared}"."${table}" m ${joins}
       where m.discord_verified and m.discord_id is not null`,
      [run_id, value],
    );
    const [summary] = await tx<ValidationSummary[]>`
      update ${tx(discord)}.validation_summaries s
      set checked = c.checked, eligible = c.eligible, inactive = c.inactive, missing = c.missing,
          finished_at = now(), duration_ms = ${Math.round(performance.now() - started)}
      from (select count(*)::int as checked,
                   count(*) filter (where result = 'eligible')::int as eligible,
                   count(*) filter (where result = 'inactive')::int as inactive,
                   count(*) filter (where result = 'missing')::int as missing
            from ${tx(discord)}.validation_logs where run_id = ${run_id}) c
      where s.run_id = ${run_id}
      returning s.run_id, s.checked, s.eligible, s.inactive, s.missing`;
    return summary;
  });
}
