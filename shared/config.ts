// Configuration: every variable the functions read, validated once per
// isolate with zod. Names and defaults are the contract's.
import { z } from "zod";

export type EnvSource = Record<string, string | undefined>;

/** A missing or malformed variable. The message names variables, never values. */
export class ConfigError extends Error {
  constructor(readonly variables: string[]) {
    super(`missing or invalid configuration: ${variables.join(", ")}`);
    this.name = "ConfigError";
  }
}

const required = z.string().trim().min(1);
const ms = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const ratio = (fallback: number) => z.coerce.number().min(0).max(1).default(fallback);

export const serviceConfig = z.object({
  SUPABASE_DB_URL: required,
  SUPABASE_SERVICE_ROLE_KEY: required,
});

export const createVerificationConfig = serviceConfig.extend({
  DISCORD_BOT_API_KEY: z.string().trim().min(1).optional(),
  VERIFICATION_URL_BASE: z.url(),
  VERIFICATION_TTL_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
});

export const completeVerificationConfig = z.object({
  SUPABASE_DB_URL: required,
  AUTH0_DOMAIN: required.regex(/^[A-Za-z0-9.-]+(:\d+)?$/, "a host name, without scheme"),
  AUTH0_AUDIENCE: required,
  AUTH0_JWKS_URL: z.url().optional(),
});

export const syncConfig = serviceConfig.extend({
  MYSQL_HOST: required,
  MYSQL_PORT: z.coerce.number().int().min(1).max(65535).default(3306),
  MYSQL_USER: required,
  MYSQL_PASS: z.string().default(""),
  MYSQL_DB: required,
  MYSQL_SSL: z.enum(["require", "verify-full", "disable"]).default("require"),
  /** PEM text of the CA that signed the server's certificate (unset: the system store). */
  MYSQL_SSL_CA: z.string().trim().startsWith("-----BEGIN CERTIFICATE-----").optional(),
  SYNC_BATCH_SIZE: z.coerce.number().int().min(1).max(50_000).default(1000),
  SYNC_RETRY_COUNT: z.coerce.number().int().min(0).max(10).default(3),
  SYNC_RETRY_DELAY: ms(1000),
  SYNC_TIMEOUT: ms(300_000),
  MAX_SYNC_AGE: ms(86_400_000),
  MIN_SUCCESS_RATE: ratio(0.95),
  SYNC_MAX_DEACTIVATE_RATIO: ratio(0.10),
  /** Source rows one invocation walks before it saves its cursor (CPU budget). */
  SYNC_ROWS_PER_INVOCATION: z.coerce.number().int().min(1).default(60_000),
});

export type ServiceConfig = z.infer<typeof serviceConfig>;
export type CreateVerificationConfig = z.infer<typeof createVerificationConfig>;
export type CompleteVerificationConfig = z.infer<typeof completeVerificationConfig>;
export type SyncConfig = z.infer<typeof syncConfig>;

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
