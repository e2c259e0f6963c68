// One sync run per environment: a transaction-scoped advisory lock held on a
// reserved connection for the whole run. It works through Supabase's
// transaction pooler (the lock lives in the transaction) and dies with the
// connection if the isolate does, so a crashed run never leaves it behind.
// The run's writes go through other connections, so the run asks, page by
// page, whether the lock's backend still holds the lock. It asks pg_locks
// through the pool, not the lock's own connection: the driver never answers
// a statement sent on a connection whose backend ended (see db_pool.ts), so
// that question would wait out its time limit, and a driver that
// reconnected would answer it from a new session that holds nothing. Every
// statement on the lock's connection has a time limit too.
import { isConnectionError, type Sql } from "../db.ts";
import { replacePools, replacePoolsAfter } from "../db_pool.ts";
import { HttpError } from "../errors.ts";
import { AttemptTimeout, withRetry, withTimeout } from "../retry.ts";

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

/** The statement failed because its connection did, not because it took too long. */
const connectionFailed = (err: unknown) =>
  isConnectionError(err) && !(err instanceof AttemptTimeout);

/** The reserved connection holding the lock, and the backend it holds it in. */
interface Held {
  connection: Reserved;
  pid: number;
  key: string;
}

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
  // Whether the lock's backend has ended: its transaction (and the lock) then
  // went with it, and nothing more is sent on its connection.
  let ended = false;
  try {
    const checkLock = async () => {
      let held: boolean | undefined;
      try {
        // A bigint advisory key shows in pg_locks as classid (high 32 bits)
        // and objid (low 32 bits), with objsubid 1.
        // The question itself may meet a pooled connection that failed (its
        // pool retiring under it): asked again on a fresh one, it is answered.
        [{ held }] = await withRetry(
          () =>
            sql`select exists (
                  select 1 from pg_locks
                  where locktype = 'advisory' and granted and pid = ${lock.pid} and objsubid = 1
                    and ((classid::bigint << 32) | objid::bigint) = hashtextextended(${lock.key}, 0)
                ) as held`.execute(),
          {
            retries: 2,
            baseDelayMs: 50,
            attemptTimeoutMs: LOCK_STATEMENT_MS,
            // A question that went unanswered is not asked again: the run
            // would wait out the limit thrice against its wall-clock budget.
            isTransient: connectionFailed,
            onRetry: replacePoolsAfter,
          },
        );
      } catch { /* unknown: the run cannot go on without knowing */ }
      if (held) return;
      if (held === false) ended = true;
      throw new SyncLockLost();
    };
    return await run(checkLock);
  } finally {
    if (!ended) {
      await withTimeout(lock.connection`commit`.execute(), LOCK_STATEMENT_MS).catch(() => {});
    }
    lock.connection.release();
    // The ended connection goes back to a pool that would hand it out again,
    // and the driver would reconnect it with its stale timer: every statement
    // on it would then wait for the connect timeout. A fresh pool instead.
    if (ended) replacePools();
  }
}

async function acquire(sql: Sql, schema: string): Promise<Held> {
  const lock = await withTimeout(sql.reserve(), LOCK_STATEMENT_MS);
  const key = "mynatca.sync." + schema;
  try {
    await withTimeout(lock`begin`.execute(), LOCK_STATEMENT_MS);
    const [{ locked, pid }] = await withTimeout(
      lock`select pg_try_advisory_xact_lock(hashtextextended(${key}, 0)) as locked,
                  pg_backend_pid() as pid`
        .execute(),
      LOCK_STATEMENT_MS,
    );
    if (!locked) throw new HttpError(409, "sync_in_progress", "Another sync run is in progress");
    return { connection: lock, pid, key };
  } catch (err) {
    // A lock we do not hold is given back. A connection whose socket failed
    // has no transaction left to end, and a statement sent on it would only
    // wait out its time limit (10 s before the retry could start). One that
    // only took too long, or that the server answered with an error, may
    // still be in the transaction: that one is ended.
    const socketGone = connectionFailed(err) &&
      (err as { severity?: string }).severity !== "ERROR";
    if (!socketGone) {
      await withTimeout(lock`rollback`.execute(), LOCK_STATEMENT_MS).catch(() => {});
    }
    lock.release();
    throw err;
  }
}
