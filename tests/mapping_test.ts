// Unit tests of the sync's mapping rules (no database needed).
import { assertEquals } from "./assert.ts";
import { cleanCode, cleanDate, cleanText } from "../shared/sync/mapping.ts";
import { mapMember } from "../shared/sync/tables/members.ts";
import { mapPosition } from "../shared/sync/tables/positions.ts";

Deno.test("cleanText trims and collapses every kind of white space", () => {
  const cases: [unknown, string | null][] = [
    ["  a  b ", "a b"],
    ["a\tb", "a b"],
    ["a\u00a0b", "a b"],
    [" x\n\ny ", "x y"],
    ["a b", "a b"],
    ["Zoë  Nguyễn", "Zoë Nguyễn"],
    ["", null],
    ["   ", null],
    [null, null],
    [undefined, null],
    [12, "12"],
  ];
  for (const [input, expected] of cases) {
    assertEquals(cleanText(input), expected, JSON.stringify(input));
  }
});

Deno.test("codes are upper-cased, zero dates are NULL", () => {
  assertEquals(cleanCode(" zbw "), "ZBW");
  assertEquals(cleanCode(""), null);
  assertEquals(cleanDate("0000-00-00"), null);
  assertEquals(cleanDate("2024-02-29"), "2024-02-29");
  assertEquals(cleanDate("not a date"), null);
});

Deno.test("member status: NULL, empty or unknown is inactive; unknown is reported", () => {
  const base = { MemberNumber: "1", FirstName: "A", LastName: "B" };
  const status = (s: unknown) => {
    const m = mapMember({ ...base, Status: s });
    return m.ok ? m.row.status : `rejected: ${m.reason}`;
  };
  assertEquals(status(" ACTIVE "), "active");
  assertEquals(status(null), "inactive");
  assertEquals(status(""), "inactive");
  assertEquals(status("Suspended"), "suspended");
  assertEquals(status("On Leave"), "inactive");
  const terminated = mapMember({ ...base, Status: " Terminated " });
  assertEquals(terminated.ok && terminated.notice, { kind: "unknown_status", value: "Terminated" });
  const active = mapMember({ ...base, Status: "Active" });
  assertEquals(active.ok && active.notice, undefined);
});

Deno.test("member emails are lower-cased or NULL", () => {
  const email = (e: unknown) => {
    const m = mapMember({ MemberNumber: "1", FirstName: "A", LastName: "B", Email: e });
    return m.ok ? m.row.source_email : "rejected";
  };
  assertEquals(email(" Ada@Example.ORG "), "ada@example.org");
  assertEquals(email(""), null);
  assertEquals(email("not-an-email"), null);
  assertEquals(email("a@b"), null);
});

Deno.test("positions are active while EndDate is NULL or not past", () => {
  const active = (end: unknown) => {
    const p = mapPosition(
      { PositionID: 1, MemberNumber: "1", PositionType: "NEB", EndDate: end },
      "2026-11-25",
    );
    return p.ok ? p.row.active : "rejected";
  };
  assertEquals(active(null), true);
  assertEquals(active("0000-00-00"), true);
  assertEquals(active("2026-11-25"), true);
  assertEquals(active("2026-11-24"), false);
  const steward = mapPosition(
    { PositionID: 2, MemberNumber: "1", PositionType: "Steward" },
    "2026-11-25",
  );
  assertEquals(steward.ok, false);
});
