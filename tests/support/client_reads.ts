// The reads the Member Hub and the Discord bot make through the Data API,
// written once: docs/clients.md shows each as the supabase-js call below
// renders it (tests/data_api_test.ts checks that it does), and the tests run
// each the way PostgREST executes it. A read is named by production's
// schemas; development's are the same call on `dev` / `discord_dev`.
import type { RequestSql } from "./postgrest.ts";

type Filter =
  | { op: "eq" | "gt"; column: string; param: string }
  | { op: "notNull"; column: string };

export interface ClientRead {
  title: string;
  client: "hub" | "bot";
  schema: "public" | "discord";
  table: string;
  columns: string[];
  filters: Filter[];
  order?: { column: string; ascending: boolean };
  limit?: number;
}

/** The Hub's update: a member's own email, the one column they may change. */
export interface ClientUpdate {
  title: string;
  client: "hub";
  schema: "public";
  table: string;
  set: { column: string; param: string };
  filters: Filter[];
}

const memberColumns = [
  "member_number",
  "first_name",
  "last_name",
  "email",
  "facility_code",
  "facility_name",
  "region_code",
  "region_name",
  "member_type",
  "status",
  "discord_id",
  "discord_username",
  "discord_verified",
  "verified_at",
];
/**
 * The bot's view of a member: every column it may read, which leaves out the
 * contact data (`email`, `source_email`, `auth0_user_id`, `last_auth0_sync`).
 */
const botMemberColumns = memberColumns.filter((column) => column !== "email");
const positionColumns = [
  "source_id",
  "member_number",
  "position_type",
  "position_title",
  "facility_code",
  "facility_name",
  "start_date",
  "end_date",
  "active",
];
const facilities: Omit<ClientRead, "client"> = {
  title: "Facilities",
  schema: "public",
  table: "facilities",
  columns: ["facility_code", "facility_name", "facility_type", "region_code", "active"],
  filters: [],
  order: { column: "facility_code", ascending: true },
};
const regions: Omit<ClientRead, "client"> = {
  title: "Regions",
  schema: "public",
  table: "regions",
  columns: ["region_code", "region_name", "active", "facility_count", "member_count"],
  filters: [],
  order: { column: "region_code", ascending: true },
};

export const HUB_READS = {
  ownMember: {
    title: "The signed-in member's row",
    client: "hub",
    schema: "public",
    table: "members",
    columns: memberColumns,
    filters: [{ op: "eq", column: "member_number", param: "memberNumber" }],
  },
  ownPositions: {
    title: "The member's positions",
    client: "hub",
    schema: "public",
    table: "positions",
    columns: positionColumns,
    filters: [{ op: "eq", column: "member_number", param: "memberNumber" }],
    order: { column: "source_id", ascending: true },
  },
  allPositions: {
    title: "Every position (officers with an active neb or regional position)",
    client: "hub",
    schema: "public",
    table: "positions",
    columns: positionColumns,
    filters: [{ op: "eq", column: "active", param: "true" }],
    order: { column: "source_id", ascending: true },
  },
  facilities: { ...facilities, client: "hub" },
  regions: { ...regions, client: "hub" },
  ownRequests: {
    title: "The member's verification requests",
    client: "hub",
    schema: "discord",
    table: "verification_requests",
    columns: ["verification_id", "discord_id", "discord_username", "status", "expires_at"],
    filters: [{ op: "eq", column: "member_number", param: "memberNumber" }],
    order: { column: "created_at", ascending: false },
  },
} satisfies Record<string, ClientRead>;

export const HUB_EMAIL_UPDATE: ClientUpdate = {
  title: "The member edits their email",
  client: "hub",
  schema: "public",
  table: "members",
  set: { column: "email", param: "email" },
  filters: [{ op: "eq", column: "member_number", param: "memberNumber" }],
};

export const BOT_READS = {
  linkedMembers: {
    title: "Linked members",
    client: "bot",
    schema: "public",
    table: "members",
    columns: ["member_number", "discord_id", "status", "facility_code", "region_code"],
    filters: [{ op: "notNull", column: "discord_id" }],
    order: { column: "member_number", ascending: true },
  },
  memberByDiscordId: {
    title: "The member behind a Discord account",
    client: "bot",
    schema: "public",
    table: "members",
    columns: botMemberColumns,
    filters: [{ op: "eq", column: "discord_id", param: "discordId" }],
  },
  memberPositions: {
    title: "A member's positions",
    client: "bot",
    schema: "public",
    table: "positions",
    columns: positionColumns,
    filters: [{ op: "eq", column: "member_number", param: "memberNumber" }],
    order: { column: "source_id", ascending: true },
  },
  facilities: { ...facilities, client: "bot" },
  regions: { ...regions, client: "bot" },
  requestsByDiscordId: {
    title: "A Discord account's verification requests",
    client: "bot",
    schema: "discord",
    table: "verification_requests",
    columns: ["verification_id", "status", "member_number", "expires_at"],
    filters: [{ op: "eq", column: "discord_id", param: "discordId" }],
    order: { column: "created_at", ascending: false },
  },
  ineligibleLinks: {
    title: "Links the latest validation found ineligible",
    client: "bot",
    schema: "discord",
    table: "ineligible_links",
    columns: ["member_number", "discord_id", "result", "reason", "checked_at"],
    filters: [],
    order: { column: "member_number", ascending: true },
  },
  latestValidation: {
    title: "The latest link validation",
    client: "bot",
    schema: "discord",
    table: "validation_summaries",
    columns: ["run_id", "started_at", "finished_at", "checked", "eligible", "inactive", "missing"],
    filters: [],
    order: { column: "started_at", ascending: false },
    limit: 1,
  },
  // The bot's reconciliation (docs/clients.md, "Discord roles"): the
  // guild's settings, the roles it manages, what each linked member should
  // hold, page by page (keyset on discord_id).
  guild: {
    title: "A guild's settings",
    client: "bot",
    schema: "discord",
    table: "guilds",
    columns: ["guild_id", "name", "nickname_template"],
    filters: [{ op: "eq", column: "guild_id", param: "guildId" }],
  },
  managedRoles: {
    title: "The roles the bot manages in a guild",
    client: "bot",
    schema: "discord",
    table: "managed_roles",
    columns: ["role_id"],
    filters: [{ op: "eq", column: "guild_id", param: "guildId" }],
    order: { column: "role_id", ascending: true },
  },
  memberRolesPage: {
    title: "What each linked member should hold, page by page",
    client: "bot",
    schema: "discord",
    table: "member_roles",
    columns: ["discord_id", "member_number", "role_ids", "nickname", "grace_until"],
    filters: [
      { op: "eq", column: "guild_id", param: "guildId" },
      { op: "gt", column: "discord_id", param: "afterDiscordId" },
    ],
    order: { column: "discord_id", ascending: true },
    limit: 1000,
  },
  memberRolesOf: {
    title: "What one Discord account should hold",
    client: "bot",
    schema: "discord",
    table: "member_roles",
    columns: ["guild_id", "role_ids", "nickname", "grace_until"],
    filters: [{ op: "eq", column: "discord_id", param: "discordId" }],
  },
} satisfies Record<string, ClientRead>;

/** Production's schema name, or development's twin. */
export function schemaOf(schema: string, environment: "production" | "development"): string {
  if (environment === "production") return schema;
  return schema === "public" ? "dev" : "discord_dev";
}

const quote = (value: string) => JSON.stringify(value);

function filterJs(filters: Filter[]): string {
  return filters.map((f) =>
    f.op === "notNull"
      ? `\n  .not(${quote(f.column)}, "is", null)`
      : `\n  .${f.op}(${quote(f.column)}, ${f.param})`
  ).join("");
}

/**
 * The read as supabase-js code, exactly as docs/clients.md shows it: the
 * client's default schema is the environment's shared schema (`public` or
 * `dev`), and `discordSchema` names its Discord schema.
 */
export function supabaseJs(read: ClientRead): string {
  const from = read.schema === "public"
    ? `supabase.from(${quote(read.table)})`
    : `supabase.schema(discordSchema).from(${quote(read.table)})`;
  const order = read.order
    ? `\n  .order(${quote(read.order.column)}, { ascending: ${read.order.ascending} })`
    : "";
  const limit = read.limit ? `\n  .limit(${read.limit})` : "";
  return `${from}\n  .select(${quote(read.columns.join(", "))})${
    filterJs(read.filters)
  }${order}${limit}`;
}

/** The update as supabase-js code. */
export function supabaseJsUpdate(update: ClientUpdate): string {
  return `supabase.from(${
    quote(update.table)
  })\n  .update({ ${update.set.column}: ${update.set.param} })${filterJs(update.filters)}`;
}

function where(filters: Filter[], params: Record<string, unknown>, values: unknown[]): string {
  const parts = filters.map((f) => {
    if (f.op === "notNull") return `${f.column} is not null`;
    values.push(f.param in params ? params[f.param] : JSON.parse(f.param));
    return `${f.column} ${f.op === "eq" ? "=" : ">"} $${values.length}`;
  });
  return parts.length ? ` where ${parts.join(" and ")}` : "";
}

/** Runs the read as PostgREST would for one request, in `environment`'s schemas. */
export async function runRead(
  sql: RequestSql,
  read: ClientRead,
  params: Record<string, unknown> = {},
  environment: "production" | "development" = "production",
): Promise<Record<string, unknown>[]> {
  const values: unknown[] = [];
  const order = read.order
    ? ` order by ${read.order.column} ${read.order.ascending ? "asc" : "desc"}`
    : "";
  const text = `select ${read.columns.join(", ")} from ${
    schemaOf(read.schema, environment)
  }.${read.table}${where(read.filters, params, values)}${order}${
    read.limit ? ` limit ${read.limit}` : ""
  }`;
  // deno-lint-ignore no-explicit-any
  return [...await sql.unsafe(text, values as any[])];
}

/** Runs the update as PostgREST would; returns the rows it changed. */
export async function runUpdate(
  sql: RequestSql,
  update: ClientUpdate,
  params: Record<string, unknown>,
  environment: "production" | "development" = "production",
): Promise<number> {
  const values: unknown[] = [params[update.set.param]];
  const text = `update ${
    schemaOf(update.schema, environment)
  }.${update.table} set ${update.set.column} = $1${where(update.filters, params, values)}`;
  // deno-lint-ignore no-explicit-any
  return (await sql.unsafe(text, values as any[])).count;
}
