// The sync's retry policy (SYNC_RETRY_COUNT attempts, exponential backoff
// from SYNC_RETRY_DELAY with full jitter, never past the run's deadline).
// It differs from dbCall's on purpose: a request handler retries a few
// quick times and answers 503, a sync run can afford to wait longer for
// Postgres or MySQL to come back.
import type { SyncConfig } from "./config.ts";
import { isTransientDbError } from "../db.ts";
import { replacePoolsAfter } from "../db_pool.ts";
import { log } from "../log.ts";
import { withRetry } from "../retry.ts";
import { isTransientMysqlError } from "./mysql_errors.ts";

export interface SyncRetries {
  /** A Postgres step of the run. */
  postgres<T>(fn: () => Promise<T>): Promise<T>;
  /** A MySQL step of the run. */
  mysql<T>(fn: () => Promise<T>): Promise<T>;
}

/**
 * One Postgres step of a run is abandoned and retried after this long: the
 * largest (retiring or validating 200,000 rows) take a few seconds, while a
 * query left on a dead connection would never answer at all.
 */
const POSTGRES_STEP_TIMEOUT_MS = 30_000;

export function syncRetries(config: SyncConfig, deadline: number): SyncRetries {
  const retry = <T>(
    fn: () => Promise<T>,
    isTransient: (e: unknown) => boolean,
    attemptTimeoutMs?: number,
  ) =>
    withRetry(fn, {
      retries: config.SYNC_RETRY_COUNT,
      baseDelayMs: config.SYNC_RETRY_DELAY,
      isTransient,
      deadline,
      attemptTimeoutMs,
      onRetry: (err, attempt, delay) => {
        log("warn", "sync_retry", {
          attempt,
          delay_ms: delay,
          code: (err as { code?: string })?.code,
        });
        replacePoolsAfter(err);
      },
    });
  return {
    postgres: (fn) => retry(fn, isTransientDbError, POSTGRES_STEP_TIMEOUT_MS),
    mysql: (fn) => retry(fn, isTransientMysqlError),
  };
}
