// complete-verification: a member, signed in through Auth0 on the Member
// Hub, previews a verification request (GET) and links its Discord account
// to their member record (POST).
import { auth0FromConfig, type Member } from "../../../shared/auth.ts";
import type { EnvSource } from "../../../shared/config.ts";
import { dbCall, getSql, isUniqueViolation, type Sql } from "../../../shared/db.ts";
import { type Environment, schemasFor } from "../../../shared/environment.ts";
import { HttpError, rateLimited } from "../../../shared/errors.ts";
import { body, defineFunction, json, query } from "../../../shared/http.ts";
import { configSchema } from "./config.ts";
import { completeVerificationBody, previewQuery } from "./input.ts";

interface Outcome {
  outcome:
    | "completed"
    | "not_found"
    | "already_completed"
    | "request_failed"
    | "expired"
    | "not_eligible"
    | "discord_already_linked"
    | "would_replace_link"
    | "rate_limited";
  discord_id: string | null;
  discord_username: string | null;
  member_number: string | null;
  completed_at: Date | null;
  retry_after_s: number | null;
}

const discordAlreadyLinked = () =>
  new HttpError(409, "discord_already_linked", "This Discord account is linked to another member");

const REFUSALS: Record<Exclude<Outcome["outcome"], "completed">, (o: Outcome) => HttpError> = {
  not_found: () => notFound(),
  already_completed: () =>
    new HttpError(409, "already_completed", "This request was completed already"),
  request_failed: () =>
    new HttpError(
      409,
      "request_failed",
      "This verification request failed earlier and cannot be used again; ask for a new link in Discord",
    ),
  expired: () => new HttpError(410, "expired", "This verification request has expired"),
  not_eligible: () => new HttpError(403, "member_not_eligible", "This member cannot be verified"),
  discord_already_linked: discordAlreadyLinked,
  would_replace_link: (o) =>
    new HttpError(
      409,
      "would_replace_link",
      "You are linked to another Discord account; confirm with replace_existing_link to replace it",
      { current_discord_username: o.discord_username },
    ),
  rate_limited: (o) =>
    rateLimited("Too many failed attempts; try again later", o.retry_after_s ?? 1),
};

const notFound = () => new HttpError(404, "not_found", "No such verification request");

export function completeVerificationHandler(vars: EnvSource = Deno.env.toObject()) {
  return defineFunction({
    name: "complete-verification",
    config: configSchema,
    auth: auth0FromConfig,
    cors: (config) => config.HUB_ORIGINS ?? "*",
    routes: {
      GET: {
        input: query(previewQuery),
        async handle({ config, caller: member, input, environment }) {
          const preview = await dbCall(() =>
            previewRequest(
              getSql(config, "complete-verification"),
              environment,
              input.verification_id,
              member,
            )
          );
          if (!preview) throw notFound();
          return json(200, preview);
        },
      },
      POST: {
        input: body(completeVerificationBody),
        async handle({ config, caller: member, input, environment, requestId }) {
          const { discord } = schemasFor(environment);
          const sql = getSql(config, "complete-verification");
          // The checks, the failed-attempt limit and the link (request,
          // member and audit row, in one transaction with the request row
          // locked) live in private.<schema>_complete_verification
          // (as it stands: supabase/schema.sql), with
          // the bot's member events.
          const [result] = await dbCall(() =>
            sql<Outcome[]>`
              select outcome, discord_id, discord_username, member_number, completed_at,
                     retry_after_s
              from ${sql(`private.${discord}_complete_verification`)}(
                ${input.verification_id}, ${member.memberNumber ?? null}, ${member.userId},
                ${input.replace_existing_link}, ${requestId},
                ${config.VERIFICATION_MAX_FAILED_ATTEMPTS})`
          ).catch((err) => {
            // Another member won a race for the same Discord account.
            if (isUniqueViolation(err, "members_discord_id_key")) throw discordAlreadyLinked();
            throw err;
          });
          if (result.outcome !== "completed") throw REFUSALS[result.outcome](result);
          return json(200, {
            status: "completed",
            verification_id: input.verification_id,
            member_number: result.member_number,
            discord_id: result.discord_id,
            discord_username: result.discord_username,
            verified_at: result.completed_at?.toISOString() ?? null,
          });
        },
      },
    },
  }, vars);
}

interface Preview {
  verification_id: string;
  status: string;
  discord_id: string;
  discord_username: string;
  expires_at: string;
  current_link: { discord_id: string; discord_username: string | null } | null;
}

/**
 * What the Member Hub shows before the member confirms: who asked for the
 * link, and what the member's link is now. Reads only.
 */
async function previewRequest(
  sql: Sql,
  environment: Environment,
  verificationId: string,
  member: Member,
): Promise<Preview | undefined> {
  const { shared, discord } = schemasFor(environment);
  // A pending request past its expiry is shown as expired (nothing is
  // written here; cleanup or a completion attempt marks it).
  const [row] = await sql`
    select v.verification_id, v.discord_id, v.discord_username, v.expires_at,
           case when v.status = 'pending' and v.expires_at <= now() then 'expired'
                else v.status end as status,
           m.discord_id as current_discord_id, m.discord_username as current_discord_username
    from ${sql(discord)}.verification_requests v
    left join ${sql(shared)}.members m
      on m.member_number = ${member.memberNumber ?? null} and m.discord_id is not null
    where v.verification_id = ${verificationId}`;
  if (!row) return undefined;
  return {
    verification_id: row.verification_id,
    status: row.status,
    discord_id: row.discord_id,
    discord_username: row.discord_username,
    expires_at: (row.expires_at as Date).toISOString(),
    current_link: row.current_discord_id
      ? { discord_id: row.current_discord_id, discord_username: row.current_discord_username }
      : null,
  };
}
