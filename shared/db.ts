// Postgres through postgres.js: one small pool per isolate and URL, safe for
// Supabase's transaction pooler (no prepared statements), and the mapping of
// driver faults to the API's error codes (docs/api.md).
import postgres from "postgres";
import type { DatabaseConfig } from "./config.ts";
import { HttpError, unavailable } from "./errors.ts";
import { withRetry } from "./retry.ts";

export type Sql = postgres.Sql;
export type TransactionSql = postgres.TransactionSql;

const pools = new Map<string, Sql>();

export function getSql(config: DatabaseConfig): Sql {
  const url = config.SUPABASE_DB_URL;
  let sql = pools.get(url);
  if (!sql) {
    sql = postgres(url, {
      prepare: false,
      max: config.DB_POOL_SIZE,
      idle_timeout: 20,
      connect_timeout: 10,
      onnotice: () => {},
      connection: { application_name: "mynatca-functions" },
    });
    pools.set(url, sql);
  }
  return sql;
}

export async function closePools(): Promise<void> {
  await Promise.all([...pools.values()].map((sql) => sql.end({ timeout: 5 })));
  pools.clear();
}

const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
]);

/** The connection is gone or the server is going away: a retry may succeed. */
export function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: string })?.code ?? "";
  return CONNECTION_CODES.has(code) || code.startsWith("08") || code === "57P01" ||
    code === "57P02" || code === "57P03" || code === "53300";
}

/** Serialization failure or deadlock: the transaction may simply be run again. */
export const isConflictError = (err: unknown) =>
  ["40001", "40P01"].includes((err as { code?: string })?.code ?? "");

export const isUniqueViolation = (err: unknown, constraint?: string) => {
  const e = err as { code?: string; constraint_name?: string };
  return e?.code === "23505" && (!constraint || e.constraint_name === constraint);
};

export const isTransientDbError = (err: unknown) => isConnectionError(err) || isConflictError(err);

/**
 * Runs `fn`, retrying transient faults a few times; a database that stays
 * unreachable becomes 503 `unavailable`.
 */
export async function dbCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await withRetry(fn, { retries: 3, baseDelayMs: 100, isTransient: isTransientDbError });
  } catch (err) {
    if (err instanceof HttpError) throw err;
    if (isTransientDbError(err)) throw unavailable("The database");
    throw err;
  }
}

/** `schema.table` as a quoted identifier; names come from environment.ts only. */
export const table = (sql: Sql | TransactionSql, schema: string, name: string) =>
  sql(`${schema}.${name}`);
