// POST /unlink-discord: a member removes their own Discord link; the bot or
// an operator removes the link of a given Discord account (the user left
// the server, a moderator's decision).
import { auth0FromConfig, serviceOrMember, serviceRoleOrBot } from "../../../shared/auth.ts";
import { invalidFields } from "../../../shared/body.ts";
import type { EnvSource } from "../../../shared/config.ts";
import { dbCall, getSql } from "../../../shared/db.ts";
import { schemasFor } from "../../../shared/environment.ts";
import { HttpError } from "../../../shared/errors.ts";
import { body, defineFunction, json } from "../../../shared/http.ts";
import { configSchema } from "./config.ts";
import { unlinkBody } from "./input.ts";

const fieldError = (field: string, message: string) => invalidFields({ [field]: message });

export function unlinkDiscordHandler(vars: EnvSource = Deno.env.toObject()) {
  return defineFunction({
    name: "unlink-discord",
    config: configSchema,
    auth: (config) => serviceOrMember(serviceRoleOrBot(config), auth0FromConfig(config)),
    cors: (config) => config.HUB_ORIGINS ?? "*",
    routes: {
      POST: {
        input: body(unlinkBody),
        async handle({ config, caller, input, environment, requestId }) {
          // A member names nothing (their own link); a service caller names the account.
          let target: { memberNumber: string | null; discordId: string | null };
          let requestedBy: string, auth0UserId: string | null;
          if (caller.kind === "member") {
            if (input.discord_id !== undefined) {
              throw fieldError("discord_id", "a member unlinks their own account; leave it out");
            }
            if (input.reason !== undefined) {
              throw fieldError("reason", "only the bot or an operator gives a reason");
            }
            target = { memberNumber: caller.memberNumber ?? null, discordId: null };
            requestedBy = auth0UserId = caller.userId;
          } else {
            if (input.discord_id === undefined) throw fieldError("discord_id", "required");
            target = { memberNumber: null, discordId: input.discord_id };
            requestedBy = caller.role === "bot" ? "bot" : "service";
            auth0UserId = null;
          }
          // A member token without a member number has no link to remove.
          if (caller.kind === "member" && !target.memberNumber) throw notLinked();
          const { discord } = schemasFor(environment);
          const sql = getSql(config, "unlink-discord");
          // The change, its audit row and the bot's member event, in one
          // transaction: private.<schema>_unlink_discord in supabase/schema.sql.
          const [row] = await dbCall(() =>
            sql<{ member_number: string; discord_id: string }[]>`
              select member_number, discord_id
              from ${sql(`private.${discord}_unlink_discord`)}(
                ${target.memberNumber}, ${target.discordId}, ${requestedBy}, ${auth0UserId},
                ${input.reason ?? null}, ${requestId})`
          );
          if (!row) throw notLinked();
          return json(200, { status: "unlinked", discord_id: row.discord_id });
        },
      },
    },
  }, vars);
}

const notLinked = () => new HttpError(404, "not_linked", "No Discord account is linked");
