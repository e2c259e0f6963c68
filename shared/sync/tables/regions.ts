// regions, from the legacy `region` table (docs/sync.md#regions-from-region).
import { z } from "zod";
import { bool, check, cleanCode, cleanText, requiredText, type SourceRow } from "../mapping.ts";
import { defineTable, fromColumns } from "./table.ts";

// In the order of the row's hash (see fromColumns).
const COLUMNS = fromColumns({
  region_code: {
    read: "r.RegionCode",
    type: "text",
    clean: cleanCode,
    rule: requiredText("RegionCode"),
  },
  region_name: {
    read: "r.RegionName",
    type: "text",
    clean: cleanText,
    rule: requiredText("RegionName"),
  },
  active: { read: "r.Active", type: "boolean", clean: bool, rule: z.boolean() },
});
export type RegionRow = z.infer<typeof COLUMNS.schema>;

const mapRegion = (r: SourceRow) => check(COLUMNS.schema, COLUMNS.cleaned(r));

/** A region's active facilities and active members. */
const derivedCounts = (schema: string) => {
  const s = `"${schema}"`;
  return `
    update ${s}.regions r set facility_count = c.facilities, member_count = c.members
    from (select r2.region_code,
                 (select count(*) from ${s}.facilities f
                  where f.region_code = r2.region_code and f.active)::int as facilities,
                 (select count(*) from ${s}.members m
                  where m.region_code = r2.region_code and m.status = 'active')::int as members
          from ${s}.regions r2) c
    where c.region_code = r.region_code
      and (r.facility_count, r.member_count) is distinct from (c.facilities, c.members)`;
};

export const regions = defineTable<RegionRow, "regions">({
  name: "regions",
  key: "region_code",
  keyType: "text",
  columns: COLUMNS.columns,
  source: { table: "region", alias: "r", id: "RegionID", reads: COLUMNS.reads },
  sourceKey: "RegionCode",
  map: mapRegion,
  normalizeKey: cleanCode,
  activeWhere: "active",
  retireSet: "active = false",
  derivedCounts,
});
