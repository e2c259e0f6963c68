// facilities, from the legacy `facility` table with its region
// (docs/sync.md#facilities-from-facility).
import { z } from "zod";
import { bool, check, cleanCode, cleanText, requiredText, type SourceRow } from "../mapping.ts";
import { defineTable } from "./table.ts";

const schema = z.object({
  facility_code: requiredText("FacilityCode"),
  facility_name: requiredText("FacilityName"),
  facility_type: z.string().nullable(),
  region_code: z.string().nullable(),
  region_name: z.string().nullable(),
  active: z.boolean(),
});
export type FacilityRow = z.infer<typeof schema>;

/** `r` carries the facility's region as RegionCode/RegionName (NULL when it points nowhere). */
const mapFacility = (r: SourceRow) =>
  check(schema, {
    facility_code: cleanCode(r.FacilityCode),
    facility_name: cleanText(r.FacilityName),
    facility_type: cleanCode(r.FacilityType),
    region_code: cleanCode(r.RegionCode),
    region_name: cleanText(r.RegionName),
    active: bool(r.Active),
  });

export const facilities = defineTable<FacilityRow, "facilities">({
  name: "facilities",
  key: "facility_code",
  keyType: "text",
  columns: {
    facility_code: "text",
    facility_name: "text",
    facility_type: "text",
    region_code: "text",
    region_name: "text",
    active: "boolean",
  },
  source: {
    table: "facility",
    alias: "f",
    id: "FacilityID",
    reads: [
      "f.FacilityCode",
      "f.FacilityName",
      "f.FacilityType",
      "f.Active",
      "r.RegionCode",
      "r.RegionName",
    ],
    joins: ["left join region r on r.RegionID = f.RegionID"],
  },
  sourceKey: "FacilityCode",
  map: mapFacility,
  normalizeKey: cleanCode,
  activeWhere: "active",
  retireSet: "active = false",
});
