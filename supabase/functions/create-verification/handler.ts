// POST /create-verification: the Discord bot asks for a link for one account.
import { serviceRoleOrBot } from "../../../shared/auth.ts";
import type { EnvSource } from "../../../shared/config.ts";
import { dbCall, getSql } from "../../../shared/db.ts";
import { schemasFor } from "../../../shared/environment.ts";
import { HttpError } from "../../../shared/errors.ts";
import { body, defineFunction, json } from "../../../shared/http.ts";
import { configSchema } from "./config.ts";
import { createVerificationBody } from "./input.ts";

interface Row {
  linked: boolean;
  verification_id: string | null;
  expires_at: Date | null;
  created: boolean | null;
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
          // expiry of a stale one) live in private.<schema>_create_verification
          // (supabase/migrations/20261125000500_create_verification.sql).
          const [row] = await dbCall(() =>
            sql<Row[]>`
              select linked, verification_id, expires_at, created
              from ${sql(`private.${discord}_create_verification`)}(
                ${input.discord_id}, ${input.discord_username},
                ${config.VERIFICATION_TTL_MINUTES})`
          );
          if (row.linked) {
            throw new HttpError(409, "already_verified", "This Discord account is already linked");
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
