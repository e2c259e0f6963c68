-- The project's schemas after every migration in supabase/migrations, written
-- by npm run gen:schema (pg_dump 15, --schema-only --no-owner). Do not edit:
-- change the database with a new migration, then regenerate this file.
--
-- PostgreSQL database dump
--



SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: dev; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA dev;


--
-- Name: discord; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA discord;


--
-- Name: discord_dev; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA discord_dev;


--
-- Name: monitoring; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA monitoring;


--
-- Name: private; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA private;


--
-- Name: public; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA public;


--
-- Name: SCHEMA public; Type: COMMENT; Schema: -; Owner: -
--

COMMENT ON SCHEMA public IS 'standard public schema';


--
-- Name: member_event_id(); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.member_event_id() RETURNS bigint
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  n integer := coalesce(nullif(current_setting('mynatca.member_event_n', true), ''), '-1')::integer + 1;
  base bigint := nullif(current_setting('mynatca.member_event_base', true), '')::bigint;
begin
  if base is null then
    base := pg_current_xact_id()::text::bigint;
    perform set_config('mynatca.member_event_base', base::text, true);
  elsif n > 65535 then
    base := private.member_event_next_base();
    n := 0;
    perform set_config('mynatca.member_event_base', base::text, true);
  end if;
  -- Local to the transaction: the next transaction starts again at 0.
  perform set_config('mynatca.member_event_n', n::text, true);
  return (base << 16) + n;
end
$$;


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: member_events; Type: TABLE; Schema: discord; Owner: -
--

CREATE TABLE discord.member_events (
    id bigint DEFAULT private.member_event_id() NOT NULL,
    member_number text NOT NULL,
    discord_id text NOT NULL,
    kind text NOT NULL,
    details jsonb DEFAULT '{}'::jsonb NOT NULL,
    source text NOT NULL,
    sync_id uuid,
    request_id text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT member_events_id_range CHECK (((id > 0) AND (id <= '9007199254740991'::bigint))),
    CONSTRAINT member_events_kind_check CHECK ((kind = ANY (ARRAY['linked'::text, 'unlinked'::text, 'became_ineligible'::text, 'became_eligible'::text, 'positions_changed'::text, 'profile_changed'::text, 'roles_changed'::text]))),
    CONSTRAINT member_events_source_check CHECK ((source = ANY (ARRAY['complete-verification'::text, 'unlink-discord'::text, 'sync'::text, 'role-rules'::text, 'role-grace'::text])))
);


--
-- Name: TABLE member_events; Type: COMMENT; Schema: discord; Owner: -
--

COMMENT ON TABLE discord.member_events IS 'Changes the Discord bot must act on, one row each, written in the same transaction as the change; only for linked members. Read with member_events_since(). The bot and service_role only.';


--
-- Name: COLUMN member_events.id; Type: COMMENT; Schema: discord; Owner: -
--

COMMENT ON COLUMN discord.member_events.id IS 'Position in the feed: (transaction id << 16) + the event''s number in its transaction. Larger ids commit in later or concurrent transactions; member_events_since() returns a prefix that can no longer grow below.';


--
-- Name: COLUMN member_events.discord_id; Type: COMMENT; Schema: discord; Owner: -
--

COMMENT ON COLUMN discord.member_events.discord_id IS 'The Discord account the bot acts on (for unlinked: the account removed).';


--
-- Name: COLUMN member_events.kind; Type: COMMENT; Schema: discord; Owner: -
--

COMMENT ON COLUMN discord.member_events.kind IS 'linked, unlinked, became_ineligible, became_eligible, positions_changed, profile_changed or roles_changed.';


--
-- Name: COLUMN member_events.details; Type: COMMENT; Schema: discord; Owner: -
--

COMMENT ON COLUMN discord.member_events.details IS 'What changed: old and new status and reason, positions added, retired and changed, fields with old and new values, the replaced account, who asked.';


--
-- Name: COLUMN member_events.source; Type: COMMENT; Schema: discord; Owner: -
--

COMMENT ON COLUMN discord.member_events.source IS 'complete-verification, unlink-discord, sync, role-rules (a rule or guild edit) or role-grace (a grace period ending).';


--
-- Name: COLUMN member_events.sync_id; Type: COMMENT; Schema: discord; Owner: -
--

COMMENT ON COLUMN discord.member_events.sync_id IS 'The sync run that made the change (source sync).';


--
-- Name: COLUMN member_events.request_id; Type: COMMENT; Schema: discord; Owner: -
--

COMMENT ON COLUMN discord.member_events.request_id IS 'The function call that made the change (its x-request-id).';


--
-- Name: member_events_since(bigint, integer); Type: FUNCTION; Schema: discord; Owner: -
--

CREATE FUNCTION discord.member_events_since(after_id bigint, max_rows integer DEFAULT 1000) RETURNS SETOF discord.member_events
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
    select e.* from discord.member_events e
    where e.id > after_id
      and e.id < (pg_snapshot_xmin(pg_current_snapshot())::text::bigint << 16)
    order by e.id
    limit least(greatest(max_rows, 1), 10000)
  $$;


--
-- Name: FUNCTION member_events_since(after_id bigint, max_rows integer); Type: COMMENT; Schema: discord; Owner: -
--

COMMENT ON FUNCTION discord.member_events_since(after_id bigint, max_rows integer) IS 'Member events after after_id that no running transaction can precede, in id order (at most max_rows, up to 10000). Pass the last id received as the next after_id; 0 reads from the start.';


--
-- Name: nickname_for(text, text, text, text, text, text); Type: FUNCTION; Schema: discord; Owner: -
--

CREATE FUNCTION discord.nickname_for(template text, first_name text, last_name text, facility_code text, region_code text, member_number text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO ''
    AS $_$
  declare
    t text;
    first text := regexp_replace(coalesce(first_name, ''), '[[:cntrl:]{}]', '', 'g');
    result text;
  begin
    if template is null then
      return null;
    end if;
    for attempt in 1..3 loop
      t := template;
      if attempt >= 2 and position('|' in t) > 0 then
        t := left(t, char_length(t) - position('|' in reverse(t)));
      end if;
      if attempt = 3 and first <> '' then
        first := left(first, 1) || '.';
      end if;
      result := replace(replace(replace(replace(replace(t,
        '{first_name}', first),
        '{last_name}', regexp_replace(coalesce(last_name, ''), '[[:cntrl:]{}]', '', 'g')),
        '{facility_code}', regexp_replace(coalesce(facility_code, ''), '[[:cntrl:]{}]', '', 'g')),
        '{region_code}', regexp_replace(coalesce(region_code, ''), '[[:cntrl:]{}]', '', 'g')),
        '{member_number}', regexp_replace(coalesce(member_number, ''), '[[:cntrl:]{}]', '', 'g'));
      result := regexp_replace(regexp_replace(result, '\s+', ' ', 'g'), '^[\s|]+|[\s|]+$', '', 'g');
      if char_length(result) <= 32 then
        return nullif(result, '');
      end if;
    end loop;
    return nullif(regexp_replace(left(result, 32), '[\s|]+$', ''), '');
  end
  $_$;


--
-- Name: member_events; Type: TABLE; Schema: discord_dev; Owner: -
--

CREATE TABLE discord_dev.member_events (
    id bigint DEFAULT private.member_event_id() NOT NULL,
    member_number text NOT NULL,
    discord_id text NOT NULL,
    kind text NOT NULL,
    details jsonb DEFAULT '{}'::jsonb NOT NULL,
    source text NOT NULL,
    sync_id uuid,
    request_id text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT member_events_id_range CHECK (((id > 0) AND (id <= '9007199254740991'::bigint))),
    CONSTRAINT member_events_kind_check CHECK ((kind = ANY (ARRAY['linked'::text, 'unlinked'::text, 'became_ineligible'::text, 'became_eligible'::text, 'positions_changed'::text, 'profile_changed'::text, 'roles_changed'::text]))),
    CONSTRAINT member_events_source_check CHECK ((source = ANY (ARRAY['complete-verification'::text, 'unlink-discord'::text, 'sync'::text, 'role-rules'::text, 'role-grace'::text])))
);


--
-- Name: TABLE member_events; Type: COMMENT; Schema: discord_dev; Owner: -
--

COMMENT ON TABLE discord_dev.member_events IS 'Changes the Discord bot must act on, one row each, written in the same transaction as the change; only for linked members. Read with member_events_since(). The bot and service_role only.';


--
-- Name: COLUMN member_events.id; Type: COMMENT; Schema: discord_dev; Owner: -
--

COMMENT ON COLUMN discord_dev.member_events.id IS 'Position in the feed: (transaction id << 16) + the event''s number in its transaction. Larger ids commit in later or concurrent transactions; member_events_since() returns a prefix that can no longer grow below.';


--
-- Name: COLUMN member_events.discord_id; Type: COMMENT; Schema: discord_dev; Owner: -
--

COMMENT ON COLUMN discord_dev.member_events.discord_id IS 'The Discord account the bot acts on (for unlinked: the account removed).';


--
-- Name: COLUMN member_events.kind; Type: COMMENT; Schema: discord_dev; Owner: -
--

COMMENT ON COLUMN discord_dev.member_events.kind IS 'linked, unlinked, became_ineligible, became_eligible, positions_changed, profile_changed or roles_changed.';


--
-- Name: COLUMN member_events.details; Type: COMMENT; Schema: discord_dev; Owner: -
--

COMMENT ON COLUMN discord_dev.member_events.details IS 'What changed: old and new status and reason, positions added, retired and changed, fields with old and new values, the replaced account, who asked.';


--
-- Name: COLUMN member_events.source; Type: COMMENT; Schema: discord_dev; Owner: -
--

COMMENT ON COLUMN discord_dev.member_events.source IS 'complete-verification, unlink-discord, sync, role-rules (a rule or guild edit) or role-grace (a grace period ending).';


--
-- Name: COLUMN member_events.sync_id; Type: COMMENT; Schema: discord_dev; Owner: -
--

COMMENT ON COLUMN discord_dev.member_events.sync_id IS 'The sync run that made the change (source sync).';


--
-- Name: COLUMN member_events.request_id; Type: COMMENT; Schema: discord_dev; Owner: -
--

COMMENT ON COLUMN discord_dev.member_events.request_id IS 'The function call that made the change (its x-request-id).';


--
-- Name: member_events_since(bigint, integer); Type: FUNCTION; Schema: discord_dev; Owner: -
--

CREATE FUNCTION discord_dev.member_events_since(after_id bigint, max_rows integer DEFAULT 1000) RETURNS SETOF discord_dev.member_events
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
    select e.* from discord_dev.member_events e
    where e.id > after_id
      and e.id < (pg_snapshot_xmin(pg_current_snapshot())::text::bigint << 16)
    order by e.id
    limit least(greatest(max_rows, 1), 10000)
  $$;


--
-- Name: FUNCTION member_events_since(after_id bigint, max_rows integer); Type: COMMENT; Schema: discord_dev; Owner: -
--

COMMENT ON FUNCTION discord_dev.member_events_since(after_id bigint, max_rows integer) IS 'Member events after after_id that no running transaction can precede, in id order (at most max_rows, up to 10000). Pass the last id received as the next after_id; 0 reads from the start.';


--
-- Name: nickname_for(text, text, text, text, text, text); Type: FUNCTION; Schema: discord_dev; Owner: -
--

CREATE FUNCTION discord_dev.nickname_for(template text, first_name text, last_name text, facility_code text, region_code text, member_number text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO ''
    AS $_$
  declare
    t text;
    first text := regexp_replace(coalesce(first_name, ''), '[[:cntrl:]{}]', '', 'g');
    result text;
  begin
    if template is null then
      return null;
    end if;
    for attempt in 1..3 loop
      t := template;
      if attempt >= 2 and position('|' in t) > 0 then
        t := left(t, char_length(t) - position('|' in reverse(t)));
      end if;
      if attempt = 3 and first <> '' then
        first := left(first, 1) || '.';
      end if;
      result := replace(replace(replace(replace(replace(t,
        '{first_name}', first),
        '{last_name}', regexp_replace(coalesce(last_name, ''), '[[:cntrl:]{}]', '', 'g')),
        '{facility_code}', regexp_replace(coalesce(facility_code, ''), '[[:cntrl:]{}]', '', 'g')),
        '{region_code}', regexp_replace(coalesce(region_code, ''), '[[:cntrl:]{}]', '', 'g')),
        '{member_number}', regexp_replace(coalesce(member_number, ''), '[[:cntrl:]{}]', '', 'g'));
      result := regexp_replace(regexp_replace(result, '\s+', ' ', 'g'), '^[\s|]+|[\s|]+$', '', 'g');
      if char_length(result) <= 32 then
        return nullif(result, '');
      end if;
    end loop;
    return nullif(regexp_replace(left(result, 32), '[\s|]+$', ''), '');
  end
  $_$;


--
-- Name: alert_from_sync_log(); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.alert_from_sync_log() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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


--
-- Name: alert_message(text, text, text, uuid, text, jsonb, integer, timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.alert_message(p_environment text, p_kind text, p_table_name text, p_sync_id uuid, p_code text, p_details jsonb, p_count integer, p_first_at timestamp with time zone, p_last_at timestamp with time zone) RETURNS uuid
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$
  insert into private.alerts (environment, kind, severity, table_name, sync_id, code, details,
                              count, first_at, last_at)
  values (p_environment, p_kind,
          case when p_kind in ('resolved', 'digest', 'test') then 'info'
               when p_kind = 'deactivation_refused' then 'warning'
               else 'error' end,
          p_table_name, p_sync_id, p_code, coalesce(p_details, '{}'), p_count, p_first_at, p_last_at)
  returning id
$$;


--
-- Name: apply_to_environments(text); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.apply_to_environments(ddl text) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  env record;
begin
  for env in
    select * from (values ('public', 'discord'), ('dev', 'discord_dev')) as e(shared, disc)
  loop
    execute format(ddl, env.shared, env.disc);
  end loop;
end
$$;


--
-- Name: check_member_email(); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.check_member_email() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $_$
begin
  if new.email is null then
    return new;
  end if;
  if char_length(new.email) > 254
     or new.email !~ '^[^@]+@[^@]+$'
     or new.email ~ '[\u0001-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]'
  then
    raise exception 'invalid email address'
      using errcode = 'check_violation',
            detail = 'An email has at most 254 characters, exactly one @ with text on both sides, and no white space or control characters.',
            schema = tg_table_schema, table = tg_table_name, column = 'email';
  end if;
  new.email := lower(new.email);
  return new;
end
$_$;


--
-- Name: check_sync_health(text); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.check_sync_health(environment text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $_$
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
$_$;


--
-- Name: compose_alert_digest(text, date); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.compose_alert_digest(p_environment text, p_day date) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $_$
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
$_$;


--
-- Name: compose_alerts(text, interval, interval, jsonb); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.compose_alerts(p_environment text, p_repeat interval, p_max_age interval, p_targets jsonb) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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


--
-- Name: connection_usage(); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.connection_usage() RETURNS TABLE(database name, application_name text, state text, connections integer, max_connections integer, share_of_max numeric, all_connections integer, all_share_of_max numeric)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  with c as (
    select a.datname, coalesce(nullif(a.application_name, ''), '(none)') as application_name,
           coalesce(a.state, '(unknown)') as state, count(*)::integer as connections
    from pg_catalog.pg_stat_activity a
    where a.backend_type = 'client backend'
    group by 1, 2, 3
  ), m as (
    select pg_catalog.current_setting('max_connections')::integer as max_connections
  )
  select c.datname, c.application_name, c.state, c.connections, m.max_connections,
         round(c.connections::numeric / m.max_connections, 4),
         (sum(c.connections) over ())::integer,
         round((sum(c.connections) over ())::numeric / m.max_connections, 4)
  from c, m
  order by c.connections desc, c.application_name, c.state
$$;


--
-- Name: dev_refresh_admins(); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.dev_refresh_admins() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $_$
  begin
    execute $q$
      delete from private."dev_admins" a
      where not exists (
        select 1 from dev.positions p
        join dev.members m on m.member_number = p.member_number
        where p.member_number = a.member_number
          and p.active and p.position_type in ('neb', 'regional')
          and m.status = 'active')$q$;
    execute $q$
      insert into private."dev_admins" (member_number)
      select distinct p.member_number from dev.positions p
      join dev.members m on m.member_number = p.member_number
      where p.active and p.position_type in ('neb', 'regional')
        and m.status = 'active'
      on conflict (member_number) do nothing$q$;
    return null;
  end
  $_$;


--
-- Name: discord_complete_verification(uuid, text, text, boolean, text, integer); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.discord_complete_verification(p_verification_id uuid, p_member_number text, p_auth0_user_id text, p_replace boolean, p_request_id text DEFAULT NULL::text, p_max_failures integer DEFAULT NULL::integer) RETURNS TABLE(outcome text, discord_id text, discord_username text, member_number text, completed_at timestamp with time zone, retry_after_s integer)
    LANGUAGE plpgsql
    SET search_path TO ''
    SET lock_timeout TO '2s'
    AS $$
  declare
    req record;
    mem record;
    reason text;
    refusal text;
    done_at timestamptz;
    wait_s integer;
  begin
    if p_max_failures is not null then
      -- One caller's attempts are counted one at a time, so concurrent
      -- failures cannot pass the limit together.
      perform pg_advisory_xact_lock(
        hashtextextended('discord completion failures ' || p_auth0_user_id, 0));
      -- When the oldest of the last p_max_failures failures leaves the window.
      select ceil(extract(epoch from min(f.failed_at) + interval '10 minutes' - now()))::integer
      into wait_s
      from (select a.failed_at from private."discord_completion_failures" a
            where a.auth0_user_id = p_auth0_user_id
              and a.failed_at > now() - interval '10 minutes'
            order by a.failed_at desc
            limit p_max_failures) f
      having count(*) >= p_max_failures;
      if wait_s is not null then
        return query select 'rate_limited', null::text, null::text, null::text,
                            null::timestamptz, greatest(wait_s, 1);
        return;
      end if;
    end if;

    -- Every refusal leaves this block with `refusal` set; what succeeds
    -- (or waits for the member's confirmation) returns from inside it.
    <<decide>>
    begin
      select v.verification_id as id, v.discord_id, v.discord_username, v.status,
             v.member_number, v.expires_at, v.completed_at
      into req
      from discord.verification_requests v where v.verification_id = p_verification_id for update;
      if not found then
        refusal := 'not_found';
        exit decide;
      end if;

      if req.status = 'completed' then
        -- Repeating a successful call answers the same; another member may not.
        if req.member_number = p_member_number then
          return query select 'completed', req.discord_id, req.discord_username,
                              req.member_number, req.completed_at, null::integer;
          return;
        end if;
        refusal := 'already_completed';
        exit decide;
      end if;
      -- Final: the attempt that failed it stays its record.
      if req.status = 'failed' then
        refusal := 'request_failed';
        exit decide;
      end if;
      if req.status = 'expired' or req.expires_at <= now() then
        update discord.verification_requests v set status = 'expired'
        where v.verification_id = req.id;
        refusal := 'expired';
        exit decide;
      end if;

      if p_member_number is null then
        reason := 'no member number in the access token';
      else
        select m.status, m.discord_id as previous, m.discord_username as previous_username,
               (select h.member_number from public.members h
                where h.discord_id = req.discord_id) as holder
        into mem
        from public.members m where m.member_number = p_member_number
        for update of m;
        if not found then
          reason := 'member not found';
        elsif mem.status <> 'active' then
          reason := 'member status is ' || mem.status;
        end if;
      end if;
      if reason is not null then
        update discord.verification_requests v
        set status = 'failed', failure_reason = reason, member_number = p_member_number,
            auth0_user_id = p_auth0_user_id
        where v.verification_id = req.id;
        refusal := 'not_eligible';
        exit decide;
      end if;
      if mem.holder is not null and mem.holder <> p_member_number then
        refusal := 'discord_already_linked';
        exit decide;
      end if;

      -- A member already linked elsewhere must confirm the replacement, so a
      -- link sent by someone else cannot silently take the member's place.
      if mem.previous is not null and mem.previous <> req.discord_id and not p_replace then
        return query select 'would_replace_link', null::text, mem.previous_username, null::text,
                            null::timestamptz, null::integer;
        return;
      end if;

      -- Already linked to this account: the link does not change, so
      -- nothing but the request is written (no event, no audit row).
      if mem.previous is distinct from req.discord_id then
        -- Link. now() is the transaction's start, so both times agree.
        update public.members m
        set discord_id = req.discord_id, discord_username = req.discord_username,
            discord_verified = true, verified_at = now(), auth0_user_id = p_auth0_user_id
        where m.member_number = p_member_number;
        insert into discord.discord_link_audit
          (member_number, action, old_discord_id, new_discord_id, verification_id,
           auth0_user_id, requested_by)
        values (p_member_number, 'link', mem.previous, req.discord_id, req.id, p_auth0_user_id,
                p_auth0_user_id);
        -- The bot removes the replaced account's roles, then grants the new one's.
        if mem.previous is not null then
          insert into discord.member_events
            (member_number, discord_id, kind, details, source, request_id)
          values (p_member_number, mem.previous, 'unlinked',
                  jsonb_build_object('reason', 'replaced', 'replaced_by', req.discord_id,
                                     'requested_by', p_auth0_user_id, 'verification_id', req.id),
                  'complete-verification', p_request_id);
        end if;
        insert into discord.member_events
          (member_number, discord_id, kind, details, source, request_id)
        values (p_member_number, req.discord_id, 'linked',
                jsonb_build_object('discord_username', req.discord_username,
                                   'verification_id', req.id,
                                   'replaced_discord_id', mem.previous),
                'complete-verification', p_request_id);
      end if;
      update discord.verification_requests v
      set status = 'completed', member_number = p_member_number,
          auth0_user_id = p_auth0_user_id, completed_at = now(), failure_reason = null
      where v.verification_id = req.id
      returning v.completed_at into done_at;
      return query select 'completed', req.discord_id, req.discord_username, p_member_number,
                          done_at, null::integer;
      return;
    end;

    if p_max_failures is not null then
      insert into private."discord_completion_failures" (auth0_user_id, outcome)
      values (p_auth0_user_id, refusal);
    end if;
    return query select refusal, null::text, null::text, null::text, null::timestamptz,
                        null::integer;
  end
  $$;


--
-- Name: discord_create_verification(text, text, integer, integer); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.discord_create_verification(p_discord_id text, p_discord_username text, p_ttl_minutes integer, p_max_per_hour integer DEFAULT NULL::integer) RETURNS TABLE(linked boolean, verification_id uuid, expires_at timestamp with time zone, created boolean, retry_after_s integer)
    LANGUAGE plpgsql
    SET search_path TO ''
    SET lock_timeout TO '2s'
    AS $$
  declare
    found_id uuid;
    found_expires timestamptz;
    wait_s integer;
  begin
    if exists (select 1 from public.members m where m.discord_id = p_discord_id) then
      return query select true, null::uuid, null::timestamptz, false, null::integer;
      return;
    end if;
    -- The partial unique index allows one pending request per account, so
    -- concurrent calls settle on the insert. A pending request that has
    -- expired is marked so, and the account's allowance is asked again.
    for attempt in 1..5 loop
      select v.verification_id, v.expires_at into found_id, found_expires
      from discord.verification_requests v
      where v.discord_id = p_discord_id and v.status = 'pending';
      if found_id is not null and found_expires > now() then
        return query select false, found_id, found_expires, false, null::integer;
        return;
      end if;
      if found_id is not null then
        update discord.verification_requests v set status = 'expired'
        where v.verification_id = found_id and v.status = 'pending';
        found_id := null;
      end if;
      if p_max_per_hour is not null then
        -- When the oldest of the last p_max_per_hour requests leaves the hour.
        select ceil(extract(epoch from min(r.created_at) + interval '1 hour' - now()))::integer
        into wait_s
        from (select v.created_at from discord.verification_requests v
              where v.discord_id = p_discord_id and v.created_at > now() - interval '1 hour'
              order by v.created_at desc
              limit p_max_per_hour) r
        having count(*) >= p_max_per_hour;
        if wait_s is not null then
          return query select false, null::uuid, null::timestamptz, false, greatest(wait_s, 1);
          return;
        end if;
      end if;
      insert into discord.verification_requests as v (discord_id, discord_username, expires_at)
      values (p_discord_id, p_discord_username, now() + make_interval(mins => p_ttl_minutes))
      on conflict (discord_id) where status = 'pending' do nothing
      returning v.verification_id, v.expires_at into found_id, found_expires;
      if found_id is not null then
        return query select false, found_id, found_expires, true, null::integer;
        return;
      end if;
    end loop;
    raise exception 'could not settle the verification request' using errcode = '40001';
  end
  $$;


--
-- Name: discord_dev_complete_verification(uuid, text, text, boolean, text, integer); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.discord_dev_complete_verification(p_verification_id uuid, p_member_number text, p_auth0_user_id text, p_replace boolean, p_request_id text DEFAULT NULL::text, p_max_failures integer DEFAULT NULL::integer) RETURNS TABLE(outcome text, discord_id text, discord_username text, member_number text, completed_at timestamp with time zone, retry_after_s integer)
    LANGUAGE plpgsql
    SET search_path TO ''
    SET lock_timeout TO '2s'
    AS $$
  declare
    req record;
    mem record;
    reason text;
    refusal text;
    done_at timestamptz;
    wait_s integer;
  begin
    if p_max_failures is not null then
      -- One caller's attempts are counted one at a time, so concurrent
      -- failures cannot pass the limit together.
      perform pg_advisory_xact_lock(
        hashtextextended('discord_dev completion failures ' || p_auth0_user_id, 0));
      -- When the oldest of the last p_max_failures failures leaves the window.
      select ceil(extract(epoch from min(f.failed_at) + interval '10 minutes' - now()))::integer
      into wait_s
      from (select a.failed_at from private."discord_dev_completion_failures" a
            where a.auth0_user_id = p_auth0_user_id
              and a.failed_at > now() - interval '10 minutes'
            order by a.failed_at desc
            limit p_max_failures) f
      having count(*) >= p_max_failures;
      if wait_s is not null then
        return query select 'rate_limited', null::text, null::text, null::text,
                            null::timestamptz, greatest(wait_s, 1);
        return;
      end if;
    end if;

    -- Every refusal leaves this block with `refusal` set; what succeeds
    -- (or waits for the member's confirmation) returns from inside it.
    <<decide>>
    begin
      select v.verification_id as id, v.discord_id, v.discord_username, v.status,
             v.member_number, v.expires_at, v.completed_at
      into req
      from discord_dev.verification_requests v where v.verification_id = p_verification_id for update;
      if not found then
        refusal := 'not_found';
        exit decide;
      end if;

      if req.status = 'completed' then
        -- Repeating a successful call answers the same; another member may not.
        if req.member_number = p_member_number then
          return query select 'completed', req.discord_id, req.discord_username,
                              req.member_number, req.completed_at, null::integer;
          return;
        end if;
        refusal := 'already_completed';
        exit decide;
      end if;
      -- Final: the attempt that failed it stays its record.
      if req.status = 'failed' then
        refusal := 'request_failed';
        exit decide;
      end if;
      if req.status = 'expired' or req.expires_at <= now() then
        update discord_dev.verification_requests v set status = 'expired'
        where v.verification_id = req.id;
        refusal := 'expired';
        exit decide;
      end if;

      if p_member_number is null then
        reason := 'no member number in the access token';
      else
        select m.status, m.discord_id as previous, m.discord_username as previous_username,
               (select h.member_number from dev.members h
                where h.discord_id = req.discord_id) as holder
        into mem
        from dev.members m where m.member_number = p_member_number
        for update of m;
        if not found then
          reason := 'member not found';
        elsif mem.status <> 'active' then
          reason := 'member status is ' || mem.status;
        end if;
      end if;
      if reason is not null then
        update discord_dev.verification_requests v
        set status = 'failed', failure_reason = reason, member_number = p_member_number,
            auth0_user_id = p_auth0_user_id
        where v.verification_id = req.id;
        refusal := 'not_eligible';
        exit decide;
      end if;
      if mem.holder is not null and mem.holder <> p_member_number then
        refusal := 'discord_already_linked';
        exit decide;
      end if;

      -- A member already linked elsewhere must confirm the replacement, so a
      -- link sent by someone else cannot silently take the member's place.
      if mem.previous is not null and mem.previous <> req.discord_id and not p_replace then
        return query select 'would_replace_link', null::text, mem.previous_username, null::text,
                            null::timestamptz, null::integer;
        return;
      end if;

      -- Already linked to this account: the link does not change, so
      -- nothing but the request is written (no event, no audit row).
      if mem.previous is distinct from req.discord_id then
        -- Link. now() is the transaction's start, so both times agree.
        update dev.members m
        set discord_id = req.discord_id, discord_username = req.discord_username,
            discord_verified = true, verified_at = now(), auth0_user_id = p_auth0_user_id
        where m.member_number = p_member_number;
        insert into discord_dev.discord_link_audit
          (member_number, action, old_discord_id, new_discord_id, verification_id,
           auth0_user_id, requested_by)
        values (p_member_number, 'link', mem.previous, req.discord_id, req.id, p_auth0_user_id,
                p_auth0_user_id);
        -- The bot removes the replaced account's roles, then grants the new one's.
        if mem.previous is not null then
          insert into discord_dev.member_events
            (member_number, discord_id, kind, details, source, request_id)
          values (p_member_number, mem.previous, 'unlinked',
                  jsonb_build_object('reason', 'replaced', 'replaced_by', req.discord_id,
                                     'requested_by', p_auth0_user_id, 'verification_id', req.id),
                  'complete-verification', p_request_id);
        end if;
        insert into discord_dev.member_events
          (member_number, discord_id, kind, details, source, request_id)
        values (p_member_number, req.discord_id, 'linked',
                jsonb_build_object('discord_username', req.discord_username,
                                   'verification_id', req.id,
                                   'replaced_discord_id', mem.previous),
                'complete-verification', p_request_id);
      end if;
      update discord_dev.verification_requests v
      set status = 'completed', member_number = p_member_number,
          auth0_user_id = p_auth0_user_id, completed_at = now(), failure_reason = null
      where v.verification_id = req.id
      returning v.completed_at into done_at;
      return query select 'completed', req.discord_id, req.discord_username, p_member_number,
                          done_at, null::integer;
      return;
    end;

    if p_max_failures is not null then
      insert into private."discord_dev_completion_failures" (auth0_user_id, outcome)
      values (p_auth0_user_id, refusal);
    end if;
    return query select refusal, null::text, null::text, null::text, null::timestamptz,
                        null::integer;
  end
  $$;


--
-- Name: discord_dev_create_verification(text, text, integer, integer); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.discord_dev_create_verification(p_discord_id text, p_discord_username text, p_ttl_minutes integer, p_max_per_hour integer DEFAULT NULL::integer) RETURNS TABLE(linked boolean, verification_id uuid, expires_at timestamp with time zone, created boolean, retry_after_s integer)
    LANGUAGE plpgsql
    SET search_path TO ''
    SET lock_timeout TO '2s'
    AS $$
  declare
    found_id uuid;
    found_expires timestamptz;
    wait_s integer;
  begin
    if exists (select 1 from dev.members m where m.discord_id = p_discord_id) then
      return query select true, null::uuid, null::timestamptz, false, null::integer;
      return;
    end if;
    -- The partial unique index allows one pending request per account, so
    -- concurrent calls settle on the insert. A pending request that has
    -- expired is marked so, and the account's allowance is asked again.
    for attempt in 1..5 loop
      select v.verification_id, v.expires_at into found_id, found_expires
      from discord_dev.verification_requests v
      where v.discord_id = p_discord_id and v.status = 'pending';
      if found_id is not null and found_expires > now() then
        return query select false, found_id, found_expires, false, null::integer;
        return;
      end if;
      if found_id is not null then
        update discord_dev.verification_requests v set status = 'expired'
        where v.verification_id = found_id and v.status = 'pending';
        found_id := null;
      end if;
      if p_max_per_hour is not null then
        -- When the oldest of the last p_max_per_hour requests leaves the hour.
        select ceil(extract(epoch from min(r.created_at) + interval '1 hour' - now()))::integer
        into wait_s
        from (select v.created_at from discord_dev.verification_requests v
              where v.discord_id = p_discord_id and v.created_at > now() - interval '1 hour'
              order by v.created_at desc
              limit p_max_per_hour) r
        having count(*) >= p_max_per_hour;
        if wait_s is not null then
          return query select false, null::uuid, null::timestamptz, false, greatest(wait_s, 1);
          return;
        end if;
      end if;
      insert into discord_dev.verification_requests as v (discord_id, discord_username, expires_at)
      values (p_discord_id, p_discord_username, now() + make_interval(mins => p_ttl_minutes))
      on conflict (discord_id) where status = 'pending' do nothing
      returning v.verification_id, v.expires_at into found_id, found_expires;
      if found_id is not null then
        return query select false, found_id, found_expires, true, null::integer;
        return;
      end if;
    end loop;
    raise exception 'could not settle the verification request' using errcode = '40001';
  end
  $$;


--
-- Name: discord_dev_member_events_from_sync(jsonb); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.discord_dev_member_events_from_sync(events jsonb) RETURNS void
    LANGUAGE sql
    SET search_path TO ''
    AS $$
    insert into discord_dev.member_events (member_number, discord_id, kind, details, source, sync_id)
    select e.item ->> 'member_number', e.item ->> 'discord_id', e.item ->> 'kind',
           e.item -> 'details', 'sync',
           (select s.sync_id from dev.sync_logs s
            where s.operation = 'sync_start' order by s.created_at desc, s.id desc limit 1)
    from jsonb_array_elements(events) with ordinality as e(item, n)
    order by e.n
  $$;


--
-- Name: discord_dev_member_events_members(); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.discord_dev_member_events_members() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
  declare
    events jsonb;
  begin
    select jsonb_agg(c.event order by c.member_number, c.ord) into events
    from (
      select n.member_number, 1 as ord, jsonb_build_object(
               'member_number', n.member_number, 'discord_id', n.discord_id,
               'kind', case when n.status = 'active' then 'became_eligible'
                            else 'became_ineligible' end,
               'details', jsonb_build_object(
                 'old_status', o.status, 'new_status', n.status,
                 'reason', case when n.status <> 'active'
                                     and n.last_sync is not distinct from o.last_sync
                                then 'missing' else 'status' end)) as event
      from old_rows o join new_rows n on n.member_number = o.member_number
      where o.discord_id is not null and n.discord_id = o.discord_id
        and (o.status = 'active') <> (n.status = 'active')
      union all
      select p.member_number, 2, jsonb_build_object(
               'member_number', p.member_number, 'discord_id', p.discord_id,
               'kind', 'profile_changed', 'details', jsonb_build_object('changes', p.changes))
      from (
        select n.member_number, n.discord_id, private.member_event_changes(
                 to_jsonb(o), to_jsonb(n),
                 array['first_name', 'last_name', 'facility_code', 'facility_name',
                       'region_code', 'region_name']) as changes
        from old_rows o join new_rows n on n.member_number = o.member_number
        where o.discord_id is not null and n.discord_id = o.discord_id
      ) p
      where p.changes is not null
    ) c;
    if events is not null then
      perform private."discord_dev_member_events_from_sync"(events);
    end if;
    return null;
  end
  $$;


--
-- Name: discord_dev_member_events_positions(); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.discord_dev_member_events_positions() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
  declare
    entries jsonb;
    events jsonb;
  begin
    if not exists (select 1 from new_rows)
       or not exists (select 1 from dev.members m where m.discord_id is not null) then
      return null;
    end if;
    -- {member_number, what, entry} per position and linked member it concerns
    -- (the linked ones picked first: most positions belong to unlinked members).
    if TG_OP = 'INSERT' then
      select jsonb_agg(jsonb_build_object('member_number', n.member_number, 'what', 'added',
                                          'entry', to_jsonb(n)))
      into entries from new_rows n
      where exists (select 1 from dev.members m
                    where m.member_number = n.member_number and m.discord_id is not null);
    else
      select jsonb_agg(x.item) into entries from (
        select jsonb_build_object(
                 'member_number', n.member_number,
                 'what', case when o.member_number <> n.member_number then 'added'
                              when o.active and not n.active then 'retired'
                              else 'changed' end,
                 'entry', to_jsonb(n) || jsonb_build_object('changes',
                   private.member_event_changes(to_jsonb(o), to_jsonb(n),
                     array['position_type', 'position_title', 'facility_code', 'facility_name',
                           'start_date', 'end_date', 'active']))) as item
        from old_rows o join new_rows n on n.id = o.id
        where exists (select 1 from dev.members m
                      where m.member_number = n.member_number and m.discord_id is not null)
        union all
        -- A position moved away from its member is retired for that member.
        select jsonb_build_object('member_number', o.member_number, 'what', 'retired',
                                  'entry', to_jsonb(o) || '{"active": false}')
        from old_rows o join new_rows n on n.id = o.id
        where o.member_number <> n.member_number
          and exists (select 1 from dev.members m
                      where m.member_number = o.member_number and m.discord_id is not null)
      ) x;
    end if;
    if entries is null then
      return null;
    end if;
    select jsonb_agg(jsonb_build_object(
             'member_number', m.member_number, 'discord_id', m.discord_id,
             'kind', 'positions_changed', 'details', d.details) order by m.member_number)
    into events
    from (
      select c.member_number, jsonb_object_agg(c.what, c.list) as details
      from (
        select e ->> 'member_number' as member_number, e ->> 'what' as what,
               jsonb_agg(jsonb_build_object(
                 'source_id', e -> 'entry' -> 'source_id',
                 'position_type', e -> 'entry' -> 'position_type',
                 'position_title', e -> 'entry' -> 'position_title',
                 'facility_code', e -> 'entry' -> 'facility_code',
                 'active', e -> 'entry' -> 'active')
                 || case when jsonb_typeof(e -> 'entry' -> 'changes') = 'object'
                         then jsonb_build_object('changes', e -> 'entry' -> 'changes')
                         else '{}' end
                 order by (e -> 'entry' ->> 'source_id')::integer) as list
        from jsonb_array_elements(entries) e
        group by 1, 2
      ) c
      group by c.member_number
    ) d
    join dev.members m on m.member_number = d.member_number and m.discord_id is not null;
    if events is not null then
      perform private."discord_dev_member_events_from_sync"(events);
    end if;
    return null;
  end
  $$;


--
-- Name: discord_dev_member_events_reconcile(); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.discord_dev_member_events_reconcile() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
  begin
    insert into discord_dev.member_events (member_number, discord_id, kind, details, source, sync_id)
    select c.member_number, c.discord_id,
           case when c.result = 'eligible' then 'became_eligible' else 'became_ineligible' end,
           jsonb_build_object(
             'reason', case when c.result = 'missing' then 'missing' else 'status' end,
             'found_by', 'link_validation', 'validation_run_id', c.run_id,
             'validation_reason', c.reason),
           'sync', s.sync_id
    from checked c
    join discord_dev.validation_summaries s on s.run_id = c.run_id
    left join lateral (
      select e.kind from discord_dev.member_events e
      where e.member_number = c.member_number and e.discord_id = c.discord_id
        and e.kind in ('linked', 'became_eligible', 'became_ineligible')
      order by e.id desc limit 1
    ) newest on true
    where (c.result <> 'eligible') <> (newest.kind is not distinct from 'became_ineligible')
    order by c.member_number;
    return null;
  end
  $$;


--
-- Name: discord_dev_roles_end_grace(); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.discord_dev_roles_end_grace() RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
  declare
    ended text[];
  begin
    with gone as (
      delete from discord_dev.role_grace g where g.grace_until <= now() returning g.member_number
    )
    select array_agg(distinct gone.member_number) into ended from gone;
    if ended is null then
      return 0;
    end if;
    return private."discord_dev_roles_refresh"(ended, 'grace_ended', 'role-grace');
  end
  $$;


--
-- Name: discord_dev_roles_facilities(); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.discord_dev_roles_facilities() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
  declare
    affected text[];
  begin
    select array_agg(distinct p.member_number) into affected
    from old_rows o
    join new_rows n on n.facility_code = o.facility_code
    join dev.positions p on p.facility_code = n.facility_code and p.active
    join dev.members m on m.member_number = p.member_number and m.discord_id is not null
    where n.region_code is distinct from o.region_code;
    if affected is not null then
      perform private."discord_dev_roles_refresh"(affected, 'sync', 'sync');
    end if;
    return null;
  end
  $$;


--
-- Name: discord_dev_roles_links(); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.discord_dev_roles_links() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
  declare
    e record;
  begin
    for e in
      select n.member_number, n.kind, n.source, n.request_id from new_rows n
      where n.kind in ('linked', 'unlinked') order by n.id
    loop
      if e.kind = 'unlinked' and exists (
        select 1 from dev.members m
        where m.member_number = e.member_number and m.discord_id is not null
      ) then
        continue;
      end if;
      perform private."discord_dev_roles_refresh"(
        array[e.member_number], case e.kind when 'linked' then 'link' else 'unlink' end,
        e.source, e.request_id);
    end loop;
    return null;
  end
  $$;


--
-- Name: discord_dev_roles_members(); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.discord_dev_roles_members() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
  declare
    affected text[];
  begin
    select array_agg(n.member_number) into affected
    from old_rows o join new_rows n on n.member_number = o.member_number
    where n.discord_id is not null and n.discord_id = o.discord_id
      and (o.status, o.member_type_id, o.facility_code, o.region_code, o.first_name, o.last_name)
          is distinct from
          (n.status, n.member_type_id, n.facility_code, n.region_code, n.first_name, n.last_name);
    if affected is not null then
      perform private."discord_dev_roles_refresh"(affected, 'sync', 'sync');
    end if;
    return null;
  end
  $$;


--
-- Name: discord_dev_roles_positions(); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.discord_dev_roles_positions() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
  declare
    affected text[];
  begin
    if not exists (select 1 from discord_dev.role_rules r where r.active and r.position_types is not null)
       and not exists (select 1 from private."discord_dev_roles_state") then
      return null;
    end if;
    if TG_OP = 'INSERT' then
      select array_agg(distinct n.member_number) into affected
      from new_rows n
      join dev.members m on m.member_number = n.member_number and m.discord_id is not null;
    else
      select array_agg(distinct c.member_number) into affected
      from (
        select unnest(array[o.member_number, n.member_number]) as member_number
        from old_rows o join new_rows n on n.id = o.id
        where (o.member_number, o.position_type, o.facility_code, o.active)
              is distinct from (n.member_number, n.position_type, n.facility_code, n.active)
      ) c
      join dev.members m on m.member_number = c.member_number and m.discord_id is not null;
    end if;
    if affected is not null then
      perform private."discord_dev_roles_refresh"(affected, 'sync', 'sync');
    end if;
    return null;
  end
  $$;


--
-- Name: discord_dev_roles_refresh(text[], text, text, text); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.discord_dev_roles_refresh(p_members text[], p_cause text, p_source text, p_request_id text DEFAULT NULL::text) RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO ''
    SET plan_cache_mode TO 'force_custom_plan'
    AS $$
  declare
    v_sync uuid;
    written integer;
  begin
    if p_members is null or cardinality(p_members) = 0
       or (not exists (select 1 from discord_dev.role_rules r where r.active)
           and not exists (select 1 from private."discord_dev_roles_state" s
                           where s.member_number = any (p_members))) then
      return 0;
    end if;

    -- A role kept in grace stays only while its rule still fails on the
    -- status alone, for the same account, and no rule gives it outright.
    -- Only a sync changes a status: a role the feed said the member holds,
    -- whose rules now fail on the status alone, is kept for grace_days.
    -- (The two writes touch different rows: those that stop lapsing, and
    -- those that lapse now.)
    with per_role as (
      select x.member_number, x.discord_id, x.guild_id, x.role_id, bool_or(x.status_holds) as held,
             max(x.grace_days) filter (where not x.status_holds) as grace_days
      from discord_dev.role_rule_matches x
      where x.member_number = any (p_members)
      group by 1, 2, 3, 4
    ), lapsing as (
      select l.* from per_role l where not l.held and l.grace_days > 0
    ), ended as (
      delete from discord_dev.role_grace gr
      where gr.member_number = any (p_members)
        and not exists (select 1 from lapsing l
                        where l.member_number = gr.member_number and l.guild_id = gr.guild_id
                          and l.role_id = gr.role_id and l.discord_id = gr.discord_id)
    )
    insert into discord_dev.role_grace (member_number, discord_id, guild_id, role_id, grace_until)
    select l.member_number, l.discord_id, l.guild_id, l.role_id,
           now() + make_interval(days => l.grace_days)
    from lapsing l
    join private."discord_dev_roles_state" s
      on s.member_number = l.member_number and s.guild_id = l.guild_id
     and s.discord_id = l.discord_id and l.role_id = any (s.role_ids)
    where p_cause = 'sync'
    on conflict do nothing;

    if p_source = 'sync' then
      select s.sync_id into v_sync from dev.sync_logs s
      where s.operation = 'sync_start' order by s.created_at desc, s.id desc limit 1;
    end if;

    with want as materialized (
      select w.member_number, w.discord_id, w.guild_id, w.role_ids, w.nickname
      from discord_dev.member_roles w where w.member_number = any (p_members)
    ), have as materialized (
      select s.member_number, s.discord_id, s.guild_id, s.role_ids, s.nickname
      from private."discord_dev_roles_state" s where s.member_number = any (p_members)
    ), changes as (
      -- An account or guild the member no longer has a row for: its roles go.
      select h.member_number, h.discord_id, h.guild_id, '{}'::text[] as added,
             h.role_ids as removed, false as nickname_changed, null::text as nickname,
             case when m.discord_id is distinct from h.discord_id then 'unlink' else p_cause end
               as cause,
             0 as ord
      from have h
      left join dev.members m on m.member_number = h.member_number
      where not exists (select 1 from want w
                        where w.member_number = h.member_number and w.guild_id = h.guild_id
                          and w.discord_id = h.discord_id)
        and cardinality(h.role_ids) > 0
      union all
      select w.member_number, w.discord_id, w.guild_id,
             array(select r from unnest(w.role_ids) with ordinality u(r, i)
                   where r <> all (coalesce(h.role_ids, '{}')) order by i),
             array(select r from unnest(h.role_ids) with ordinality u(r, i)
                   where r <> all (w.role_ids) order by i),
             w.nickname is distinct from h.nickname, w.nickname, p_cause, 1
      from want w
      left join have h
        on h.member_number = w.member_number and h.guild_id = w.guild_id
       and h.discord_id = w.discord_id
    ), events as (
      insert into discord_dev.member_events
        (member_number, discord_id, kind, details, source, sync_id, request_id)
      select c.member_number, c.discord_id, 'roles_changed',
             jsonb_build_object('guild_id', c.guild_id, 'added', to_jsonb(c.added),
                                'removed', to_jsonb(c.removed), 'cause', c.cause)
               || case when c.nickname_changed then jsonb_build_object('nickname', c.nickname)
                       else '{}'::jsonb end,
             p_source, v_sync, p_request_id
      from changes c
      where cardinality(c.added) > 0 or cardinality(c.removed) > 0 or c.nickname_changed
      order by c.member_number, c.guild_id, c.ord
      returning 1
    ), gone as (
      delete from private."discord_dev_roles_state" s
      using have h
      where s.member_number = h.member_number and s.guild_id = h.guild_id
        and not exists (select 1 from want w
                        where w.member_number = h.member_number and w.guild_id = h.guild_id)
    ), kept as (
      insert into private."discord_dev_roles_state" as s
        (member_number, guild_id, discord_id, role_ids, nickname)
      select w.member_number, w.guild_id, w.discord_id, w.role_ids, w.nickname from want w
      on conflict (member_number, guild_id) do update
      set discord_id = excluded.discord_id, role_ids = excluded.role_ids,
          nickname = excluded.nickname
      where (s.discord_id, s.role_ids, s.nickname)
            is distinct from (excluded.discord_id, excluded.role_ids, excluded.nickname)
    )
    -- Every data-modifying part runs whether or not it is read here.
    select count(*) into written from events;
    return written;
  end
  $$;


--
-- Name: discord_dev_roles_refresh_all(text, text); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.discord_dev_roles_refresh_all(p_cause text, p_source text) RETURNS integer
    LANGUAGE sql
    SET search_path TO ''
    AS $$
    select private."discord_dev_roles_refresh"(array(
      select m.member_number from dev.members m where m.discord_id is not null
      union
      select s.member_number from private."discord_dev_roles_state" s), p_cause, p_source)
  $$;


--
-- Name: discord_dev_roles_rules(); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.discord_dev_roles_rules() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
  begin
    if current_setting('mynatca.roles_refresh', true) is distinct from 'deferred' then
      perform private."discord_dev_roles_refresh_all"('rule', 'role-rules');
    end if;
    return null;
  end
  $$;


--
-- Name: discord_dev_unlink_discord(text, text, text, text, text, text); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.discord_dev_unlink_discord(p_member_number text, p_discord_id text, p_requested_by text, p_auth0_user_id text, p_reason text, p_request_id text DEFAULT NULL::text) RETURNS TABLE(member_number text, discord_id text)
    LANGUAGE plpgsql
    SET search_path TO ''
    SET lock_timeout TO '2s'
    AS $$
  declare
    found_member text;
    found_discord text;
  begin
    select m.member_number, m.discord_id into found_member, found_discord
    from dev.members m
    where m.discord_id is not null
      and (case when p_member_number is not null then m.member_number = p_member_number
                else m.discord_id = p_discord_id end)
    for update;
    if not found then
      return;
    end if;
    update dev.members m
    set discord_id = null, discord_username = null, verified_at = null, discord_verified = false
    where m.member_number = found_member;
    insert into discord_dev.discord_link_audit
      (member_number, action, old_discord_id, new_discord_id, auth0_user_id, requested_by, reason)
    values (found_member, 'unlink', found_discord, null, p_auth0_user_id, p_requested_by, p_reason);
    insert into discord_dev.member_events
      (member_number, discord_id, kind, details, source, request_id)
    values (found_member, found_discord, 'unlinked',
            jsonb_build_object('requested_by', p_requested_by, 'reason', p_reason),
            'unlink-discord', p_request_id);
    return query select found_member, found_discord;
  end
  $$;


--
-- Name: discord_member_events_from_sync(jsonb); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.discord_member_events_from_sync(events jsonb) RETURNS void
    LANGUAGE sql
    SET search_path TO ''
    AS $$
    insert into discord.member_events (member_number, discord_id, kind, details, source, sync_id)
    select e.item ->> 'member_number', e.item ->> 'discord_id', e.item ->> 'kind',
           e.item -> 'details', 'sync',
           (select s.sync_id from public.sync_logs s
            where s.operation = 'sync_start' order by s.created_at desc, s.id desc limit 1)
    from jsonb_array_elements(events) with ordinality as e(item, n)
    order by e.n
  $$;


--
-- Name: discord_member_events_members(); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.discord_member_events_members() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
  declare
    events jsonb;
  begin
    select jsonb_agg(c.event order by c.member_number, c.ord) into events
    from (
      select n.member_number, 1 as ord, jsonb_build_object(
               'member_number', n.member_number, 'discord_id', n.discord_id,
               'kind', case when n.status = 'active' then 'became_eligible'
                            else 'became_ineligible' end,
               'details', jsonb_build_object(
                 'old_status', o.status, 'new_status', n.status,
                 'reason', case when n.status <> 'active'
                                     and n.last_sync is not distinct from o.last_sync
                                then 'missing' else 'status' end)) as event
      from old_rows o join new_rows n on n.member_number = o.member_number
      where o.discord_id is not null and n.discord_id = o.discord_id
        and (o.status = 'active') <> (n.status = 'active')
      union all
      select p.member_number, 2, jsonb_build_object(
               'member_number', p.member_number, 'discord_id', p.discord_id,
               'kind', 'profile_changed', 'details', jsonb_build_object('changes', p.changes))
      from (
        select n.member_number, n.discord_id, private.member_event_changes(
                 to_jsonb(o), to_jsonb(n),
                 array['first_name', 'last_name', 'facility_code', 'facility_name',
                       'region_code', 'region_name']) as changes
        from old_rows o join new_rows n on n.member_number = o.member_number
        where o.discord_id is not null and n.discord_id = o.discord_id
      ) p
      where p.changes is not null
    ) c;
    if events is not null then
      perform private."discord_member_events_from_sync"(events);
    end if;
    return null;
  end
  $$;


--
-- Name: discord_member_events_positions(); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.discord_member_events_positions() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
  declare
    entries jsonb;
    events jsonb;
  begin
    if not exists (select 1 from new_rows)
       or not exists (select 1 from public.members m where m.discord_id is not null) then
      return null;
    end if;
    -- {member_number, what, entry} per position and linked member it concerns
    -- (the linked ones picked first: most positions belong to unlinked members).
    if TG_OP = 'INSERT' then
      select jsonb_agg(jsonb_build_object('member_number', n.member_number, 'what', 'added',
                                          'entry', to_jsonb(n)))
      into entries from new_rows n
      where exists (select 1 from public.members m
                    where m.member_number = n.member_number and m.discord_id is not null);
    else
      select jsonb_agg(x.item) into entries from (
        select jsonb_build_object(
                 'member_number', n.member_number,
                 'what', case when o.member_number <> n.member_number then 'added'
                              when o.active and not n.active then 'retired'
                              else 'changed' end,
                 'entry', to_jsonb(n) || jsonb_build_object('changes',
                   private.member_event_changes(to_jsonb(o), to_jsonb(n),
                     array['position_type', 'position_title', 'facility_code', 'facility_name',
                           'start_date', 'end_date', 'active']))) as item
        from old_rows o join new_rows n on n.id = o.id
        where exists (select 1 from public.members m
                      where m.member_number = n.member_number and m.discord_id is not null)
        union all
        -- A position moved away from its member is retired for that member.
        select jsonb_build_object('member_number', o.member_number, 'what', 'retired',
                                  'entry', to_jsonb(o) || '{"active": false}')
        from old_rows o join new_rows n on n.id = o.id
        where o.member_number <> n.member_number
          and exists (select 1 from public.members m
                      where m.member_number = o.member_number and m.discord_id is not null)
      ) x;
    end if;
    if entries is null then
      return null;
    end if;
    select jsonb_agg(jsonb_build_object(
             'member_number', m.member_number, 'discord_id', m.discord_id,
             'kind', 'positions_changed', 'details', d.details) order by m.member_number)
    into events
    from (
      select c.member_number, jsonb_object_agg(c.what, c.list) as details
      from (
        select e ->> 'member_number' as member_number, e ->> 'what' as what,
               jsonb_agg(jsonb_build_object(
                 'source_id', e -> 'entry' -> 'source_id',
                 'position_type', e -> 'entry' -> 'position_type',
                 'position_title', e -> 'entry' -> 'position_title',
                 'facility_code', e -> 'entry' -> 'facility_code',
                 'active', e -> 'entry' -> 'active')
                 || case when jsonb_typeof(e -> 'entry' -> 'changes') = 'object'
                         then jsonb_build_object('changes', e -> 'entry' -> 'changes')
                         else '{}' end
                 order by (e -> 'entry' ->> 'source_id')::integer) as list
        from jsonb_array_elements(entries) e
        group by 1, 2
      ) c
      group by c.member_number
    ) d
    join public.members m on m.member_number = d.member_number and m.discord_id is not null;
    if events is not null then
      perform private."discord_member_events_from_sync"(events);
    end if;
    return null;
  end
  $$;


--
-- Name: discord_member_events_reconcile(); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.discord_member_events_reconcile() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
  begin
    insert into discord.member_events (member_number, discord_id, kind, details, source, sync_id)
    select c.member_number, c.discord_id,
           case when c.result = 'eligible' then 'became_eligible' else 'became_ineligible' end,
           jsonb_build_object(
             'reason', case when c.result = 'missing' then 'missing' else 'status' end,
             'found_by', 'link_validation', 'validation_run_id', c.run_id,
             'validation_reason', c.reason),
           'sync', s.sync_id
    from checked c
    join discord.validation_summaries s on s.run_id = c.run_id
    left join lateral (
      select e.kind from discord.member_events e
      where e.member_number = c.member_number and e.discord_id = c.discord_id
        and e.kind in ('linked', 'became_eligible', 'became_ineligible')
      order by e.id desc limit 1
    ) newest on true
    where (c.result <> 'eligible') <> (newest.kind is not distinct from 'became_ineligible')
    order by c.member_number;
    return null;
  end
  $$;


--
-- Name: discord_roles_end_grace(); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.discord_roles_end_grace() RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
  declare
    ended text[];
  begin
    with gone as (
      delete from discord.role_grace g where g.grace_until <= now() returning g.member_number
    )
    select array_agg(distinct gone.member_number) into ended from gone;
    if ended is null then
      return 0;
    end if;
    return private."discord_roles_refresh"(ended, 'grace_ended', 'role-grace');
  end
  $$;


--
-- Name: discord_roles_facilities(); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.discord_roles_facilities() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
  declare
    affected text[];
  begin
    select array_agg(distinct p.member_number) into affected
    from old_rows o
    join new_rows n on n.facility_code = o.facility_code
    join public.positions p on p.facility_code = n.facility_code and p.active
    join public.members m on m.member_number = p.member_number and m.discord_id is not null
    where n.region_code is distinct from o.region_code;
    if affected is not null then
      perform private."discord_roles_refresh"(affected, 'sync', 'sync');
    end if;
    return null;
  end
  $$;


--
-- Name: discord_roles_links(); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.discord_roles_links() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
  declare
    e record;
  begin
    for e in
      select n.member_number, n.kind, n.source, n.request_id from new_rows n
      where n.kind in ('linked', 'unlinked') order by n.id
    loop
      if e.kind = 'unlinked' and exists (
        select 1 from public.members m
        where m.member_number = e.member_number and m.discord_id is not null
      ) then
        continue;
      end if;
      perform private."discord_roles_refresh"(
        array[e.member_number], case e.kind when 'linked' then 'link' else 'unlink' end,
        e.source, e.request_id);
    end loop;
    return null;
  end
  $$;


--
-- Name: discord_roles_members(); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.discord_roles_members() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
  declare
    affected text[];
  begin
    select array_agg(n.member_number) into affected
    from old_rows o join new_rows n on n.member_number = o.member_number
    where n.discord_id is not null and n.discord_id = o.discord_id
      and (o.status, o.member_type_id, o.facility_code, o.region_code, o.first_name, o.last_name)
          is distinct from
          (n.status, n.member_type_id, n.facility_code, n.region_code, n.first_name, n.last_name);
    if affected is not null then
      perform private."discord_roles_refresh"(affected, 'sync', 'sync');
    end if;
    return null;
  end
  $$;


--
-- Name: discord_roles_positions(); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.discord_roles_positions() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
  declare
    affected text[];
  begin
    if not exists (select 1 from discord.role_rules r where r.active and r.position_types is not null)
       and not exists (select 1 from private."discord_roles_state") then
      return null;
    end if;
    if TG_OP = 'INSERT' then
      select array_agg(distinct n.member_number) into affected
      from new_rows n
      join public.members m on m.member_number = n.member_number and m.discord_id is not null;
    else
      select array_agg(distinct c.member_number) into affected
      from (
        select unnest(array[o.member_number, n.member_number]) as member_number
        from old_rows o join new_rows n on n.id = o.id
        where (o.member_number, o.position_type, o.facility_code, o.active)
              is distinct from (n.member_number, n.position_type, n.facility_code, n.active)
      ) c
      join public.members m on m.member_number = c.member_number and m.discord_id is not null;
    end if;
    if affected is not null then
      perform private."discord_roles_refresh"(affected, 'sync', 'sync');
    end if;
    return null;
  end
  $$;


--
-- Name: discord_roles_refresh(text[], text, text, text); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.discord_roles_refresh(p_members text[], p_cause text, p_source text, p_request_id text DEFAULT NULL::text) RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO ''
    SET plan_cache_mode TO 'force_custom_plan'
    AS $$
  declare
    v_sync uuid;
    written integer;
  begin
    if p_members is null or cardinality(p_members) = 0
       or (not exists (select 1 from discord.role_rules r where r.active)
           and not exists (select 1 from private."discord_roles_state" s
                           where s.member_number = any (p_members))) then
      return 0;
    end if;

    -- A role kept in grace stays only while its rule still fails on the
    -- status alone, for the same account, and no rule gives it outright.
    -- Only a sync changes a status: a role the feed said the member holds,
    -- whose rules now fail on the status alone, is kept for grace_days.
    -- (The two writes touch different rows: those that stop lapsing, and
    -- those that lapse now.)
    with per_role as (
      select x.member_number, x.discord_id, x.guild_id, x.role_id, bool_or(x.status_holds) as held,
             max(x.grace_days) filter (where not x.status_holds) as grace_days
      from discord.role_rule_matches x
      where x.member_number = any (p_members)
      group by 1, 2, 3, 4
    ), lapsing as (
      select l.* from per_role l where not l.held and l.grace_days > 0
    ), ended as (
      delete from discord.role_grace gr
      where gr.member_number = any (p_members)
        and not exists (select 1 from lapsing l
                        where l.member_number = gr.member_number and l.guild_id = gr.guild_id
                          and l.role_id = gr.role_id and l.discord_id = gr.discord_id)
    )
    insert into discord.role_grace (member_number, discord_id, guild_id, role_id, grace_until)
    select l.member_number, l.discord_id, l.guild_id, l.role_id,
           now() + make_interval(days => l.grace_days)
    from lapsing l
    join private."discord_roles_state" s
      on s.member_number = l.member_number and s.guild_id = l.guild_id
     and s.discord_id = l.discord_id and l.role_id = any (s.role_ids)
    where p_cause = 'sync'
    on conflict do nothing;

    if p_source = 'sync' then
      select s.sync_id into v_sync from public.sync_logs s
      where s.operation = 'sync_start' order by s.created_at desc, s.id desc limit 1;
    end if;

    with want as materialized (
      select w.member_number, w.discord_id, w.guild_id, w.role_ids, w.nickname
      from discord.member_roles w where w.member_number = any (p_members)
    ), have as materialized (
      select s.member_number, s.discord_id, s.guild_id, s.role_ids, s.nickname
      from private."discord_roles_state" s where s.member_number = any (p_members)
    ), changes as (
      -- An account or guild the member no longer has a row for: its roles go.
      select h.member_number, h.discord_id, h.guild_id, '{}'::text[] as added,
             h.role_ids as removed, false as nickname_changed, null::text as nickname,
             case when m.discord_id is distinct from h.discord_id then 'unlink' else p_cause end
               as cause,
             0 as ord
      from have h
      left join public.members m on m.member_number = h.member_number
      where not exists (select 1 from want w
                        where w.member_number = h.member_number and w.guild_id = h.guild_id
                          and w.discord_id = h.discord_id)
        and cardinality(h.role_ids) > 0
      union all
      select w.member_number, w.discord_id, w.guild_id,
             array(select r from unnest(w.role_ids) with ordinality u(r, i)
                   where r <> all (coalesce(h.role_ids, '{}')) order by i),
             array(select r from unnest(h.role_ids) with ordinality u(r, i)
                   where r <> all (w.role_ids) order by i),
             w.nickname is distinct from h.nickname, w.nickname, p_cause, 1
      from want w
      left join have h
        on h.member_number = w.member_number and h.guild_id = w.guild_id
       and h.discord_id = w.discord_id
    ), events as (
      insert into discord.member_events
        (member_number, discord_id, kind, details, source, sync_id, request_id)
      select c.member_number, c.discord_id, 'roles_changed',
             jsonb_build_object('guild_id', c.guild_id, 'added', to_jsonb(c.added),
                                'removed', to_jsonb(c.removed), 'cause', c.cause)
               || case when c.nickname_changed then jsonb_build_object('nickname', c.nickname)
                       else '{}'::jsonb end,
             p_source, v_sync, p_request_id
      from changes c
      where cardinality(c.added) > 0 or cardinality(c.removed) > 0 or c.nickname_changed
      order by c.member_number, c.guild_id, c.ord
      returning 1
    ), gone as (
      delete from private."discord_roles_state" s
      using have h
      where s.member_number = h.member_number and s.guild_id = h.guild_id
        and not exists (select 1 from want w
                        where w.member_number = h.member_number and w.guild_id = h.guild_id)
    ), kept as (
      insert into private."discord_roles_state" as s
        (member_number, guild_id, discord_id, role_ids, nickname)
      select w.member_number, w.guild_id, w.discord_id, w.role_ids, w.nickname from want w
      on conflict (member_number, guild_id) do update
      set discord_id = excluded.discord_id, role_ids = excluded.role_ids,
          nickname = excluded.nickname
      where (s.discord_id, s.role_ids, s.nickname)
            is distinct from (excluded.discord_id, excluded.role_ids, excluded.nickname)
    )
    -- Every data-modifying part runs whether or not it is read here.
    select count(*) into written from events;
    return written;
  end
  $$;


--
-- Name: discord_roles_refresh_all(text, text); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.discord_roles_refresh_all(p_cause text, p_source text) RETURNS integer
    LANGUAGE sql
    SET search_path TO ''
    AS $$
    select private."discord_roles_refresh"(array(
      select m.member_number from public.members m where m.discord_id is not null
      union
      select s.member_number from private."discord_roles_state" s), p_cause, p_source)
  $$;


--
-- Name: discord_roles_rules(); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.discord_roles_rules() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
  begin
    if current_setting('mynatca.roles_refresh', true) is distinct from 'deferred' then
      perform private."discord_roles_refresh_all"('rule', 'role-rules');
    end if;
    return null;
  end
  $$;


--
-- Name: discord_unlink_discord(text, text, text, text, text, text); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.discord_unlink_discord(p_member_number text, p_discord_id text, p_requested_by text, p_auth0_user_id text, p_reason text, p_request_id text DEFAULT NULL::text) RETURNS TABLE(member_number text, discord_id text)
    LANGUAGE plpgsql
    SET search_path TO ''
    SET lock_timeout TO '2s'
    AS $$
  declare
    found_member text;
    found_discord text;
  begin
    select m.member_number, m.discord_id into found_member, found_discord
    from public.members m
    where m.discord_id is not null
      and (case when p_member_number is not null then m.member_number = p_member_number
                else m.discord_id = p_discord_id end)
    for update;
    if not found then
      return;
    end if;
    update public.members m
    set discord_id = null, discord_username = null, verified_at = null, discord_verified = false
    where m.member_number = found_member;
    insert into discord.discord_link_audit
      (member_number, action, old_discord_id, new_discord_id, auth0_user_id, requested_by, reason)
    values (found_member, 'unlink', found_discord, null, p_auth0_user_id, p_requested_by, p_reason);
    insert into discord.member_events
      (member_number, discord_id, kind, details, source, request_id)
    values (found_member, found_discord, 'unlinked',
            jsonb_build_object('requested_by', p_requested_by, 'reason', p_reason),
            'unlink-discord', p_request_id);
    return query select found_member, found_discord;
  end
  $$;


--
-- Name: invoke_function(text, text, jsonb, text); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.invoke_function(fn text, method text DEFAULT 'POST'::text, body jsonb DEFAULT '{}'::jsonb, query text DEFAULT ''::text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  base text := (select decrypted_secret from vault.decrypted_secrets where name = 'project_url');
  key text := (select decrypted_secret from vault.decrypted_secrets where name = 'scheduler_api_key');
  headers jsonb;
begin
  if base is null or key is null then
    raise exception 'Vault secrets project_url and scheduler_api_key must be set';
  end if;
  headers := jsonb_build_object(
    'Content-Type', 'application/json',
    'Authorization', 'Bearer ' || private.scheduler_credential(key, method, fn));
  if method = 'GET' then
    return net.http_get(url := rtrim(base, '/') || '/functions/v1/' || fn || query,
                        headers := headers, timeout_milliseconds := 30000);
  end if;
  return net.http_post(url := rtrim(base, '/') || '/functions/v1/' || fn, body := body,
                       headers := headers, timeout_milliseconds := 150000);
end
$$;


--
-- Name: jwt_member_number(); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.jwt_member_number() RETURNS text
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select (select auth.jwt()) ->> 'https://mynatca.org/member_number'
$$;


--
-- Name: member_event_changes(jsonb, jsonb, text[]); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.member_event_changes(old_row jsonb, new_row jsonb, fields text[]) RETURNS jsonb
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$
  select jsonb_object_agg(f, jsonb_build_object('old', old_row -> f, 'new', new_row -> f))
  from unnest(fields) f
  where old_row -> f is distinct from new_row -> f
$$;


--
-- Name: member_event_next_base(); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.member_event_next_base() RETURNS bigint
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  top bigint := pg_current_xact_id()::text::bigint;
  sub xid;
  row_at tid;
begin
  -- The exception clause makes the block a subtransaction; its first write
  -- gives it a transaction id of its own, read back from the row's xmin.
  begin
    insert into private.member_event_xids values (1) returning xmin, ctid into sub, row_at;
    delete from private.member_event_xids x where x.ctid = row_at;
  exception when others then
    raise;
  end;
  -- xmin is the low 32 bits; the subtransaction's full id is the parent's
  -- plus the distance between the two (the epoch may have turned between).
  return top + ((sub::text::bigint - top % 4294967296 + 4294967296) % 4294967296);
end
$$;


--
-- Name: public_refresh_admins(); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.public_refresh_admins() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $_$
  begin
    execute $q$
      delete from private."public_admins" a
      where not exists (
        select 1 from public.positions p
        join public.members m on m.member_number = p.member_number
        where p.member_number = a.member_number
          and p.active and p.position_type in ('neb', 'regional')
          and m.status = 'active')$q$;
    execute $q$
      insert into private."public_admins" (member_number)
      select distinct p.member_number from public.positions p
      join public.members m on m.member_number = p.member_number
      where p.active and p.position_type in ('neb', 'regional')
        and m.status = 'active'
      on conflict (member_number) do nothing$q$;
    return null;
  end
  $_$;


--
-- Name: scheduler_credential(text, text, text, timestamp with time zone); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.scheduler_credential(key text, method text, fn text, at timestamp with time zone DEFAULT now()) RETURNS text
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select 'sched1.' || t || '.' ||
         encode(extensions.hmac('sched1.' || t || '.' || upper(method) || '.' || fn, key, 'sha256'),
                'hex')
  from (select floor(extract(epoch from at))::bigint::text as t) s
$$;


--
-- Name: set_updated_at(); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.set_updated_at() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  new.updated_at := now();
  return new;
end
$$;


--
-- Name: set_vault_secret(text, text); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.set_vault_secret(secret_name text, secret_value text) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  existing uuid := (select id from vault.secrets where name = secret_name);
begin
  if secret_value is null then
    delete from vault.secrets where id = existing;
  elsif existing is null then
    perform vault.create_secret(secret_value, secret_name);
  else
    perform vault.update_secret(existing, secret_value);
  end if;
end
$$;


--
-- Name: statement_stats(regnamespace); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.statement_stats(source regnamespace) RETURNS TABLE(queryid bigint, role_name name, query text, calls bigint, total_ms double precision, mean_ms double precision, max_ms double precision, rows bigint, cache_hit_ratio numeric, total_rank integer, mean_rank integer)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $_$
begin
  if source is null
     or to_regclass(format('%I.pg_stat_statements', source::name)) is null then
    return;
  end if;
  return query execute format($q$
    with s as (
      select s.queryid, r.rolname, s.query, s.calls, s.total_exec_time, s.mean_exec_time,
             s.max_exec_time, s.rows, s.shared_blks_hit, s.shared_blks_read,
             (rank() over (order by s.total_exec_time desc))::integer as total_rank,
             (rank() over (order by s.mean_exec_time desc))::integer as mean_rank
      from %I.pg_stat_statements s
      left join pg_catalog.pg_roles r on r.oid = s.userid
      where s.dbid = (select oid from pg_catalog.pg_database where datname = pg_catalog.current_database())
    )
    select queryid, rolname, query, calls, round(total_exec_time::numeric, 3)::double precision,
           round(mean_exec_time::numeric, 3)::double precision,
           round(max_exec_time::numeric, 3)::double precision, rows,
           round(shared_blks_hit::numeric / nullif(shared_blks_hit + shared_blks_read, 0), 4),
           total_rank, mean_rank
    from s where total_rank <= 50 or mean_rank <= 50
    order by total_rank$q$, source::name);
exception
  -- The extension is installed but its library is not loaded.
  when object_not_in_prerequisite_state then
    return;
end
$_$;


--
-- Name: try_jsonb(text); Type: FUNCTION; Schema: private; Owner: -
--

CREATE FUNCTION private.try_jsonb(value text) RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO ''
    AS $$
begin
  return value::jsonb;
exception when others then
  return null;
end
$$;


--
-- Name: facilities; Type: TABLE; Schema: dev; Owner: -
--

CREATE TABLE dev.facilities (
    id bigint NOT NULL,
    facility_code text NOT NULL,
    facility_name text NOT NULL,
    facility_type text,
    region_code text,
    region_name text,
    active boolean DEFAULT true NOT NULL,
    member_count integer DEFAULT 0 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL
);


--
-- Name: TABLE facilities; Type: COMMENT; Schema: dev; Owner: -
--

COMMENT ON TABLE dev.facilities IS 'Facilities (centers, TRACONs, towers), copied from the legacy membership database by the sync.';


--
-- Name: COLUMN facilities.id; Type: COMMENT; Schema: dev; Owner: -
--

COMMENT ON COLUMN dev.facilities.id IS 'Surrogate id; facility_code is the key the sync and other tables use.';


--
-- Name: COLUMN facilities.facility_code; Type: COMMENT; Schema: dev; Owner: -
--

COMMENT ON COLUMN dev.facilities.facility_code IS 'Legacy FacilityCode, trimmed and upper-cased.';


--
-- Name: COLUMN facilities.facility_type; Type: COMMENT; Schema: dev; Owner: -
--

COMMENT ON COLUMN dev.facilities.facility_type IS 'Legacy FacilityType, upper-cased (ARTCC, TRACON, ...).';


--
-- Name: COLUMN facilities.region_code; Type: COMMENT; Schema: dev; Owner: -
--

COMMENT ON COLUMN dev.facilities.region_code IS 'The facility''s region, through the legacy RegionID; null when it points nowhere.';


--
-- Name: COLUMN facilities.member_count; Type: COMMENT; Schema: dev; Owner: -
--

COMMENT ON COLUMN dev.facilities.member_count IS 'Active members of the facility, recomputed after each sync.';


--
-- Name: facilities_id_seq; Type: SEQUENCE; Schema: dev; Owner: -
--

ALTER TABLE dev.facilities ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME dev.facilities_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: members; Type: TABLE; Schema: dev; Owner: -
--

CREATE TABLE dev.members (
    id bigint NOT NULL,
    member_number text NOT NULL,
    first_name text NOT NULL,
    last_name text NOT NULL,
    email text,
    source_email text,
    facility_code text,
    facility_name text,
    region_code text,
    region_name text,
    member_type_id integer,
    member_type text,
    status text DEFAULT 'inactive'::text NOT NULL,
    discord_id text,
    discord_username text,
    discord_verified boolean DEFAULT false NOT NULL,
    auth0_user_id text,
    verified_at timestamp with time zone,
    last_auth0_sync timestamp with time zone,
    last_sync timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT members_discord_id_format CHECK ((discord_id ~ '^[1-9][0-9]{16,19}$'::text)),
    CONSTRAINT members_member_number_format CHECK ((member_number ~ '^[A-Za-z0-9-]{1,20}$'::text)),
    CONSTRAINT members_status_check CHECK ((status = ANY (ARRAY['active'::text, 'inactive'::text, 'retired'::text, 'deceased'::text, 'suspended'::text])))
);


--
-- Name: TABLE members; Type: COMMENT; Schema: dev; Owner: -
--

COMMENT ON TABLE dev.members IS 'NATCA members from the legacy membership database (synced), with their Discord link (written only by the verification functions).';


--
-- Name: COLUMN members.id; Type: COMMENT; Schema: dev; Owner: -
--

COMMENT ON COLUMN dev.members.id IS 'Surrogate id; member_number is the key the sync and other tables use.';


--
-- Name: COLUMN members.member_number; Type: COMMENT; Schema: dev; Owner: -
--

COMMENT ON COLUMN dev.members.member_number IS 'Legacy MemberNumber, trimmed; [A-Za-z0-9-]{1,20}.';


--
-- Name: COLUMN members.email; Type: COMMENT; Schema: dev; Owner: -
--

COMMENT ON COLUMN dev.members.email IS 'The member''s email: the source''s (lower-cased; null when none or not an address), or the member''s own edit, which stands until the source''s email changes.';


--
-- Name: COLUMN members.source_email; Type: COMMENT; Schema: dev; Owner: -
--

COMMENT ON COLUMN dev.members.source_email IS 'What the legacy source last said the email is (sync).';


--
-- Name: COLUMN members.status; Type: COMMENT; Schema: dev; Owner: -
--

COMMENT ON COLUMN dev.members.status IS 'active, inactive, retired, deceased or suspended. Only active members may link Discord.';


--
-- Name: COLUMN members.discord_id; Type: COMMENT; Schema: dev; Owner: -
--

COMMENT ON COLUMN dev.members.discord_id IS 'Linked Discord account (snowflake); unique. Written by complete-verification.';


--
-- Name: COLUMN members.discord_verified; Type: COMMENT; Schema: dev; Owner: -
--

COMMENT ON COLUMN dev.members.discord_verified IS 'True while a Discord account is linked through verification.';


--
-- Name: COLUMN members.auth0_user_id; Type: COMMENT; Schema: dev; Owner: -
--

COMMENT ON COLUMN dev.members.auth0_user_id IS 'Auth0 user (sub) who completed the latest link.';


--
-- Name: COLUMN members.verified_at; Type: COMMENT; Schema: dev; Owner: -
--

COMMENT ON COLUMN dev.members.verified_at IS 'When the current Discord link was made.';


--
-- Name: COLUMN members.last_auth0_sync; Type: COMMENT; Schema: dev; Owner: -
--

COMMENT ON COLUMN dev.members.last_auth0_sync IS 'Reserved for the Member Hub: when its Auth0 profile was last reconciled.';


--
-- Name: COLUMN members.last_sync; Type: COMMENT; Schema: dev; Owner: -
--

COMMENT ON COLUMN dev.members.last_sync IS 'When a sync last inserted or changed this row. A sync that finds the row unchanged does not write it, so this keeps its value.';


--
-- Name: members_id_seq; Type: SEQUENCE; Schema: dev; Owner: -
--

ALTER TABLE dev.members ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME dev.members_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: positions; Type: TABLE; Schema: dev; Owner: -
--

CREATE TABLE dev.positions (
    id bigint NOT NULL,
    source_id integer NOT NULL,
    member_number text NOT NULL,
    position_type text NOT NULL,
    position_title text,
    facility_code text,
    facility_name text,
    start_date date,
    end_date date,
    active boolean DEFAULT true NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT positions_position_type_check CHECK ((position_type = ANY (ARRAY['facrep'::text, 'neb'::text, 'committee'::text, 'regional'::text])))
);


--
-- Name: TABLE positions; Type: COMMENT; Schema: dev; Owner: -
--

COMMENT ON TABLE dev.positions IS 'Union positions members hold (facility rep, NEB, committee, regional), from the legacy database.';


--
-- Name: COLUMN positions.source_id; Type: COMMENT; Schema: dev; Owner: -
--

COMMENT ON COLUMN dev.positions.source_id IS 'Legacy PositionID: the key the sync uses.';


--
-- Name: COLUMN positions.position_type; Type: COMMENT; Schema: dev; Owner: -
--

COMMENT ON COLUMN dev.positions.position_type IS 'facrep, neb, committee or regional; an active neb or regional position makes its member an admin.';


--
-- Name: COLUMN positions.position_title; Type: COMMENT; Schema: dev; Owner: -
--

COMMENT ON COLUMN dev.positions.position_title IS 'Legacy Title, white space collapsed.';


--
-- Name: COLUMN positions.facility_name; Type: COMMENT; Schema: dev; Owner: -
--

COMMENT ON COLUMN dev.positions.facility_name IS 'Name of the facility (through the legacy FacilityID); null when it points nowhere.';


--
-- Name: COLUMN positions.active; Type: COMMENT; Schema: dev; Owner: -
--

COMMENT ON COLUMN dev.positions.active IS 'True while EndDate is null or not in the past, and while the position exists in the source.';


--
-- Name: positions_id_seq; Type: SEQUENCE; Schema: dev; Owner: -
--

ALTER TABLE dev.positions ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME dev.positions_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: regions; Type: TABLE; Schema: dev; Owner: -
--

CREATE TABLE dev.regions (
    id bigint NOT NULL,
    region_code text NOT NULL,
    region_name text NOT NULL,
    active boolean DEFAULT true NOT NULL,
    facility_count integer DEFAULT 0 NOT NULL,
    member_count integer DEFAULT 0 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL
);


--
-- Name: TABLE regions; Type: COMMENT; Schema: dev; Owner: -
--

COMMENT ON TABLE dev.regions IS 'NATCA regions, copied from the legacy membership database by the sync. Read-only for clients.';


--
-- Name: COLUMN regions.id; Type: COMMENT; Schema: dev; Owner: -
--

COMMENT ON COLUMN dev.regions.id IS 'Surrogate id; region_code is the key the sync and other tables use.';


--
-- Name: COLUMN regions.region_code; Type: COMMENT; Schema: dev; Owner: -
--

COMMENT ON COLUMN dev.regions.region_code IS 'Legacy RegionCode, trimmed and upper-cased.';


--
-- Name: COLUMN regions.active; Type: COMMENT; Schema: dev; Owner: -
--

COMMENT ON COLUMN dev.regions.active IS 'False once the region is inactive in, or gone from, the legacy source.';


--
-- Name: COLUMN regions.facility_count; Type: COMMENT; Schema: dev; Owner: -
--

COMMENT ON COLUMN dev.regions.facility_count IS 'Active facilities of the region, recomputed after each sync.';


--
-- Name: COLUMN regions.member_count; Type: COMMENT; Schema: dev; Owner: -
--

COMMENT ON COLUMN dev.regions.member_count IS 'Active members of the region, recomputed after each sync.';


--
-- Name: regions_id_seq; Type: SEQUENCE; Schema: dev; Owner: -
--

ALTER TABLE dev.regions ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME dev.regions_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: sync_cursor; Type: TABLE; Schema: dev; Owner: -
--

CREATE TABLE dev.sync_cursor (
    environment_singleton boolean DEFAULT true NOT NULL,
    sync_id uuid NOT NULL,
    tables text[] NOT NULL,
    table_name text NOT NULL,
    after_id bigint DEFAULT 0 NOT NULL,
    failures integer DEFAULT 0 NOT NULL,
    started_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    full_compare boolean DEFAULT false NOT NULL,
    mapping_version integer,
    CONSTRAINT sync_cursor_singleton CHECK (environment_singleton)
);


--
-- Name: TABLE sync_cursor; Type: COMMENT; Schema: dev; Owner: -
--

COMMENT ON TABLE dev.sync_cursor IS 'Where an unfinished sync run stopped (at most one row); the resume job calls sync while it exists.';


--
-- Name: COLUMN sync_cursor.after_id; Type: COMMENT; Schema: dev; Owner: -
--

COMMENT ON COLUMN dev.sync_cursor.after_id IS 'Last legacy primary key of table_name whose page is written.';


--
-- Name: COLUMN sync_cursor.failures; Type: COMMENT; Schema: dev; Owner: -
--

COMMENT ON COLUMN dev.sync_cursor.failures IS 'Failed invocations of this run; at SYNC_MAX_RESUME_FAILURES the cursor is dropped.';


--
-- Name: COLUMN sync_cursor.full_compare; Type: COMMENT; Schema: dev; Owner: -
--

COMMENT ON COLUMN dev.sync_cursor.full_compare IS 'The run compares full rows (decided at its start, kept by its resumptions).';


--
-- Name: COLUMN sync_cursor.mapping_version; Type: COMMENT; Schema: dev; Owner: -
--

COMMENT ON COLUMN dev.sync_cursor.mapping_version IS 'The mapping version the run hashes with (decided at its start).';


--
-- Name: sync_logs; Type: TABLE; Schema: dev; Owner: -
--

CREATE TABLE dev.sync_logs (
    id bigint NOT NULL,
    sync_id uuid NOT NULL,
    table_name text,
    operation text NOT NULL,
    status text,
    records_processed integer DEFAULT 0 NOT NULL,
    records_inserted integer DEFAULT 0 NOT NULL,
    records_updated integer DEFAULT 0 NOT NULL,
    records_unchanged integer DEFAULT 0 NOT NULL,
    records_deactivated integer DEFAULT 0 NOT NULL,
    records_failed integer DEFAULT 0 NOT NULL,
    records_succeeded integer GENERATED ALWAYS AS (((records_inserted + records_updated) + records_unchanged)) STORED NOT NULL,
    duration_ms integer,
    error_details jsonb,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT sync_logs_operation_check CHECK ((operation = ANY (ARRAY['sync_start'::text, 'sync_complete'::text, 'sync_error'::text])))
);


--
-- Name: TABLE sync_logs; Type: COMMENT; Schema: dev; Owner: -
--

COMMENT ON TABLE dev.sync_logs IS 'One row per sync run start and end (table_name null) and per table synced; alerts are sync_error rows. Operators only.';


--
-- Name: COLUMN sync_logs.sync_id; Type: COMMENT; Schema: dev; Owner: -
--

COMMENT ON COLUMN dev.sync_logs.sync_id IS 'The run; a run resumed over several invocations keeps its id.';


--
-- Name: COLUMN sync_logs.table_name; Type: COMMENT; Schema: dev; Owner: -
--

COMMENT ON COLUMN dev.sync_logs.table_name IS 'The table of a per-table row; null on run rows; health_check on health alerts.';


--
-- Name: COLUMN sync_logs.status; Type: COMMENT; Schema: dev; Owner: -
--

COMMENT ON COLUMN dev.sync_logs.status IS 'Run rows: started, dry_run, completed, partial or failed. Table rows: completed, partial or deactivation_refused.';


--
-- Name: COLUMN sync_logs.records_deactivated; Type: COMMENT; Schema: dev; Owner: -
--

COMMENT ON COLUMN dev.sync_logs.records_deactivated IS 'Rows retired because they vanished from the source.';


--
-- Name: COLUMN sync_logs.records_succeeded; Type: COMMENT; Schema: dev; Owner: -
--

COMMENT ON COLUMN dev.sync_logs.records_succeeded IS 'Records written or confirmed unchanged: inserted + updated + unchanged.';


--
-- Name: COLUMN sync_logs.error_details; Type: COMMENT; Schema: dev; Owner: -
--

COMMENT ON COLUMN dev.sync_logs.error_details IS 'Why: rejected records (key, reason; at most 100, with rejected_total), a refused retirement, a run failure or a health alert; a full comparison''s drift; on a run''s end row, how it compared (details).';


--
-- Name: sync_logs_id_seq; Type: SEQUENCE; Schema: dev; Owner: -
--

ALTER TABLE dev.sync_logs ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME dev.sync_logs_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: discord_link_audit; Type: TABLE; Schema: discord; Owner: -
--

CREATE TABLE discord.discord_link_audit (
    id bigint NOT NULL,
    member_number text NOT NULL,
    action text DEFAULT 'link'::text NOT NULL,
    old_discord_id text,
    new_discord_id text,
    verification_id uuid,
    auth0_user_id text,
    requested_by text NOT NULL,
    reason text,
    changed_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT discord_link_audit_action_check CHECK ((action = ANY (ARRAY['link'::text, 'unlink'::text])))
);


--
-- Name: TABLE discord_link_audit; Type: COMMENT; Schema: discord; Owner: -
--

COMMENT ON TABLE discord.discord_link_audit IS 'Every change of a member''s Discord link: old and new account, the request and the Auth0 user. Operators only.';


--
-- Name: COLUMN discord_link_audit.action; Type: COMMENT; Schema: discord; Owner: -
--

COMMENT ON COLUMN discord.discord_link_audit.action IS 'link (a completed verification) or unlink (unlink-discord).';


--
-- Name: COLUMN discord_link_audit.requested_by; Type: COMMENT; Schema: discord; Owner: -
--

COMMENT ON COLUMN discord.discord_link_audit.requested_by IS 'Who asked: the member''s Auth0 sub, bot or service.';


--
-- Name: COLUMN discord_link_audit.reason; Type: COMMENT; Schema: discord; Owner: -
--

COMMENT ON COLUMN discord.discord_link_audit.reason IS 'The reason the bot or an operator gave for an unlink.';


--
-- Name: discord_link_audit_id_seq; Type: SEQUENCE; Schema: discord; Owner: -
--

ALTER TABLE discord.discord_link_audit ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME discord.discord_link_audit_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: guilds; Type: TABLE; Schema: discord; Owner: -
--

CREATE TABLE discord.guilds (
    guild_id text NOT NULL,
    name text NOT NULL,
    nickname_template text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT guilds_guild_id_check CHECK (((guild_id ~ '^[1-9][0-9]{16,19}$'::text) AND ((guild_id)::numeric <= '18446744073709551615'::numeric))),
    CONSTRAINT guilds_name_check CHECK (((char_length(name) >= 1) AND (char_length(name) <= 100))),
    CONSTRAINT guilds_nickname_template_check CHECK (((char_length(nickname_template) >= 1) AND (char_length(nickname_template) <= 200)))
);


--
-- Name: TABLE guilds; Type: COMMENT; Schema: discord; Owner: -
--

COMMENT ON TABLE discord.guilds IS 'The Discord servers the policy covers. Written by operators (service_role); read by the bot.';


--
-- Name: COLUMN guilds.nickname_template; Type: COMMENT; Schema: discord; Owner: -
--

COMMENT ON COLUMN discord.guilds.nickname_template IS 'e.g. {first_name} {last_name} | {facility_code}; placeholders first_name, last_name, facility_code, region_code, member_number; fitted to 32 characters by nickname_for(); null: the bot leaves nicknames alone.';


--
-- Name: validation_logs; Type: TABLE; Schema: discord; Owner: -
--

CREATE TABLE discord.validation_logs (
    id bigint NOT NULL,
    run_id uuid NOT NULL,
    member_number text NOT NULL,
    discord_id text NOT NULL,
    result text NOT NULL,
    reason text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT validation_logs_result_check CHECK ((result = ANY (ARRAY['eligible'::text, 'inactive'::text, 'missing'::text])))
);


--
-- Name: TABLE validation_logs; Type: COMMENT; Schema: discord; Owner: -
--

COMMENT ON TABLE discord.validation_logs IS 'One row per linked member checked in a validation run.';


--
-- Name: COLUMN validation_logs.result; Type: COMMENT; Schema: discord; Owner: -
--

COMMENT ON COLUMN discord.validation_logs.result IS 'eligible (in the source and active), inactive (in the source, another status) or missing (gone from the source).';


--
-- Name: validation_summaries; Type: TABLE; Schema: discord; Owner: -
--

CREATE TABLE discord.validation_summaries (
    run_id uuid DEFAULT gen_random_uuid() NOT NULL,
    sync_id uuid,
    started_at timestamp with time zone DEFAULT now() NOT NULL,
    finished_at timestamp with time zone,
    checked integer DEFAULT 0 NOT NULL,
    eligible integer DEFAULT 0 NOT NULL,
    inactive integer DEFAULT 0 NOT NULL,
    missing integer DEFAULT 0 NOT NULL,
    duration_ms integer
);


--
-- Name: TABLE validation_summaries; Type: COMMENT; Schema: discord; Owner: -
--

COMMENT ON TABLE discord.validation_summaries IS 'One row per validation run of linked members: how many were eligible, inactive or missing.';


--
-- Name: COLUMN validation_summaries.sync_id; Type: COMMENT; Schema: discord; Owner: -
--

COMMENT ON COLUMN discord.validation_summaries.sync_id IS 'The sync run that triggered the validation.';


--
-- Name: ineligible_links; Type: VIEW; Schema: discord; Owner: -
--

CREATE VIEW discord.ineligible_links WITH (security_invoker='true') AS
 SELECT l.member_number,
    l.discord_id,
    l.result,
    l.reason,
    l.run_id,
    l.created_at AS checked_at
   FROM discord.validation_logs l
  WHERE ((l.result <> 'eligible'::text) AND (l.run_id = ( SELECT s.run_id
           FROM discord.validation_summaries s
          WHERE (s.finished_at IS NOT NULL)
          ORDER BY s.started_at DESC
         LIMIT 1)));


--
-- Name: VIEW ineligible_links; Type: COMMENT; Schema: discord; Owner: -
--

COMMENT ON VIEW discord.ineligible_links IS 'Linked members the latest finished validation run found ineligible (inactive or missing).';


--
-- Name: role_rules; Type: TABLE; Schema: discord; Owner: -
--

CREATE TABLE discord.role_rules (
    id bigint NOT NULL,
    guild_id text NOT NULL,
    role_id text NOT NULL,
    description text DEFAULT ''::text NOT NULL,
    member_statuses text[] DEFAULT '{active}'::text[],
    position_types text[],
    facility_codes text[],
    region_codes text[],
    member_type_ids integer[],
    grace_days integer DEFAULT 0 NOT NULL,
    active boolean DEFAULT true NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT role_rules_facility_codes_check CHECK ((cardinality(facility_codes) > 0)),
    CONSTRAINT role_rules_grace_days_check CHECK (((grace_days >= 0) AND (grace_days <= 90))),
    CONSTRAINT role_rules_member_statuses_check CHECK ((cardinality(member_statuses) > 0)),
    CONSTRAINT role_rules_member_type_ids_check CHECK ((cardinality(member_type_ids) > 0)),
    CONSTRAINT role_rules_position_types_check CHECK ((cardinality(position_types) > 0)),
    CONSTRAINT role_rules_region_codes_check CHECK ((cardinality(region_codes) > 0)),
    CONSTRAINT role_rules_role_id_check CHECK (((role_id ~ '^[1-9][0-9]{16,19}$'::text) AND ((role_id)::numeric <= '18446744073709551615'::numeric)))
);


--
-- Name: TABLE role_rules; Type: COMMENT; Schema: discord; Owner: -
--

COMMENT ON TABLE discord.role_rules IS 'A linked member holds role_id in guild_id when every non-null condition holds (a list: any of its values). With position_types, facility and region are those of a qualifying active position; otherwise the member''s own.';


--
-- Name: COLUMN role_rules.grace_days; Type: COMMENT; Schema: discord; Owner: -
--

COMMENT ON COLUMN discord.role_rules.grace_days IS 'Days a member keeps the role after their status stops matching member_statuses (0-90).';


--
-- Name: managed_roles; Type: VIEW; Schema: discord; Owner: -
--

CREATE VIEW discord.managed_roles WITH (security_invoker='true') AS
 SELECT DISTINCT r.guild_id,
    r.role_id
   FROM discord.role_rules r;


--
-- Name: VIEW managed_roles; Type: COMMENT; Schema: discord; Owner: -
--

COMMENT ON VIEW discord.managed_roles IS 'Every (guild_id, role_id) some rule names: the roles the bot manages.';


--
-- Name: role_grace; Type: TABLE; Schema: discord; Owner: -
--

CREATE TABLE discord.role_grace (
    member_number text NOT NULL,
    discord_id text NOT NULL,
    guild_id text NOT NULL,
    role_id text NOT NULL,
    grace_until timestamp with time zone NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);


--
-- Name: TABLE role_grace; Type: COMMENT; Schema: discord; Owner: -
--

COMMENT ON TABLE discord.role_grace IS 'Roles kept after a lapse until grace_until (the input of member_roles.grace_until). Written by the platform; read by the bot.';


--
-- Name: facilities; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.facilities (
    id bigint NOT NULL,
    facility_code text NOT NULL,
    facility_name text NOT NULL,
    facility_type text,
    region_code text,
    region_name text,
    active boolean DEFAULT true NOT NULL,
    member_count integer DEFAULT 0 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL
);


--
-- Name: TABLE facilities; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.facilities IS 'Facilities (centers, TRACONs, towers), copied from the legacy membership database by the sync.';


--
-- Name: COLUMN facilities.id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.facilities.id IS 'Surrogate id; facility_code is the key the sync and other tables use.';


--
-- Name: COLUMN facilities.facility_code; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.facilities.facility_code IS 'Legacy FacilityCode, trimmed and upper-cased.';


--
-- Name: COLUMN facilities.facility_type; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.facilities.facility_type IS 'Legacy FacilityType, upper-cased (ARTCC, TRACON, ...).';


--
-- Name: COLUMN facilities.region_code; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.facilities.region_code IS 'The facility''s region, through the legacy RegionID; null when it points nowhere.';


--
-- Name: COLUMN facilities.member_count; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.facilities.member_count IS 'Active members of the facility, recomputed after each sync.';


--
-- Name: members; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.members (
    id bigint NOT NULL,
    member_number text NOT NULL,
    first_name text NOT NULL,
    last_name text NOT NULL,
    email text,
    source_email text,
    facility_code text,
    facility_name text,
    region_code text,
    region_name text,
    member_type_id integer,
    member_type text,
    status text DEFAULT 'inactive'::text NOT NULL,
    discord_id text,
    discord_username text,
    discord_verified boolean DEFAULT false NOT NULL,
    auth0_user_id text,
    verified_at timestamp with time zone,
    last_auth0_sync timestamp with time zone,
    last_sync timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT members_discord_id_format CHECK ((discord_id ~ '^[1-9][0-9]{16,19}$'::text)),
    CONSTRAINT members_member_number_format CHECK ((member_number ~ '^[A-Za-z0-9-]{1,20}$'::text)),
    CONSTRAINT members_status_check CHECK ((status = ANY (ARRAY['active'::text, 'inactive'::text, 'retired'::text, 'deceased'::text, 'suspended'::text])))
);


--
-- Name: TABLE members; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.members IS 'NATCA members from the legacy membership database (synced), with their Discord link (written only by the verification functions).';


--
-- Name: COLUMN members.id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.members.id IS 'Surrogate id; member_number is the key the sync and other tables use.';


--
-- Name: COLUMN members.member_number; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.members.member_number IS 'Legacy MemberNumber, trimmed; [A-Za-z0-9-]{1,20}.';


--
-- Name: COLUMN members.email; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.members.email IS 'The member''s email: the source''s (lower-cased; null when none or not an address), or the member''s own edit, which stands until the source''s email changes.';


--
-- Name: COLUMN members.source_email; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.members.source_email IS 'What the legacy source last said the email is (sync).';


--
-- Name: COLUMN members.status; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.members.status IS 'active, inactive, retired, deceased or suspended. Only active members may link Discord.';


--
-- Name: COLUMN members.discord_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.members.discord_id IS 'Linked Discord account (snowflake); unique. Written by complete-verification.';


--
-- Name: COLUMN members.discord_verified; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.members.discord_verified IS 'True while a Discord account is linked through verification.';


--
-- Name: COLUMN members.auth0_user_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.members.auth0_user_id IS 'Auth0 user (sub) who completed the latest link.';


--
-- Name: COLUMN members.verified_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.members.verified_at IS 'When the current Discord link was made.';


--
-- Name: COLUMN members.last_auth0_sync; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.members.last_auth0_sync IS 'Reserved for the Member Hub: when its Auth0 profile was last reconciled.';


--
-- Name: COLUMN members.last_sync; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.members.last_sync IS 'When a sync last inserted or changed this row. A sync that finds the row unchanged does not write it, so this keeps its value.';


--
-- Name: positions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.positions (
    id bigint NOT NULL,
    source_id integer NOT NULL,
    member_number text NOT NULL,
    position_type text NOT NULL,
    position_title text,
    facility_code text,
    facility_name text,
    start_date date,
    end_date date,
    active boolean DEFAULT true NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT positions_position_type_check CHECK ((position_type = ANY (ARRAY['facrep'::text, 'neb'::text, 'committee'::text, 'regional'::text])))
);


--
-- Name: TABLE positions; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.positions IS 'Union positions members hold (facility rep, NEB, committee, regional), from the legacy database.';


--
-- Name: COLUMN positions.source_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.positions.source_id IS 'Legacy PositionID: the key the sync uses.';


--
-- Name: COLUMN positions.position_type; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.positions.position_type IS 'facrep, neb, committee or regional; an active neb or regional position makes its member an admin.';


--
-- Name: COLUMN positions.position_title; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.positions.position_title IS 'Legacy Title, white space collapsed.';


--
-- Name: COLUMN positions.facility_name; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.positions.facility_name IS 'Name of the facility (through the legacy FacilityID); null when it points nowhere.';


--
-- Name: COLUMN positions.active; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.positions.active IS 'True while EndDate is null or not in the past, and while the position exists in the source.';


--
-- Name: role_rule_matches; Type: VIEW; Schema: discord; Owner: -
--

CREATE VIEW discord.role_rule_matches WITH (security_invoker='true') AS
 SELECT m.member_number,
    m.discord_id,
    r.guild_id,
    r.role_id,
    r.id AS rule_id,
    r.grace_days,
    ((r.member_statuses IS NULL) OR (m.status = ANY (r.member_statuses))) AS status_holds
   FROM ((public.members m
     CROSS JOIN LATERAL ( SELECT COALESCE(array_agg(k.key) FILTER (WHERE (k.key IS NOT NULL)), '{}'::text[]) AS keys
           FROM ((public.positions p
             LEFT JOIN public.facilities f ON ((f.facility_code = p.facility_code)))
             CROSS JOIN LATERAL unnest(ARRAY[p.position_type, ((p.position_type || '|f:'::text) || p.facility_code), ((p.position_type || '|r:'::text) || f.region_code), ((((p.position_type || '|f:'::text) || p.facility_code) || '|r:'::text) || f.region_code)]) k(key))
          WHERE ((p.member_number = m.member_number) AND p.active)) pos)
     JOIN ( SELECT r_1.id,
            r_1.guild_id,
            r_1.role_id,
            r_1.description,
            r_1.member_statuses,
            r_1.position_types,
            r_1.facility_codes,
            r_1.region_codes,
            r_1.member_type_ids,
            r_1.grace_days,
            r_1.active,
            r_1.created_at,
            r_1.updated_at,
            ( SELECT array_agg(((t.t || COALESCE(('|f:'::text || fc.fc), ''::text)) || COALESCE(('|r:'::text || rc.rc), ''::text))) AS array_agg
                   FROM ((unnest(r_1.position_types) t(t)
                     CROSS JOIN unnest(COALESCE(r_1.facility_codes, ARRAY[NULL::text])) fc(fc))
                     CROSS JOIN unnest(COALESCE(r_1.region_codes, ARRAY[NULL::text])) rc(rc))) AS position_keys
           FROM discord.role_rules r_1
          WHERE r_1.active) r ON ((((r.member_type_ids IS NULL) OR (m.member_type_id = ANY (r.member_type_ids))) AND
        CASE
            WHEN (r.position_types IS NULL) THEN (((r.facility_codes IS NULL) OR (m.facility_code = ANY (r.facility_codes))) AND ((r.region_codes IS NULL) OR (m.region_code = ANY (r.region_codes))))
            ELSE (pos.keys && r.position_keys)
        END)))
  WHERE (m.discord_id IS NOT NULL);


--
-- Name: VIEW role_rule_matches; Type: COMMENT; Schema: discord; Owner: -
--

COMMENT ON VIEW discord.role_rule_matches IS 'Each linked member and active rule whose conditions other than the status hold; status_holds says whether that holds too. Why a member holds, or is about to lose, a role.';


--
-- Name: member_roles; Type: VIEW; Schema: discord; Owner: -
--

CREATE VIEW discord.member_roles WITH (security_invoker='true') AS
 SELECT m.member_number,
    m.discord_id,
    g.guild_id,
    COALESCE(h.role_ids, '{}'::text[]) AS role_ids,
    discord.nickname_for(g.nickname_template, m.first_name, m.last_name, m.facility_code, m.region_code, m.member_number) AS nickname,
    h.grace_until
   FROM ((public.members m
     CROSS JOIN discord.guilds g)
     LEFT JOIN LATERAL ( SELECT (array_agg(DISTINCT (x.role_id)::numeric ORDER BY (x.role_id)::numeric) FILTER (WHERE (x.status_holds OR (gr.role_id IS NOT NULL))))::text[] AS role_ids,
            min(gr.grace_until) AS grace_until
           FROM (discord.role_rule_matches x
             LEFT JOIN discord.role_grace gr ON (((gr.member_number = x.member_number) AND (gr.guild_id = x.guild_id) AND (gr.role_id = x.role_id) AND (gr.discord_id = x.discord_id))))
          WHERE ((x.member_number = m.member_number) AND (x.guild_id = g.guild_id))) h ON (true))
  WHERE ((m.discord_id IS NOT NULL) AND (EXISTS ( SELECT 1
           FROM discord.role_rules r
          WHERE ((r.guild_id = g.guild_id) AND r.active))));


--
-- Name: VIEW member_roles; Type: COMMENT; Schema: discord; Owner: -
--

COMMENT ON VIEW discord.member_roles IS 'What each linked member should hold in each guild with active rules: role_ids (sorted, distinct, possibly empty), nickname (null: not managed), grace_until (the earliest grace period in force). roles_changed events say each change.';


--
-- Name: role_rules_id_seq; Type: SEQUENCE; Schema: discord; Owner: -
--

ALTER TABLE discord.role_rules ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME discord.role_rules_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: validation_logs_id_seq; Type: SEQUENCE; Schema: discord; Owner: -
--

ALTER TABLE discord.validation_logs ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME discord.validation_logs_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: verification_requests; Type: TABLE; Schema: discord; Owner: -
--

CREATE TABLE discord.verification_requests (
    id bigint NOT NULL,
    verification_id uuid DEFAULT gen_random_uuid() NOT NULL,
    discord_id text NOT NULL,
    discord_username text NOT NULL,
    status text DEFAULT 'pending'::text NOT NULL,
    member_number text,
    auth0_user_id text,
    failure_reason text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    completed_at timestamp with time zone,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT verification_requests_discord_id_format CHECK ((discord_id ~ '^[1-9][0-9]{16,19}$'::text)),
    CONSTRAINT verification_requests_status_check CHECK ((status = ANY (ARRAY['pending'::text, 'completed'::text, 'expired'::text, 'failed'::text])))
);


--
-- Name: TABLE verification_requests; Type: COMMENT; Schema: discord; Owner: -
--

COMMENT ON TABLE discord.verification_requests IS 'Requests to link a Discord account, made by the bot and completed by a member on the Member Hub.';


--
-- Name: COLUMN verification_requests.id; Type: COMMENT; Schema: discord; Owner: -
--

COMMENT ON COLUMN discord.verification_requests.id IS 'Surrogate id. The public id (API, verification URL, audit) is verification_id.';


--
-- Name: COLUMN verification_requests.verification_id; Type: COMMENT; Schema: discord; Owner: -
--

COMMENT ON COLUMN discord.verification_requests.verification_id IS 'The request''s public id: in every API body and the verification URL (?vid=).';


--
-- Name: COLUMN verification_requests.status; Type: COMMENT; Schema: discord; Owner: -
--

COMMENT ON COLUMN discord.verification_requests.status IS 'pending, completed, expired or failed; one pending request per Discord account.';


--
-- Name: COLUMN verification_requests.member_number; Type: COMMENT; Schema: discord; Owner: -
--

COMMENT ON COLUMN discord.verification_requests.member_number IS 'The member who completed the request, or whose attempt failed it (the first and only one: failed is final).';


--
-- Name: COLUMN verification_requests.failure_reason; Type: COMMENT; Schema: discord; Owner: -
--

COMMENT ON COLUMN discord.verification_requests.failure_reason IS 'Why a completion was refused (status failed). A failed request is final: the member starts again from Discord.';


--
-- Name: verification_requests_id_seq; Type: SEQUENCE; Schema: discord; Owner: -
--

ALTER TABLE discord.verification_requests ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME discord.verification_requests_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: discord_link_audit; Type: TABLE; Schema: discord_dev; Owner: -
--

CREATE TABLE discord_dev.discord_link_audit (
    id bigint NOT NULL,
    member_number text NOT NULL,
    action text DEFAULT 'link'::text NOT NULL,
    old_discord_id text,
    new_discord_id text,
    verification_id uuid,
    auth0_user_id text,
    requested_by text NOT NULL,
    reason text,
    changed_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT discord_link_audit_action_check CHECK ((action = ANY (ARRAY['link'::text, 'unlink'::text])))
);


--
-- Name: TABLE discord_link_audit; Type: COMMENT; Schema: discord_dev; Owner: -
--

COMMENT ON TABLE discord_dev.discord_link_audit IS 'Every change of a member''s Discord link: old and new account, the request and the Auth0 user. Operators only.';


--
-- Name: COLUMN discord_link_audit.action; Type: COMMENT; Schema: discord_dev; Owner: -
--

COMMENT ON COLUMN discord_dev.discord_link_audit.action IS 'link (a completed verification) or unlink (unlink-discord).';


--
-- Name: COLUMN discord_link_audit.requested_by; Type: COMMENT; Schema: discord_dev; Owner: -
--

COMMENT ON COLUMN discord_dev.discord_link_audit.requested_by IS 'Who asked: the member''s Auth0 sub, bot or service.';


--
-- Name: COLUMN discord_link_audit.reason; Type: COMMENT; Schema: discord_dev; Owner: -
--

COMMENT ON COLUMN discord_dev.discord_link_audit.reason IS 'The reason the bot or an operator gave for an unlink.';


--
-- Name: discord_link_audit_id_seq; Type: SEQUENCE; Schema: discord_dev; Owner: -
--

ALTER TABLE discord_dev.discord_link_audit ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME discord_dev.discord_link_audit_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: guilds; Type: TABLE; Schema: discord_dev; Owner: -
--

CREATE TABLE discord_dev.guilds (
    guild_id text NOT NULL,
    name text NOT NULL,
    nickname_template text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT guilds_guild_id_check CHECK (((guild_id ~ '^[1-9][0-9]{16,19}$'::text) AND ((guild_id)::numeric <= '18446744073709551615'::numeric))),
    CONSTRAINT guilds_name_check CHECK (((char_length(name) >= 1) AND (char_length(name) <= 100))),
    CONSTRAINT guilds_nickname_template_check CHECK (((char_length(nickname_template) >= 1) AND (char_length(nickname_template) <= 200)))
);


--
-- Name: TABLE guilds; Type: COMMENT; Schema: discord_dev; Owner: -
--

COMMENT ON TABLE discord_dev.guilds IS 'The Discord servers the policy covers. Written by operators (service_role); read by the bot.';


--
-- Name: COLUMN guilds.nickname_template; Type: COMMENT; Schema: discord_dev; Owner: -
--

COMMENT ON COLUMN discord_dev.guilds.nickname_template IS 'e.g. {first_name} {last_name} | {facility_code}; placeholders first_name, last_name, facility_code, region_code, member_number; fitted to 32 characters by nickname_for(); null: the bot leaves nicknames alone.';


--
-- Name: validation_logs; Type: TABLE; Schema: discord_dev; Owner: -
--

CREATE TABLE discord_dev.validation_logs (
    id bigint NOT NULL,
    run_id uuid NOT NULL,
    member_number text NOT NULL,
    discord_id text NOT NULL,
    result text NOT NULL,
    reason text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT validation_logs_result_check CHECK ((result = ANY (ARRAY['eligible'::text, 'inactive'::text, 'missing'::text])))
);


--
-- Name: TABLE validation_logs; Type: COMMENT; Schema: discord_dev; Owner: -
--

COMMENT ON TABLE discord_dev.validation_logs IS 'One row per linked member checked in a validation run.';


--
-- Name: COLUMN validation_logs.result; Type: COMMENT; Schema: discord_dev; Owner: -
--

COMMENT ON COLUMN discord_dev.validation_logs.result IS 'eligible (in the source and active), inactive (in the source, another status) or missing (gone from the source).';


--
-- Name: validation_summaries; Type: TABLE; Schema: discord_dev; Owner: -
--

CREATE TABLE discord_dev.validation_summaries (
    run_id uuid DEFAULT gen_random_uuid() NOT NULL,
    sync_id uuid,
    started_at timestamp with time zone DEFAULT now() NOT NULL,
    finished_at timestamp with time zone,
    checked integer DEFAULT 0 NOT NULL,
    eligible integer DEFAULT 0 NOT NULL,
    inactive integer DEFAULT 0 NOT NULL,
    missing integer DEFAULT 0 NOT NULL,
    duration_ms integer
);


--
-- Name: TABLE validation_summaries; Type: COMMENT; Schema: discord_dev; Owner: -
--

COMMENT ON TABLE discord_dev.validation_summaries IS 'One row per validation run of linked members: how many were eligible, inactive or missing.';


--
-- Name: COLUMN validation_summaries.sync_id; Type: COMMENT; Schema: discord_dev; Owner: -
--

COMMENT ON COLUMN discord_dev.validation_summaries.sync_id IS 'The sync run that triggered the validation.';


--
-- Name: ineligible_links; Type: VIEW; Schema: discord_dev; Owner: -
--

CREATE VIEW discord_dev.ineligible_links WITH (security_invoker='true') AS
 SELECT l.member_number,
    l.discord_id,
    l.result,
    l.reason,
    l.run_id,
    l.created_at AS checked_at
   FROM discord_dev.validation_logs l
  WHERE ((l.result <> 'eligible'::text) AND (l.run_id = ( SELECT s.run_id
           FROM discord_dev.validation_summaries s
          WHERE (s.finished_at IS NOT NULL)
          ORDER BY s.started_at DESC
         LIMIT 1)));


--
-- Name: VIEW ineligible_links; Type: COMMENT; Schema: discord_dev; Owner: -
--

COMMENT ON VIEW discord_dev.ineligible_links IS 'Linked members the latest finished validation run found ineligible (inactive or missing).';


--
-- Name: role_rules; Type: TABLE; Schema: discord_dev; Owner: -
--

CREATE TABLE discord_dev.role_rules (
    id bigint NOT NULL,
    guild_id text NOT NULL,
    role_id text NOT NULL,
    description text DEFAULT ''::text NOT NULL,
    member_statuses text[] DEFAULT '{active}'::text[],
    position_types text[],
    facility_codes text[],
    region_codes text[],
    member_type_ids integer[],
    grace_days integer DEFAULT 0 NOT NULL,
    active boolean DEFAULT true NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT role_rules_facility_codes_check CHECK ((cardinality(facility_codes) > 0)),
    CONSTRAINT role_rules_grace_days_check CHECK (((grace_days >= 0) AND (grace_days <= 90))),
    CONSTRAINT role_rules_member_statuses_check CHECK ((cardinality(member_statuses) > 0)),
    CONSTRAINT role_rules_member_type_ids_check CHECK ((cardinality(member_type_ids) > 0)),
    CONSTRAINT role_rules_position_types_check CHECK ((cardinality(position_types) > 0)),
    CONSTRAINT role_rules_region_codes_check CHECK ((cardinality(region_codes) > 0)),
    CONSTRAINT role_rules_role_id_check CHECK (((role_id ~ '^[1-9][0-9]{16,19}$'::text) AND ((role_id)::numeric <= '18446744073709551615'::numeric)))
);


--
-- Name: TABLE role_rules; Type: COMMENT; Schema: discord_dev; Owner: -
--

COMMENT ON TABLE discord_dev.role_rules IS 'A linked member holds role_id in guild_id when every non-null condition holds (a list: any of its values). With position_types, facility and region are those of a qualifying active position; otherwise the member''s own.';


--
-- Name: COLUMN role_rules.grace_days; Type: COMMENT; Schema: discord_dev; Owner: -
--

COMMENT ON COLUMN discord_dev.role_rules.grace_days IS 'Days a member keeps the role after their status stops matching member_statuses (0-90).';


--
-- Name: managed_roles; Type: VIEW; Schema: discord_dev; Owner: -
--

CREATE VIEW discord_dev.managed_roles WITH (security_invoker='true') AS
 SELECT DISTINCT r.guild_id,
    r.role_id
   FROM discord_dev.role_rules r;


--
-- Name: VIEW managed_roles; Type: COMMENT; Schema: discord_dev; Owner: -
--

COMMENT ON VIEW discord_dev.managed_roles IS 'Every (guild_id, role_id) some rule names: the roles the bot manages.';


--
-- Name: role_grace; Type: TABLE; Schema: discord_dev; Owner: -
--

CREATE TABLE discord_dev.role_grace (
    member_number text NOT NULL,
    discord_id text NOT NULL,
    guild_id text NOT NULL,
    role_id text NOT NULL,
    grace_until timestamp with time zone NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);


--
-- Name: TABLE role_grace; Type: COMMENT; Schema: discord_dev; Owner: -
--

COMMENT ON TABLE discord_dev.role_grace IS 'Roles kept after a lapse until grace_until (the input of member_roles.grace_until). Written by the platform; read by the bot.';


--
-- Name: role_rule_matches; Type: VIEW; Schema: discord_dev; Owner: -
--

CREATE VIEW discord_dev.role_rule_matches WITH (security_invoker='true') AS
 SELECT m.member_number,
    m.discord_id,
    r.guild_id,
    r.role_id,
    r.id AS rule_id,
    r.grace_days,
    ((r.member_statuses IS NULL) OR (m.status = ANY (r.member_statuses))) AS status_holds
   FROM ((dev.members m
     CROSS JOIN LATERAL ( SELECT COALESCE(array_agg(k.key) FILTER (WHERE (k.key IS NOT NULL)), '{}'::text[]) AS keys
           FROM ((dev.positions p
             LEFT JOIN dev.facilities f ON ((f.facility_code = p.facility_code)))
             CROSS JOIN LATERAL unnest(ARRAY[p.position_type, ((p.position_type || '|f:'::text) || p.facility_code), ((p.position_type || '|r:'::text) || f.region_code), ((((p.position_type || '|f:'::text) || p.facility_code) || '|r:'::text) || f.region_code)]) k(key))
          WHERE ((p.member_number = m.member_number) AND p.active)) pos)
     JOIN ( SELECT r_1.id,
            r_1.guild_id,
            r_1.role_id,
            r_1.description,
            r_1.member_statuses,
            r_1.position_types,
            r_1.facility_codes,
            r_1.region_codes,
            r_1.member_type_ids,
            r_1.grace_days,
            r_1.active,
            r_1.created_at,
            r_1.updated_at,
            ( SELECT array_agg(((t.t || COALESCE(('|f:'::text || fc.fc), ''::text)) || COALESCE(('|r:'::text || rc.rc), ''::text))) AS array_agg
                   FROM ((unnest(r_1.position_types) t(t)
                     CROSS JOIN unnest(COALESCE(r_1.facility_codes, ARRAY[NULL::text])) fc(fc))
                     CROSS JOIN unnest(COALESCE(r_1.region_codes, ARRAY[NULL::text])) rc(rc))) AS position_keys
           FROM discord_dev.role_rules r_1
          WHERE r_1.active) r ON ((((r.member_type_ids IS NULL) OR (m.member_type_id = ANY (r.member_type_ids))) AND
        CASE
            WHEN (r.position_types IS NULL) THEN (((r.facility_codes IS NULL) OR (m.facility_code = ANY (r.facility_codes))) AND ((r.region_codes IS NULL) OR (m.region_code = ANY (r.region_codes))))
            ELSE (pos.keys && r.position_keys)
        END)))
  WHERE (m.discord_id IS NOT NULL);


--
-- Name: VIEW role_rule_matches; Type: COMMENT; Schema: discord_dev; Owner: -
--

COMMENT ON VIEW discord_dev.role_rule_matches IS 'Each linked member and active rule whose conditions other than the status hold; status_holds says whether that holds too. Why a member holds, or is about to lose, a role.';


--
-- Name: member_roles; Type: VIEW; Schema: discord_dev; Owner: -
--

CREATE VIEW discord_dev.member_roles WITH (security_invoker='true') AS
 SELECT m.member_number,
    m.discord_id,
    g.guild_id,
    COALESCE(h.role_ids, '{}'::text[]) AS role_ids,
    discord_dev.nickname_for(g.nickname_template, m.first_name, m.last_name, m.facility_code, m.region_code, m.member_number) AS nickname,
    h.grace_until
   FROM ((dev.members m
     CROSS JOIN discord_dev.guilds g)
     LEFT JOIN LATERAL ( SELECT (array_agg(DISTINCT (x.role_id)::numeric ORDER BY (x.role_id)::numeric) FILTER (WHERE (x.status_holds OR (gr.role_id IS NOT NULL))))::text[] AS role_ids,
            min(gr.grace_until) AS grace_until
           FROM (discord_dev.role_rule_matches x
             LEFT JOIN discord_dev.role_grace gr ON (((gr.member_number = x.member_number) AND (gr.guild_id = x.guild_id) AND (gr.role_id = x.role_id) AND (gr.discord_id = x.discord_id))))
          WHERE ((x.member_number = m.member_number) AND (x.guild_id = g.guild_id))) h ON (true))
  WHERE ((m.discord_id IS NOT NULL) AND (EXISTS ( SELECT 1
           FROM discord_dev.role_rules r
          WHERE ((r.guild_id = g.guild_id) AND r.active))));


--
-- Name: VIEW member_roles; Type: COMMENT; Schema: discord_dev; Owner: -
--

COMMENT ON VIEW discord_dev.member_roles IS 'What each linked member should hold in each guild with active rules: role_ids (sorted, distinct, possibly empty), nickname (null: not managed), grace_until (the earliest grace period in force). roles_changed events say each change.';


--
-- Name: role_rules_id_seq; Type: SEQUENCE; Schema: discord_dev; Owner: -
--

ALTER TABLE discord_dev.role_rules ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME discord_dev.role_rules_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: validation_logs_id_seq; Type: SEQUENCE; Schema: discord_dev; Owner: -
--

ALTER TABLE discord_dev.validation_logs ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME discord_dev.validation_logs_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: verification_requests; Type: TABLE; Schema: discord_dev; Owner: -
--

CREATE TABLE discord_dev.verification_requests (
    id bigint NOT NULL,
    verification_id uuid DEFAULT gen_random_uuid() NOT NULL,
    discord_id text NOT NULL,
    discord_username text NOT NULL,
    status text DEFAULT 'pending'::text NOT NULL,
    member_number text,
    auth0_user_id text,
    failure_reason text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    completed_at timestamp with time zone,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT verification_requests_discord_id_format CHECK ((discord_id ~ '^[1-9][0-9]{16,19}$'::text)),
    CONSTRAINT verification_requests_status_check CHECK ((status = ANY (ARRAY['pending'::text, 'completed'::text, 'expired'::text, 'failed'::text])))
);


--
-- Name: TABLE verification_requests; Type: COMMENT; Schema: discord_dev; Owner: -
--

COMMENT ON TABLE discord_dev.verification_requests IS 'Requests to link a Discord account, made by the bot and completed by a member on the Member Hub.';


--
-- Name: COLUMN verification_requests.id; Type: COMMENT; Schema: discord_dev; Owner: -
--

COMMENT ON COLUMN discord_dev.verification_requests.id IS 'Surrogate id. The public id (API, verification URL, audit) is verification_id.';


--
-- Name: COLUMN verification_requests.verification_id; Type: COMMENT; Schema: discord_dev; Owner: -
--

COMMENT ON COLUMN discord_dev.verification_requests.verification_id IS 'The request''s public id: in every API body and the verification URL (?vid=).';


--
-- Name: COLUMN verification_requests.status; Type: COMMENT; Schema: discord_dev; Owner: -
--

COMMENT ON COLUMN discord_dev.verification_requests.status IS 'pending, completed, expired or failed; one pending request per Discord account.';


--
-- Name: COLUMN verification_requests.member_number; Type: COMMENT; Schema: discord_dev; Owner: -
--

COMMENT ON COLUMN discord_dev.verification_requests.member_number IS 'The member who completed the request, or whose attempt failed it (the first and only one: failed is final).';


--
-- Name: COLUMN verification_requests.failure_reason; Type: COMMENT; Schema: discord_dev; Owner: -
--

COMMENT ON COLUMN discord_dev.verification_requests.failure_reason IS 'Why a completion was refused (status failed). A failed request is final: the member starts again from Discord.';


--
-- Name: verification_requests_id_seq; Type: SEQUENCE; Schema: discord_dev; Owner: -
--

ALTER TABLE discord_dev.verification_requests ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME discord_dev.verification_requests_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: alert_deliveries; Type: TABLE; Schema: private; Owner: -
--

CREATE TABLE private.alert_deliveries (
    alert_id uuid NOT NULL,
    target integer NOT NULL,
    target_name text NOT NULL,
    format text NOT NULL,
    state text DEFAULT 'pending'::text NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    passes integer DEFAULT 0 NOT NULL,
    next_attempt_at timestamp with time zone DEFAULT now() NOT NULL,
    last_attempt_at timestamp with time zone,
    last_status integer,
    last_error text,
    delivered_at timestamp with time zone,
    finished_at timestamp with time zone,
    CONSTRAINT alert_deliveries_format_check CHECK ((format = ANY (ARRAY['discord'::text, 'slack'::text, 'generic'::text, 'invalid'::text]))),
    CONSTRAINT alert_deliveries_state_check CHECK ((state = ANY (ARRAY['pending'::text, 'delivered'::text, 'rejected'::text, 'gave_up'::text]))),
    CONSTRAINT alert_deliveries_target_check CHECK ((target > 0))
);


--
-- Name: TABLE alert_deliveries; Type: COMMENT; Schema: private; Owner: -
--

COMMENT ON TABLE private.alert_deliveries IS 'One row per message and configured webhook (target: its index in the variable; the URL is never stored).';


--
-- Name: alerts; Type: TABLE; Schema: private; Owner: -
--

CREATE TABLE private.alerts (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    seq bigint NOT NULL,
    environment text NOT NULL,
    kind text NOT NULL,
    severity text NOT NULL,
    table_name text,
    sync_id uuid,
    code text NOT NULL,
    details jsonb DEFAULT '{}'::jsonb NOT NULL,
    count integer NOT NULL,
    first_at timestamp with time zone NOT NULL,
    last_at timestamp with time zone NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT alerts_count_check CHECK ((count > 0)),
    CONSTRAINT alerts_environment_check CHECK ((environment = ANY (ARRAY['production'::text, 'development'::text]))),
    CONSTRAINT alerts_severity_check CHECK ((severity = ANY (ARRAY['error'::text, 'warning'::text, 'info'::text])))
);


--
-- Name: TABLE alerts; Type: COMMENT; Schema: private; Owner: -
--

COMMENT ON TABLE private.alerts IS 'One row per alert message: its occurrences folded (count, first_at, last_at); id is the alert_id receivers see.';


--
-- Name: alert_deliveries; Type: VIEW; Schema: monitoring; Owner: -
--

CREATE VIEW monitoring.alert_deliveries AS
 SELECT a.id AS alert_id,
    a.environment,
    a.kind,
    a.severity,
    a.table_name,
    a.sync_id,
    a.code,
    a.count,
    a.first_at,
    a.last_at,
    a.created_at,
    d.target,
    d.target_name,
    d.format,
    d.state,
    d.attempts,
    d.last_attempt_at,
    d.next_attempt_at,
    d.last_status,
    d.last_error,
    d.delivered_at,
    d.finished_at
   FROM (private.alerts a
     JOIN private.alert_deliveries d ON ((d.alert_id = a.id)));


--
-- Name: VIEW alert_deliveries; Type: COMMENT; Schema: monitoring; Owner: -
--

COMMENT ON VIEW monitoring.alert_deliveries IS 'Each alert message and its delivery to each configured webhook (never the URL). state: pending, delivered, rejected (a 4xx: the URL is wrong), gave_up (ALERT_MAX_AGE_HOURS passed).';


--
-- Name: cache_hit_ratio; Type: VIEW; Schema: monitoring; Owner: -
--

CREATE VIEW monitoring.cache_hit_ratio AS
 SELECT 'tables'::text AS kind,
    (COALESCE(sum(pg_statio_user_tables.heap_blks_hit), (0)::numeric))::bigint AS hits,
    (COALESCE(sum(pg_statio_user_tables.heap_blks_read), (0)::numeric))::bigint AS reads,
    round((sum(pg_statio_user_tables.heap_blks_hit) / NULLIF((sum(pg_statio_user_tables.heap_blks_hit) + sum(pg_statio_user_tables.heap_blks_read)), (0)::numeric)), 4) AS ratio
   FROM pg_statio_user_tables
UNION ALL
 SELECT 'indexes'::text AS kind,
    (COALESCE(sum(pg_statio_user_indexes.idx_blks_hit), (0)::numeric))::bigint AS hits,
    (COALESCE(sum(pg_statio_user_indexes.idx_blks_read), (0)::numeric))::bigint AS reads,
    round((sum(pg_statio_user_indexes.idx_blks_hit) / NULLIF((sum(pg_statio_user_indexes.idx_blks_hit) + sum(pg_statio_user_indexes.idx_blks_read)), (0)::numeric)), 4) AS ratio
   FROM pg_statio_user_indexes;


--
-- Name: connection_count; Type: VIEW; Schema: monitoring; Owner: -
--

CREATE VIEW monitoring.connection_count AS
 SELECT pg_stat_activity.datname,
    pg_stat_activity.usename,
    pg_stat_activity.state,
    (count(*))::integer AS connections
   FROM pg_stat_activity
  WHERE (pg_stat_activity.datname = current_database())
  GROUP BY pg_stat_activity.datname, pg_stat_activity.usename, pg_stat_activity.state;


--
-- Name: connection_usage; Type: VIEW; Schema: monitoring; Owner: -
--

CREATE VIEW monitoring.connection_usage AS
 SELECT connection_usage.database,
    connection_usage.application_name,
    connection_usage.state,
    connection_usage.connections,
    connection_usage.max_connections,
    connection_usage.share_of_max,
    connection_usage.all_connections,
    connection_usage.all_share_of_max
   FROM private.connection_usage() connection_usage(database, application_name, state, connections, max_connections, share_of_max, all_connections, all_share_of_max);


--
-- Name: database_size; Type: VIEW; Schema: monitoring; Owner: -
--

CREATE VIEW monitoring.database_size AS
 SELECT current_database() AS database,
    pg_database_size(current_database()) AS bytes,
    pg_size_pretty(pg_database_size(current_database())) AS pretty;


--
-- Name: index_usage; Type: VIEW; Schema: monitoring; Owner: -
--

CREATE VIEW monitoring.index_usage AS
 SELECT s.schemaname AS schema_name,
    s.relname AS table_name,
    s.indexrelname AS index_name,
    s.idx_scan AS scans,
    s.idx_tup_read AS tuples_read,
    pg_relation_size((s.indexrelid)::regclass) AS bytes,
    pg_size_pretty(pg_relation_size((s.indexrelid)::regclass)) AS pretty,
    i.indisunique AS is_unique,
    ((s.idx_scan = 0) AND (NOT i.indisunique)) AS unused
   FROM (pg_stat_user_indexes s
     JOIN pg_index i ON ((i.indexrelid = s.indexrelid)))
  WHERE (s.schemaname = ANY (ARRAY['public'::name, 'dev'::name, 'discord'::name, 'discord_dev'::name, 'private'::name]));


--
-- Name: sync_logs; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.sync_logs (
    id bigint NOT NULL,
    sync_id uuid NOT NULL,
    table_name text,
    operation text NOT NULL,
    status text,
    records_processed integer DEFAULT 0 NOT NULL,
    records_inserted integer DEFAULT 0 NOT NULL,
    records_updated integer DEFAULT 0 NOT NULL,
    records_unchanged integer DEFAULT 0 NOT NULL,
    records_deactivated integer DEFAULT 0 NOT NULL,
    records_failed integer DEFAULT 0 NOT NULL,
    records_succeeded integer GENERATED ALWAYS AS (((records_inserted + records_updated) + records_unchanged)) STORED NOT NULL,
    duration_ms integer,
    error_details jsonb,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT sync_logs_operation_check CHECK ((operation = ANY (ARRAY['sync_start'::text, 'sync_complete'::text, 'sync_error'::text])))
);


--
-- Name: TABLE sync_logs; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.sync_logs IS 'One row per sync run start and end (table_name null) and per table synced; alerts are sync_error rows. Operators only.';


--
-- Name: COLUMN sync_logs.sync_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.sync_logs.sync_id IS 'The run; a run resumed over several invocations keeps its id.';


--
-- Name: COLUMN sync_logs.table_name; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.sync_logs.table_name IS 'The table of a per-table row; null on run rows; health_check on health alerts.';


--
-- Name: COLUMN sync_logs.status; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.sync_logs.status IS 'Run rows: started, dry_run, completed, partial or failed. Table rows: completed, partial or deactivation_refused.';


--
-- Name: COLUMN sync_logs.records_deactivated; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.sync_logs.records_deactivated IS 'Rows retired because they vanished from the source.';


--
-- Name: COLUMN sync_logs.records_succeeded; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.sync_logs.records_succeeded IS 'Records written or confirmed unchanged: inserted + updated + unchanged.';


--
-- Name: COLUMN sync_logs.error_details; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.sync_logs.error_details IS 'Why: rejected records (key, reason; at most 100, with rejected_total), a refused retirement, a run failure or a health alert; a full comparison''s drift; on a run''s end row, how it compared (details).';


--
-- Name: last_successful_sync; Type: VIEW; Schema: monitoring; Owner: -
--

CREATE VIEW monitoring.last_successful_sync AS
 SELECT 'production'::text AS environment,
    max(sync_logs.created_at) AS last_success_at
   FROM public.sync_logs
  WHERE ((sync_logs.operation = 'sync_complete'::text) AND (sync_logs.table_name IS NULL) AND (sync_logs.status = 'completed'::text))
UNION ALL
 SELECT 'development'::text AS environment,
    max(sync_logs.created_at) AS last_success_at
   FROM dev.sync_logs
  WHERE ((sync_logs.operation = 'sync_complete'::text) AND (sync_logs.table_name IS NULL) AND (sync_logs.status = 'completed'::text));


--
-- Name: slow_statements; Type: VIEW; Schema: monitoring; Owner: -
--

CREATE VIEW monitoring.slow_statements AS
 SELECT statement_stats.queryid,
    statement_stats.role_name,
    statement_stats.query,
    statement_stats.calls,
    statement_stats.total_ms,
    statement_stats.mean_ms,
    statement_stats.max_ms,
    statement_stats.rows,
    statement_stats.cache_hit_ratio,
    statement_stats.total_rank,
    statement_stats.mean_rank
   FROM private.statement_stats(( SELECT (pg_extension.extnamespace)::regnamespace AS extnamespace
           FROM pg_extension
          WHERE (pg_extension.extname = 'pg_stat_statements'::name))) statement_stats(queryid, role_name, query, calls, total_ms, mean_ms, max_ms, rows, cache_hit_ratio, total_rank, mean_rank);


--
-- Name: sync_success_rate; Type: VIEW; Schema: monitoring; Owner: -
--

CREATE VIEW monitoring.sync_success_rate AS
 WITH runs AS (
         SELECT 'production'::text AS environment,
            sync_logs.status
           FROM public.sync_logs
          WHERE ((sync_logs.table_name IS NULL) AND (sync_logs.operation = ANY (ARRAY['sync_complete'::text, 'sync_error'::text])) AND (sync_logs.created_at > (now() - '24:00:00'::interval)))
        UNION ALL
         SELECT 'development'::text,
            sync_logs.status
           FROM dev.sync_logs
          WHERE ((sync_logs.table_name IS NULL) AND (sync_logs.operation = ANY (ARRAY['sync_complete'::text, 'sync_error'::text])) AND (sync_logs.created_at > (now() - '24:00:00'::interval)))
        )
 SELECT e.environment,
    (count(r.status))::integer AS runs,
    (count(*) FILTER (WHERE (r.status = ANY (ARRAY['completed'::text, 'partial'::text]))))::integer AS successful,
    round(((count(*) FILTER (WHERE (r.status = ANY (ARRAY['completed'::text, 'partial'::text]))))::numeric / (NULLIF(count(r.status), 0))::numeric), 4) AS success_rate
   FROM (( VALUES ('production'::text), ('development'::text)) e(environment)
     LEFT JOIN runs r ON ((r.environment = e.environment)))
  GROUP BY e.environment;


--
-- Name: table_health; Type: VIEW; Schema: monitoring; Owner: -
--

CREATE VIEW monitoring.table_health AS
 SELECT pg_stat_user_tables.schemaname AS schema_name,
    pg_stat_user_tables.relname AS table_name,
    pg_stat_user_tables.n_live_tup AS live_tuples,
    pg_stat_user_tables.n_dead_tup AS dead_tuples,
    round(((pg_stat_user_tables.n_dead_tup)::numeric / (NULLIF((pg_stat_user_tables.n_live_tup + pg_stat_user_tables.n_dead_tup), 0))::numeric), 4) AS dead_ratio,
    pg_stat_user_tables.n_mod_since_analyze AS modified_since_analyze,
    pg_stat_user_tables.last_vacuum,
    pg_stat_user_tables.last_autovacuum,
    pg_stat_user_tables.last_analyze,
    pg_stat_user_tables.last_autoanalyze,
    pg_stat_user_tables.vacuum_count,
    pg_stat_user_tables.autovacuum_count,
    pg_stat_user_tables.analyze_count,
    pg_stat_user_tables.autoanalyze_count
   FROM pg_stat_user_tables
  WHERE (pg_stat_user_tables.schemaname = ANY (ARRAY['public'::name, 'dev'::name, 'discord'::name, 'discord_dev'::name]));


--
-- Name: table_sizes; Type: VIEW; Schema: monitoring; Owner: -
--

CREATE VIEW monitoring.table_sizes AS
 SELECT n.nspname AS schema_name,
    c.relname AS table_name,
    pg_total_relation_size((c.oid)::regclass) AS total_bytes,
    pg_size_pretty(pg_total_relation_size((c.oid)::regclass)) AS total_pretty,
    (c.reltuples)::bigint AS estimated_rows
   FROM (pg_class c
     JOIN pg_namespace n ON ((n.oid = c.relnamespace)))
  WHERE ((c.relkind = 'r'::"char") AND (n.nspname = ANY (ARRAY['public'::name, 'dev'::name, 'discord'::name, 'discord_dev'::name])));


--
-- Name: alert_digests; Type: TABLE; Schema: private; Owner: -
--

CREATE TABLE private.alert_digests (
    environment text NOT NULL,
    day date NOT NULL
);


--
-- Name: alert_health; Type: TABLE; Schema: private; Owner: -
--

CREATE TABLE private.alert_health (
    environment text NOT NULL,
    unhealthy_since timestamp with time zone
);


--
-- Name: alert_occurrences; Type: TABLE; Schema: private; Owner: -
--

CREATE TABLE private.alert_occurrences (
    id bigint NOT NULL,
    environment text NOT NULL,
    kind text NOT NULL,
    table_name text,
    sync_id uuid,
    code text NOT NULL,
    details jsonb DEFAULT '{}'::jsonb NOT NULL,
    at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT alert_occurrences_environment_check CHECK ((environment = ANY (ARRAY['production'::text, 'development'::text]))),
    CONSTRAINT alert_occurrences_kind_check CHECK ((kind = ANY (ARRAY['failed'::text, 'abandoned'::text, 'deactivation_refused'::text, 'unhealthy'::text, 'resolved'::text, 'digest'::text, 'test'::text])))
);


--
-- Name: TABLE alert_occurrences; Type: COMMENT; Schema: private; Owner: -
--

COMMENT ON TABLE private.alert_occurrences IS 'What should be alerted, not yet folded into a message by private.compose_alerts().';


--
-- Name: alert_occurrences_id_seq; Type: SEQUENCE; Schema: private; Owner: -
--

ALTER TABLE private.alert_occurrences ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME private.alert_occurrences_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: alert_windows; Type: TABLE; Schema: private; Owner: -
--

CREATE TABLE private.alert_windows (
    environment text NOT NULL,
    kind text NOT NULL,
    table_key text NOT NULL,
    code text NOT NULL,
    opened_at timestamp with time zone NOT NULL,
    pending integer DEFAULT 0 NOT NULL,
    pending_first_at timestamp with time zone,
    pending_last_at timestamp with time zone,
    pending_sync_id uuid,
    pending_details jsonb
);


--
-- Name: alerts_seq_seq; Type: SEQUENCE; Schema: private; Owner: -
--

ALTER TABLE private.alerts ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME private.alerts_seq_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: dev_admins; Type: TABLE; Schema: private; Owner: -
--

CREATE TABLE private.dev_admins (
    member_number text NOT NULL
);


--
-- Name: TABLE dev_admins; Type: COMMENT; Schema: private; Owner: -
--

COMMENT ON TABLE private.dev_admins IS 'Active members with an active neb or regional position in dev.positions (kept by triggers on positions and members); the positions policy reads it.';


--
-- Name: dev_sync_hashes_facilities; Type: TABLE; Schema: private; Owner: -
--

CREATE TABLE private.dev_sync_hashes_facilities (
    source_key text NOT NULL,
    source_id bigint NOT NULL,
    hash uuid NOT NULL
);


--
-- Name: TABLE dev_sync_hashes_facilities; Type: COMMENT; Schema: private; Owner: -
--

COMMENT ON TABLE private.dev_sync_hashes_facilities IS 'Per row of dev.facilities: its key, the id of the legacy row it was read from, and the MD5 of the mapped source columns (and mapping version) it was last written from.';


--
-- Name: dev_sync_hashes_members; Type: TABLE; Schema: private; Owner: -
--

CREATE TABLE private.dev_sync_hashes_members (
    source_key text NOT NULL,
    source_id bigint NOT NULL,
    hash uuid NOT NULL
);


--
-- Name: TABLE dev_sync_hashes_members; Type: COMMENT; Schema: private; Owner: -
--

COMMENT ON TABLE private.dev_sync_hashes_members IS 'Per row of dev.members: its key, the id of the legacy row it was read from, and the MD5 of the mapped source columns (and mapping version) it was last written from.';


--
-- Name: dev_sync_hashes_positions; Type: TABLE; Schema: private; Owner: -
--

CREATE TABLE private.dev_sync_hashes_positions (
    source_key text NOT NULL,
    source_id bigint NOT NULL,
    hash uuid NOT NULL
);


--
-- Name: TABLE dev_sync_hashes_positions; Type: COMMENT; Schema: private; Owner: -
--

COMMENT ON TABLE private.dev_sync_hashes_positions IS 'Per row of dev.positions: its key, the id of the legacy row it was read from, and the MD5 of the mapped source columns (and mapping version) it was last written from.';


--
-- Name: dev_sync_hashes_regions; Type: TABLE; Schema: private; Owner: -
--

CREATE TABLE private.dev_sync_hashes_regions (
    source_key text NOT NULL,
    source_id bigint NOT NULL,
    hash uuid NOT NULL
);


--
-- Name: TABLE dev_sync_hashes_regions; Type: COMMENT; Schema: private; Owner: -
--

COMMENT ON TABLE private.dev_sync_hashes_regions IS 'Per row of dev.regions: its key, the id of the legacy row it was read from, and the MD5 of the mapped source columns (and mapping version) it was last written from.';


--
-- Name: dev_sync_state; Type: TABLE; Schema: private; Owner: -
--

CREATE TABLE private.dev_sync_state (
    environment_singleton boolean DEFAULT true NOT NULL,
    scheduled_runs bigint DEFAULT 0 NOT NULL,
    mapping_version integer,
    CONSTRAINT sync_state_singleton CHECK (environment_singleton)
);


--
-- Name: TABLE dev_sync_state; Type: COMMENT; Schema: private; Owner: -
--

COMMENT ON TABLE private.dev_sync_state IS 'Scheduled sync runs started (every SYNC_FULL_COMPARE_EVERY-th compares full rows), and the mapping version of the last completed full comparison.';


--
-- Name: discord_completion_failures; Type: TABLE; Schema: private; Owner: -
--

CREATE TABLE private.discord_completion_failures (
    auth0_user_id text NOT NULL,
    failed_at timestamp with time zone DEFAULT now() NOT NULL,
    outcome text NOT NULL
);


--
-- Name: TABLE discord_completion_failures; Type: COMMENT; Schema: private; Owner: -
--

COMMENT ON TABLE private.discord_completion_failures IS 'Failed completions per Auth0 user, for complete-verification''s rate limit. Operators only.';


--
-- Name: discord_dev_completion_failures; Type: TABLE; Schema: private; Owner: -
--

CREATE TABLE private.discord_dev_completion_failures (
    auth0_user_id text NOT NULL,
    failed_at timestamp with time zone DEFAULT now() NOT NULL,
    outcome text NOT NULL
);


--
-- Name: TABLE discord_dev_completion_failures; Type: COMMENT; Schema: private; Owner: -
--

COMMENT ON TABLE private.discord_dev_completion_failures IS 'Failed completions per Auth0 user, for complete-verification''s rate limit. Operators only.';


--
-- Name: discord_dev_roles_state; Type: TABLE; Schema: private; Owner: -
--

CREATE TABLE private.discord_dev_roles_state (
    member_number text NOT NULL,
    guild_id text NOT NULL,
    discord_id text NOT NULL,
    role_ids text[] NOT NULL,
    nickname text
);


--
-- Name: discord_roles_state; Type: TABLE; Schema: private; Owner: -
--

CREATE TABLE private.discord_roles_state (
    member_number text NOT NULL,
    guild_id text NOT NULL,
    discord_id text NOT NULL,
    role_ids text[] NOT NULL,
    nickname text
);


--
-- Name: health_checks; Type: TABLE; Schema: private; Owner: -
--

CREATE TABLE private.health_checks (
    request_id bigint NOT NULL,
    environment text NOT NULL,
    sent_at timestamp with time zone DEFAULT now() NOT NULL,
    processed boolean DEFAULT false NOT NULL,
    CONSTRAINT health_checks_environment_check CHECK ((environment = ANY (ARRAY['production'::text, 'development'::text])))
);


--
-- Name: member_event_xids; Type: TABLE; Schema: private; Owner: -
--

CREATE TABLE private.member_event_xids (
    x integer
);


--
-- Name: public_admins; Type: TABLE; Schema: private; Owner: -
--

CREATE TABLE private.public_admins (
    member_number text NOT NULL
);


--
-- Name: TABLE public_admins; Type: COMMENT; Schema: private; Owner: -
--

COMMENT ON TABLE private.public_admins IS 'Active members with an active neb or regional position in public.positions (kept by triggers on positions and members); the positions policy reads it.';


--
-- Name: public_sync_hashes_facilities; Type: TABLE; Schema: private; Owner: -
--

CREATE TABLE private.public_sync_hashes_facilities (
    source_key text NOT NULL,
    source_id bigint NOT NULL,
    hash uuid NOT NULL
);


--
-- Name: TABLE public_sync_hashes_facilities; Type: COMMENT; Schema: private; Owner: -
--

COMMENT ON TABLE private.public_sync_hashes_facilities IS 'Per row of public.facilities: its key, the id of the legacy row it was read from, and the MD5 of the mapped source columns (and mapping version) it was last written from.';


--
-- Name: public_sync_hashes_members; Type: TABLE; Schema: private; Owner: -
--

CREATE TABLE private.public_sync_hashes_members (
    source_key text NOT NULL,
    source_id bigint NOT NULL,
    hash uuid NOT NULL
);


--
-- Name: TABLE public_sync_hashes_members; Type: COMMENT; Schema: private; Owner: -
--

COMMENT ON TABLE private.public_sync_hashes_members IS 'Per row of public.members: its key, the id of the legacy row it was read from, and the MD5 of the mapped source columns (and mapping version) it was last written from.';


--
-- Name: public_sync_hashes_positions; Type: TABLE; Schema: private; Owner: -
--

CREATE TABLE private.public_sync_hashes_positions (
    source_key text NOT NULL,
    source_id bigint NOT NULL,
    hash uuid NOT NULL
);


--
-- Name: TABLE public_sync_hashes_positions; Type: COMMENT; Schema: private; Owner: -
--

COMMENT ON TABLE private.public_sync_hashes_positions IS 'Per row of public.positions: its key, the id of the legacy row it was read from, and the MD5 of the mapped source columns (and mapping version) it was last written from.';


--
-- Name: public_sync_hashes_regions; Type: TABLE; Schema: private; Owner: -
--

CREATE TABLE private.public_sync_hashes_regions (
    source_key text NOT NULL,
    source_id bigint NOT NULL,
    hash uuid NOT NULL
);


--
-- Name: TABLE public_sync_hashes_regions; Type: COMMENT; Schema: private; Owner: -
--

COMMENT ON TABLE private.public_sync_hashes_regions IS 'Per row of public.regions: its key, the id of the legacy row it was read from, and the MD5 of the mapped source columns (and mapping version) it was last written from.';


--
-- Name: public_sync_state; Type: TABLE; Schema: private; Owner: -
--

CREATE TABLE private.public_sync_state (
    environment_singleton boolean DEFAULT true NOT NULL,
    scheduled_runs bigint DEFAULT 0 NOT NULL,
    mapping_version integer,
    CONSTRAINT sync_state_singleton CHECK (environment_singleton)
);


--
-- Name: TABLE public_sync_state; Type: COMMENT; Schema: private; Owner: -
--

COMMENT ON TABLE private.public_sync_state IS 'Scheduled sync runs started (every SYNC_FULL_COMPARE_EVERY-th compares full rows), and the mapping version of the last completed full comparison.';


--
-- Name: facilities_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.facilities ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.facilities_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: members_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.members ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.members_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: positions_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.positions ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.positions_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: regions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.regions (
    id bigint NOT NULL,
    region_code text NOT NULL,
    region_name text NOT NULL,
    active boolean DEFAULT true NOT NULL,
    facility_count integer DEFAULT 0 NOT NULL,
    member_count integer DEFAULT 0 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL
);


--
-- Name: TABLE regions; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.regions IS 'NATCA regions, copied from the legacy membership database by the sync. Read-only for clients.';


--
-- Name: COLUMN regions.id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.regions.id IS 'Surrogate id; region_code is the key the sync and other tables use.';


--
-- Name: COLUMN regions.region_code; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.regions.region_code IS 'Legacy RegionCode, trimmed and upper-cased.';


--
-- Name: COLUMN regions.active; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.regions.active IS 'False once the region is inactive in, or gone from, the legacy source.';


--
-- Name: COLUMN regions.facility_count; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.regions.facility_count IS 'Active facilities of the region, recomputed after each sync.';


--
-- Name: COLUMN regions.member_count; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.regions.member_count IS 'Active members of the region, recomputed after each sync.';


--
-- Name: regions_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.regions ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.regions_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: sync_cursor; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.sync_cursor (
    environment_singleton boolean DEFAULT true NOT NULL,
    sync_id uuid NOT NULL,
    tables text[] NOT NULL,
    table_name text NOT NULL,
    after_id bigint DEFAULT 0 NOT NULL,
    failures integer DEFAULT 0 NOT NULL,
    started_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    full_compare boolean DEFAULT false NOT NULL,
    mapping_version integer,
    CONSTRAINT sync_cursor_singleton CHECK (environment_singleton)
);


--
-- Name: TABLE sync_cursor; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.sync_cursor IS 'Where an unfinished sync run stopped (at most one row); the resume job calls sync while it exists.';


--
-- Name: COLUMN sync_cursor.after_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.sync_cursor.after_id IS 'Last legacy primary key of table_name whose page is written.';


--
-- Name: COLUMN sync_cursor.failures; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.sync_cursor.failures IS 'Failed invocations of this run; at SYNC_MAX_RESUME_FAILURES the cursor is dropped.';


--
-- Name: COLUMN sync_cursor.full_compare; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.sync_cursor.full_compare IS 'The run compares full rows (decided at its start, kept by its resumptions).';


--
-- Name: COLUMN sync_cursor.mapping_version; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.sync_cursor.mapping_version IS 'The mapping version the run hashes with (decided at its start).';


--
-- Name: sync_logs_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.sync_logs ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.sync_logs_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: facilities facilities_id_key; Type: CONSTRAINT; Schema: dev; Owner: -
--

ALTER TABLE ONLY dev.facilities
    ADD CONSTRAINT facilities_id_key UNIQUE (id);


--
-- Name: facilities facilities_pkey; Type: CONSTRAINT; Schema: dev; Owner: -
--

ALTER TABLE ONLY dev.facilities
    ADD CONSTRAINT facilities_pkey PRIMARY KEY (facility_code);


--
-- Name: members members_id_key; Type: CONSTRAINT; Schema: dev; Owner: -
--

ALTER TABLE ONLY dev.members
    ADD CONSTRAINT members_id_key UNIQUE (id);


--
-- Name: members members_pkey; Type: CONSTRAINT; Schema: dev; Owner: -
--

ALTER TABLE ONLY dev.members
    ADD CONSTRAINT members_pkey PRIMARY KEY (member_number);


--
-- Name: positions positions_pkey; Type: CONSTRAINT; Schema: dev; Owner: -
--

ALTER TABLE ONLY dev.positions
    ADD CONSTRAINT positions_pkey PRIMARY KEY (id);


--
-- Name: positions positions_source_id_key; Type: CONSTRAINT; Schema: dev; Owner: -
--

ALTER TABLE ONLY dev.positions
    ADD CONSTRAINT positions_source_id_key UNIQUE (source_id);


--
-- Name: regions regions_id_key; Type: CONSTRAINT; Schema: dev; Owner: -
--

ALTER TABLE ONLY dev.regions
    ADD CONSTRAINT regions_id_key UNIQUE (id);


--
-- Name: regions regions_pkey; Type: CONSTRAINT; Schema: dev; Owner: -
--

ALTER TABLE ONLY dev.regions
    ADD CONSTRAINT regions_pkey PRIMARY KEY (region_code);


--
-- Name: sync_cursor sync_cursor_pkey; Type: CONSTRAINT; Schema: dev; Owner: -
--

ALTER TABLE ONLY dev.sync_cursor
    ADD CONSTRAINT sync_cursor_pkey PRIMARY KEY (environment_singleton);


--
-- Name: sync_logs sync_logs_pkey; Type: CONSTRAINT; Schema: dev; Owner: -
--

ALTER TABLE ONLY dev.sync_logs
    ADD CONSTRAINT sync_logs_pkey PRIMARY KEY (id);


--
-- Name: discord_link_audit discord_link_audit_pkey; Type: CONSTRAINT; Schema: discord; Owner: -
--

ALTER TABLE ONLY discord.discord_link_audit
    ADD CONSTRAINT discord_link_audit_pkey PRIMARY KEY (id);


--
-- Name: guilds guilds_pkey; Type: CONSTRAINT; Schema: discord; Owner: -
--

ALTER TABLE ONLY discord.guilds
    ADD CONSTRAINT guilds_pkey PRIMARY KEY (guild_id);


--
-- Name: member_events member_events_pkey; Type: CONSTRAINT; Schema: discord; Owner: -
--

ALTER TABLE ONLY discord.member_events
    ADD CONSTRAINT member_events_pkey PRIMARY KEY (id);


--
-- Name: role_grace role_grace_pkey; Type: CONSTRAINT; Schema: discord; Owner: -
--

ALTER TABLE ONLY discord.role_grace
    ADD CONSTRAINT role_grace_pkey PRIMARY KEY (member_number, guild_id, role_id);


--
-- Name: role_rules role_rules_pkey; Type: CONSTRAINT; Schema: discord; Owner: -
--

ALTER TABLE ONLY discord.role_rules
    ADD CONSTRAINT role_rules_pkey PRIMARY KEY (id);


--
-- Name: validation_logs validation_logs_pkey; Type: CONSTRAINT; Schema: discord; Owner: -
--

ALTER TABLE ONLY discord.validation_logs
    ADD CONSTRAINT validation_logs_pkey PRIMARY KEY (id);


--
-- Name: validation_summaries validation_summaries_pkey; Type: CONSTRAINT; Schema: discord; Owner: -
--

ALTER TABLE ONLY discord.validation_summaries
    ADD CONSTRAINT validation_summaries_pkey PRIMARY KEY (run_id);


--
-- Name: verification_requests verification_requests_id_key; Type: CONSTRAINT; Schema: discord; Owner: -
--

ALTER TABLE ONLY discord.verification_requests
    ADD CONSTRAINT verification_requests_id_key UNIQUE (id);


--
-- Name: verification_requests verification_requests_pkey; Type: CONSTRAINT; Schema: discord; Owner: -
--

ALTER TABLE ONLY discord.verification_requests
    ADD CONSTRAINT verification_requests_pkey PRIMARY KEY (verification_id);


--
-- Name: discord_link_audit discord_link_audit_pkey; Type: CONSTRAINT; Schema: discord_dev; Owner: -
--

ALTER TABLE ONLY discord_dev.discord_link_audit
    ADD CONSTRAINT discord_link_audit_pkey PRIMARY KEY (id);


--
-- Name: guilds guilds_pkey; Type: CONSTRAINT; Schema: discord_dev; Owner: -
--

ALTER TABLE ONLY discord_dev.guilds
    ADD CONSTRAINT guilds_pkey PRIMARY KEY (guild_id);


--
-- Name: member_events member_events_pkey; Type: CONSTRAINT; Schema: discord_dev; Owner: -
--

ALTER TABLE ONLY discord_dev.member_events
    ADD CONSTRAINT member_events_pkey PRIMARY KEY (id);


--
-- Name: role_grace role_grace_pkey; Type: CONSTRAINT; Schema: discord_dev; Owner: -
--

ALTER TABLE ONLY discord_dev.role_grace
    ADD CONSTRAINT role_grace_pkey PRIMARY KEY (member_number, guild_id, role_id);


--
-- Name: role_rules role_rules_pkey; Type: CONSTRAINT; Schema: discord_dev; Owner: -
--

ALTER TABLE ONLY discord_dev.role_rules
    ADD CONSTRAINT role_rules_pkey PRIMARY KEY (id);


--
-- Name: validation_logs validation_logs_pkey; Type: CONSTRAINT; Schema: discord_dev; Owner: -
--

ALTER TABLE ONLY discord_dev.validation_logs
    ADD CONSTRAINT validation_logs_pkey PRIMARY KEY (id);


--
-- Name: validation_summaries validation_summaries_pkey; Type: CONSTRAINT; Schema: discord_dev; Owner: -
--

ALTER TABLE ONLY discord_dev.validation_summaries
    ADD CONSTRAINT validation_summaries_pkey PRIMARY KEY (run_id);


--
-- Name: verification_requests verification_requests_id_key; Type: CONSTRAINT; Schema: discord_dev; Owner: -
--

ALTER TABLE ONLY discord_dev.verification_requests
    ADD CONSTRAINT verification_requests_id_key UNIQUE (id);


--
-- Name: verification_requests verification_requests_pkey; Type: CONSTRAINT; Schema: discord_dev; Owner: -
--

ALTER TABLE ONLY discord_dev.verification_requests
    ADD CONSTRAINT verification_requests_pkey PRIMARY KEY (verification_id);


--
-- Name: alert_deliveries alert_deliveries_pkey; Type: CONSTRAINT; Schema: private; Owner: -
--

ALTER TABLE ONLY private.alert_deliveries
    ADD CONSTRAINT alert_deliveries_pkey PRIMARY KEY (alert_id, target);


--
-- Name: alert_digests alert_digests_pkey; Type: CONSTRAINT; Schema: private; Owner: -
--

ALTER TABLE ONLY private.alert_digests
    ADD CONSTRAINT alert_digests_pkey PRIMARY KEY (environment, day);


--
-- Name: alert_health alert_health_pkey; Type: CONSTRAINT; Schema: private; Owner: -
--

ALTER TABLE ONLY private.alert_health
    ADD CONSTRAINT alert_health_pkey PRIMARY KEY (environment);


--
-- Name: alert_occurrences alert_occurrences_pkey; Type: CONSTRAINT; Schema: private; Owner: -
--

ALTER TABLE ONLY private.alert_occurrences
    ADD CONSTRAINT alert_occurrences_pkey PRIMARY KEY (id);


--
-- Name: alert_windows alert_windows_pkey; Type: CONSTRAINT; Schema: private; Owner: -
--

ALTER TABLE ONLY private.alert_windows
    ADD CONSTRAINT alert_windows_pkey PRIMARY KEY (environment, kind, table_key, code);


--
-- Name: alerts alerts_pkey; Type: CONSTRAINT; Schema: private; Owner: -
--

ALTER TABLE ONLY private.alerts
    ADD CONSTRAINT alerts_pkey PRIMARY KEY (id);


--
-- Name: dev_admins dev_admins_pkey; Type: CONSTRAINT; Schema: private; Owner: -
--

ALTER TABLE ONLY private.dev_admins
    ADD CONSTRAINT dev_admins_pkey PRIMARY KEY (member_number);


--
-- Name: dev_sync_hashes_facilities dev_sync_hashes_facilities_pkey; Type: CONSTRAINT; Schema: private; Owner: -
--

ALTER TABLE ONLY private.dev_sync_hashes_facilities
    ADD CONSTRAINT dev_sync_hashes_facilities_pkey PRIMARY KEY (source_key);


--
-- Name: dev_sync_hashes_members dev_sync_hashes_members_pkey; Type: CONSTRAINT; Schema: private; Owner: -
--

ALTER TABLE ONLY private.dev_sync_hashes_members
    ADD CONSTRAINT dev_sync_hashes_members_pkey PRIMARY KEY (source_key);


--
-- Name: dev_sync_hashes_positions dev_sync_hashes_positions_pkey; Type: CONSTRAINT; Schema: private; Owner: -
--

ALTER TABLE ONLY private.dev_sync_hashes_positions
    ADD CONSTRAINT dev_sync_hashes_positions_pkey PRIMARY KEY (source_key);


--
-- Name: dev_sync_hashes_regions dev_sync_hashes_regions_pkey; Type: CONSTRAINT; Schema: private; Owner: -
--

ALTER TABLE ONLY private.dev_sync_hashes_regions
    ADD CONSTRAINT dev_sync_hashes_regions_pkey PRIMARY KEY (source_key);


--
-- Name: dev_sync_state dev_sync_state_pkey; Type: CONSTRAINT; Schema: private; Owner: -
--

ALTER TABLE ONLY private.dev_sync_state
    ADD CONSTRAINT dev_sync_state_pkey PRIMARY KEY (environment_singleton);


--
-- Name: discord_dev_roles_state discord_dev_roles_state_pkey; Type: CONSTRAINT; Schema: private; Owner: -
--

ALTER TABLE ONLY private.discord_dev_roles_state
    ADD CONSTRAINT discord_dev_roles_state_pkey PRIMARY KEY (member_number, guild_id);


--
-- Name: discord_roles_state discord_roles_state_pkey; Type: CONSTRAINT; Schema: private; Owner: -
--

ALTER TABLE ONLY private.discord_roles_state
    ADD CONSTRAINT discord_roles_state_pkey PRIMARY KEY (member_number, guild_id);


--
-- Name: health_checks health_checks_pkey; Type: CONSTRAINT; Schema: private; Owner: -
--

ALTER TABLE ONLY private.health_checks
    ADD CONSTRAINT health_checks_pkey PRIMARY KEY (request_id);


--
-- Name: public_admins public_admins_pkey; Type: CONSTRAINT; Schema: private; Owner: -
--

ALTER TABLE ONLY private.public_admins
    ADD CONSTRAINT public_admins_pkey PRIMARY KEY (member_number);


--
-- Name: public_sync_hashes_facilities public_sync_hashes_facilities_pkey; Type: CONSTRAINT; Schema: private; Owner: -
--

ALTER TABLE ONLY private.public_sync_hashes_facilities
    ADD CONSTRAINT public_sync_hashes_facilities_pkey PRIMARY KEY (source_key);


--
-- Name: public_sync_hashes_members public_sync_hashes_members_pkey; Type: CONSTRAINT; Schema: private; Owner: -
--

ALTER TABLE ONLY private.public_sync_hashes_members
    ADD CONSTRAINT public_sync_hashes_members_pkey PRIMARY KEY (source_key);


--
-- Name: public_sync_hashes_positions public_sync_hashes_positions_pkey; Type: CONSTRAINT; Schema: private; Owner: -
--

ALTER TABLE ONLY private.public_sync_hashes_positions
    ADD CONSTRAINT public_sync_hashes_positions_pkey PRIMARY KEY (source_key);


--
-- Name: public_sync_hashes_regions public_sync_hashes_regions_pkey; Type: CONSTRAINT; Schema: private; Owner: -
--

ALTER TABLE ONLY private.public_sync_hashes_regions
    ADD CONSTRAINT public_sync_hashes_regions_pkey PRIMARY KEY (source_key);


--
-- Name: public_sync_state public_sync_state_pkey; Type: CONSTRAINT; Schema: private; Owner: -
--

ALTER TABLE ONLY private.public_sync_state
    ADD CONSTRAINT public_sync_state_pkey PRIMARY KEY (environment_singleton);


--
-- Name: facilities facilities_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.facilities
    ADD CONSTRAINT facilities_id_key UNIQUE (id);


--
-- Name: facilities facilities_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.facilities
    ADD CONSTRAINT facilities_pkey PRIMARY KEY (facility_code);


--
-- Name: members members_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.members
    ADD CONSTRAINT members_id_key UNIQUE (id);


--
-- Name: members members_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.members
    ADD CONSTRAINT members_pkey PRIMARY KEY (member_number);


--
-- Name: positions positions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.positions
    ADD CONSTRAINT positions_pkey PRIMARY KEY (id);


--
-- Name: positions positions_source_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.positions
    ADD CONSTRAINT positions_source_id_key UNIQUE (source_id);


--
-- Name: regions regions_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.regions
    ADD CONSTRAINT regions_id_key UNIQUE (id);


--
-- Name: regions regions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.regions
    ADD CONSTRAINT regions_pkey PRIMARY KEY (region_code);


--
-- Name: sync_cursor sync_cursor_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sync_cursor
    ADD CONSTRAINT sync_cursor_pkey PRIMARY KEY (environment_singleton);


--
-- Name: sync_logs sync_logs_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sync_logs
    ADD CONSTRAINT sync_logs_pkey PRIMARY KEY (id);


--
-- Name: facilities_region_code_idx; Type: INDEX; Schema: dev; Owner: -
--

CREATE INDEX facilities_region_code_idx ON dev.facilities USING btree (region_code);


--
-- Name: members_auth0_user_id_idx; Type: INDEX; Schema: dev; Owner: -
--

CREATE INDEX members_auth0_user_id_idx ON dev.members USING btree (auth0_user_id) WHERE (auth0_user_id IS NOT NULL);


--
-- Name: members_discord_id_key; Type: INDEX; Schema: dev; Owner: -
--

CREATE UNIQUE INDEX members_discord_id_key ON dev.members USING btree (discord_id) WHERE (discord_id IS NOT NULL);


--
-- Name: members_discord_verified_idx; Type: INDEX; Schema: dev; Owner: -
--

CREATE INDEX members_discord_verified_idx ON dev.members USING btree (member_number) WHERE discord_verified;


--
-- Name: members_email_idx; Type: INDEX; Schema: dev; Owner: -
--

CREATE INDEX members_email_idx ON dev.members USING btree (email);


--
-- Name: members_facility_code_idx; Type: INDEX; Schema: dev; Owner: -
--

CREATE INDEX members_facility_code_idx ON dev.members USING btree (facility_code);


--
-- Name: members_region_code_idx; Type: INDEX; Schema: dev; Owner: -
--

CREATE INDEX members_region_code_idx ON dev.members USING btree (region_code);


--
-- Name: members_status_idx; Type: INDEX; Schema: dev; Owner: -
--

CREATE INDEX members_status_idx ON dev.members USING btree (status);


--
-- Name: positions_admin_idx; Type: INDEX; Schema: dev; Owner: -
--

CREATE INDEX positions_admin_idx ON dev.positions USING btree (member_number) WHERE (active AND (position_type = ANY (ARRAY['neb'::text, 'regional'::text])));


--
-- Name: positions_facility_code_idx; Type: INDEX; Schema: dev; Owner: -
--

CREATE INDEX positions_facility_code_idx ON dev.positions USING btree (facility_code);


--
-- Name: positions_member_number_idx; Type: INDEX; Schema: dev; Owner: -
--

CREATE INDEX positions_member_number_idx ON dev.positions USING btree (member_number);


--
-- Name: sync_logs_created_at_idx; Type: INDEX; Schema: dev; Owner: -
--

CREATE INDEX sync_logs_created_at_idx ON dev.sync_logs USING btree (created_at);


--
-- Name: sync_logs_operation_created_at_idx; Type: INDEX; Schema: dev; Owner: -
--

CREATE INDEX sync_logs_operation_created_at_idx ON dev.sync_logs USING btree (operation, created_at);


--
-- Name: sync_logs_sync_id_idx; Type: INDEX; Schema: dev; Owner: -
--

CREATE INDEX sync_logs_sync_id_idx ON dev.sync_logs USING btree (sync_id);


--
-- Name: discord_link_audit_member_number_idx; Type: INDEX; Schema: discord; Owner: -
--

CREATE INDEX discord_link_audit_member_number_idx ON discord.discord_link_audit USING btree (member_number);


--
-- Name: discord_link_audit_verification_id_idx; Type: INDEX; Schema: discord; Owner: -
--

CREATE INDEX discord_link_audit_verification_id_idx ON discord.discord_link_audit USING btree (verification_id);


--
-- Name: member_events_created_at_idx; Type: INDEX; Schema: discord; Owner: -
--

CREATE INDEX member_events_created_at_idx ON discord.member_events USING btree (created_at);


--
-- Name: member_events_eligibility_idx; Type: INDEX; Schema: discord; Owner: -
--

CREATE INDEX member_events_eligibility_idx ON discord.member_events USING btree (member_number, discord_id, id) WHERE (kind = ANY (ARRAY['linked'::text, 'became_eligible'::text, 'became_ineligible'::text]));


--
-- Name: role_grace_grace_until_idx; Type: INDEX; Schema: discord; Owner: -
--

CREATE INDEX role_grace_grace_until_idx ON discord.role_grace USING btree (grace_until);


--
-- Name: role_rules_guild_id_idx; Type: INDEX; Schema: discord; Owner: -
--

CREATE INDEX role_rules_guild_id_idx ON discord.role_rules USING btree (guild_id);


--
-- Name: validation_logs_created_at_idx; Type: INDEX; Schema: discord; Owner: -
--

CREATE INDEX validation_logs_created_at_idx ON discord.validation_logs USING btree (created_at);


--
-- Name: validation_logs_run_id_idx; Type: INDEX; Schema: discord; Owner: -
--

CREATE INDEX validation_logs_run_id_idx ON discord.validation_logs USING btree (run_id);


--
-- Name: validation_summaries_started_at_idx; Type: INDEX; Schema: discord; Owner: -
--

CREATE INDEX validation_summaries_started_at_idx ON discord.validation_summaries USING btree (started_at);


--
-- Name: verification_requests_discord_id_created_at_idx; Type: INDEX; Schema: discord; Owner: -
--

CREATE INDEX verification_requests_discord_id_created_at_idx ON discord.verification_requests USING btree (discord_id, created_at);


--
-- Name: verification_requests_expires_at_idx; Type: INDEX; Schema: discord; Owner: -
--

CREATE INDEX verification_requests_expires_at_idx ON discord.verification_requests USING btree (expires_at) WHERE (status = ANY (ARRAY['pending'::text, 'expired'::text]));


--
-- Name: verification_requests_failed_created_at_idx; Type: INDEX; Schema: discord; Owner: -
--

CREATE INDEX verification_requests_failed_created_at_idx ON discord.verification_requests USING btree (created_at) WHERE (status = 'failed'::text);


--
-- Name: verification_requests_member_number_idx; Type: INDEX; Schema: discord; Owner: -
--

CREATE INDEX verification_requests_member_number_idx ON discord.verification_requests USING btree (member_number) WHERE (member_number IS NOT NULL);


--
-- Name: verification_requests_one_pending_key; Type: INDEX; Schema: discord; Owner: -
--

CREATE UNIQUE INDEX verification_requests_one_pending_key ON discord.verification_requests USING btree (discord_id) WHERE (status = 'pending'::text);


--
-- Name: discord_link_audit_member_number_idx; Type: INDEX; Schema: discord_dev; Owner: -
--

CREATE INDEX discord_link_audit_member_number_idx ON discord_dev.discord_link_audit USING btree (member_number);


--
-- Name: discord_link_audit_verification_id_idx; Type: INDEX; Schema: discord_dev; Owner: -
--

CREATE INDEX discord_link_audit_verification_id_idx ON discord_dev.discord_link_audit USING btree (verification_id);


--
-- Name: member_events_created_at_idx; Type: INDEX; Schema: discord_dev; Owner: -
--

CREATE INDEX member_events_created_at_idx ON discord_dev.member_events USING btree (created_at);


--
-- Name: member_events_eligibility_idx; Type: INDEX; Schema: discord_dev; Owner: -
--

CREATE INDEX member_events_eligibility_idx ON discord_dev.member_events USING btree (member_number, discord_id, id) WHERE (kind = ANY (ARRAY['linked'::text, 'became_eligible'::text, 'became_ineligible'::text]));


--
-- Name: role_grace_grace_until_idx; Type: INDEX; Schema: discord_dev; Owner: -
--

CREATE INDEX role_grace_grace_until_idx ON discord_dev.role_grace USING btree (grace_until);


--
-- Name: role_rules_guild_id_idx; Type: INDEX; Schema: discord_dev; Owner: -
--

CREATE INDEX role_rules_guild_id_idx ON discord_dev.role_rules USING btree (guild_id);


--
-- Name: validation_logs_created_at_idx; Type: INDEX; Schema: discord_dev; Owner: -
--

CREATE INDEX validation_logs_created_at_idx ON discord_dev.validation_logs USING btree (created_at);


--
-- Name: validation_logs_run_id_idx; Type: INDEX; Schema: discord_dev; Owner: -
--

CREATE INDEX validation_logs_run_id_idx ON discord_dev.validation_logs USING btree (run_id);


--
-- Name: validation_summaries_started_at_idx; Type: INDEX; Schema: discord_dev; Owner: -
--

CREATE INDEX validation_summaries_started_at_idx ON discord_dev.validation_summaries USING btree (started_at);


--
-- Name: verification_requests_discord_id_created_at_idx; Type: INDEX; Schema: discord_dev; Owner: -
--

CREATE INDEX verification_requests_discord_id_created_at_idx ON discord_dev.verification_requests USING btree (discord_id, created_at);


--
-- Name: verification_requests_expires_at_idx; Type: INDEX; Schema: discord_dev; Owner: -
--

CREATE INDEX verification_requests_expires_at_idx ON discord_dev.verification_requests USING btree (expires_at) WHERE (status = ANY (ARRAY['pending'::text, 'expired'::text]));


--
-- Name: verification_requests_failed_created_at_idx; Type: INDEX; Schema: discord_dev; Owner: -
--

CREATE INDEX verification_requests_failed_created_at_idx ON discord_dev.verification_requests USING btree (created_at) WHERE (status = 'failed'::text);


--
-- Name: verification_requests_member_number_idx; Type: INDEX; Schema: discord_dev; Owner: -
--

CREATE INDEX verification_requests_member_number_idx ON discord_dev.verification_requests USING btree (member_number) WHERE (member_number IS NOT NULL);


--
-- Name: verification_requests_one_pending_key; Type: INDEX; Schema: discord_dev; Owner: -
--

CREATE UNIQUE INDEX verification_requests_one_pending_key ON discord_dev.verification_requests USING btree (discord_id) WHERE (status = 'pending'::text);


--
-- Name: alert_deliveries_due; Type: INDEX; Schema: private; Owner: -
--

CREATE INDEX alert_deliveries_due ON private.alert_deliveries USING btree (target, next_attempt_at) WHERE (state = 'pending'::text);


--
-- Name: alert_occurrences_environment; Type: INDEX; Schema: private; Owner: -
--

CREATE INDEX alert_occurrences_environment ON private.alert_occurrences USING btree (environment, id);


--
-- Name: alerts_environment_created; Type: INDEX; Schema: private; Owner: -
--

CREATE INDEX alerts_environment_created ON private.alerts USING btree (environment, created_at);


--
-- Name: dev_sync_hashes_facilities_source_id; Type: INDEX; Schema: private; Owner: -
--

CREATE INDEX dev_sync_hashes_facilities_source_id ON private.dev_sync_hashes_facilities USING btree (source_id);


--
-- Name: dev_sync_hashes_members_source_id; Type: INDEX; Schema: private; Owner: -
--

CREATE INDEX dev_sync_hashes_members_source_id ON private.dev_sync_hashes_members USING btree (source_id);


--
-- Name: dev_sync_hashes_positions_source_id; Type: INDEX; Schema: private; Owner: -
--

CREATE INDEX dev_sync_hashes_positions_source_id ON private.dev_sync_hashes_positions USING btree (source_id);


--
-- Name: dev_sync_hashes_regions_source_id; Type: INDEX; Schema: private; Owner: -
--

CREATE INDEX dev_sync_hashes_regions_source_id ON private.dev_sync_hashes_regions USING btree (source_id);


--
-- Name: discord_completion_failures_auth0_user_id_failed_at_idx; Type: INDEX; Schema: private; Owner: -
--

CREATE INDEX discord_completion_failures_auth0_user_id_failed_at_idx ON private.discord_completion_failures USING btree (auth0_user_id, failed_at);


--
-- Name: discord_dev_completion_failures_auth0_user_id_failed_at_idx; Type: INDEX; Schema: private; Owner: -
--

CREATE INDEX discord_dev_completion_failures_auth0_user_id_failed_at_idx ON private.discord_dev_completion_failures USING btree (auth0_user_id, failed_at);


--
-- Name: public_sync_hashes_facilities_source_id; Type: INDEX; Schema: private; Owner: -
--

CREATE INDEX public_sync_hashes_facilities_source_id ON private.public_sync_hashes_facilities USING btree (source_id);


--
-- Name: public_sync_hashes_members_source_id; Type: INDEX; Schema: private; Owner: -
--

CREATE INDEX public_sync_hashes_members_source_id ON private.public_sync_hashes_members USING btree (source_id);


--
-- Name: public_sync_hashes_positions_source_id; Type: INDEX; Schema: private; Owner: -
--

CREATE INDEX public_sync_hashes_positions_source_id ON private.public_sync_hashes_positions USING btree (source_id);


--
-- Name: public_sync_hashes_regions_source_id; Type: INDEX; Schema: private; Owner: -
--

CREATE INDEX public_sync_hashes_regions_source_id ON private.public_sync_hashes_regions USING btree (source_id);


--
-- Name: facilities_region_code_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX facilities_region_code_idx ON public.facilities USING btree (region_code);


--
-- Name: members_auth0_user_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX members_auth0_user_id_idx ON public.members USING btree (auth0_user_id) WHERE (auth0_user_id IS NOT NULL);


--
-- Name: members_discord_id_key; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX members_discord_id_key ON public.members USING btree (discord_id) WHERE (discord_id IS NOT NULL);


--
-- Name: members_discord_verified_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX members_discord_verified_idx ON public.members USING btree (member_number) WHERE discord_verified;


--
-- Name: members_email_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX members_email_idx ON public.members USING btree (email);


--
-- Name: members_facility_code_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX members_facility_code_idx ON public.members USING btree (facility_code);


--
-- Name: members_region_code_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX members_region_code_idx ON public.members USING btree (region_code);


--
-- Name: members_status_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX members_status_idx ON public.members USING btree (status);


--
-- Name: positions_admin_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX positions_admin_idx ON public.positions USING btree (member_number) WHERE (active AND (position_type = ANY (ARRAY['neb'::text, 'regional'::text])));


--
-- Name: positions_facility_code_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX positions_facility_code_idx ON public.positions USING btree (facility_code);


--
-- Name: positions_member_number_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX positions_member_number_idx ON public.positions USING btree (member_number);


--
-- Name: sync_logs_created_at_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX sync_logs_created_at_idx ON public.sync_logs USING btree (created_at);


--
-- Name: sync_logs_operation_created_at_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX sync_logs_operation_created_at_idx ON public.sync_logs USING btree (operation, created_at);


--
-- Name: sync_logs_sync_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX sync_logs_sync_id_idx ON public.sync_logs USING btree (sync_id);


--
-- Name: sync_logs alert; Type: TRIGGER; Schema: dev; Owner: -
--

CREATE TRIGGER alert AFTER INSERT ON dev.sync_logs FOR EACH ROW WHEN ((new.operation = 'sync_error'::text)) EXECUTE FUNCTION private.alert_from_sync_log();


--
-- Name: members check_member_email; Type: TRIGGER; Schema: dev; Owner: -
--

CREATE TRIGGER check_member_email BEFORE UPDATE OF email ON dev.members FOR EACH ROW WHEN (((CURRENT_USER = 'authenticated'::name) AND (new.email IS DISTINCT FROM old.email))) EXECUTE FUNCTION private.check_member_email();


--
-- Name: members member_events; Type: TRIGGER; Schema: dev; Owner: -
--

CREATE TRIGGER member_events AFTER UPDATE ON dev.members REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION private.discord_dev_member_events_members();


--
-- Name: positions member_events_added; Type: TRIGGER; Schema: dev; Owner: -
--

CREATE TRIGGER member_events_added AFTER INSERT ON dev.positions REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION private.discord_dev_member_events_positions();


--
-- Name: positions member_events_updated; Type: TRIGGER; Schema: dev; Owner: -
--

CREATE TRIGGER member_events_updated AFTER UPDATE ON dev.positions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION private.discord_dev_member_events_positions();


--
-- Name: members refresh_admins; Type: TRIGGER; Schema: dev; Owner: -
--

CREATE TRIGGER refresh_admins AFTER UPDATE OF status ON dev.members FOR EACH STATEMENT EXECUTE FUNCTION private.dev_refresh_admins();


--
-- Name: positions refresh_admins; Type: TRIGGER; Schema: dev; Owner: -
--

CREATE TRIGGER refresh_admins AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON dev.positions FOR EACH STATEMENT EXECUTE FUNCTION private.dev_refresh_admins();


--
-- Name: facilities roles_changed; Type: TRIGGER; Schema: dev; Owner: -
--

CREATE TRIGGER roles_changed AFTER UPDATE ON dev.facilities REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION private.discord_dev_roles_facilities();


--
-- Name: members roles_changed; Type: TRIGGER; Schema: dev; Owner: -
--

CREATE TRIGGER roles_changed AFTER UPDATE ON dev.members REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION private.discord_dev_roles_members();


--
-- Name: positions roles_changed_added; Type: TRIGGER; Schema: dev; Owner: -
--

CREATE TRIGGER roles_changed_added AFTER INSERT ON dev.positions REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION private.discord_dev_roles_positions();


--
-- Name: positions roles_changed_updated; Type: TRIGGER; Schema: dev; Owner: -
--

CREATE TRIGGER roles_changed_updated AFTER UPDATE ON dev.positions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION private.discord_dev_roles_positions();


--
-- Name: facilities set_updated_at; Type: TRIGGER; Schema: dev; Owner: -
--

CREATE TRIGGER set_updated_at BEFORE UPDATE ON dev.facilities FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();


--
-- Name: members set_updated_at; Type: TRIGGER; Schema: dev; Owner: -
--

CREATE TRIGGER set_updated_at BEFORE UPDATE ON dev.members FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();


--
-- Name: positions set_updated_at; Type: TRIGGER; Schema: dev; Owner: -
--

CREATE TRIGGER set_updated_at BEFORE UPDATE ON dev.positions FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();


--
-- Name: regions set_updated_at; Type: TRIGGER; Schema: dev; Owner: -
--

CREATE TRIGGER set_updated_at BEFORE UPDATE ON dev.regions FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();


--
-- Name: validation_logs member_events_reconcile; Type: TRIGGER; Schema: discord; Owner: -
--

CREATE TRIGGER member_events_reconcile AFTER INSERT ON discord.validation_logs REFERENCING NEW TABLE AS checked FOR EACH STATEMENT EXECUTE FUNCTION private.discord_member_events_reconcile();


--
-- Name: guilds roles_changed; Type: TRIGGER; Schema: discord; Owner: -
--

CREATE TRIGGER roles_changed AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON discord.guilds FOR EACH STATEMENT EXECUTE FUNCTION private.discord_roles_rules();


--
-- Name: member_events roles_changed; Type: TRIGGER; Schema: discord; Owner: -
--

CREATE TRIGGER roles_changed AFTER INSERT ON discord.member_events REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION private.discord_roles_links();


--
-- Name: role_rules roles_changed; Type: TRIGGER; Schema: discord; Owner: -
--

CREATE TRIGGER roles_changed AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON discord.role_rules FOR EACH STATEMENT EXECUTE FUNCTION private.discord_roles_rules();


--
-- Name: guilds set_updated_at; Type: TRIGGER; Schema: discord; Owner: -
--

CREATE TRIGGER set_updated_at BEFORE UPDATE ON discord.guilds FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();


--
-- Name: role_rules set_updated_at; Type: TRIGGER; Schema: discord; Owner: -
--

CREATE TRIGGER set_updated_at BEFORE UPDATE ON discord.role_rules FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();


--
-- Name: verification_requests set_updated_at; Type: TRIGGER; Schema: discord; Owner: -
--

CREATE TRIGGER set_updated_at BEFORE UPDATE ON discord.verification_requests FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();


--
-- Name: validation_logs member_events_reconcile; Type: TRIGGER; Schema: discord_dev; Owner: -
--

CREATE TRIGGER member_events_reconcile AFTER INSERT ON discord_dev.validation_logs REFERENCING NEW TABLE AS checked FOR EACH STATEMENT EXECUTE FUNCTION private.discord_dev_member_events_reconcile();


--
-- Name: guilds roles_changed; Type: TRIGGER; Schema: discord_dev; Owner: -
--

CREATE TRIGGER roles_changed AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON discord_dev.guilds FOR EACH STATEMENT EXECUTE FUNCTION private.discord_dev_roles_rules();


--
-- Name: member_events roles_changed; Type: TRIGGER; Schema: discord_dev; Owner: -
--

CREATE TRIGGER roles_changed AFTER INSERT ON discord_dev.member_events REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION private.discord_dev_roles_links();


--
-- Name: role_rules roles_changed; Type: TRIGGER; Schema: discord_dev; Owner: -
--

CREATE TRIGGER roles_changed AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON discord_dev.role_rules FOR EACH STATEMENT EXECUTE FUNCTION private.discord_dev_roles_rules();


--
-- Name: guilds set_updated_at; Type: TRIGGER; Schema: discord_dev; Owner: -
--

CREATE TRIGGER set_updated_at BEFORE UPDATE ON discord_dev.guilds FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();


--
-- Name: role_rules set_updated_at; Type: TRIGGER; Schema: discord_dev; Owner: -
--

CREATE TRIGGER set_updated_at BEFORE UPDATE ON discord_dev.role_rules FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();


--
-- Name: verification_requests set_updated_at; Type: TRIGGER; Schema: discord_dev; Owner: -
--

CREATE TRIGGER set_updated_at BEFORE UPDATE ON discord_dev.verification_requests FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();


--
-- Name: sync_logs alert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER alert AFTER INSERT ON public.sync_logs FOR EACH ROW WHEN ((new.operation = 'sync_error'::text)) EXECUTE FUNCTION private.alert_from_sync_log();


--
-- Name: members check_member_email; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER check_member_email BEFORE UPDATE OF email ON public.members FOR EACH ROW WHEN (((CURRENT_USER = 'authenticated'::name) AND (new.email IS DISTINCT FROM old.email))) EXECUTE FUNCTION private.check_member_email();


--
-- Name: members member_events; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER member_events AFTER UPDATE ON public.members REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION private.discord_member_events_members();


--
-- Name: positions member_events_added; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER member_events_added AFTER INSERT ON public.positions REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION private.discord_member_events_positions();


--
-- Name: positions member_events_updated; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER member_events_updated AFTER UPDATE ON public.positions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION private.discord_member_events_positions();


--
-- Name: members refresh_admins; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER refresh_admins AFTER UPDATE OF status ON public.members FOR EACH STATEMENT EXECUTE FUNCTION private.public_refresh_admins();


--
-- Name: positions refresh_admins; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER refresh_admins AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON public.positions FOR EACH STATEMENT EXECUTE FUNCTION private.public_refresh_admins();


--
-- Name: facilities roles_changed; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER roles_changed AFTER UPDATE ON public.facilities REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION private.discord_roles_facilities();


--
-- Name: members roles_changed; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER roles_changed AFTER UPDATE ON public.members REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION private.discord_roles_members();


--
-- Name: positions roles_changed_added; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER roles_changed_added AFTER INSERT ON public.positions REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION private.discord_roles_positions();


--
-- Name: positions roles_changed_updated; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER roles_changed_updated AFTER UPDATE ON public.positions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION private.discord_roles_positions();


--
-- Name: facilities set_updated_at; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER set_updated_at BEFORE UPDATE ON public.facilities FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();


--
-- Name: members set_updated_at; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER set_updated_at BEFORE UPDATE ON public.members FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();


--
-- Name: positions set_updated_at; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER set_updated_at BEFORE UPDATE ON public.positions FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();


--
-- Name: regions set_updated_at; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER set_updated_at BEFORE UPDATE ON public.regions FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();


--
-- Name: positions positions_member_number_fkey; Type: FK CONSTRAINT; Schema: dev; Owner: -
--

ALTER TABLE ONLY dev.positions
    ADD CONSTRAINT positions_member_number_fkey FOREIGN KEY (member_number) REFERENCES dev.members(member_number) ON UPDATE CASCADE ON DELETE RESTRICT;


--
-- Name: role_grace role_grace_guild_id_fkey; Type: FK CONSTRAINT; Schema: discord; Owner: -
--

ALTER TABLE ONLY discord.role_grace
    ADD CONSTRAINT role_grace_guild_id_fkey FOREIGN KEY (guild_id) REFERENCES discord.guilds(guild_id) ON DELETE CASCADE;


--
-- Name: role_rules role_rules_guild_id_fkey; Type: FK CONSTRAINT; Schema: discord; Owner: -
--

ALTER TABLE ONLY discord.role_rules
    ADD CONSTRAINT role_rules_guild_id_fkey FOREIGN KEY (guild_id) REFERENCES discord.guilds(guild_id) ON DELETE CASCADE;


--
-- Name: validation_logs validation_logs_run_id_fkey; Type: FK CONSTRAINT; Schema: discord; Owner: -
--

ALTER TABLE ONLY discord.validation_logs
    ADD CONSTRAINT validation_logs_run_id_fkey FOREIGN KEY (run_id) REFERENCES discord.validation_summaries(run_id) ON DELETE CASCADE;


--
-- Name: role_grace role_grace_guild_id_fkey; Type: FK CONSTRAINT; Schema: discord_dev; Owner: -
--

ALTER TABLE ONLY discord_dev.role_grace
    ADD CONSTRAINT role_grace_guild_id_fkey FOREIGN KEY (guild_id) REFERENCES discord_dev.guilds(guild_id) ON DELETE CASCADE;


--
-- Name: role_rules role_rules_guild_id_fkey; Type: FK CONSTRAINT; Schema: discord_dev; Owner: -
--

ALTER TABLE ONLY discord_dev.role_rules
    ADD CONSTRAINT role_rules_guild_id_fkey FOREIGN KEY (guild_id) REFERENCES discord_dev.guilds(guild_id) ON DELETE CASCADE;


--
-- Name: validation_logs validation_logs_run_id_fkey; Type: FK CONSTRAINT; Schema: discord_dev; Owner: -
--

ALTER TABLE ONLY discord_dev.validation_logs
    ADD CONSTRAINT validation_logs_run_id_fkey FOREIGN KEY (run_id) REFERENCES discord_dev.validation_summaries(run_id) ON DELETE CASCADE;


--
-- Name: alert_deliveries alert_deliveries_alert_id_fkey; Type: FK CONSTRAINT; Schema: private; Owner: -
--

ALTER TABLE ONLY private.alert_deliveries
    ADD CONSTRAINT alert_deliveries_alert_id_fkey FOREIGN KEY (alert_id) REFERENCES private.alerts(id) ON DELETE CASCADE;


--
-- Name: positions positions_member_number_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.positions
    ADD CONSTRAINT positions_member_number_fkey FOREIGN KEY (member_number) REFERENCES public.members(member_number) ON UPDATE CASCADE ON DELETE RESTRICT;


--
-- Name: facilities Authenticated users read facilities; Type: POLICY; Schema: dev; Owner: -
--

CREATE POLICY "Authenticated users read facilities" ON dev.facilities FOR SELECT TO authenticated USING (true);


--
-- Name: regions Authenticated users read regions; Type: POLICY; Schema: dev; Owner: -
--

CREATE POLICY "Authenticated users read regions" ON dev.regions FOR SELECT TO authenticated USING (true);


--
-- Name: positions Members read their own positions; admins read all; Type: POLICY; Schema: dev; Owner: -
--

CREATE POLICY "Members read their own positions; admins read all" ON dev.positions FOR SELECT TO authenticated USING (((member_number = ( SELECT private.jwt_member_number() AS jwt_member_number)) OR ( SELECT (EXISTS ( SELECT 1
           FROM private.dev_admins a
          WHERE (a.member_number = ( SELECT private.jwt_member_number() AS jwt_member_number)))) AS "exists")));


--
-- Name: members Members read their own row; Type: POLICY; Schema: dev; Owner: -
--

CREATE POLICY "Members read their own row" ON dev.members FOR SELECT TO authenticated USING ((member_number = ( SELECT private.jwt_member_number() AS jwt_member_number)));


--
-- Name: members Members update their own contact details; Type: POLICY; Schema: dev; Owner: -
--

CREATE POLICY "Members update their own contact details" ON dev.members FOR UPDATE TO authenticated USING ((member_number = ( SELECT private.jwt_member_number() AS jwt_member_number))) WITH CHECK ((member_number = ( SELECT private.jwt_member_number() AS jwt_member_number)));


--
-- Name: facilities The Discord bot reads facilities; Type: POLICY; Schema: dev; Owner: -
--

CREATE POLICY "The Discord bot reads facilities" ON dev.facilities FOR SELECT TO discord_bot USING (true);


--
-- Name: members The Discord bot reads members; Type: POLICY; Schema: dev; Owner: -
--

CREATE POLICY "The Discord bot reads members" ON dev.members FOR SELECT TO discord_bot USING (true);


--
-- Name: positions The Discord bot reads positions; Type: POLICY; Schema: dev; Owner: -
--

CREATE POLICY "The Discord bot reads positions" ON dev.positions FOR SELECT TO discord_bot USING (true);


--
-- Name: regions The Discord bot reads regions; Type: POLICY; Schema: dev; Owner: -
--

CREATE POLICY "The Discord bot reads regions" ON dev.regions FOR SELECT TO discord_bot USING (true);


--
-- Name: facilities; Type: ROW SECURITY; Schema: dev; Owner: -
--

ALTER TABLE dev.facilities ENABLE ROW LEVEL SECURITY;

--
-- Name: members; Type: ROW SECURITY; Schema: dev; Owner: -
--

ALTER TABLE dev.members ENABLE ROW LEVEL SECURITY;

--
-- Name: positions; Type: ROW SECURITY; Schema: dev; Owner: -
--

ALTER TABLE dev.positions ENABLE ROW LEVEL SECURITY;

--
-- Name: regions; Type: ROW SECURITY; Schema: dev; Owner: -
--

ALTER TABLE dev.regions ENABLE ROW LEVEL SECURITY;

--
-- Name: sync_cursor; Type: ROW SECURITY; Schema: dev; Owner: -
--

ALTER TABLE dev.sync_cursor ENABLE ROW LEVEL SECURITY;

--
-- Name: sync_logs; Type: ROW SECURITY; Schema: dev; Owner: -
--

ALTER TABLE dev.sync_logs ENABLE ROW LEVEL SECURITY;

--
-- Name: verification_requests Members read their own verification requests; Type: POLICY; Schema: discord; Owner: -
--

CREATE POLICY "Members read their own verification requests" ON discord.verification_requests FOR SELECT TO authenticated USING ((member_number = ( SELECT private.jwt_member_number() AS jwt_member_number)));


--
-- Name: role_grace The Discord bot reads grace periods; Type: POLICY; Schema: discord; Owner: -
--

CREATE POLICY "The Discord bot reads grace periods" ON discord.role_grace FOR SELECT TO discord_bot USING (true);


--
-- Name: guilds The Discord bot reads guilds; Type: POLICY; Schema: discord; Owner: -
--

CREATE POLICY "The Discord bot reads guilds" ON discord.guilds FOR SELECT TO discord_bot USING (true);


--
-- Name: member_events The Discord bot reads member events; Type: POLICY; Schema: discord; Owner: -
--

CREATE POLICY "The Discord bot reads member events" ON discord.member_events FOR SELECT TO discord_bot USING (true);


--
-- Name: role_rules The Discord bot reads role rules; Type: POLICY; Schema: discord; Owner: -
--

CREATE POLICY "The Discord bot reads role rules" ON discord.role_rules FOR SELECT TO discord_bot USING (true);


--
-- Name: validation_logs The Discord bot reads the latest ineligible links; Type: POLICY; Schema: discord; Owner: -
--

CREATE POLICY "The Discord bot reads the latest ineligible links" ON discord.validation_logs FOR SELECT TO discord_bot USING (((result <> 'eligible'::text) AND (run_id = ( SELECT s.run_id
   FROM discord.validation_summaries s
  WHERE (s.finished_at IS NOT NULL)
  ORDER BY s.started_at DESC
 LIMIT 1))));


--
-- Name: validation_summaries The Discord bot reads validation summaries; Type: POLICY; Schema: discord; Owner: -
--

CREATE POLICY "The Discord bot reads validation summaries" ON discord.validation_summaries FOR SELECT TO discord_bot USING (true);


--
-- Name: verification_requests The Discord bot reads verification requests; Type: POLICY; Schema: discord; Owner: -
--

CREATE POLICY "The Discord bot reads verification requests" ON discord.verification_requests FOR SELECT TO discord_bot USING (true);


--
-- Name: discord_link_audit; Type: ROW SECURITY; Schema: discord; Owner: -
--

ALTER TABLE discord.discord_link_audit ENABLE ROW LEVEL SECURITY;

--
-- Name: guilds; Type: ROW SECURITY; Schema: discord; Owner: -
--

ALTER TABLE discord.guilds ENABLE ROW LEVEL SECURITY;

--
-- Name: member_events; Type: ROW SECURITY; Schema: discord; Owner: -
--

ALTER TABLE discord.member_events ENABLE ROW LEVEL SECURITY;

--
-- Name: role_grace; Type: ROW SECURITY; Schema: discord; Owner: -
--

ALTER TABLE discord.role_grace ENABLE ROW LEVEL SECURITY;

--
-- Name: role_rules; Type: ROW SECURITY; Schema: discord; Owner: -
--

ALTER TABLE discord.role_rules ENABLE ROW LEVEL SECURITY;

--
-- Name: validation_logs; Type: ROW SECURITY; Schema: discord; Owner: -
--

ALTER TABLE discord.validation_logs ENABLE ROW LEVEL SECURITY;

--
-- Name: validation_summaries; Type: ROW SECURITY; Schema: discord; Owner: -
--

ALTER TABLE discord.validation_summaries ENABLE ROW LEVEL SECURITY;

--
-- Name: verification_requests; Type: ROW SECURITY; Schema: discord; Owner: -
--

ALTER TABLE discord.verification_requests ENABLE ROW LEVEL SECURITY;

--
-- Name: verification_requests Members read their own verification requests; Type: POLICY; Schema: discord_dev; Owner: -
--

CREATE POLICY "Members read their own verification requests" ON discord_dev.verification_requests FOR SELECT TO authenticated USING ((member_number = ( SELECT private.jwt_member_number() AS jwt_member_number)));


--
-- Name: role_grace The Discord bot reads grace periods; Type: POLICY; Schema: discord_dev; Owner: -
--

CREATE POLICY "The Discord bot reads grace periods" ON discord_dev.role_grace FOR SELECT TO discord_bot USING (true);


--
-- Name: guilds The Discord bot reads guilds; Type: POLICY; Schema: discord_dev; Owner: -
--

CREATE POLICY "The Discord bot reads guilds" ON discord_dev.guilds FOR SELECT TO discord_bot USING (true);


--
-- Name: member_events The Discord bot reads member events; Type: POLICY; Schema: discord_dev; Owner: -
--

CREATE POLICY "The Discord bot reads member events" ON discord_dev.member_events FOR SELECT TO discord_bot USING (true);


--
-- Name: role_rules The Discord bot reads role rules; Type: POLICY; Schema: discord_dev; Owner: -
--

CREATE POLICY "The Discord bot reads role rules" ON discord_dev.role_rules FOR SELECT TO discord_bot USING (true);


--
-- Name: validation_logs The Discord bot reads the latest ineligible links; Type: POLICY; Schema: discord_dev; Owner: -
--

CREATE POLICY "The Discord bot reads the latest ineligible links" ON discord_dev.validation_logs FOR SELECT TO discord_bot USING (((result <> 'eligible'::text) AND (run_id = ( SELECT s.run_id
   FROM discord_dev.validation_summaries s
  WHERE (s.finished_at IS NOT NULL)
  ORDER BY s.started_at DESC
 LIMIT 1))));


--
-- Name: validation_summaries The Discord bot reads validation summaries; Type: POLICY; Schema: discord_dev; Owner: -
--

CREATE POLICY "The Discord bot reads validation summaries" ON discord_dev.validation_summaries FOR SELECT TO discord_bot USING (true);


--
-- Name: verification_requests The Discord bot reads verification requests; Type: POLICY; Schema: discord_dev; Owner: -
--

CREATE POLICY "The Discord bot reads verification requests" ON discord_dev.verification_requests FOR SELECT TO discord_bot USING (true);


--
-- Name: discord_link_audit; Type: ROW SECURITY; Schema: discord_dev; Owner: -
--

ALTER TABLE discord_dev.discord_link_audit ENABLE ROW LEVEL SECURITY;

--
-- Name: guilds; Type: ROW SECURITY; Schema: discord_dev; Owner: -
--

ALTER TABLE discord_dev.guilds ENABLE ROW LEVEL SECURITY;

--
-- Name: member_events; Type: ROW SECURITY; Schema: discord_dev; Owner: -
--

ALTER TABLE discord_dev.member_events ENABLE ROW LEVEL SECURITY;

--
-- Name: role_grace; Type: ROW SECURITY; Schema: discord_dev; Owner: -
--

ALTER TABLE discord_dev.role_grace ENABLE ROW LEVEL SECURITY;

--
-- Name: role_rules; Type: ROW SECURITY; Schema: discord_dev; Owner: -
--

ALTER TABLE discord_dev.role_rules ENABLE ROW LEVEL SECURITY;

--
-- Name: validation_logs; Type: ROW SECURITY; Schema: discord_dev; Owner: -
--

ALTER TABLE discord_dev.validation_logs ENABLE ROW LEVEL SECURITY;

--
-- Name: validation_summaries; Type: ROW SECURITY; Schema: discord_dev; Owner: -
--

ALTER TABLE discord_dev.validation_summaries ENABLE ROW LEVEL SECURITY;

--
-- Name: verification_requests; Type: ROW SECURITY; Schema: discord_dev; Owner: -
--

ALTER TABLE discord_dev.verification_requests ENABLE ROW LEVEL SECURITY;

--
-- Name: dev_admins Members see whether they are an admin; Type: POLICY; Schema: private; Owner: -
--

CREATE POLICY "Members see whether they are an admin" ON private.dev_admins FOR SELECT TO authenticated USING ((member_number = ( SELECT private.jwt_member_number() AS jwt_member_number)));


--
-- Name: public_admins Members see whether they are an admin; Type: POLICY; Schema: private; Owner: -
--

CREATE POLICY "Members see whether they are an admin" ON private.public_admins FOR SELECT TO authenticated USING ((member_number = ( SELECT private.jwt_member_number() AS jwt_member_number)));


--
-- Name: dev_admins; Type: ROW SECURITY; Schema: private; Owner: -
--

ALTER TABLE private.dev_admins ENABLE ROW LEVEL SECURITY;

--
-- Name: dev_sync_hashes_facilities; Type: ROW SECURITY; Schema: private; Owner: -
--

ALTER TABLE private.dev_sync_hashes_facilities ENABLE ROW LEVEL SECURITY;

--
-- Name: dev_sync_hashes_members; Type: ROW SECURITY; Schema: private; Owner: -
--

ALTER TABLE private.dev_sync_hashes_members ENABLE ROW LEVEL SECURITY;

--
-- Name: dev_sync_hashes_positions; Type: ROW SECURITY; Schema: private; Owner: -
--

ALTER TABLE private.dev_sync_hashes_positions ENABLE ROW LEVEL SECURITY;

--
-- Name: dev_sync_hashes_regions; Type: ROW SECURITY; Schema: private; Owner: -
--

ALTER TABLE private.dev_sync_hashes_regions ENABLE ROW LEVEL SECURITY;

--
-- Name: dev_sync_state; Type: ROW SECURITY; Schema: private; Owner: -
--

ALTER TABLE private.dev_sync_state ENABLE ROW LEVEL SECURITY;

--
-- Name: discord_completion_failures; Type: ROW SECURITY; Schema: private; Owner: -
--

ALTER TABLE private.discord_completion_failures ENABLE ROW LEVEL SECURITY;

--
-- Name: discord_dev_completion_failures; Type: ROW SECURITY; Schema: private; Owner: -
--

ALTER TABLE private.discord_dev_completion_failures ENABLE ROW LEVEL SECURITY;

--
-- Name: public_admins; Type: ROW SECURITY; Schema: private; Owner: -
--

ALTER TABLE private.public_admins ENABLE ROW LEVEL SECURITY;

--
-- Name: public_sync_hashes_facilities; Type: ROW SECURITY; Schema: private; Owner: -
--

ALTER TABLE private.public_sync_hashes_facilities ENABLE ROW LEVEL SECURITY;

--
-- Name: public_sync_hashes_members; Type: ROW SECURITY; Schema: private; Owner: -
--

ALTER TABLE private.public_sync_hashes_members ENABLE ROW LEVEL SECURITY;

--
-- Name: public_sync_hashes_positions; Type: ROW SECURITY; Schema: private; Owner: -
--

ALTER TABLE private.public_sync_hashes_positions ENABLE ROW LEVEL SECURITY;

--
-- Name: public_sync_hashes_regions; Type: ROW SECURITY; Schema: private; Owner: -
--

ALTER TABLE private.public_sync_hashes_regions ENABLE ROW LEVEL SECURITY;

--
-- Name: public_sync_state; Type: ROW SECURITY; Schema: private; Owner: -
--

ALTER TABLE private.public_sync_state ENABLE ROW LEVEL SECURITY;

--
-- Name: facilities Authenticated users read facilities; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY "Authenticated users read facilities" ON public.facilities FOR SELECT TO authenticated USING (true);


--
-- Name: regions Authenticated users read regions; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY "Authenticated users read regions" ON public.regions FOR SELECT TO authenticated USING (true);


--
-- Name: positions Members read their own positions; admins read all; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY "Members read their own positions; admins read all" ON public.positions FOR SELECT TO authenticated USING (((member_number = ( SELECT private.jwt_member_number() AS jwt_member_number)) OR ( SELECT (EXISTS ( SELECT 1
           FROM private.public_admins a
          WHERE (a.member_number = ( SELECT private.jwt_member_number() AS jwt_member_number)))) AS "exists")));


--
-- Name: members Members read their own row; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY "Members read their own row" ON public.members FOR SELECT TO authenticated USING ((member_number = ( SELECT private.jwt_member_number() AS jwt_member_number)));


--
-- Name: members Members update their own contact details; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY "Members update their own contact details" ON public.members FOR UPDATE TO authenticated USING ((member_number = ( SELECT private.jwt_member_number() AS jwt_member_number))) WITH CHECK ((member_number = ( SELECT private.jwt_member_number() AS jwt_member_number)));


--
-- Name: facilities The Discord bot reads facilities; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY "The Discord bot reads facilities" ON public.facilities FOR SELECT TO discord_bot USING (true);


--
-- Name: members The Discord bot reads members; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY "The Discord bot reads members" ON public.members FOR SELECT TO discord_bot USING (true);


--
-- Name: positions The Discord bot reads positions; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY "The Discord bot reads positions" ON public.positions FOR SELECT TO discord_bot USING (true);


--
-- Name: regions The Discord bot reads regions; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY "The Discord bot reads regions" ON public.regions FOR SELECT TO discord_bot USING (true);


--
-- Name: facilities; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.facilities ENABLE ROW LEVEL SECURITY;

--
-- Name: members; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.members ENABLE ROW LEVEL SECURITY;

--
-- Name: positions; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.positions ENABLE ROW LEVEL SECURITY;

--
-- Name: regions; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.regions ENABLE ROW LEVEL SECURITY;

--
-- Name: sync_cursor; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.sync_cursor ENABLE ROW LEVEL SECURITY;

--
-- Name: sync_logs; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.sync_logs ENABLE ROW LEVEL SECURITY;

--
-- Name: SCHEMA dev; Type: ACL; Schema: -; Owner: -
--

GRANT USAGE ON SCHEMA dev TO anon;
GRANT USAGE ON SCHEMA dev TO authenticated;
GRANT USAGE ON SCHEMA dev TO service_role;
GRANT USAGE ON SCHEMA dev TO discord_bot;


--
-- Name: SCHEMA discord; Type: ACL; Schema: -; Owner: -
--

GRANT USAGE ON SCHEMA discord TO anon;
GRANT USAGE ON SCHEMA discord TO authenticated;
GRANT USAGE ON SCHEMA discord TO service_role;
GRANT USAGE ON SCHEMA discord TO discord_bot;


--
-- Name: SCHEMA discord_dev; Type: ACL; Schema: -; Owner: -
--

GRANT USAGE ON SCHEMA discord_dev TO anon;
GRANT USAGE ON SCHEMA discord_dev TO authenticated;
GRANT USAGE ON SCHEMA discord_dev TO service_role;
GRANT USAGE ON SCHEMA discord_dev TO discord_bot;


--
-- Name: SCHEMA monitoring; Type: ACL; Schema: -; Owner: -
--

GRANT USAGE ON SCHEMA monitoring TO service_role;


--
-- Name: SCHEMA private; Type: ACL; Schema: -; Owner: -
--

GRANT USAGE ON SCHEMA private TO authenticated;
GRANT USAGE ON SCHEMA private TO service_role;


--
-- Name: SCHEMA public; Type: ACL; Schema: -; Owner: -
--

GRANT USAGE ON SCHEMA public TO anon;
GRANT USAGE ON SCHEMA public TO authenticated;
GRANT USAGE ON SCHEMA public TO service_role;
GRANT USAGE ON SCHEMA public TO discord_bot;


--
-- Name: FUNCTION member_event_id(); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.member_event_id() FROM PUBLIC;
GRANT ALL ON FUNCTION private.member_event_id() TO service_role;


--
-- Name: TABLE member_events; Type: ACL; Schema: discord; Owner: -
--

GRANT ALL ON TABLE discord.member_events TO service_role;
GRANT SELECT ON TABLE discord.member_events TO discord_bot;


--
-- Name: FUNCTION member_events_since(after_id bigint, max_rows integer); Type: ACL; Schema: discord; Owner: -
--

REVOKE ALL ON FUNCTION discord.member_events_since(after_id bigint, max_rows integer) FROM PUBLIC;
GRANT ALL ON FUNCTION discord.member_events_since(after_id bigint, max_rows integer) TO discord_bot;
GRANT ALL ON FUNCTION discord.member_events_since(after_id bigint, max_rows integer) TO service_role;


--
-- Name: FUNCTION nickname_for(template text, first_name text, last_name text, facility_code text, region_code text, member_number text); Type: ACL; Schema: discord; Owner: -
--

REVOKE ALL ON FUNCTION discord.nickname_for(template text, first_name text, last_name text, facility_code text, region_code text, member_number text) FROM PUBLIC;
GRANT ALL ON FUNCTION discord.nickname_for(template text, first_name text, last_name text, facility_code text, region_code text, member_number text) TO discord_bot;
GRANT ALL ON FUNCTION discord.nickname_for(template text, first_name text, last_name text, facility_code text, region_code text, member_number text) TO service_role;


--
-- Name: TABLE member_events; Type: ACL; Schema: discord_dev; Owner: -
--

GRANT ALL ON TABLE discord_dev.member_events TO service_role;
GRANT SELECT ON TABLE discord_dev.member_events TO discord_bot;


--
-- Name: FUNCTION member_events_since(after_id bigint, max_rows integer); Type: ACL; Schema: discord_dev; Owner: -
--

REVOKE ALL ON FUNCTION discord_dev.member_events_since(after_id bigint, max_rows integer) FROM PUBLIC;
GRANT ALL ON FUNCTION discord_dev.member_events_since(after_id bigint, max_rows integer) TO discord_bot;
GRANT ALL ON FUNCTION discord_dev.member_events_since(after_id bigint, max_rows integer) TO service_role;


--
-- Name: FUNCTION nickname_for(template text, first_name text, last_name text, facility_code text, region_code text, member_number text); Type: ACL; Schema: discord_dev; Owner: -
--

REVOKE ALL ON FUNCTION discord_dev.nickname_for(template text, first_name text, last_name text, facility_code text, region_code text, member_number text) FROM PUBLIC;
GRANT ALL ON FUNCTION discord_dev.nickname_for(template text, first_name text, last_name text, facility_code text, region_code text, member_number text) TO discord_bot;
GRANT ALL ON FUNCTION discord_dev.nickname_for(template text, first_name text, last_name text, facility_code text, region_code text, member_number text) TO service_role;


--
-- Name: FUNCTION alert_from_sync_log(); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.alert_from_sync_log() FROM PUBLIC;


--
-- Name: FUNCTION alert_message(p_environment text, p_kind text, p_table_name text, p_sync_id uuid, p_code text, p_details jsonb, p_count integer, p_first_at timestamp with time zone, p_last_at timestamp with time zone); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.alert_message(p_environment text, p_kind text, p_table_name text, p_sync_id uuid, p_code text, p_details jsonb, p_count integer, p_first_at timestamp with time zone, p_last_at timestamp with time zone) FROM PUBLIC;


--
-- Name: FUNCTION apply_to_environments(ddl text); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.apply_to_environments(ddl text) FROM PUBLIC;


--
-- Name: FUNCTION check_member_email(); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.check_member_email() FROM PUBLIC;


--
-- Name: FUNCTION check_sync_health(environment text); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.check_sync_health(environment text) FROM PUBLIC;


--
-- Name: FUNCTION compose_alert_digest(p_environment text, p_day date); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.compose_alert_digest(p_environment text, p_day date) FROM PUBLIC;


--
-- Name: FUNCTION compose_alerts(p_environment text, p_repeat interval, p_max_age interval, p_targets jsonb); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.compose_alerts(p_environment text, p_repeat interval, p_max_age interval, p_targets jsonb) FROM PUBLIC;


--
-- Name: FUNCTION connection_usage(); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.connection_usage() FROM PUBLIC;
GRANT ALL ON FUNCTION private.connection_usage() TO service_role;


--
-- Name: FUNCTION dev_refresh_admins(); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.dev_refresh_admins() FROM PUBLIC;


--
-- Name: FUNCTION discord_complete_verification(p_verification_id uuid, p_member_number text, p_auth0_user_id text, p_replace boolean, p_request_id text, p_max_failures integer); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.discord_complete_verification(p_verification_id uuid, p_member_number text, p_auth0_user_id text, p_replace boolean, p_request_id text, p_max_failures integer) FROM PUBLIC;
GRANT ALL ON FUNCTION private.discord_complete_verification(p_verification_id uuid, p_member_number text, p_auth0_user_id text, p_replace boolean, p_request_id text, p_max_failures integer) TO service_role;


--
-- Name: FUNCTION discord_create_verification(p_discord_id text, p_discord_username text, p_ttl_minutes integer, p_max_per_hour integer); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.discord_create_verification(p_discord_id text, p_discord_username text, p_ttl_minutes integer, p_max_per_hour integer) FROM PUBLIC;
GRANT ALL ON FUNCTION private.discord_create_verification(p_discord_id text, p_discord_username text, p_ttl_minutes integer, p_max_per_hour integer) TO service_role;


--
-- Name: FUNCTION discord_dev_complete_verification(p_verification_id uuid, p_member_number text, p_auth0_user_id text, p_replace boolean, p_request_id text, p_max_failures integer); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.discord_dev_complete_verification(p_verification_id uuid, p_member_number text, p_auth0_user_id text, p_replace boolean, p_request_id text, p_max_failures integer) FROM PUBLIC;
GRANT ALL ON FUNCTION private.discord_dev_complete_verification(p_verification_id uuid, p_member_number text, p_auth0_user_id text, p_replace boolean, p_request_id text, p_max_failures integer) TO service_role;


--
-- Name: FUNCTION discord_dev_create_verification(p_discord_id text, p_discord_username text, p_ttl_minutes integer, p_max_per_hour integer); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.discord_dev_create_verification(p_discord_id text, p_discord_username text, p_ttl_minutes integer, p_max_per_hour integer) FROM PUBLIC;
GRANT ALL ON FUNCTION private.discord_dev_create_verification(p_discord_id text, p_discord_username text, p_ttl_minutes integer, p_max_per_hour integer) TO service_role;


--
-- Name: FUNCTION discord_dev_member_events_from_sync(events jsonb); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.discord_dev_member_events_from_sync(events jsonb) FROM PUBLIC;


--
-- Name: FUNCTION discord_dev_member_events_members(); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.discord_dev_member_events_members() FROM PUBLIC;


--
-- Name: FUNCTION discord_dev_member_events_positions(); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.discord_dev_member_events_positions() FROM PUBLIC;


--
-- Name: FUNCTION discord_dev_member_events_reconcile(); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.discord_dev_member_events_reconcile() FROM PUBLIC;


--
-- Name: FUNCTION discord_dev_roles_end_grace(); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.discord_dev_roles_end_grace() FROM PUBLIC;
GRANT ALL ON FUNCTION private.discord_dev_roles_end_grace() TO service_role;


--
-- Name: FUNCTION discord_dev_roles_facilities(); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.discord_dev_roles_facilities() FROM PUBLIC;


--
-- Name: FUNCTION discord_dev_roles_links(); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.discord_dev_roles_links() FROM PUBLIC;


--
-- Name: FUNCTION discord_dev_roles_members(); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.discord_dev_roles_members() FROM PUBLIC;


--
-- Name: FUNCTION discord_dev_roles_positions(); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.discord_dev_roles_positions() FROM PUBLIC;


--
-- Name: FUNCTION discord_dev_roles_refresh(p_members text[], p_cause text, p_source text, p_request_id text); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.discord_dev_roles_refresh(p_members text[], p_cause text, p_source text, p_request_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.discord_dev_roles_refresh(p_members text[], p_cause text, p_source text, p_request_id text) TO service_role;


--
-- Name: FUNCTION discord_dev_roles_refresh_all(p_cause text, p_source text); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.discord_dev_roles_refresh_all(p_cause text, p_source text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.discord_dev_roles_refresh_all(p_cause text, p_source text) TO service_role;


--
-- Name: FUNCTION discord_dev_roles_rules(); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.discord_dev_roles_rules() FROM PUBLIC;


--
-- Name: FUNCTION discord_dev_unlink_discord(p_member_number text, p_discord_id text, p_requested_by text, p_auth0_user_id text, p_reason text, p_request_id text); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.discord_dev_unlink_discord(p_member_number text, p_discord_id text, p_requested_by text, p_auth0_user_id text, p_reason text, p_request_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.discord_dev_unlink_discord(p_member_number text, p_discord_id text, p_requested_by text, p_auth0_user_id text, p_reason text, p_request_id text) TO service_role;


--
-- Name: FUNCTION discord_member_events_from_sync(events jsonb); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.discord_member_events_from_sync(events jsonb) FROM PUBLIC;


--
-- Name: FUNCTION discord_member_events_members(); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.discord_member_events_members() FROM PUBLIC;


--
-- Name: FUNCTION discord_member_events_positions(); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.discord_member_events_positions() FROM PUBLIC;


--
-- Name: FUNCTION discord_member_events_reconcile(); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.discord_member_events_reconcile() FROM PUBLIC;


--
-- Name: FUNCTION discord_roles_end_grace(); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.discord_roles_end_grace() FROM PUBLIC;
GRANT ALL ON FUNCTION private.discord_roles_end_grace() TO service_role;


--
-- Name: FUNCTION discord_roles_facilities(); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.discord_roles_facilities() FROM PUBLIC;


--
-- Name: FUNCTION discord_roles_links(); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.discord_roles_links() FROM PUBLIC;


--
-- Name: FUNCTION discord_roles_members(); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.discord_roles_members() FROM PUBLIC;


--
-- Name: FUNCTION discord_roles_positions(); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.discord_roles_positions() FROM PUBLIC;


--
-- Name: FUNCTION discord_roles_refresh(p_members text[], p_cause text, p_source text, p_request_id text); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.discord_roles_refresh(p_members text[], p_cause text, p_source text, p_request_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.discord_roles_refresh(p_members text[], p_cause text, p_source text, p_request_id text) TO service_role;


--
-- Name: FUNCTION discord_roles_refresh_all(p_cause text, p_source text); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.discord_roles_refresh_all(p_cause text, p_source text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.discord_roles_refresh_all(p_cause text, p_source text) TO service_role;


--
-- Name: FUNCTION discord_roles_rules(); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.discord_roles_rules() FROM PUBLIC;


--
-- Name: FUNCTION discord_unlink_discord(p_member_number text, p_discord_id text, p_requested_by text, p_auth0_user_id text, p_reason text, p_request_id text); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.discord_unlink_discord(p_member_number text, p_discord_id text, p_requested_by text, p_auth0_user_id text, p_reason text, p_request_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.discord_unlink_discord(p_member_number text, p_discord_id text, p_requested_by text, p_auth0_user_id text, p_reason text, p_request_id text) TO service_role;


--
-- Name: FUNCTION invoke_function(fn text, method text, body jsonb, query text); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.invoke_function(fn text, method text, body jsonb, query text) FROM PUBLIC;


--
-- Name: FUNCTION jwt_member_number(); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.jwt_member_number() FROM PUBLIC;
GRANT ALL ON FUNCTION private.jwt_member_number() TO authenticated;
GRANT ALL ON FUNCTION private.jwt_member_number() TO service_role;


--
-- Name: FUNCTION member_event_changes(old_row jsonb, new_row jsonb, fields text[]); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.member_event_changes(old_row jsonb, new_row jsonb, fields text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION private.member_event_changes(old_row jsonb, new_row jsonb, fields text[]) TO authenticated;
GRANT ALL ON FUNCTION private.member_event_changes(old_row jsonb, new_row jsonb, fields text[]) TO service_role;


--
-- Name: FUNCTION member_event_next_base(); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.member_event_next_base() FROM PUBLIC;
GRANT ALL ON FUNCTION private.member_event_next_base() TO service_role;


--
-- Name: FUNCTION public_refresh_admins(); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.public_refresh_admins() FROM PUBLIC;


--
-- Name: FUNCTION scheduler_credential(key text, method text, fn text, at timestamp with time zone); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.scheduler_credential(key text, method text, fn text, at timestamp with time zone) FROM PUBLIC;


--
-- Name: FUNCTION set_vault_secret(secret_name text, secret_value text); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.set_vault_secret(secret_name text, secret_value text) FROM PUBLIC;


--
-- Name: FUNCTION statement_stats(source regnamespace); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.statement_stats(source regnamespace) FROM PUBLIC;
GRANT ALL ON FUNCTION private.statement_stats(source regnamespace) TO service_role;


--
-- Name: FUNCTION try_jsonb(value text); Type: ACL; Schema: private; Owner: -
--

REVOKE ALL ON FUNCTION private.try_jsonb(value text) FROM PUBLIC;


--
-- Name: TABLE facilities; Type: ACL; Schema: dev; Owner: -
--

GRANT ALL ON TABLE dev.facilities TO service_role;
GRANT SELECT ON TABLE dev.facilities TO authenticated;
GRANT SELECT ON TABLE dev.facilities TO discord_bot;


--
-- Name: SEQUENCE facilities_id_seq; Type: ACL; Schema: dev; Owner: -
--

GRANT SELECT,USAGE ON SEQUENCE dev.facilities_id_seq TO service_role;


--
-- Name: TABLE members; Type: ACL; Schema: dev; Owner: -
--

GRANT ALL ON TABLE dev.members TO service_role;
GRANT SELECT ON TABLE dev.members TO authenticated;


--
-- Name: COLUMN members.id; Type: ACL; Schema: dev; Owner: -
--

GRANT SELECT(id) ON TABLE dev.members TO discord_bot;


--
-- Name: COLUMN members.member_number; Type: ACL; Schema: dev; Owner: -
--

GRANT SELECT(member_number) ON TABLE dev.members TO discord_bot;


--
-- Name: COLUMN members.first_name; Type: ACL; Schema: dev; Owner: -
--

GRANT SELECT(first_name) ON TABLE dev.members TO discord_bot;


--
-- Name: COLUMN members.last_name; Type: ACL; Schema: dev; Owner: -
--

GRANT SELECT(last_name) ON TABLE dev.members TO discord_bot;


--
-- Name: COLUMN members.email; Type: ACL; Schema: dev; Owner: -
--

GRANT UPDATE(email) ON TABLE dev.members TO authenticated;


--
-- Name: COLUMN members.facility_code; Type: ACL; Schema: dev; Owner: -
--

GRANT SELECT(facility_code) ON TABLE dev.members TO discord_bot;


--
-- Name: COLUMN members.facility_name; Type: ACL; Schema: dev; Owner: -
--

GRANT SELECT(facility_name) ON TABLE dev.members TO discord_bot;


--
-- Name: COLUMN members.region_code; Type: ACL; Schema: dev; Owner: -
--

GRANT SELECT(region_code) ON TABLE dev.members TO discord_bot;


--
-- Name: COLUMN members.region_name; Type: ACL; Schema: dev; Owner: -
--

GRANT SELECT(region_name) ON TABLE dev.members TO discord_bot;


--
-- Name: COLUMN members.member_type_id; Type: ACL; Schema: dev; Owner: -
--

GRANT SELECT(member_type_id) ON TABLE dev.members TO discord_bot;


--
-- Name: COLUMN members.member_type; Type: ACL; Schema: dev; Owner: -
--

GRANT SELECT(member_type) ON TABLE dev.members TO discord_bot;


--
-- Name: COLUMN members.status; Type: ACL; Schema: dev; Owner: -
--

GRANT SELECT(status) ON TABLE dev.members TO discord_bot;


--
-- Name: COLUMN members.discord_id; Type: ACL; Schema: dev; Owner: -
--

GRANT SELECT(discord_id) ON TABLE dev.members TO discord_bot;


--
-- Name: COLUMN members.discord_username; Type: ACL; Schema: dev; Owner: -
--

GRANT SELECT(discord_username) ON TABLE dev.members TO discord_bot;


--
-- Name: COLUMN members.discord_verified; Type: ACL; Schema: dev; Owner: -
--

GRANT SELECT(discord_verified) ON TABLE dev.members TO discord_bot;


--
-- Name: COLUMN members.verified_at; Type: ACL; Schema: dev; Owner: -
--

GRANT SELECT(verified_at) ON TABLE dev.members TO discord_bot;


--
-- Name: COLUMN members.last_sync; Type: ACL; Schema: dev; Owner: -
--

GRANT SELECT(last_sync) ON TABLE dev.members TO discord_bot;


--
-- Name: COLUMN members.created_at; Type: ACL; Schema: dev; Owner: -
--

GRANT SELECT(created_at) ON TABLE dev.members TO discord_bot;


--
-- Name: COLUMN members.updated_at; Type: ACL; Schema: dev; Owner: -
--

GRANT SELECT(updated_at) ON TABLE dev.members TO discord_bot;


--
-- Name: SEQUENCE members_id_seq; Type: ACL; Schema: dev; Owner: -
--

GRANT SELECT,USAGE ON SEQUENCE dev.members_id_seq TO service_role;


--
-- Name: TABLE positions; Type: ACL; Schema: dev; Owner: -
--

GRANT ALL ON TABLE dev.positions TO service_role;
GRANT SELECT ON TABLE dev.positions TO authenticated;
GRANT SELECT ON TABLE dev.positions TO discord_bot;


--
-- Name: SEQUENCE positions_id_seq; Type: ACL; Schema: dev; Owner: -
--

GRANT SELECT,USAGE ON SEQUENCE dev.positions_id_seq TO service_role;


--
-- Name: TABLE regions; Type: ACL; Schema: dev; Owner: -
--

GRANT ALL ON TABLE dev.regions TO service_role;
GRANT SELECT ON TABLE dev.regions TO authenticated;
GRANT SELECT ON TABLE dev.regions TO discord_bot;


--
-- Name: SEQUENCE regions_id_seq; Type: ACL; Schema: dev; Owner: -
--

GRANT SELECT,USAGE ON SEQUENCE dev.regions_id_seq TO service_role;


--
-- Name: TABLE sync_cursor; Type: ACL; Schema: dev; Owner: -
--

GRANT ALL ON TABLE dev.sync_cursor TO service_role;


--
-- Name: TABLE sync_logs; Type: ACL; Schema: dev; Owner: -
--

GRANT ALL ON TABLE dev.sync_logs TO service_role;


--
-- Name: SEQUENCE sync_logs_id_seq; Type: ACL; Schema: dev; Owner: -
--

GRANT SELECT,USAGE ON SEQUENCE dev.sync_logs_id_seq TO service_role;


--
-- Name: TABLE discord_link_audit; Type: ACL; Schema: discord; Owner: -
--

GRANT ALL ON TABLE discord.discord_link_audit TO service_role;


--
-- Name: SEQUENCE discord_link_audit_id_seq; Type: ACL; Schema: discord; Owner: -
--

GRANT SELECT,USAGE ON SEQUENCE discord.discord_link_audit_id_seq TO service_role;


--
-- Name: TABLE guilds; Type: ACL; Schema: discord; Owner: -
--

GRANT ALL ON TABLE discord.guilds TO service_role;
GRANT SELECT ON TABLE discord.guilds TO discord_bot;


--
-- Name: TABLE validation_logs; Type: ACL; Schema: discord; Owner: -
--

GRANT ALL ON TABLE discord.validation_logs TO service_role;
GRANT SELECT ON TABLE discord.validation_logs TO discord_bot;


--
-- Name: TABLE validation_summaries; Type: ACL; Schema: discord; Owner: -
--

GRANT ALL ON TABLE discord.validation_summaries TO service_role;
GRANT SELECT ON TABLE discord.validation_summaries TO discord_bot;


--
-- Name: TABLE ineligible_links; Type: ACL; Schema: discord; Owner: -
--

GRANT SELECT ON TABLE discord.ineligible_links TO service_role;
GRANT SELECT ON TABLE discord.ineligible_links TO discord_bot;


--
-- Name: TABLE role_rules; Type: ACL; Schema: discord; Owner: -
--

GRANT ALL ON TABLE discord.role_rules TO service_role;
GRANT SELECT ON TABLE discord.role_rules TO discord_bot;


--
-- Name: TABLE managed_roles; Type: ACL; Schema: discord; Owner: -
--

GRANT SELECT ON TABLE discord.managed_roles TO service_role;
GRANT SELECT ON TABLE discord.managed_roles TO discord_bot;


--
-- Name: TABLE role_grace; Type: ACL; Schema: discord; Owner: -
--

GRANT ALL ON TABLE discord.role_grace TO service_role;
GRANT SELECT ON TABLE discord.role_grace TO discord_bot;


--
-- Name: TABLE facilities; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON TABLE public.facilities TO service_role;
GRANT SELECT ON TABLE public.facilities TO authenticated;
GRANT SELECT ON TABLE public.facilities TO discord_bot;


--
-- Name: TABLE members; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON TABLE public.members TO service_role;
GRANT SELECT ON TABLE public.members TO authenticated;


--
-- Name: COLUMN members.id; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT(id) ON TABLE public.members TO discord_bot;


--
-- Name: COLUMN members.member_number; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT(member_number) ON TABLE public.members TO discord_bot;


--
-- Name: COLUMN members.first_name; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT(first_name) ON TABLE public.members TO discord_bot;


--
-- Name: COLUMN members.last_name; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT(last_name) ON TABLE public.members TO discord_bot;


--
-- Name: COLUMN members.email; Type: ACL; Schema: public; Owner: -
--

GRANT UPDATE(email) ON TABLE public.members TO authenticated;


--
-- Name: COLUMN members.facility_code; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT(facility_code) ON TABLE public.members TO discord_bot;


--
-- Name: COLUMN members.facility_name; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT(facility_name) ON TABLE public.members TO discord_bot;


--
-- Name: COLUMN members.region_code; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT(region_code) ON TABLE public.members TO discord_bot;


--
-- Name: COLUMN members.region_name; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT(region_name) ON TABLE public.members TO discord_bot;


--
-- Name: COLUMN members.member_type_id; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT(member_type_id) ON TABLE public.members TO discord_bot;


--
-- Name: COLUMN members.member_type; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT(member_type) ON TABLE public.members TO discord_bot;


--
-- Name: COLUMN members.status; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT(status) ON TABLE public.members TO discord_bot;


--
-- Name: COLUMN members.discord_id; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT(discord_id) ON TABLE public.members TO discord_bot;


--
-- Name: COLUMN members.discord_username; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT(discord_username) ON TABLE public.members TO discord_bot;


--
-- Name: COLUMN members.discord_verified; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT(discord_verified) ON TABLE public.members TO discord_bot;


--
-- Name: COLUMN members.verified_at; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT(verified_at) ON TABLE public.members TO discord_bot;


--
-- Name: COLUMN members.last_sync; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT(last_sync) ON TABLE public.members TO discord_bot;


--
-- Name: COLUMN members.created_at; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT(created_at) ON TABLE public.members TO discord_bot;


--
-- Name: COLUMN members.updated_at; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT(updated_at) ON TABLE public.members TO discord_bot;


--
-- Name: TABLE positions; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON TABLE public.positions TO service_role;
GRANT SELECT ON TABLE public.positions TO authenticated;
GRANT SELECT ON TABLE public.positions TO discord_bot;


--
-- Name: TABLE role_rule_matches; Type: ACL; Schema: discord; Owner: -
--

GRANT SELECT ON TABLE discord.role_rule_matches TO service_role;
GRANT SELECT ON TABLE discord.role_rule_matches TO discord_bot;


--
-- Name: TABLE member_roles; Type: ACL; Schema: discord; Owner: -
--

GRANT SELECT ON TABLE discord.member_roles TO service_role;
GRANT SELECT ON TABLE discord.member_roles TO discord_bot;


--
-- Name: SEQUENCE validation_logs_id_seq; Type: ACL; Schema: discord; Owner: -
--

GRANT SELECT,USAGE ON SEQUENCE discord.validation_logs_id_seq TO service_role;


--
-- Name: TABLE verification_requests; Type: ACL; Schema: discord; Owner: -
--

GRANT ALL ON TABLE discord.verification_requests TO service_role;
GRANT SELECT ON TABLE discord.verification_requests TO authenticated;
GRANT SELECT ON TABLE discord.verification_requests TO discord_bot;


--
-- Name: SEQUENCE verification_requests_id_seq; Type: ACL; Schema: discord; Owner: -
--

GRANT SELECT,USAGE ON SEQUENCE discord.verification_requests_id_seq TO service_role;


--
-- Name: TABLE discord_link_audit; Type: ACL; Schema: discord_dev; Owner: -
--

GRANT ALL ON TABLE discord_dev.discord_link_audit TO service_role;


--
-- Name: SEQUENCE discord_link_audit_id_seq; Type: ACL; Schema: discord_dev; Owner: -
--

GRANT SELECT,USAGE ON SEQUENCE discord_dev.discord_link_audit_id_seq TO service_role;


--
-- Name: TABLE guilds; Type: ACL; Schema: discord_dev; Owner: -
--

GRANT ALL ON TABLE discord_dev.guilds TO service_role;
GRANT SELECT ON TABLE discord_dev.guilds TO discord_bot;


--
-- Name: TABLE validation_logs; Type: ACL; Schema: discord_dev; Owner: -
--

GRANT ALL ON TABLE discord_dev.validation_logs TO service_role;
GRANT SELECT ON TABLE discord_dev.validation_logs TO discord_bot;


--
-- Name: TABLE validation_summaries; Type: ACL; Schema: discord_dev; Owner: -
--

GRANT ALL ON TABLE discord_dev.validation_summaries TO service_role;
GRANT SELECT ON TABLE discord_dev.validation_summaries TO discord_bot;


--
-- Name: TABLE ineligible_links; Type: ACL; Schema: discord_dev; Owner: -
--

GRANT SELECT ON TABLE discord_dev.ineligible_links TO service_role;
GRANT SELECT ON TABLE discord_dev.ineligible_links TO discord_bot;


--
-- Name: TABLE role_rules; Type: ACL; Schema: discord_dev; Owner: -
--

GRANT ALL ON TABLE discord_dev.role_rules TO service_role;
GRANT SELECT ON TABLE discord_dev.role_rules TO discord_bot;


--
-- Name: TABLE managed_roles; Type: ACL; Schema: discord_dev; Owner: -
--

GRANT SELECT ON TABLE discord_dev.managed_roles TO service_role;
GRANT SELECT ON TABLE discord_dev.managed_roles TO discord_bot;


--
-- Name: TABLE role_grace; Type: ACL; Schema: discord_dev; Owner: -
--

GRANT ALL ON TABLE discord_dev.role_grace TO service_role;
GRANT SELECT ON TABLE discord_dev.role_grace TO discord_bot;


--
-- Name: TABLE role_rule_matches; Type: ACL; Schema: discord_dev; Owner: -
--

GRANT SELECT ON TABLE discord_dev.role_rule_matches TO service_role;
GRANT SELECT ON TABLE discord_dev.role_rule_matches TO discord_bot;


--
-- Name: TABLE member_roles; Type: ACL; Schema: discord_dev; Owner: -
--

GRANT SELECT ON TABLE discord_dev.member_roles TO service_role;
GRANT SELECT ON TABLE discord_dev.member_roles TO discord_bot;


--
-- Name: SEQUENCE validation_logs_id_seq; Type: ACL; Schema: discord_dev; Owner: -
--

GRANT SELECT,USAGE ON SEQUENCE discord_dev.validation_logs_id_seq TO service_role;


--
-- Name: TABLE verification_requests; Type: ACL; Schema: discord_dev; Owner: -
--

GRANT ALL ON TABLE discord_dev.verification_requests TO service_role;
GRANT SELECT ON TABLE discord_dev.verification_requests TO authenticated;
GRANT SELECT ON TABLE discord_dev.verification_requests TO discord_bot;


--
-- Name: SEQUENCE verification_requests_id_seq; Type: ACL; Schema: discord_dev; Owner: -
--

GRANT SELECT,USAGE ON SEQUENCE discord_dev.verification_requests_id_seq TO service_role;


--
-- Name: TABLE alert_deliveries; Type: ACL; Schema: monitoring; Owner: -
--

GRANT SELECT ON TABLE monitoring.alert_deliveries TO service_role;


--
-- Name: TABLE cache_hit_ratio; Type: ACL; Schema: monitoring; Owner: -
--

GRANT SELECT ON TABLE monitoring.cache_hit_ratio TO service_role;


--
-- Name: TABLE connection_count; Type: ACL; Schema: monitoring; Owner: -
--

GRANT SELECT ON TABLE monitoring.connection_count TO service_role;


--
-- Name: TABLE connection_usage; Type: ACL; Schema: monitoring; Owner: -
--

GRANT SELECT ON TABLE monitoring.connection_usage TO service_role;


--
-- Name: TABLE database_size; Type: ACL; Schema: monitoring; Owner: -
--

GRANT SELECT ON TABLE monitoring.database_size TO service_role;


--
-- Name: TABLE index_usage; Type: ACL; Schema: monitoring; Owner: -
--

GRANT SELECT ON TABLE monitoring.index_usage TO service_role;


--
-- Name: TABLE sync_logs; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON TABLE public.sync_logs TO service_role;


--
-- Name: TABLE last_successful_sync; Type: ACL; Schema: monitoring; Owner: -
--

GRANT SELECT ON TABLE monitoring.last_successful_sync TO service_role;


--
-- Name: TABLE slow_statements; Type: ACL; Schema: monitoring; Owner: -
--

GRANT SELECT ON TABLE monitoring.slow_statements TO service_role;


--
-- Name: TABLE sync_success_rate; Type: ACL; Schema: monitoring; Owner: -
--

GRANT SELECT ON TABLE monitoring.sync_success_rate TO service_role;


--
-- Name: TABLE table_health; Type: ACL; Schema: monitoring; Owner: -
--

GRANT SELECT ON TABLE monitoring.table_health TO service_role;


--
-- Name: TABLE table_sizes; Type: ACL; Schema: monitoring; Owner: -
--

GRANT SELECT ON TABLE monitoring.table_sizes TO service_role;


--
-- Name: TABLE dev_admins; Type: ACL; Schema: private; Owner: -
--

GRANT SELECT ON TABLE private.dev_admins TO authenticated;
GRANT ALL ON TABLE private.dev_admins TO service_role;


--
-- Name: TABLE dev_sync_hashes_facilities; Type: ACL; Schema: private; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE private.dev_sync_hashes_facilities TO service_role;


--
-- Name: TABLE dev_sync_hashes_members; Type: ACL; Schema: private; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE private.dev_sync_hashes_members TO service_role;


--
-- Name: TABLE dev_sync_hashes_positions; Type: ACL; Schema: private; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE private.dev_sync_hashes_positions TO service_role;


--
-- Name: TABLE dev_sync_hashes_regions; Type: ACL; Schema: private; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE private.dev_sync_hashes_regions TO service_role;


--
-- Name: TABLE dev_sync_state; Type: ACL; Schema: private; Owner: -
--

GRANT SELECT,INSERT,UPDATE ON TABLE private.dev_sync_state TO service_role;


--
-- Name: TABLE discord_completion_failures; Type: ACL; Schema: private; Owner: -
--

GRANT SELECT,INSERT,DELETE ON TABLE private.discord_completion_failures TO service_role;


--
-- Name: TABLE discord_dev_completion_failures; Type: ACL; Schema: private; Owner: -
--

GRANT SELECT,INSERT,DELETE ON TABLE private.discord_dev_completion_failures TO service_role;


--
-- Name: TABLE discord_dev_roles_state; Type: ACL; Schema: private; Owner: -
--

GRANT ALL ON TABLE private.discord_dev_roles_state TO service_role;


--
-- Name: TABLE discord_roles_state; Type: ACL; Schema: private; Owner: -
--

GRANT ALL ON TABLE private.discord_roles_state TO service_role;


--
-- Name: TABLE member_event_xids; Type: ACL; Schema: private; Owner: -
--

GRANT INSERT,DELETE ON TABLE private.member_event_xids TO service_role;


--
-- Name: TABLE public_admins; Type: ACL; Schema: private; Owner: -
--

GRANT SELECT ON TABLE private.public_admins TO authenticated;
GRANT ALL ON TABLE private.public_admins TO service_role;


--
-- Name: TABLE public_sync_hashes_facilities; Type: ACL; Schema: private; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE private.public_sync_hashes_facilities TO service_role;


--
-- Name: TABLE public_sync_hashes_members; Type: ACL; Schema: private; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE private.public_sync_hashes_members TO service_role;


--
-- Name: TABLE public_sync_hashes_positions; Type: ACL; Schema: private; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE private.public_sync_hashes_positions TO service_role;


--
-- Name: TABLE public_sync_hashes_regions; Type: ACL; Schema: private; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE private.public_sync_hashes_regions TO service_role;


--
-- Name: TABLE public_sync_state; Type: ACL; Schema: private; Owner: -
--

GRANT SELECT,INSERT,UPDATE ON TABLE private.public_sync_state TO service_role;


--
-- Name: SEQUENCE facilities_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,USAGE ON SEQUENCE public.facilities_id_seq TO service_role;


--
-- Name: SEQUENCE members_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,USAGE ON SEQUENCE public.members_id_seq TO service_role;


--
-- Name: SEQUENCE positions_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,USAGE ON SEQUENCE public.positions_id_seq TO service_role;


--
-- Name: TABLE regions; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON TABLE public.regions TO service_role;
GRANT SELECT ON TABLE public.regions TO authenticated;
GRANT SELECT ON TABLE public.regions TO discord_bot;


--
-- Name: SEQUENCE regions_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,USAGE ON SEQUENCE public.regions_id_seq TO service_role;


--
-- Name: TABLE sync_cursor; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON TABLE public.sync_cursor TO service_role;


--
-- Name: SEQUENCE sync_logs_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,USAGE ON SEQUENCE public.sync_logs_id_seq TO service_role;


--
-- Name: DEFAULT PRIVILEGES FOR SEQUENCES; Type: DEFAULT ACL; Schema: public; Owner: -
--

ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public GRANT ALL ON SEQUENCES  TO anon;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public GRANT ALL ON SEQUENCES  TO authenticated;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public GRANT ALL ON SEQUENCES  TO service_role;


--
-- Name: DEFAULT PRIVILEGES FOR FUNCTIONS; Type: DEFAULT ACL; Schema: public; Owner: -
--

ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public GRANT ALL ON FUNCTIONS  TO anon;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public GRANT ALL ON FUNCTIONS  TO authenticated;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public GRANT ALL ON FUNCTIONS  TO service_role;


--
-- Name: DEFAULT PRIVILEGES FOR TABLES; Type: DEFAULT ACL; Schema: public; Owner: -
--

ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public GRANT ALL ON TABLES  TO anon;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public GRANT ALL ON TABLES  TO authenticated;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public GRANT ALL ON TABLES  TO service_role;


--
-- PostgreSQL database dump complete
--


