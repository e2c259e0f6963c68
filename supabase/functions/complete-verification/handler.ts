// POST /complete-verification: a member, signed in through Auth0 on the
// Member Hub, links the Discord account of a verification request.
import { memberVerifier } from "../../../shared/auth.ts";
import { completeVerificationConfig, type EnvSource, loadConfig } from "../../../shared/config.ts";
import {
  dbCall,
  getSql,
  isUniqueViolation,
  table,
  type TransactionSql,
} from "../../../shared/db.ts";
import { schemasFor } from "../../../shared/environment.ts";
import { HttpError } from "../../../shared/errors.ts";
import { defineFunction, json, parseInput, readJson } from "../../../shared/http.ts";
import { completeVerificationBody } from "../../../shared/validation.ts";

interface RequestRow {
  id: string;
  discord_id: string;
  discord_username: string;
  status: "pending" | "completed" | "expired" | "failed";
  member_number: string | null;
  expires_at: Date;
  completed_at: Date | null;
  expired_now: boolean;
}

export function completeVerificationHandler(env: EnvSource = Deno.env.toObject()) {
  let verify: ReturnType<typeof memberVerifier> | undefined;
  return defineFunction({
    name: "complete-verification",
    methods: ["POST"],
    config: (e) => {
      const config = loadConfig(completeVerificationConfig, e);
      verify = memberVerifier({
        domain: config.AUTH0_DOMAIN,
        audience: config.AUTH0_AUDIENCE,
        jwksUrl: config.AUTH0_JWKS_URL,
      });
      return config;
    },
    async handle(ctx) {
      const member = await verify!(ctx.req);
      const body = parseInput(completeVerificationBody, await readJson(ctx.req));
      ctx.environment = body.environment;
      const { shared, discord } = schemasFor(body.environment);
      const sql = getSql(ctx.config.SUPABASE_DB_URL);
      const requests = table(sql, discord, "verification_requests");
      const members = table(sql, shared, "members");
      const audit = table(sql, discord, "discord_link_audit");

      // Outcomes that change the request row (expired, failed) must commit,
      // so the transaction returns them instead of throwing.
      const outcome = await dbCall(() =>
        sql.begin(async (tx) => {
          const [request] = await tx<RequestRow[]>`
            select id, discord_id, discord_username, status, member_number, expires_at,
                   completed_at, expires_at <= now() as expired_now
            from ${requests} where id = ${body.verification_id} for update`;
          if (!request) return new HttpError(404, "not_found", "No such verification request");

          if (request.status === "completed") {
            if (request.member_number === member.memberNumber) return linked(request);
            return new HttpError(409, "already_completed", "This request was completed already");
          }
          if (request.status === "expired" || request.expired_now) {
            await tx`update ${requests} set status = 'expired' where id = ${request.id}`;
            return new HttpError(410, "expired", "This verification request has expired");
          }

          const reason = !member.memberNumber
            ? "no member number in the access token"
            : await ineligibility(tx, members, member.memberNumber);
          if (reason) {
            await tx`update ${requests}
                     set status = 'failed', failure_reason = ${reason},
                         member_number = ${member.memberNumber ?? null},
                         auth0_user_id = ${member.userId}
                     where id = ${request.id}`;
            return new HttpError(403, "member_not_eligible", "This member cannot be verified");
          }
          const memberNumber = member.memberNumber!;

          const [holder] = await tx<{ member_number: string }[]>`
            select member_number from ${members} where discord_id = ${request.discord_id}`;
          if (holder && holder.member_number !== memberNumber) {
            return new HttpError(
              409,
              "discord_already_linked",
              "This Discord account is linked to another member",
            );
          }

          const [previous] = await tx<{ discord_id: string | null }[]>`
            select discord_id from ${members} where member_number = ${memberNumber}`;
          const [done] = await tx<{ completed_at: Date }[]>`
            update ${requests}
            set status = 'completed', member_number = ${memberNumber},
                auth0_user_id = ${member.userId}, completed_at = now(), failure_reason = null
            where id = ${request.id}
            returning completed_at`;
          await tx`
            update ${members}
            set discord_id = ${request.discord_id}, discord_username = ${request.discord_username},
                discord_verified = true, verified_at = ${done.completed_at},
                auth0_user_id = ${member.userId}
            where member_number = ${memberNumber}`;
          await tx`
            insert into ${audit}
              (member_number, old_discord_id, new_discord_id, verification_id, auth0_user_id)
            values (${memberNumber}, ${previous.discord_id}, ${request.discord_id},
                    ${request.id}, ${member.userId})`;
          return linked({ ...request, member_number: memberNumber, ...done });
        })
      ).catch((err) => {
        // Another member won a race for the same Discord account.
        if (isUniqueViolation(err, "members_discord_id_key")) {
          return new HttpError(
            409,
            "discord_already_linked",
            "This Discord account is linked to another member",
          );
        }
        throw err;
      });
      if (outcome instanceof HttpError) throw outcome;
      return json(200, outcome);
    },
  }, env);
}

/** Why the member cannot be linked, or undefined when they can. */
async function ineligibility(
  tx: TransactionSql,
  members: ReturnType<typeof table>,
  memberNumber: string,
): Promise<string | undefined> {
  const [row] = await tx<{ status: string }[]>`
    select status from ${members} where member_number = ${memberNumber} for update`;
  if (!row) return "member not found";
  if (row.status !== "active") return `member status is ${row.status}`;
}

function linked(
  request: Pick<RequestRow, "id" | "discord_id" | "discord_username"> & {
    member_number: string | null;
    completed_at: Date | null;
  },
) {
  return {
    status: "completed",
    verification_id: request.id,
    member_number: request.member_number,
    discord_id: request.discord_id,
    discord_username: request.discord_username,
    verified_at: request.completed_at?.toISOString() ?? null,
  };
}
