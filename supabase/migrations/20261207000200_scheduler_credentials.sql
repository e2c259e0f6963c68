-- The jobs' requests carry a short-lived credential instead of the
-- scheduler's key (docs/operations.md, "Schedules"). pg_net's queue
-- (net.http_request_queue) is readable by every database role on hosted
-- Supabase, and no migration can revoke that, so a queued request must hold
-- nothing worth stealing: `sched1.<t>.<sig>`, the hex HMAC-SHA256 keyed with
-- the scheduler's key of `sched1.<t>.<METHOD>.<function>`. A function takes
-- it only for its own name and the request's method, within 300 seconds of
-- <t> (shared/scheduler_credentials.ts); the key stays in Vault.

-- pgcrypto is part of every hosted project (in `extensions`); this makes
-- sure of it elsewhere.
create extension if not exists pgcrypto with schema extensions;

-- A credential for one call: `method` (GET, POST) of the function `fn`, at `at`.
create or replace function private.scheduler_credential(
  key text, method text, fn text, at timestamptz default now()
) returns text
language sql stable
set search_path = ''
as $$
  select 'sched1.' || t || '.' ||
         encode(extensions.hmac('sched1.' || t || '.' || upper(method) || '.' || fn, key, 'sha256'),
                'hex')
  from (select floor(extract(epoch from at))::bigint::text as t) s
$$;
revoke all on function private.scheduler_credential(text, text, text, timestamptz) from public;

-- As before, but the Authorization header holds the credential, made at the
-- moment the request is queued.
create or replace function private.invoke_function(
  fn text, method text default 'POST', body jsonb default '{}'::jsonb, query text default ''
) returns bigint
language plpgsql
security definer
set search_path = ''
as $$
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
revoke all on function private.invoke_function(text, text, jsonb, text) from public;
