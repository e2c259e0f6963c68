// Cleanup's rules: expire stale requests, delete what is past its grace or
// retention, in batches so a large backlog never holds long locks.
import { dbCall, type Sql, table } from "../../../shared/db.ts";
import { type Environment, schemasFor } from "../../../shared/environment.ts";

/** Rows touched per statement, so a large backlog never holds long locks. */
export const CLEANUP_BATCH = 5000;
const LOG_RETENTION = "90 days";
/** Pending and expired requests are deleted this long after expiry. */
const REQUEST_GRACE = "1 day";

/** Alert messages and their deliveries (monitoring.alert_deliveries) are kept a week. */
const ALERT_RETENTION = "7 days";

/** Failed completions are counted over 10 minutes (the rate limit); a day is plenty. */
const COMPLETION_FAILURE_RETENTION = "1 day";

export interface Retention {
  /** Days a member event is kept (MEMBER_EVENT_RETENTION_DAYS). */
  memberEventDays: number;
  /** Days a failed request is kept (VERIFICATION_RETENTION_DAYS). */
  failedRequestDays: number;
}

export async function runCleanup(sql: Sql, environment: Environment, retention: Retention) {
  const { shared, discord } = schemasFor(environment);
  const memberEvents = table(sql, discord, "member_events");
  const requests = table(sql, discord, "verification_requests");
  const syncLogs = table(sql, shared, "sync_logs");
  const validationLogs = table(sql, discord, "validation_logs");
  const summaries = table(sql, discord, "validation_summaries");

  const completionFailures = sql(`private.${discord}_completion_failures`);

  // Completed requests are the links' record and are kept; failed ones for
  // VERIFICATION_RETENTION_DAYS. The conditions are repeated outside the subquery: under READ COMMITTED a
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
  const deletedFailedRequests = await inBatches((limit) =>
    // The batch's ids as an array: an id lookup each, whatever the
    // statistics say (a semi-join planned on stale ones looped over every row).
    sql`delete from ${requests}
        where id = any(array(
                select id from ${requests}
                where status = 'failed'
                  and created_at < now() - make_interval(days => ${retention.failedRequestDays})
                limit ${limit}))
          and status = 'failed'`
  );
  const deletedCompletionFailures = await inBatches((limit) =>
    sql`delete from ${completionFailures}
        where ctid = any(array(select ctid from ${completionFailures}
                               where failed_at < now() - ${COMPLETION_FAILURE_RETENTION}::interval
                               limit ${limit}))`
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
                     where created_at < now() - make_interval(days => ${retention.memberEventDays})
                     limit ${limit})`
  );
  // Alerts of this environment: messages with their deliveries, and what was
  // never folded (no webhook was configured to fold it for).
  const deletedAlerts = await inBatches((limit) =>
    sql`delete from private.alerts
        where id = any(array(select id from private.alerts
                             where environment = ${environment}
                               and created_at < now() - ${ALERT_RETENTION}::interval
                             limit ${limit}))`
  ) + await inBatches((limit) =>
    sql`delete from private.alert_occurrences
        where id = any(array(select id from private.alert_occurrences
                             where environment = ${environment}
                               and at < now() - ${ALERT_RETENTION}::interval
                             limit ${limit}))`
  );
  await dbCall(() =>
    sql`delete from private.alert_digests
        where environment = ${environment} and day < current_date - 30`
  );
  return {
    expired_requests: expired,
    deleted_requests: deletedRequests,
    deleted_failed_requests: deletedFailedRequests,
    deleted_completion_failures: deletedCompletionFailures,
    deleted_sync_logs: deletedSyncLogs,
    deleted_validation_logs: deletedValidationLogs,
    deleted_validation_summaries: deletedSummaries,
    deleted_member_events: deletedMemberEvents,
    deleted_alerts: deletedAlerts,
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
