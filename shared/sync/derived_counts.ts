// The counts the platform derives from synced rows (members per facility and
// region, facilities per region), recomputed after a run's last table.
import type { Sql } from "../db.ts";

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
