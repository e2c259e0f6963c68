// facilities, from the legacy `facility` table with its region
// (docs/sync.md#facilities-from-facility).
import { z } from "zod";
import { bool, check, cleanCode, cleanText, requiredText, type SourceRow } from "../mapping.ts";
import { defineTable, fromColumns, textColumn } from "./table.ts";

// In the order of the row's hash (see fromColumns). The region comes
// through RegionID (NULL when it points nowhere).
const COLUMNS = fromColumns({
  facility_code: {
    read: "f.FacilityCode",
    type: "text",
    clean: cleanCode,
    rule: requiredText("FacilityCode"),
  },
  facility_name: {
    read: "f.FacilityName",
    type: "text",
    clean: cleanText,
    rule: requiredText("FacilityName"),
  },
  facility_type: textColumn("f.FacilityType", cleanCode),
  active: { read: "f.Active", type: "boolean", clean: bool, rule: z.boolean() },
  region_code: textColumn("r.RegionCode", cleanCode),
  region_name: textColumn("r.RegionName"),
});
export type FacilityRow = z.infer<typeof COLUMNS.schema>;

const mapFacility = (r: SourceRow) => check(COLUMNS.schema, COLUMNS.cleaned(r));

/** A facility's active members. */
const derivedCounts = (schema: string) => {
  const s = `"${schema}"`;
  return `
    update ${s}.facilities f set member_count = c.n
    from (select f2.facility_code, count(m.member_number)::int as n
          from ${s}.facilities f2
          left join ${s}.members m on m.facility_code = f2.facility_code and m.status = 'active'
          group by f2.facility_code) c
    where c.facility_code = f.facility_code and f.member_count is distinct from c.n`;
};

export const facilities = defineTable<FacilityRow, "facilities">({
  name: "facilities",
  key: "facility_code",
  keyType: "text",
  columns: COLUMNS.columns,
  source: {
    table: "facility",
    alias: "f",
    id: "FacilityID",
    reads: COLUMNS.reads,
    joins: ["left join region r on r.RegionID = f.RegionID"],
  },
  sourceKey: "FacilityCode",
  map: mapFacility,
  normalizeKey: cleanCode,
  activeWhere: "active",
  retireSet: "active = false",
  derivedCounts,
});
