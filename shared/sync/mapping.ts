// The mapping from legacy MySQL rows to Supabase rows (docs/sync.md), record
// by record. A record that breaks a rule is rejected with a reason; the caller
// counts it and goes on.
import { z } from "zod";
import type { SourceRow } from "./source.ts";

/** Trims and collapses inner runs of white space; empty becomes null. */
export function cleanText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  let text = String(value).trim();
  // Most values are clean already: only rebuild those with runs of white
  // space or white space other than a single blank.
  if (/\s\s|[^\S ]/.test(text)) text = text.replace(/\s+/g, " ");
  return text === "" ? null : text;
}

export const cleanCode = (value: unknown) => cleanText(value)?.toUpperCase() ?? null;

/** MySQL zero dates and empty values are NULL; dates stay `YYYY-MM-DD`. */
export function cleanDate(value: unknown): string | null {
  const text = cleanText(value);
  if (!text || /^0000-00-00/.test(text)) return null;
  return /^\d{4}-\d{2}-\d{2}/.test(text) ? text.slice(0, 10) : null;
}

const bool = (value: unknown) => value === 1 || value === true || value === "1";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const email = (value: unknown) => {
  const text = cleanText(value)?.toLowerCase() ?? null;
  return text && EMAIL.test(text) ? text : null;
};

export const MEMBER_STATUSES = ["active", "inactive", "retired", "deceased", "suspended"] as const;
export const POSITION_TYPES = ["facrep", "neb", "committee", "regional"] as const;

const requiredText = (what: string) => z.string({ error: `${what} is empty` });

const regionSchema = z.object({
  region_code: requiredText("RegionCode"),
  region_name: requiredText("RegionName"),
  active: z.boolean(),
});

const facilitySchema = z.object({
  facility_code: requiredText("FacilityCode"),
  facility_name: requiredText("FacilityName"),
  facility_type: z.string().nullable(),
  region_code: z.string().nullable(),
  region_name: z.string().nullable(),
  active: z.boolean(),
});

const memberSchema = z.object({
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

const positionSchema = z.object({
  source_id: z.number().int(),
  member_number: z.string({ error: "MemberNumber is empty" }),
  position_type: z.enum(POSITION_TYPES, {
    error: (i) => `unknown PositionType ${JSON.stringify(i.input)}`,
  }),
  position_title: z.string().nullable(),
  facility_code: z.string().nullable(),
  facility_name: z.string().nullable(),
  start_date: z.string().nullable(),
  end_date: z.string().nullable(),
  active: z.boolean(),
});

export type RegionRow = z.infer<typeof regionSchema>;
export type FacilityRow = z.infer<typeof facilitySchema>;
export type MemberRow = z.infer<typeof memberSchema>;
export type PositionRow = z.infer<typeof positionSchema>;

/**
 * A mapped record, or why it was rejected. `notice` reports a value the
 * mapping had to replace (an unknown member status) on a record it kept.
 */
export type Mapped<T> =
  | { ok: true; row: T; notice?: Notice }
  | { ok: false; reason: string };

export interface Notice {
  /** What was replaced, e.g. `unknown_status`. */
  kind: string;
  /** The raw source value. */
  value: string;
}

function check<T>(schema: z.ZodType<T>, candidate: unknown): Mapped<T> {
  const parsed = schema.safeParse(candidate);
  if (parsed.success) return { ok: true, row: parsed.data };
  return { ok: false, reason: parsed.error.issues.map((i) => i.message).join("; ") };
}

export const mapRegion = (r: SourceRow) =>
  check(regionSchema, {
    region_code: cleanCode(r.RegionCode),
    region_name: cleanText(r.RegionName),
    active: bool(r.Active),
  });

/** `r` carries the facility's region as RegionCode/RegionName (NULL when it points nowhere). */
export const mapFacility = (r: SourceRow) =>
  check(facilitySchema, {
    facility_code: cleanCode(r.FacilityCode),
    facility_name: cleanText(r.FacilityName),
    facility_type: cleanCode(r.FacilityType),
    region_code: cleanCode(r.RegionCode),
    region_name: cleanText(r.RegionName),
    active: bool(r.Active),
  });

/** `r` carries the member's facility, region and member type through the ids. */
export function mapMember(r: SourceRow): Mapped<MemberRow> {
  // A status the platform does not know fails closed: the member is synced
  // as inactive (not eligible) and the raw value is reported.
  const raw = cleanText(r.Status)?.toLowerCase() ?? "inactive";
  const known = (MEMBER_STATUSES as readonly string[]).includes(raw);
  const status = known ? raw : "inactive";
  const mapped = check(memberSchema, {
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

/** `today` is `YYYY-MM-DD`: a position is active while EndDate is NULL or not in the past. */
export function mapPosition(r: SourceRow, today: string): Mapped<PositionRow> {
  const end = cleanDate(r.EndDate);
  return check(positionSchema, {
    source_id: r.PositionID,
    member_number: cleanText(r.MemberNumber),
    position_type: cleanText(r.PositionType)?.toLowerCase(),
    position_title: cleanText(r.Title),
    facility_code: cleanCode(r.FacilityCode),
    facility_name: cleanText(r.FacilityName),
    start_date: cleanDate(r.StartDate),
    end_date: end,
    active: end === null || end >= today,
  });
}
