// A reference model of the Discord role policy, written from its
// definition (docs/database.md, "Discord roles") and independent of the SQL
// that implements it: given the member data after each change and what
// caused the change, it says which roles each linked member should hold and
// which grace periods are in force. tests/roles_property_test.ts compares the
// database with it, and the feed with the database.

export interface Rule {
  guild_id: string;
  role_id: string;
  member_statuses: string[] | null;
  position_types: string[] | null;
  facility_codes: string[] | null;
  region_codes: string[] | null;
  member_type_ids: number[] | null;
  grace_days: number;
  active: boolean;
}

export interface MemberData {
  member_number: string;
  discord_id: string | null;
  status: string;
  member_type_id: number | null;
  facility_code: string | null;
  region_code: string | null;
  /** Active positions, with their facility's region. */
  positions: { type: string; facility: string | null; region: string | null }[];
}

export type Cause = "sync" | "link" | "unlink" | "rule" | "grace_ended";

const anyOf = <T>(list: T[] | null, value: T | null) =>
  list === null || (value !== null && list.includes(value));

/** Whether every condition but the status holds, and whether the status does. */
export function evaluate(rule: Rule, m: MemberData) {
  const others = anyOf(rule.member_type_ids, m.member_type_id) &&
    (rule.position_types === null
      ? anyOf(rule.facility_codes, m.facility_code) && anyOf(rule.region_codes, m.region_code)
      : m.positions.some((p) =>
        rule.position_types!.includes(p.type) && anyOf(rule.facility_codes, p.facility) &&
        anyOf(rule.region_codes, p.region)
      ));
  return { others, status: anyOf(rule.member_statuses, m.status) };
}

const key = (...parts: string[]) => parts.join("|");

export class RoleModel {
  /** member|guild|role -> the account the grace period was given for. */
  grace = new Map<string, string>();
  /** member|guild -> { discord_id, roles } as the model last said. */
  held = new Map<string, { discord_id: string; roles: Set<string> }>();

  /**
   * The model after a change: `members` is every member's data now, `rules`
   * every rule, `ended` the grace periods that just ran out.
   */
  step(cause: Cause, members: MemberData[], rules: Rule[], ended = new Set<string>()) {
    const active = rules.filter((r) => r.active);
    const guilds = [...new Set(active.map((r) => r.guild_id))];
    const next = new Map<string, { discord_id: string; roles: Set<string> }>();
    const grace = new Map<string, string>();
    for (const m of members) {
      if (m.discord_id === null) continue;
      for (const g of guilds) {
        const full = new Set<string>();
        const lapsing = new Set<string>();
        for (const r of active.filter((r) => r.guild_id === g)) {
          const e = evaluate(r, m);
          if (e.others && e.status) full.add(r.role_id);
          else if (e.others && r.grace_days > 0) lapsing.add(r.role_id);
        }
        const before = this.held.get(key(m.member_number, g));
        const heldBefore = (role: string) =>
          before !== undefined && before.discord_id === m.discord_id && before.roles.has(role);
        const roles = new Set(full);
        for (const role of lapsing) {
          if (full.has(role)) continue;
          const k = key(m.member_number, g, role);
          const kept = this.grace.get(k) === m.discord_id && !ended.has(k);
          if (kept || (cause === "sync" && heldBefore(role) && !ended.has(k))) {
            grace.set(k, m.discord_id);
            roles.add(role);
          }
        }
        next.set(key(m.member_number, g), { discord_id: m.discord_id, roles });
      }
    }
    this.held = next;
    this.grace = grace;
  }
}
