// One sync run per environment: a transaction-scoped advisory lock held on a
// reserved connection for the whole run. It works through Supabase's
// transaction pooler (the lock lives in the transaction) and dies with the
// connection if the isolate does, so a crashed run never leaves it behind.
// The run's writes go through other connections, so the run asks, page by
// page, whether the lock's connection is still there. Every statement on
// that connection has a time limit: a dead connection can leave one
// unanswered forever (see db_pool.ts).
import { isConnectionError, type Sql } from "../db.ts";
import { replacePoolsAfter } from "../db_pool.ts";
import { HttpError } from "../errors.ts";
import { withRetry, withTimeout } from "../retry.ts";

/** How long one statement on the lock's connection may take. */
const LOCK_STATEMENT_MS = 10_000;

/** The lock's connection is gone: another run may already hold the lock. */
export class SyncLockLost extends Error {
  readonly code = "SYNC_LOCK_LOST";
  constructor() {
    super("the run's lock connection was lost");
    this.name = "SyncLockLost";
  }
}

type Reserved = Awaited<ReturnType<Sql["reserve"]>>;

export async function withSyncLock<T>(
  sql: Sql,
  schema: string,
  run: (checkLock: () => Promise<void>) => Promise<T>,
): Promise<T> {
  // A pooled connection may be dead when it is handed out: try a fresh one.
  const lock = await withRetry(() => acquire(sql, schema), {
    retries: 2,
    baseDelayMs: 100,
    isTransient: isConnectionError,
    onRetry: replacePoolsAfter,
  });
  try {
    const checkLock = async () => {
      try {
        await withTimeout(lock`select 1`.execute(), LOCK_STATEMENT_MS);
      } catch {
        throw new SyncLockLost();
      }
    };
    return await run(checkLock);
  } finally {
    await withTimeout(lock`commit`.execute(), LOCK_STATEMENT_MS).catch(() => {});
    lock.release();
  }
}

async function acquire(sql: Sql, schema: string): Promise<Reserved> {
  const lock = await withTimeout(sql.reserve(), LOCK_STATEMENT_MS);
  try {
    await withTimeout(lock`begin`.execute(), LOCK_STATEMENT_MS);
    const [{ locked }] = await withTimeout(
      lock`select pg_try_advisory_xact_lock(hashtextextended(${
        "mynatca.sync." + schema
      }, 0)) as locked`
        .execute(),
      LOCK_STATEMENT_MS,
    );
    if (!locked) throw new HttpError(409, "sync_in_progress", "Another sync run is in progress");
    return lock;
  } catch (err) {
    // A lock we do not hold (or a connection that failed) is given back.
    await withTimeout(lock`rollback`.execute(), LOCK_STATEMENT_MS).catch(() => {});
    lock.release();
    throw err;
  }
}
