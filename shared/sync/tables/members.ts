// members, from the legacy `member` table with its facility, region and
// member type (docs/sync.md#members-from-member).
import { z } from "zod";
import { check, cleanCode, cleanText, email, requiredText, type SourceRow } from "../mapping.ts";
import type { Mapped } from "../mapping.ts";
import { defineTable } from "./table.ts";

export const MEMBER_STATUSES = ["active", "inactive", "retired", "deceased", "suspended"] as const;

const schema = z.object({
  member_number: z.string({ error: "MemberNumber is empty" })
    .regex(/^[A-Za-z0-9-]{1,20}$/, "MemberNumber is not [A-Za-z0-9-]{1,20}"),
  first_name: requiredText("FirstName"),
  last_name: requiredText("LastName"),
  /** The source's email; members.email follows it unless the member edited theirs. */
  source_email: z.string().nullable(),
  facility_code: z.string().nullable(),
  facility_name: z.string().nullable(),
  region_code: z.string().nullable(),
  region_name: z.string().nullable(),
  member_type_id: z.number().int().nullable(),
  member_type: z.string().nullable(),
  status: z.enum(MEMBER_STATUSES),
});
export type MemberRow = z.infer<typeof schema>;

/** `r` carries the member's facility, region and member type through the ids. */
export function mapMember(r: SourceRow): Mapped<MemberRow> {
  // A status the platform does not know fails closed: the member is synced
  // as inactive (not eligible) and the raw value is reported.
  const raw = cleanText(r.Status)?.toLowerCase() ?? "inactive";
  const known = (MEMBER_STATUSES as readonly string[]).includes(raw);
  const status = known ? raw : "inactive";
  const mapped = check(schema, {
    member_number: cleanText(r.MemberNumber),
    first_name: cleanText(r.FirstName),
    last_name: cleanText(r.LastName),
    source_email: email(r.Email),
    facility_code: cleanCode(r.FacilityCode),
    facility_name: cleanText(r.FacilityName),
    region_code: cleanCode(r.RegionCode),
    region_name: cleanText(r.RegionName),
    member_type_id: r.MemberTypeID ?? null,
    member_type: cleanText(r.MemberTypeDescription),
    status,
  });
  if (mapped.ok && !known) {
    mapped.notice = { kind: "unknown_status", value: String(cleanText(r.Status)) };
  }
  return mapped;
}

export const members = defineTable<MemberRow, "members">({
  name: "members",
  key: "member_number",
  keyType: "text",
  columns: {
    member_number: "text",
    first_name: "text",
    last_name: "text",
    source_email: "text",
    facility_code: "text",
    facility_name: "text",
    region_code: "text",
    region_name: "text",
    member_type_id: "integer",
    member_type: "text",
    status: "text",
  },
  source: {
    table: "member",
    alias: "m",
    id: "MemberID",
    reads: [
      "m.MemberNumber",
      "m.FirstName",
      "m.LastName",
      "m.Email",
      "m.MemberTypeID",
      "m.Status",
      "f.FacilityCode",
      "f.FacilityName",
      "r.RegionCode",
      "r.RegionName",
      "t.Description as MemberTypeDescription",
    ],
    joins: [
      "left join facility f on f.FacilityID = m.FacilityID",
      "left join region r on r.RegionID = f.RegionID",
      "left join membertype t on t.MemberTypeID = m.MemberTypeID",
    ],
  },
  sourceKey: "MemberNumber",
  map: mapMember,
  normalizeKey: cleanText,
  stampColumn: "last_sync",
  follows: { column: "email", source: "source_email" },
  // Only a member who could be eligible is retired: retired and deceased
  // keep their status, which the source would otherwise lose for good.
  activeWhere: "status in ('active', 'suspended')",
  retireSet: "status = 'inactive'",
});
