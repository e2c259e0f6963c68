// members, from the legacy `member` table with its facility, region and
// member type (docs/sync.md#members-from-member).
import { z } from "zod";
import {
  check,
  cleanCode,
  cleanText,
  email,
  type Mapped,
  requiredText,
  type SourceRow,
} from "../mapping.ts";
import { defineTable, fromColumns, textColumn } from "./table.ts";

export const MEMBER_STATUSES = ["active", "inactive", "retired", "deceased", "suspended"] as const;

/** The source's status as the mapping reads it: NULL or empty is inactive. */
const statusText = (value: unknown) => cleanText(value)?.toLowerCase() ?? "inactive";
const isKnown = (status: string) => (MEMBER_STATUSES as readonly string[]).includes(status);

// In the order of the row's hash (see fromColumns).
const COLUMNS = fromColumns({
  member_number: {
    read: "m.MemberNumber",
    type: "text",
    clean: cleanText,
    rule: z.string({ error: "MemberNumber is empty" })
      .regex(/^[A-Za-z0-9-]{1,20}$/, "MemberNumber is not [A-Za-z0-9-]{1,20}"),
  },
  first_name: {
    read: "m.FirstName",
    type: "text",
    clean: cleanText,
    rule: requiredText("FirstName"),
  },
  last_name: { read: "m.LastName", type: "text", clean: cleanText, rule: requiredText("LastName") },
  /** The source's email; members.email follows it unless the member edited theirs. */
  source_email: textColumn("m.Email", email),
  member_type_id: {
    read: "m.MemberTypeID",
    type: "integer",
    clean: (value) => value ?? null,
    rule: z.number().int().nullable(),
  },
  // A status the platform does not know fails closed: the member is synced
  // as inactive (not eligible) and the raw value is reported.
  status: {
    read: "m.Status",
    type: "text",
    clean: (value) => isKnown(statusText(value)) ? statusText(value) : "inactive",
    rule: z.enum(MEMBER_STATUSES),
  },
  facility_code: textColumn("f.FacilityCode", cleanCode),
  facility_name: textColumn("f.FacilityName"),
  region_code: textColumn("r.RegionCode", cleanCode),
  region_name: textColumn("r.RegionName"),
  member_type: textColumn("t.Description as MemberTypeDescription"),
});
export type MemberRow = z.infer<typeof COLUMNS.schema>;

/** `r` carries the member's facility, region and member type through the ids. */
export function mapMember(r: SourceRow): Mapped<MemberRow> {
  const mapped = check(COLUMNS.schema, COLUMNS.cleaned(r));
  if (mapped.ok && !isKnown(statusText(r.Status))) {
    mapped.notice = { kind: "unknown_status", value: String(cleanText(r.Status)) };
  }
  return mapped;
}

const memberNumber = (r: SourceRow) => cleanText(r.MemberNumber) ?? undefined;

export const members = defineTable<MemberRow, "members">({
  name: "members",
  key: "member_number",
  keyType: "text",
  columns: COLUMNS.columns,
  source: {
    table: "member",
    alias: "m",
    id: "MemberID",
    reads: COLUMNS.reads,
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
  memberNumber,
  validatesLinks: true,
});
