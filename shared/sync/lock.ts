// One sync run per environment: a transaction-scoped advisory lock held on a
// reserved connection for the whole run. It works through Supabase's
// transaction pooler (the lock lives in the transaction) and dies with the
// connection if the isolate does, so a crashed run never leaves it behind.
import type { Sql } from "../db.ts";
import { HttpError } from "../errors.ts";

export async function withSyncLock<T>(sql: Sql, schema: string, run: () => Promise<T>): Promise<T> {
  const lock = await sql.reserve();
  try {
    await lock`begin`;
    const [{ locked }] = await lock`
      select pg_try_advisory_xact_lock(hashtextextended(${"mynatca.sync." + schema}, 0)) as locked`;
    if (!locked) throw new HttpError(409, "sync_in_progress", "Another sync run is in progress");
    return await run();
  } finally {
    await lock`commit`.catch(() => {});
    lock.release();
  }
}
