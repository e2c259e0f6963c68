// POST /create-verification: the Discord bot asks for a link for one account.
import { serviceCallerCheck } from "../../../shared/auth.ts";
import { createVerificationConfig, type EnvSource, loadConfig } from "../../../shared/config.ts";
import { dbCall, getSql } from "../../../shared/db.ts";
import { schemasFor } from "../../../shared/environment.ts";
import { HttpError } from "../../../shared/errors.ts";
import { defineFunction, json, parseInput, readJson } from "../../../shared/http.ts";
import { createVerificationBody } from "../../../shared/validation.ts";

interface Row {
  linked: boolean;
  id: string | null;
  expires_at: Date | null;
  created: boolean | null;
}

export function createVerificationHandler(env: EnvSource = Deno.env.toObject()) {
  return defineFunction({
    name: "create-verification",
    methods: ["POST"],
    config: (e) => {
      const config = loadConfig(createVerificationConfig, e);
      const keys = [config.SUPABASE_SERVICE_ROLE_KEY, config.DISCORD_BOT_API_KEY];
      return { ...config, authorize: serviceCallerCheck(keys) };
    },
    async handle(ctx) {
      const { config } = ctx;
      await config.authorize(ctx.req);
      const body = parseInput(createVerificationBody, await readJson(ctx.req));
      ctx.environment = body.environment;
      const { discord } = schemasFor(body.environment);
      const sql = getSql(config.SUPABASE_DB_URL);
      // The rules (linked account, one pending request per account, expiry
      // of a stale one) live in private.<schema>_create_verification, in
      // supabase/migrations/20261125000500_create_verification.sql.
      const [row] = await dbCall(() =>
        sql<Row[]>`
          select linked, id, expires_at, created
          from ${sql(`private.${discord}_create_verification`)}(
            ${body.discord_id}, ${body.discord_username}, ${config.VERIFICATION_TTL_MINUTES})`
      );
      if (row.linked) {
        throw new HttpError(409, "already_verified", "This Discord account is already linked");
      }
      return json(row.created ? 201 : 200, {
        verification_id: row.id,
        verification_url: verificationUrl(config.VERIFICATION_URL_BASE, row.id!),
        expires_at: row.expires_at!.toISOString(),
        status: "pending",
      });
    },
  }, env);
}

function verificationUrl(base: string, id: string): string {
  const url = new URL(base);
  url.searchParams.set("vid", id);
  return url.toString();
}
