// Postgres through postgres.js: pools (db_pool.ts) safe for Supabase's
// transaction pooler (no prepared statements), and the mapping of driver
// faults to the API's error codes (docs/api.md).
import type postgres from "postgres";
import { isTimeoutError, isTransientDbError } from "./db_errors.ts";
import { replacePoolsAfter, type Sql } from "./db_pool.ts";
import { HttpError, unavailable } from "./errors.ts";
import { withRetry } from "./retry.ts";

export type { Sql } from "./db_pool.ts";
export { closePools, getSql } from "./db_pool.ts";
export {
  isConflictError,
  isConnectionError,
  isTimeoutError,
  isTransientDbError,
  isUniqueViolation,
} from "./db_errors.ts";
export type TransactionSql = postgres.TransactionSql;

/**
 * A request's database call is abandoned (and retried) after this long: a
 * query left on a dead connection would otherwise wait for the Edge
 * runtime's wall-clock limit. Generous, because an abandoned statement may
 * still finish on the server.
 */
const REQUEST_ATTEMPT_TIMEOUT_MS = 45_000;

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
      onRetry: replacePoolsAfter,
    });
  } catch (err) {
    if (err instanceof HttpError) throw err;
    if (isTransientDbError(err) || isTimeoutError(err)) throw unavailable("The database");
    throw err;
  }
}

/** `schema.table` as a quoted identifier; names come from environment.ts only. */
export const table = (sql: Sql | TransactionSql, schema: string, name: string) =>
  sql(`${schema}.${name}`);
