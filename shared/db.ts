// Postgres through postgres.js: pools (db_pool.ts) safe for Supabase's
// transaction pooler (no prepared statements), and the mapping of driver
// faults to the API's error codes (docs/api.md).
import type postgres from "postgres";
import { replacePools, type Sql } from "./db_pool.ts";
import { HttpError, unavailable } from "./errors.ts";
import { withRetry } from "./retry.ts";

export type { Sql } from "./db_pool.ts";
export { closePools, getSql } from "./db_pool.ts";
export type TransactionSql = postgres.TransactionSql;

const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  // withRetry's own timeout: a query on a dead connection that never settled.
  "ATTEMPT_TIMEOUT",
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

/** A request's database call is abandoned (and retried) after this long. */
const REQUEST_ATTEMPT_TIMEOUT_MS = 15_000;

/**
 * Runs `fn`, retrying transient faults a few times; a database that stays
 * unreachable becomes 503 `unavailable`.
 */
export async function dbCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await withRetry(fn, {
      retries: 3,
      baseDelayMs: 100,
      attemptTimeoutMs: REQUEST_ATTEMPT_TIMEOUT_MS,
      isTransient: isTransientDbError,
      onRetry: (err) => isConnectionError(err) && replacePools(),
    });
  } catch (err) {
    if (err instanceof HttpError) throw err;
    if (isTransientDbError(err)) throw unavailable("The database");
    throw err;
  }
}

/** `schema.table` as a quoted identifier; names come from environment.ts only. */
export const table = (sql: Sql | TransactionSql, schema: string, name: string) =>
  sql(`${schema}.${name}`);
