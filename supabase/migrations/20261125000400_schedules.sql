-- The pg_cron schedules that run every function without a human
-- (docs/operations.md): sync every 6 hours (and resume an
-- unfinished run every 2 minutes), cleanup nightly, a health check every 15
-- minutes, for both environments.
--
-- Jobs call the functions with pg_net. The project URL and the service role
-- key are read from Vault when a job runs (secrets `project_url` and
-- `service_role_key`), so no key is ever written into cron.job.

-- As Supabase enables it: the extension object lives in pg_catalog.
create extension if not exists pg_cron with schema pg_catalog;
do $$
begin
  -- On Supabase pg_net provides the net schema; the local stack provides a
  -- stand-in of the same functions (local/platform.sql). The extension object
  -- goes to `extensions`: pg_net cannot be moved once created, and one in
  -- `public` is what Supabase's advisor flags (lint 0014).
  if not exists (select from pg_namespace where nspname = 'net') then
    create extension pg_net with schema extensions;
  end if;
end
$$;

-- Calls one function of this project with the service role key from Vault.
create or replace function private.invoke_function(
  fn text, method text default 'POST', body jsonb default '{}'::jsonb, query text default ''
) returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  base text := (select decrypted_secret from vault.decrypted_secrets where name = 'project_url');
  key text := (select decrypted_secret from vault.decrypted_secrets where name = 'service_role_key');
  headers jsonb;
begin
  if base is null or key is null then
    raise exception 'Vault secrets project_url and service_role_key must be set';
  end if;
  headers := jsonb_build_object('Content-Type', 'application/json', 'Authorization', 'Bearer ' || key);
  if method = 'GET' then
    return net.http_get(url := rtrim(base, '/') || '/functions/v1/' || fn || query,
                        headers := headers, timeout_milliseconds := 30000);
  end if;
  return net.http_post(url := rtrim(base, '/') || '/functions/v1/' || fn, body := body,
                       headers := headers, timeout_milliseconds := 150000);
end
$$;
revoke all on function private.invoke_function(text, text, jsonb, text) from public;

-- An answer's body as JSON, or null when it is not JSON: one odd answer must
-- not make every later health round fail.
create or replace function private.try_jsonb(value text) returns jsonb
language plpgsql immutable
set search_path = ''
as $$
begin
  return value::jsonb;
exception when others then
  return null;
end
$$;
revoke all on function private.try_jsonb(text) from public;

-- Health checks sent, so their answers can be read on the next round.
create table if not exists private.health_checks (
  request_id bigint primary key,
  environment text not null check (environment in ('production', 'development')),
  sent_at timestamptz not null default now(),
  processed boolean not null default false
);

-- One round of the health check: turn answers to earlier checks that were
-- not 200 into a sync_error row (table_name 'health_check'), then ask again.
create or replace function private.check_sync_health(environment text) returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  target text := case environment when 'production' then 'public' else 'dev' end;
  answer record;
begin
  for answer in
    select h.request_id, r.status_code, r.content, r.error_msg, r.timed_out
    from private.health_checks h
    join net._http_response r on r.id = h.request_id
    where h.environment = check_sync_health.environment and not h.processed
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

-- This file can be run again as it is (to restore or change the jobs):
-- re-running it updates the jobs in place: cron.schedule() with an
-- existing job name replaces that job.
select cron.schedule('mynatca-sync-production', '0 */6 * * *',
  $$select private.invoke_function('sync', 'POST', '{"environment": "production"}')$$);
select cron.schedule('mynatca-sync-development', '0 */6 * * *',
  $$select private.invoke_function('sync', 'POST', '{"environment": "development"}')$$);
-- A run too large for one invocation leaves a cursor; continue it soon.
select cron.schedule('mynatca-sync-resume-production', '*/2 * * * *',
  $$select private.invoke_function('sync', 'POST', '{"environment": "production"}')
    where exists (select 1 from public.sync_cursor)$$);
select cron.schedule('mynatca-sync-resume-development', '*/2 * * * *',
  $$select private.invoke_function('sync', 'POST', '{"environment": "development"}')
    where exists (select 1 from dev.sync_cursor)$$);
select cron.schedule('mynatca-cleanup-production', '30 8 * * *',
  $$select private.invoke_function('cleanup', 'POST', '{"environment": "production"}')$$);
select cron.schedule('mynatca-cleanup-development', '45 8 * * *',
  $$select private.invoke_function('cleanup', 'POST', '{"environment": "development"}')$$);
select cron.schedule('mynatca-health-production', '*/15 * * * *',
  $$select private.check_sync_health('production')$$);
select cron.schedule('mynatca-health-development', '*/15 * * * *',
  $$select private.check_sync_health('development')$$);
