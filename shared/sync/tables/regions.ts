// regions, from the legacy `region` table (docs/sync.md#regions-from-region).
import { z } from "zod";
import { bool, check, cleanCode, cleanText, requiredText, type SourceRow } from "../mapping.ts";
import { defineTable } from "./table.ts";

const schema = z.object({
  region_code: requiredText("RegionCode"),
  region_name: requiredText("RegionName"),
  active: z.boolean(),
});
export type RegionRow = z.infer<typeof schema>;

const mapRegion = (r: SourceRow) =>
  check(schema, {
    region_code: cleanCode(r.RegionCode),
    region_name: cleanText(r.RegionName),
    active: bool(r.Active),
  });

export const regions = defineTable<RegionRow, "regions">({
  name: "regions",
  key: "region_code",
  keyType: "text",
  columns: { region_code: "text", region_name: "text", active: "boolean" },
  source: {
    table: "region",
    alias: "r",
    id: "RegionID",
    reads: ["r.RegionCode", "r.RegionName", "r.Active"],
  },
  sourceKey: "RegionCode",
  map: mapRegion,
  normalizeKey: cleanCode,
  activeWhere: "active",
  retireSet: "active = false",
});
