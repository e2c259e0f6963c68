// POST /create-verification: the Discord bot asks for a link for one account.
import { serviceRoleOrBot } from "../../../shared/auth.ts";
import type { EnvSource } from "../../../shared/config.ts";
import { dbCall, getSql } from "../../../shared/db.ts";
import { schemasFor } from "../../../shared/environment.ts";
import { HttpError, rateLimited } from "../../../shared/errors.ts";
import { body, defineFunction, json } from "../../../shared/http.ts";
import { configSchema } from "./config.ts";
import { createVerificationBody } from "./input.ts";

interface Row {
  linked: boolean;
  verification_id: string | null;
  expires_at: Date | null;
  created: boolean | null;
  retry_after_s: number | null;
}

export function createVerificationHandler(vars: EnvSource = Deno.env.toObject()) {
  return defineFunction({
    name: "create-verification",
    config: configSchema,
    auth: serviceRoleOrBot,
    routes: {
      POST: {
        input: body(createVerificationBody),
        async handle({ config, input, environment }) {
          const { discord } = schemasFor(environment);
          const sql = getSql(config, "create-verification");
          // The rules (linked account, one pending request per account,
          // expiry of a stale one, new requests per hour) live in
          // private.<schema>_create_verification
          // (as it stands: supabase/schema.sql).
          const [row] = await dbCall(() =>
            sql<Row[]>`
              select linked, verification_id, expires_at, created, retry_after_s
              from ${sql(`private.${discord}_create_verification`)}(
                ${input.discord_id}, ${input.discord_username},
                ${config.VERIFICATION_TTL_MINUTES}, ${config.VERIFICATION_MAX_PER_HOUR})`
          );
          if (row.linked) {
            throw new HttpError(409, "already_verified", "This Discord account is already linked");
          }
          if (row.retry_after_s !== null) {
            throw rateLimited(
              "This Discord account asked for too many verification links; try again later",
              row.retry_after_s,
            );
          }
          return json(row.created ? 201 : 200, {
            verification_id: row.verification_id,
            verification_url: verificationUrl(config.VERIFICATION_URL_BASE, row.verification_id!),
            expires_at: row.expires_at!.toISOString(),
            status: "pending",
          });
        },
      },
    },
  }, vars);
}

function verificationUrl(base: string, id: string): string {
  const url = new URL(base);
  url.searchParams.set("vid", id);
  return url.toString();
}
