// positions, from the legacy `position` table with its facility
// (docs/sync.md#positions-from-position). A position's member must be synced.
import { z } from "zod";
import type { Sql } from "../../db.ts";
import { check, cleanCode, cleanDate, cleanText, type Mapped, type SourceRow } from "../mapping.ts";
import type { Rejection } from "../report.ts";
import { members } from "./members.ts";
import { defineTable, type Screened } from "./table.ts";

export const POSITION_TYPES = ["facrep", "neb", "committee", "regional"] as const;

const schema = z.object({
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
export type PositionRow = z.infer<typeof schema>;

/** `today` is `YYYY-MM-DD`: a position is active while EndDate is NULL or not in the past. */
export function mapPosition(r: SourceRow, today: string): Mapped<PositionRow> {
  const end = cleanDate(r.EndDate);
  return check(schema, {
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

/** A position whose member is not among the synced members is rejected. */
async function onlySyncedMembers(
  sql: Sql,
  schema: string,
  rows: PositionRow[],
  pending: Set<string>,
): Promise<Screened<PositionRow>> {
  const numbers = [...new Set(rows.map((r) => r.member_number))].filter((n) => !pending.has(n));
  const known = new Set<string>(pending);
  if (numbers.length) {
    const found = await sql.unsafe(
      `select m.member_number from json_array_elements_text($1::text::json) as k(v)
       join "${schema}".${members.name} m on m.member_number = k.v`,
      [JSON.stringify(numbers)],
    );
    for (const r of found) known.add(r.member_number as string);
  }
  const kept: PositionRow[] = [];
  const rejected: Rejection[] = [];
  for (const r of rows) {
    if (known.has(r.member_number)) kept.push(r);
    else {
      rejected.push({
        key: String(r.source_id),
        member_number: r.member_number,
        reason: `member ${r.member_number} is not among the synced members`,
      });
    }
  }
  return { rows: kept, rejected };
}

export const positions = defineTable<PositionRow, "positions">({
  name: "positions",
  key: "source_id",
  keyType: "integer",
  columns: {
    source_id: "integer",
    member_number: "text",
    position_type: "text",
    position_title: "text",
    facility_code: "text",
    facility_name: "text",
    start_date: "date",
    end_date: "date",
    active: "boolean",
  },
  source: {
    table: "position",
    alias: "p",
    id: "PositionID",
    reads: [
      "p.PositionID",
      "p.MemberNumber",
      "p.PositionType",
      "p.Title",
      "p.StartDate",
      "p.EndDate",
      "f.FacilityCode",
      "f.FacilityName",
    ],
    joins: ["left join facility f on f.FacilityID = p.FacilityID"],
  },
  sourceKey: "PositionID",
  map: mapPosition,
  normalizeKey: (k) => (typeof k === "number" ? k : null),
  activeWhere: "active",
  retireSet: "active = false",
  // active = EndDate not in the past: an active row whose end date has passed
  // maps differently today, though its source row did not change.
  recheck: "active and end_date < $1::date",
  screen: { references: members.name, check: onlySyncedMembers },
  memberNumber: members.memberNumber,
});
