// Cleanup's rules: expire stale requests, delete what is past its grace or
// retention, in batches so a large backlog never holds long locks.
import { dbCall, type Sql, table } from "../../../shared/db.ts";
import { type Environment, schemasFor } from "../../../shared/environment.ts";

/** Rows touched per statement, so a large backlog never holds long locks. */
export const CLEANUP_BATCH = 5000;
const LOG_RETENTION = "90 days";
/** Pending and expired requests are deleted this long after expiry. */
const REQUEST_GRACE = "1 day";

/** `memberEventDays`: how long member events are kept (MEMBER_EVENT_RETENTION_DAYS). */
export async function runCleanup(sql: Sql, environment: Environment, memberEventDays: number) {
  const { shared, discord } = schemasFor(environment);
  const memberEvents = table(sql, discord, "member_events");
  const requests = table(sql, discord, "verification_requests");
  const syncLogs = table(sql, shared, "sync_logs");
  const validationLogs = table(sql, discord, "validation_logs");
  const summaries = table(sql, discord, "validation_summaries");

  // Completed and failed requests are the audit trail and are kept.
  // The conditions are repeated outside the subquery: under READ COMMITTED a
  // request completed between the two would otherwise be marked expired
  // (the outer update re-checks only its own WHERE on the row's new version).
  const expired = await inBatches((limit) =>
    sql`update ${requests} set status = 'expired'
        where id in (select id from ${requests}
                     where status = 'pending' and expires_at <= now() limit ${limit})
          and status = 'pending' and expires_at <= now()`
  );
  const deletedRequests = await inBatches((limit) =>
    sql`delete from ${requests}
        where id in (select id from ${requests}
                     where status in ('pending', 'expired')
                       and expires_at < now() - ${REQUEST_GRACE}::interval limit ${limit})
          and status in ('pending', 'expired')`
  );
  const deletedSyncLogs = await inBatches((limit) =>
    sql`delete from ${syncLogs}
        where id in (select id from ${syncLogs}
                     where created_at < now() - ${LOG_RETENTION}::interval limit ${limit})`
  );
  const deletedValidationLogs = await inBatches((limit) =>
    sql`delete from ${validationLogs}
        where id in (select id from ${validationLogs}
                     where created_at < now() - ${LOG_RETENTION}::interval limit ${limit})`
  );
  const deletedSummaries = await inBatches((limit) =>
    sql`delete from ${summaries}
        where run_id in (select s.run_id from ${summaries} s
                         where s.started_at < now() - ${LOG_RETENTION}::interval
                           and not exists (select 1 from ${validationLogs} l
                                           where l.run_id = s.run_id)
                         limit ${limit})`
  );
  // A consumer further behind than this has lost events: docs/clients.md
  // says how it catches up.
  const deletedMemberEvents = await inBatches((limit) =>
    sql`delete from ${memberEvents}
        where id in (select id from ${memberEvents}
                     where created_at < now() - make_interval(days => ${memberEventDays})
                     limit ${limit})`
  );
  return {
    expired_requests: expired,
    deleted_requests: deletedRequests,
    deleted_sync_logs: deletedSyncLogs,
    deleted_validation_logs: deletedValidationLogs,
    deleted_validation_summaries: deletedSummaries,
    deleted_member_events: deletedMemberEvents,
  };
}

/** Repeats `statement` (each its own transaction) until a batch comes back short. */
async function inBatches(
  statement: (limit: number) => Promise<{ count: number }>,
): Promise<number> {
  let total = 0;
  for (;;) {
    const { count } = await dbCall(() => statement(CLEANUP_BATCH));
    total += count;
    if (count < CLEANUP_BATCH) return total;
  }
}
