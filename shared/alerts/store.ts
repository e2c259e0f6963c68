// The alerts' rows: composing messages from occurrences, claiming one due
// delivery at a time, recording its outcome, and the health answer's count.
// A claim moves the delivery's next attempt a lease ahead, so two passes at
// once never send it twice, and a pass cut off mid-send is retried after
// the lease: delivery is at least once.
import type { Sql } from "../db.ts";
import type { Environment } from "../environment.ts";
import type { Alert } from "./messages.ts";
import type { SendOutcome } from "./send.ts";
import type { AlertTarget } from "./targets.ts";

/** How long a claimed delivery is left to its pass before another may take it. */
const LEASE_SECONDS = 120;
/** The longest wait between two passes' tries of one delivery. */
const MAX_BACKOFF_SECONDS = 3600;
/** An alert not delivered this long after it was made counts in `alerts_undelivered`. */
export const UNDELIVERED_AFTER = "15 minutes";

export interface Claimed extends Alert {
  /** Requests made to this target before this claim. */
  attempts: number;
  /** Passes that have tried it, this one included. */
  passes: number;
}

export interface Windows {
  repeatMinutes: number;
  maxAgeHours: number;
}

/** Folds the environment's occurrences into messages queued to `targets`; returns how many. */
export async function composeAlerts(
  sql: Sql,
  environment: Environment,
  targets: AlertTarget[],
  w: Windows,
): Promise<number> {
  const list = targets.map((t) => ({ name: t.name, format: t.format }));
  const [row] = await sql<{ made: number }[]>`
    select private.compose_alerts(${environment},
                                  ${w.repeatMinutes} * interval '1 minute',
                                  ${w.maxAgeHours} * interval '1 hour',
                                  ${sql.json(list)}) as made`;
  return row.made;
}

/** Deliveries that ran out of time, or whose target left the variable or is not a URL. */
export async function closeUndeliverable(
  sql: Sql,
  environment: Environment,
  targets: AlertTarget[],
  maxAgeHours: number,
) {
  const invalid = targets.filter((t) => t.format === "invalid").map((t) => t.index);
  return await sql<{ alert_id: string; kind: string; target_name: string; state: string }[]>`
    update private.alert_deliveries d
    set state = case when x.expired then 'gave_up' else 'rejected' end,
        last_error = case when x.expired then coalesce(d.last_error, 'never_attempted')
                          when d.target > ${targets.length} then 'target_removed'
                          else 'invalid_url' end,
        finished_at = now()
    from private.alerts a,
         lateral (select a.created_at < now() - ${maxAgeHours} * interval '1 hour' as expired) x
    where a.id = d.alert_id and a.environment = ${environment} and d.state = 'pending'
      and (x.expired or d.target > ${targets.length} or d.target = any(${invalid}::int[]))
    returning d.alert_id, a.kind, d.target_name, d.state`;
}

/** The oldest due delivery to `target`, claimed for LEASE_SECONDS; undefined when none is due. */
export async function claimDelivery(
  sql: Sql,
  environment: Environment,
  target: number,
): Promise<Claimed | undefined> {
  const [row] = await sql<Claimed[]>`
    with next as (
      select d.alert_id, d.target
      from private.alert_deliveries d
      join private.alerts a on a.id = d.alert_id
      where a.environment = ${environment} and d.target = ${target}
        and d.state = 'pending' and d.next_attempt_at <= now()
      order by a.seq
      limit 1
      for update of d skip locked
    )
    update private.alert_deliveries d
    set last_attempt_at = now(), passes = d.passes + 1,
        next_attempt_at = now() + ${LEASE_SECONDS} * interval '1 second'
    from next, private.alerts a
    where d.alert_id = next.alert_id and d.target = next.target and a.id = d.alert_id
    returning a.id as alert_id, a.environment, a.kind, a.severity, a.table_name, a.sync_id,
              a.code, a.details, a.count, a.first_at, a.last_at, d.attempts, d.passes`;
  return row;
}

/** Records a send's outcome; a failure is retried after a backoff until the alert is too old. */
export async function recordOutcome(
  sql: Sql,
  claimed: Claimed,
  target: number,
  { outcome, tries }: { outcome: SendOutcome; tries: number },
  maxAgeHours: number,
): Promise<string> {
  // Between passes: a minute after the first, doubling per pass, at most an hour.
  const backoff = outcome.kind === "failed" && outcome.retryAfterMs !== undefined
    ? Math.ceil(outcome.retryAfterMs / 1000)
    : Math.min(MAX_BACKOFF_SECONDS, 60 * 2 ** Math.max(0, claimed.passes - 1));
  const state = outcome.kind === "delivered"
    ? "delivered"
    : outcome.kind === "rejected"
    ? "rejected"
    : "pending";
  // A pass that ran out of time before trying keeps the last real error.
  const error = outcome.kind === "delivered" || outcome.error === "not_attempted"
    ? null
    : outcome.error;
  const [row] = await sql<{ state: string }[]>`
    update private.alert_deliveries d
    set state = case when ${state} = 'pending' and x.expired then 'gave_up' else ${state} end,
        attempts = d.attempts + ${tries},
        last_status = ${outcome.status},
        last_error = case when ${state} = 'delivered' then null
                          else coalesce(${error}::text, d.last_error) end,
        delivered_at = case when ${state} = 'delivered' then now() end,
        next_attempt_at = now() + ${backoff} * interval '1 second',
        finished_at = case when ${state} <> 'pending' or x.expired then now() end
    from private.alerts a,
         lateral (select a.created_at < now() - ${maxAgeHours} * interval '1 hour' as expired) x
    where a.id = d.alert_id and d.alert_id = ${claimed.alert_id} and d.target = ${target}
      and d.state = 'pending'
    returning d.state`;
  return row?.state ?? state;
}

/** Alerts made more than UNDELIVERED_AFTER ago that some target has not received. */
export async function undeliveredCount(sql: Sql, environment: Environment): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    select (select count(distinct a.id)
            from private.alerts a join private.alert_deliveries d on d.alert_id = a.id
            where a.environment = ${environment} and d.state <> 'delivered'
              and a.created_at < now() - ${UNDELIVERED_AFTER}::interval)
         + (select count(*) from private.alert_occurrences o
            where o.environment = ${environment}
              and o.at < now() - ${UNDELIVERED_AFTER}::interval) as n`;
  return Number(row.n);
}
