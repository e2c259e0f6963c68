// POST /complete-verification: a member, signed in through Auth0 on the
// Member Hub, links the Discord account of a verification request.
import { memberVerifier } from "../../../shared/auth.ts";
import { completeVerificationConfig, type EnvSource, loadConfig } from "../../../shared/config.ts";
import { dbCall, getSql, isUniqueViolation, table } from "../../../shared/db.ts";
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
  return defineFunction({
    name: "complete-verification",
    methods: ["POST"],
    config: (e) => {
      const config = loadConfig(completeVerificationConfig, e);
      const authenticate = memberVerifier({
        domain: config.AUTH0_DOMAIN,
        audience: config.AUTH0_AUDIENCE,
        jwksUrl: config.AUTH0_JWKS_URL,
      });
      return { ...config, authenticate };
    },
    async handle(ctx) {
      const member = await ctx.config.authenticate(ctx.req);
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

          // The member row (locked), its current link, and whoever holds this
          // Discord account, in one round trip.
          const [found] = member.memberNumber
            ? await tx<{ status: string; previous: string | null; holder: string | null }[]>`
                select m.status, m.discord_id as previous,
                       (select h.member_number from ${members} h
                        where h.discord_id = ${request.discord_id}) as holder
                from ${members} m where m.member_number = ${member.memberNumber}
                for update of m`
            : [];
          const reason = !member.memberNumber
            ? "no member number in the access token"
            : !found
            ? "member not found"
            : found.status !== "active"
            ? `member status is ${found.status}`
            : undefined;
          if (reason) {
            await tx`update ${requests}
                     set status = 'failed', failure_reason = ${reason},
                         member_number = ${member.memberNumber ?? null},
                         auth0_user_id = ${member.userId}
                     where id = ${request.id}`;
            return new HttpError(403, "member_not_eligible", "This member cannot be verified");
          }
          const memberNumber = member.memberNumber!;
          if (found.holder && found.holder !== memberNumber) {
            return new HttpError(
              409,
              "discord_already_linked",
              "This Discord account is linked to another member",
            );
          }

          // Request, member and audit trail change together; now() is the
          // transaction's start, so completed_at and verified_at agree.
          const [done] = await tx<{ completed_at: Date }[]>`
            with member as (
              update ${members}
              set discord_id = ${request.discord_id}, discord_username = ${request.discord_username},
                  discord_verified = true, verified_at = now(), auth0_user_id = ${member.userId}
              where member_number = ${memberNumber}
            ), audit as (
              insert into ${audit}
                (member_number, old_discord_id, new_discord_id, verification_id, auth0_user_id)
              values (${memberNumber}, ${found.previous}, ${request.discord_id},
                      ${request.id}, ${member.userId})
            )
            update ${requests}
            set status = 'completed', member_number = ${memberNumber},
                auth0_user_id = ${member.userId}, completed_at = now(), failure_reason = null
            where id = ${request.id}
            returning completed_at`;
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
