// Configuration: what several functions read, and how a function's own
// schema (supabase/functions/<name>/config.ts) is validated once per isolate
// with zod. Names and defaults are documented in docs/operations.md.
import { z } from "zod";
import { LOG_LEVELS } from "./log.ts";

export type EnvSource = Record<string, string | undefined>;

/** A missing or malformed variable. The message names variables, never values. */
export class ConfigError extends Error {
  constructor(readonly variables: string[]) {
    super(`missing or invalid configuration: ${variables.join(", ")}`);
    this.name = "ConfigError";
  }
}

export const required = z.string().trim().min(1);

/** What every function reads: its database and how much it logs. */
export const baseConfig = z.object({
  SUPABASE_DB_URL: required,
  /** Postgres connections per function isolate. */
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  /** Lines below this level are not written; `silent` writes none (tests). */
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
});

/**
 * Supabase's secret keys as it sets them for deployed functions: a JSON
 * object of key name to key (`sb_secret_…`). Any of them is an operator's key.
 */
const secretKeys = z.string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "not JSON" });
      return z.NEVER;
    }
  })
  .pipe(z.record(z.string(), z.string().trim().min(1)))
  .transform((keys) => Object.values(keys))
  .default([]);

/**
 * Operators' keys: the legacy service role key while it exists, and the
 * project's secret keys. Either alone is enough; neither is misconfigured.
 */
export const serviceConfig = baseConfig.extend({
  SUPABASE_SERVICE_ROLE_KEY: required.optional(),
  SUPABASE_SECRET_KEYS: secretKeys,
}).superRefine((config, ctx) => {
  if (config.SUPABASE_SERVICE_ROLE_KEY || config.SUPABASE_SECRET_KEYS.length > 0) return;
  for (const name of ["SUPABASE_SERVICE_ROLE_KEY", "SUPABASE_SECRET_KEYS"]) {
    ctx.addIssue({ code: "custom", path: [name], message: "an operator key is required" });
  }
});

/**
 * A caller's keys: a comma-separated list, so a new key can be rolled out
 * before the old one is removed. Short keys are refused: a guessable bot key
 * would let anyone create requests or unlink members, a guessable scheduler
 * key anyone start syncs.
 */
const keyList = z.string()
  .transform((list) => list.split(",").map((key) => key.trim()).filter((key) => key !== ""))
  .refine((keys) => keys.every((key) => key.length >= 32), "every key at least 32 characters")
  .default([]);

/** The Discord bot's keys, one list per environment (unset: only the service role key). */
export const botConfig = {
  DISCORD_BOT_API_KEY: keyList,
  DISCORD_BOT_API_KEY_DEVELOPMENT: keyList,
};

/**
 * The functions pg_cron calls (sync, cleanup): operators with the service role
 * key, and the jobs with the scheduler's key (unset: the jobs' calls are refused).
 */
export const scheduledConfig = serviceConfig.extend({ SCHEDULER_API_KEY: keyList });

/** Cleanup: how long the bot's member events are kept. */
const loopback = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** Member tokens: Auth0's issuer, audience and key set (https, but for a local key set). */
export const auth0Config = {
  AUTH0_DOMAIN: required.regex(/^[A-Za-z0-9.-]+(:\d+)?$/, "a host name, without scheme"),
  AUTH0_AUDIENCE: required,
  AUTH0_JWKS_URL: z.url().refine(
    (url) => new URL(url).protocol === "https:" || loopback.has(new URL(url).hostname),
    "must be https unless it is a loopback address",
  ).optional(),
};

/** Origins the Member Hub is served from, for CORS; unset allows any (local use). */
export const hubConfig = {
  HUB_ORIGINS: z.string()
    .transform((list) => list.split(",").map((o) => o.trim()).filter((o) => o !== ""))
    .pipe(z.array(z.url()))
    .optional(),
};

export type DatabaseConfig = Pick<z.infer<typeof baseConfig>, "SUPABASE_DB_URL" | "DB_POOL_SIZE">;

/** Parse `env` with `schema`; empty strings count as unset. */
export function loadConfig<S extends z.ZodType>(schema: S, env: EnvSource): z.infer<S> {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ""),
  );
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const names = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0])))];
    throw new ConfigError(names.sort());
  }
  return parsed.data;
}
