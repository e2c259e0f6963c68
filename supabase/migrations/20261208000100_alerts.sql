-- Alerts that reach people (docs/operations.md, "Alerts"): every sync_error
-- row, a resolved message when the health check recovers, and a daily digest
-- of the legacy database's data problems, folded so a repeating fault sends
-- one message per ALERT_REPEAT_MINUTES, and delivered at least once.
--
-- Postgres records and folds; the functions deliver. A webhook URL lets
-- anyone post to the channel, so it lives only in the functions' secrets:
-- pg_net's queue (readable by every database role on hosted Supabase) and
-- Vault (readable by anyone allowed its view) would both expose it.
--
--   private.alert_occurrences  what happened, written in the same transaction
--                              as the sync_error row (a trigger), the health
--                              check's recovery or a test; consumed by
--   private.compose_alerts()   which folds repeats per (environment, kind,
--                              table, code) into private.alerts, one row per
--                              message, and queues one private.alert_deliveries
--                              row per configured webhook (by index, never the URL);
--   monitoring.alert_deliveries  what was sent, when and where, and what is
--                              pending, refused or given up (service_role).

create table private.alert_occurrences (
  id bigint generated always as identity primary key,
  environment text not null check (environment in ('production', 'development')),
  kind text not null check (kind in ('failed', 'abandoned', 'deactivation_refused',
                                     'unhealthy', 'resolved', 'digest', 'test')),
  table_name text,
  sync_id uuid,
  code text not null,
  details jsonb not null default '{}',
  at timestamptz not null default now()
);
create index alert_occurrences_environment on private.alert_occurrences (environment, id);

create table private.alerts (
  id uuid primary key default gen_random_uuid(),
  -- The order messages were made in (many share one created_at).
  seq bigint generated always as identity,
  environment text not null check (environment in ('production', 'development')),
  kind text not null,
  severity text not null check (severity in ('error', 'warning', 'info')),
  table_name text,
  sync_id uuid,
  code text not null,
  details jsonb not null default '{}',
  count integer not null check (count > 0),
  first_at timestamptz not null,
  last_at timestamptz not null,
  created_at timestamptz not null default now()
);
create index alerts_environment_created on private.alerts (environment, created_at);

-- Folding state, per key: when the key's last message was composed, and the
-- occurrences folded since (sent when the window closes, or with the next
-- occurrence after it).
create table private.alert_windows (
  environment text not null,
  kind text not null,
  table_key text not null,
  code text not null,
  opened_at timestamptz not null,
  pending integer not null default 0,
  pending_first_at timestamptz,
  pending_last_at timestamptz,
  pending_sync_id uuid,
  pending_details jsonb,
  primary key (environment, kind, table_key, code)
);

create table private.alert_deliveries (
  alert_id uuid not null references private.alerts (id) on delete cascade,
  target integer not null check (target > 0),
  target_name text not null,
  format text not null check (format in ('discord', 'slack', 'generic', 'invalid')),
  state text not null default 'pending'
    check (state in ('pending', 'delivered', 'rejected', 'gave_up')),
  attempts integer not null default 0,
  passes integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_attempt_at timestamptz,
  last_status integer,
  last_error text,
  delivered_at timestamptz,
  finished_at timestamptz,
  primary key (alert_id, target)
);
create index alert_deliveries_due on private.alert_deliveries (target, next_attempt_at)
  where state = 'pending';

-- The days whose digest was composed (or found to have nothing to say).
create table private.alert_digests (
  environment text not null,
  day date not null,
  primary key (environment, day)
);

-- Since when the environment's health check has been unhealthy (null: healthy).
create table private.alert_health (
  environment text primary key,
  unhealthy_since timestamptz
);

revoke all on private.alert_occurrences, private.alerts, private.alert_windows,
  private.alert_deliveries, private.alert_digests, private.alert_health from public;

comment on table private.alert_occurrences is
  'What should be alerted, not yet folded into a message by private.compose_alerts().';
comment on table private.alerts is
  'One row per alert message: its occurrences folded (count, first_at, last_at); id is the alert_id receivers see.';
comment on table private.alert_deliveries is
  'One row per message and configured webhook (target: its index in the variable; the URL is never stored).';

-- A sync_error row's alert: its kind, code and the details a message may
-- quote. Only named fields are copied: error_details may hold what a person
-- should see in the database but not in a channel.
create function private.alert_from_sync_log() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  -- The schema says the environment, so both tables' triggers are the same.
  environment text := case tg_table_schema when 'public' then 'production' else 'development' end;
  d jsonb := coalesce(new.error_details, '{}');
  kind text := case new.status
    when 'abandoned' then 'abandoned'
    when 'deactivation_refused' then 'deactivation_refused'
    when 'unhealthy' then 'unhealthy'
    else 'failed' end;
begin
  insert into private.alert_occurrences (environment, kind, table_name, sync_id, code, details, at)
  values (
    environment, kind, new.table_name, new.sync_id,
    case kind
      when 'failed' then coalesce(d ->> 'code', 'sync:failed')
      when 'abandoned' then 'sync:abandoned'
      when 'deactivation_refused' then 'sync:deactivation_refused'
      else 'health:' || coalesce(d ->> 'status_code',
                                 case when (d ->> 'timed_out')::boolean then 'timeout' end,
                                 'no_answer') end,
    jsonb_strip_nulls(jsonb_build_object(
      'reason', coalesce(d ->> 'reason', d ->> 'deactivation_refused'),
      'failures', d -> 'failures',
      'status_code', d -> 'status_code',
      'timed_out', d -> 'timed_out',
      'healthy', d #> '{health,healthy}',
      'last_success_at', d #> '{health,last_success_at}',
      'age_ms', d #> '{health,age_ms}',
      'success_rate', d #> '{health,success_rate}')),
    new.created_at);
  return null;
exception when others then
  -- An alert must never fail the sync or health check that logs it.
  raise warning 'alert not recorded: %', sqlstate;
  return null;
end
$$;
revoke all on function private.alert_from_sync_log() from public;

create trigger alert after insert on public.sync_logs
  for each row when (new.operation = 'sync_error')
  execute function private.alert_from_sync_log();
create trigger alert after insert on dev.sync_logs
  for each row when (new.operation = 'sync_error')
  execute function private.alert_from_sync_log();

-- The digest of one UTC day's data problems in the legacy database: per
-- table, the records its runs rejected, and the members whose unknown status
-- was synced as inactive; counts and at most 20 member numbers (or keys)
-- each. Queued once per day, only if there is something to say.
create function private.compose_alert_digest(p_environment text, p_day date) returns boolean
language plpgsql
security definer
set search_path = ''
as $$
declare
  target text := case p_environment when 'production' then 'public' else 'dev' end;
  problems jsonb;
begin
  if exists (select 1 from private.alert_digests
             where environment = p_environment and day = p_day) then
    return false;
  end if;
  execute format($q$
    with logged as (
      select l.table_name, l.error_details as d
      from %I.sync_logs l
      where l.table_name in ('regions', 'facilities', 'members', 'positions')
        and l.created_at >= $1::timestamp at time zone 'UTC'
        and l.created_at < ($1 + 1)::timestamp at time zone 'UTC'
        and l.error_details is not null
    ),
    items as (
      select table_name, 'rejected' as what, coalesce(r ->> 'member_number', r ->> 'key') as who,
             (d ->> 'rejected_total')::integer as total
      from logged, jsonb_array_elements(coalesce(d -> 'rejected', '[]')) r
      union all
      select table_name, 'unknown_status', coalesce(r ->> 'member_number', r ->> 'key'),
             (d ->> 'replaced_total')::integer
      from logged, jsonb_array_elements(coalesce(d -> 'replaced', '[]')) r
      where r ->> 'kind' = 'unknown_status'
    ),
    grouped as (
      select table_name, what,
             greatest(max(total), count(distinct who)) as count,
             (array_agg(distinct who order by who))[1:20] as member_numbers
      from items group by table_name, what
    )
    select jsonb_agg(jsonb_build_object('table_name', table_name, 'problem', what,
                                        'count', count, 'member_numbers', member_numbers)
                     order by table_name, what)
    from grouped$q$, target)
  into problems using p_day;
  insert into private.alert_digests (environment, day) values (p_environment, p_day);
  if problems is null then
    return false;
  end if;
  insert into private.alert_occurrences (environment, kind, code, details)
  values (p_environment, 'digest', 'digest:' || p_day,
          jsonb_build_object('day', p_day, 'problems', problems));
  return true;
end
$$;
revoke all on function private.compose_alert_digest(text, date) from public;

-- One message: the one place a kind's severity is decided.
create function private.alert_message(
  p_environment text, p_kind text, p_table_name text, p_sync_id uuid, p_code text,
  p_details jsonb, p_count integer, p_first_at timestamptz, p_last_at timestamptz
) returns uuid
language sql
security definer
set search_path = ''
as $$
  insert into private.alerts (environment, kind, severity, table_name, sync_id, code, details,
                              count, first_at, last_at)
  values (p_environment, p_kind,
          case when p_kind in ('resolved', 'digest', 'test') then 'info'
               when p_kind = 'deactivation_refused' then 'warning'
               else 'error' end,
          p_table_name, p_sync_id, p_code, coalesce(p_details, '{}'), p_count, p_first_at, p_last_at)
  returning id
$$;
revoke all on function private.alert_message(text, text, text, uuid, text, jsonb, integer,
  timestamptz, timestamptz) from public;

-- Folds the environment's occurrences into messages and queues a delivery of
-- each new message to every target (p_targets: [{name, format}], in the
-- variable's order). A key's first occurrence is a message at once; repeats
-- within p_repeat of that message are counted, and sent when the window
-- closes (or with the first occurrence after it, as one message). Resolved,
-- digest and test messages are never folded. Occurrences older than p_max_age
-- are dropped: nobody retries them any longer. Also queues yesterday's digest.
create function private.compose_alerts(
  p_environment text, p_repeat interval, p_max_age interval, p_targets jsonb
) returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  o record;
  w private.alert_windows;
  made uuid[] := '{}';
  done bigint[] := '{}';
begin
  -- One composer per environment at a time: two health checks at once would
  -- otherwise both fold the same occurrences.
  perform pg_advisory_xact_lock(hashtext('mynatca-alerts'), hashtext(p_environment));
  perform private.compose_alert_digest(p_environment, (now() at time zone 'UTC')::date - 1);
  delete from private.alert_occurrences
  where environment = p_environment and at < now() - p_max_age;

  for o in select * from private.alert_occurrences
           where environment = p_environment order by at, id loop
    done := done || o.id;
    -- Recovery: what the unhealthy window still holds goes first, and the
    -- next unhealthy answer is news again.
    if o.kind = 'resolved' then
      for w in delete from private.alert_windows
               where environment = p_environment and kind = 'unhealthy'
               returning * loop
        if w.pending > 0 then
          made := made || private.alert_message(p_environment, w.kind, nullif(w.table_key, ''),
                                                w.pending_sync_id, w.code, w.pending_details,
                                                w.pending, w.pending_first_at, w.pending_last_at);
        end if;
      end loop;
    end if;
    if o.kind in ('resolved', 'digest', 'test') then
      made := made || private.alert_message(p_environment, o.kind, o.table_name, o.sync_id,
                                            o.code, o.details, 1, o.at, o.at);
      continue;
    end if;
    select * into w from private.alert_windows
    where environment = p_environment and kind = o.kind
      and table_key = coalesce(o.table_name, '') and code = o.code
    for update;
    if found and w.opened_at > o.at - p_repeat then
      update private.alert_windows
      set pending = pending + 1,
          pending_first_at = coalesce(pending_first_at, o.at),
          pending_last_at = o.at, pending_sync_id = o.sync_id, pending_details = o.details
      where environment = w.environment and kind = w.kind
        and table_key = w.table_key and code = w.code;
      continue;
    end if;
    made := made || private.alert_message(p_environment, o.kind, o.table_name, o.sync_id,
                                          o.code, o.details, coalesce(w.pending, 0) + 1,
                                          coalesce(w.pending_first_at, o.at), o.at);
    insert into private.alert_windows (environment, kind, table_key, code, opened_at)
    values (p_environment, o.kind, coalesce(o.table_name, ''), o.code, o.at)
    on conflict (environment, kind, table_key, code) do update
      set opened_at = excluded.opened_at, pending = 0, pending_first_at = null,
          pending_last_at = null, pending_sync_id = null, pending_details = null;
  end loop;
  delete from private.alert_occurrences where alert_occurrences.id = any(done);

  -- Windows that closed with repeats folded: one message with their count.
  for w in select * from private.alert_windows
           where environment = p_environment and opened_at <= now() - p_repeat and pending > 0
           for update loop
    made := made || private.alert_message(p_environment, w.kind, nullif(w.table_key, ''),
                                          w.pending_sync_id, w.code, w.pending_details,
                                          w.pending, w.pending_first_at, w.pending_last_at);
    update private.alert_windows
    set opened_at = now(), pending = 0, pending_first_at = null, pending_last_at = null,
        pending_sync_id = null, pending_details = null
    where environment = w.environment and kind = w.kind
      and table_key = w.table_key and code = w.code;
  end loop;
  -- Windows that closed quietly: the next occurrence is sent at once.
  delete from private.alert_windows
  where environment = p_environment and opened_at <= now() - p_repeat and pending = 0;

  insert into private.alert_deliveries (alert_id, target, target_name, format)
  select m, t.n::integer, t.value ->> 'name', t.value ->> 'format'
  from unnest(made) m
  cross join jsonb_array_elements(coalesce(p_targets, '[]')) with ordinality t(value, n);
  return cardinality(made);
end
$$;
revoke all on function private.compose_alerts(text, interval, interval, jsonb) from public;

-- The health check, as before (20261125000400_schedules.sql), and: a recovery
-- after an unhealthy answer queues a resolved alert.
create or replace function private.check_sync_health(environment text) returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  target text := case environment when 'production' then 'public' else 'dev' end;
  answer record;
  since timestamptz;
begin
  for answer in
    select h.request_id, r.status_code, r.content, r.error_msg, r.timed_out
    from private.health_checks h
    join net._http_response r on r.id = h.request_id
    where h.environment = check_sync_health.environment and not h.processed
    order by h.sent_at
  loop
    if answer.status_code is distinct from 200 then
      execute format(
        'insert into %I.sync_logs (sync_id, table_name, operation, status, error_details)
         values (gen_random_uuid(), ''health_check'', ''sync_error'', ''unhealthy'', $1)', target)
      using jsonb_build_object(
        'alert', 'sync health check failed',
        'status_code', answer.status_code,
        'timed_out', answer.timed_out,
        'error', answer.error_msg,
        'health', private.try_jsonb(answer.content),
        'answer', case when private.try_jsonb(answer.content) is null
                       then left(answer.content, 200) end);
      insert into private.alert_health (environment, unhealthy_since)
      values (check_sync_health.environment, now())
      on conflict on constraint alert_health_pkey do update
        set unhealthy_since = coalesce(alert_health.unhealthy_since, excluded.unhealthy_since);
    else
      select h.unhealthy_since into since from private.alert_health h
      where h.environment = check_sync_health.environment for update;
      if since is not null then
        update private.alert_health h set unhealthy_since = null
        where h.environment = check_sync_health.environment;
        insert into private.alert_occurrences (environment, kind, table_name, code, details)
        values (check_sync_health.environment, 'resolved', 'health_check', 'health:resolved',
                jsonb_build_object('unhealthy_since', since));
      end if;
    end if;
    update private.health_checks set processed = true where request_id = answer.request_id;
  end loop;
  delete from private.health_checks where sent_at < now() - interval '7 days';
  insert into private.health_checks (request_id, environment)
  values (private.invoke_function('sync', 'GET', '{}'::jsonb, '?environment=' || environment),
          environment);
end
$$;
revoke all on function private.check_sync_health(text) from public;

-- What was sent, when, to which webhook (by its index in the variable), and
-- what is pending, refused or given up. Operators only, like every view here.
create view monitoring.alert_deliveries as
  select a.id as alert_id, a.environment, a.kind, a.severity, a.table_name, a.sync_id,
         a.code, a.count, a.first_at, a.last_at, a.created_at,
         d.target, d.target_name, d.format,
         d.state,
         d.attempts, d.last_attempt_at, d.next_attempt_at, d.last_status, d.last_error,
         d.delivered_at, d.finished_at
  from private.alerts a
  join private.alert_deliveries d on d.alert_id = a.id;
revoke all on monitoring.alert_deliveries from public, anon, authenticated;
grant select on monitoring.alert_deliveries to service_role;
comment on view monitoring.alert_deliveries is
  'Each alert message and its delivery to each configured webhook (never the URL). state: pending, delivered, rejected (a 4xx: the URL is wrong), gave_up (ALERT_MAX_AGE_HOURS passed).';
