// An environment's Discord role policy as one reviewable file: every guild
// with its nickname template and its rules (docs/operations.md, "Discord
// role policy"). Writing it replaces the environment's guilds and rules in
// one transaction, with one refresh of every linked member at the end, so
// the feed gets one roles_changed event per member and guild that changed,
// not one per statement.
import { z } from "zod";
import type { Sql, TransactionSql } from "../shared/db.ts";
import { type Environment, schemasFor } from "../shared/environment.ts";

const snowflake = z.string().regex(/^[1-9][0-9]{16,19}$/, "a Discord snowflake (17-20 digits)")
  .refine(
    (s) => !/^[0-9]+$/.test(s) || BigInt(s) <= 18446744073709551615n,
    "at most 18446744073709551615",
  );
/** A condition list: null (or absent) for any value; never empty. */
const list = <T extends z.ZodType>(item: T) => z.array(item).min(1).nullable().default(null);

const ruleSchema = z.object({
  role_id: snowflake,
  description: z.string().max(200).default(""),
  member_statuses: list(z.string().min(1)).default(["active"]),
  position_types: list(z.string().min(1)),
  facility_codes: list(z.string().min(1)),
  region_codes: list(z.string().min(1)),
  member_type_ids: list(z.number().int()),
  grace_days: z.number().int().min(0).max(90).default(0),
  active: z.boolean().default(true),
}).strict();

const guildSchema = z.object({
  guild_id: snowflake,
  name: z.string().min(1).max(100),
  nickname_template: z.string().min(1).max(200).nullable().default(null),
  rules: z.array(ruleSchema).default([]),
}).strict();

export const policySchema = z.object({
  guilds: z.array(guildSchema),
}).strict().superRefine((p, ctx) => {
  const seen = new Set<string>();
  for (const g of p.guilds) {
    if (seen.has(g.guild_id)) {
      ctx.addIssue({ code: "custom", message: `guild ${g.guild_id} is listed twice` });
    }
    seen.add(g.guild_id);
  }
});
export type Policy = z.infer<typeof policySchema>;

/** The policy file at `path`, checked; throws with every problem named. */
export async function readPolicy(path: string): Promise<Policy> {
  const parsed = policySchema.safeParse(JSON.parse(await Deno.readTextFile(path)));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "file"}: ${i.message}`);
    throw new Error(`${path} is not a valid role policy:\n  ${problems.join("\n  ")}`);
  }
  return parsed.data;
}

export interface RoleChange {
  guild_id: string;
  role_id: string;
  gained: number;
  lost: number;
}
export interface PolicyOutcome {
  events: number;
  nicknames: number;
  roles: RoleChange[];
}

/** Replaces the environment's guilds and rules with `policy` in `tx`. */
async function writePolicy(tx: TransactionSql, environment: Environment, policy: Policy) {
  const { discord } = schemasFor(environment);
  const guilds = tx(`${discord}.guilds`);
  const rules = tx(`${discord}.role_rules`);
  // One refresh at the end instead of one per statement.
  await tx`select set_config('mynatca.roles_refresh', 'deferred', true)`;
  const ids = policy.guilds.map((g) => g.guild_id);
  await tx`delete from ${guilds} where guild_id <> all(${ids}::text[])`;
  await tx`delete from ${rules}`;
  for (const g of policy.guilds) {
    await tx`insert into ${guilds} (guild_id, name, nickname_template)
             values (${g.guild_id}, ${g.name}, ${g.nickname_template})
             on conflict (guild_id) do update
             set name = excluded.name, nickname_template = excluded.nickname_template`;
  }
  const rows = policy.guilds.flatMap((g) => g.rules.map((r) => ({ guild_id: g.guild_id, ...r })));
  if (rows.length > 0) {
    await tx`insert into ${rules} (guild_id, role_id, description, member_statuses, position_types,
               facility_codes, region_codes, member_type_ids, grace_days, active)
             select * from jsonb_to_recordset(${tx.json(rows)}) as r(guild_id text, role_id text,
               description text, member_statuses text[], position_types text[],
               facility_codes text[], region_codes text[], member_type_ids integer[],
               grace_days integer, active boolean)`;
  }
  await tx`select set_config('mynatca.roles_refresh', '', true)`;
  await tx.unsafe(`select private."${discord}_roles_refresh_all"('rule', 'role-rules')`);
}

/** What the transaction's roles_changed events say, role by role. */
async function outcome(tx: TransactionSql, environment: Environment): Promise<PolicyOutcome> {
  const { discord } = schemasFor(environment);
  const mine = tx`e.id >= (pg_current_xact_id()::text::bigint << 16)
                  and e.kind = 'roles_changed' and e.source = 'role-rules'`;
  const events = tx(`${discord}.member_events`);
  const [{ n, nicknames }] = await tx`
    select count(*)::int as n, count(*) filter (where e.details ? 'nickname')::int as nicknames
    from ${events} e where ${mine}`;
  const roles = await tx<RoleChange[]>`
    select c.guild_id, c.role_id, count(*) filter (where c.what = 'added')::int as gained,
           count(*) filter (where c.what = 'removed')::int as lost
    from (select e.details ->> 'guild_id' as guild_id, w.what, r.role_id
          from ${events} e
          cross join lateral (values ('added'), ('removed')) w(what)
          cross join lateral jsonb_array_elements_text(e.details -> w.what) r(role_id)
          where ${mine}) c
    group by 1, 2 order by 1, 2::numeric`;
  return { events: n, nicknames, roles: [...roles] };
}

/** Writes `policy` and reports what changed; `dryRun` rolls it all back. */
export async function applyPolicy(
  sql: Sql,
  environment: Environment,
  policy: Policy,
  dryRun: boolean,
): Promise<PolicyOutcome> {
  let result: PolicyOutcome | undefined;
  const rollback = new Error("preview");
  try {
    await sql.begin(async (tx) => {
      await writePolicy(tx, environment, policy);
      result = await outcome(tx, environment);
      if (dryRun) throw rollback;
    });
  } catch (e) {
    if (e !== rollback) throw e;
  }
  return result!;
}

/** The environment's current policy, in the file's shape. */
export async function currentPolicy(sql: Sql, environment: Environment): Promise<Policy> {
  const { discord } = schemasFor(environment);
  const guilds = await sql`select guild_id, name, nickname_template from ${sql(`${discord}.guilds`)}
                           order by guild_id::numeric`;
  const rules = await sql`select guild_id, role_id, description, member_statuses, position_types,
                            facility_codes, region_codes, member_type_ids, grace_days, active
                          from ${sql(`${discord}.role_rules`)} order by id`;
  return policySchema.parse({
    guilds: guilds.map((g) => ({
      ...g,
      rules: rules.filter((r) => r.guild_id === g.guild_id).map(({ guild_id: _, ...r }) => r),
    })),
  });
}
