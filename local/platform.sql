-- Local stand-in for the parts of the Supabase platform that a plain
-- PostgreSQL 15 lacks. Hosted Supabase (and `supabase start`) already provide
-- all of this, which is why it lives here and not in supabase/migrations/:
-- applying it to a real project would clash with the platform's own objects.
--
-- Run by `npm run stack -- up` as the cluster's superuser, `supabase_admin`,
-- before the migrations; idempotent. As on hosted Supabase, `postgres` is
-- NOT a superuser: the migrations, the functions and the tests run as it, so
-- a statement that needs a superuser fails here as it would on deploy
-- (docs/operations.md, "The local stack").

-- Roles, as PostgREST, the gateway and Supabase's own init scripts make them.
do $$
begin
  if not exists (select from pg_roles where rolname = 'postgres') then
    create role postgres login password 'postgres';
  end if;
  if not exists (select from pg_roles where rolname = 'anon') then
    create role anon nologin noinherit;
  end if;
  if not exists (select from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin noinherit;
  end if;
  if not exists (select from pg_roles where rolname = 'service_role') then
    create role service_role nologin noinherit bypassrls;
  end if;
  if not exists (select from pg_roles where rolname = 'authenticator') then
    create role authenticator login noinherit password 'postgres';
  end if;
end
$$;
-- Hosted Supabase demotes postgres to exactly this.
alter role postgres nosuperuser createdb createrole login replication bypassrls;
grant anon, authenticated, service_role to authenticator;
grant anon, authenticated, service_role to postgres;
grant pg_monitor, pg_read_all_data, pg_signal_backend to postgres;
alter role anon set statement_timeout = '3s';
alter role authenticated set statement_timeout = '8s';

-- The project's database belongs to postgres, and so its `public` schema.
alter database postgres owner to postgres;
grant all on database postgres to postgres;
alter database postgres set search_path = "$user", public, extensions;

-- `extensions` is postgres' schema; the extensions in it are the platform's.
create schema if not exists extensions authorization postgres;
grant usage on schema extensions to anon, authenticated, service_role;
create extension if not exists pg_stat_statements with schema extensions;
-- pgTAP is a test tool: it lives in `extensions`, never in an API schema.
create extension if not exists pgtap with schema extensions;
-- supautils lets postgres create pg_cron on hosted; here the platform does it,
-- so the migration's `create extension if not exists` finds it. The grants are
-- those of Supabase's after-create script for pg_cron.
create extension if not exists pg_cron with schema pg_catalog;
grant usage on schema cron to postgres with grant option;
grant all on all functions in schema cron to postgres with grant option;
grant all privileges on all tables in schema cron to postgres with grant option;
revoke all on table cron.job from postgres;
grant select on table cron.job to postgres with grant option;

-- Supabase grants usage on public and default table privileges to the API
-- roles; migrations must therefore revoke what they do not mean to give.
grant usage on schema public to anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant all on tables to anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant all on sequences to anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant all on functions to anon, authenticated, service_role;

-- auth.*: the helpers RLS policies call. They read the settings PostgREST
-- sets per request (`request.jwt.claims`, and the older per-claim form).
create schema if not exists auth;
grant usage on schema auth to postgres, anon, authenticated, service_role;

create or replace function auth.jwt() returns jsonb
language sql stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$$;

create or replace function auth.uid() returns uuid
language sql stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$$;

create or replace function auth.role() returns text
language sql stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$$;

grant execute on function auth.jwt(), auth.uid(), auth.role()
  to postgres, anon, authenticated, service_role;

-- Realtime listens to this publication; on hosted Supabase postgres owns it,
-- so migrations add their tables to it.
do $$
begin
  if not exists (select from pg_publication where pubname = 'supabase_realtime') then
    create publication supabase_realtime;
  end if;
end
$$;
alter publication supabase_realtime owner to postgres;

-- pg_net: net.http_post / net.http_get queue a request and return its id; on
-- Supabase a background worker sends it. Locally the function server
-- (scripts/serve.ts) drains this queue and records the answers. The
-- privileges are real pg_net's (PUBLIC may use the schema and every table)
-- plus what Supabase's event trigger adds when pg_net is enabled (the API
-- roles may call http_get and http_post, which run as their owner).
create schema if not exists net;
create table if not exists net.http_request_queue (
  id bigserial primary key,
  method text not null,
  url text not null,
  headers jsonb not null default '{}',
  body bytea,
  timeout_milliseconds integer not null default 5000,
  created timestamptz not null default now()
);
create table if not exists net._http_response (
  id bigint primary key,
  status_code integer,
  content_type text,
  headers jsonb,
  content text,
  timed_out boolean,
  error_msg text,
  created timestamptz not null default now()
);

create or replace function net.http_post(
  url text,
  body jsonb default '{}'::jsonb,
  params jsonb default '{}'::jsonb,
  headers jsonb default '{"Content-Type": "application/json"}'::jsonb,
  timeout_milliseconds integer default 5000
) returns bigint
language sql volatile security definer
set search_path = net
as $$
  insert into net.http_request_queue (method, url, headers, body, timeout_milliseconds)
  values (
    'POST',
    url || case when params = '{}'::jsonb then '' else '?' || (
      select string_agg(key || '=' || value, '&') from jsonb_each_text(params)) end,
    headers,
    convert_to(body::text, 'UTF8'),
    timeout_milliseconds
  )
  returning id
$$;

create or replace function net.http_get(
  url text,
  params jsonb default '{}'::jsonb,
  headers jsonb default '{}'::jsonb,
  timeout_milliseconds integer default 5000
) returns bigint
language sql volatile security definer
set search_path = net
as $$
  insert into net.http_request_queue (method, url, headers, timeout_milliseconds)
  values (
    'GET',
    url || case when params = '{}'::jsonb then '' else '?' || (
      select string_agg(key || '=' || value, '&') from jsonb_each_text(params)) end,
    headers,
    timeout_milliseconds
  )
  returning id
$$;

grant usage on schema net to public;
grant all on all tables in schema net to public;
grant all on all sequences in schema net to public;
grant usage on schema net to postgres, anon, authenticated, service_role;
revoke all on function net.http_get(text, jsonb, jsonb, integer) from public;
revoke all on function net.http_post(text, jsonb, jsonb, jsonb, integer) from public;
grant execute on function net.http_get(text, jsonb, jsonb, integer)
  to postgres, anon, authenticated, service_role;
grant execute on function net.http_post(text, jsonb, jsonb, jsonb, integer)
  to postgres, anon, authenticated, service_role;

-- Vault: named secrets read at run time through vault.decrypted_secrets.
-- Locally they are stored in clear; Supabase encrypts them at rest. As on
-- hosted, postgres manages them through these functions and reads them; the
-- API roles have no access.
create schema if not exists vault;
create table if not exists vault.secrets (
  id uuid primary key default gen_random_uuid(),
  name text unique,
  description text not null default '',
  secret text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create or replace view vault.decrypted_secrets as
  select id, name, description, secret, secret as decrypted_secret, created_at, updated_at
  from vault.secrets;

create or replace function vault.create_secret(
  new_secret text, new_name text default null, new_description text default ''
) returns uuid
language sql volatile security definer
set search_path = ''
as $$
  insert into vault.secrets (secret, name, description)
  values (new_secret, new_name, new_description)
  returning id
$$;

create or replace function vault.update_secret(
  secret_id uuid, new_secret text default null, new_name text default null,
  new_description text default null
) returns void
language sql volatile security definer
set search_path = ''
as $$
  update vault.secrets
     set secret = coalesce(new_secret, secret),
         name = coalesce(new_name, name),
         description = coalesce(new_description, description),
         updated_at = now()
   where id = secret_id
$$;

revoke all on schema vault from public;
revoke all on all tables in schema vault from public;
revoke all on function vault.create_secret(text, text, text) from public;
revoke all on function vault.update_secret(uuid, text, text, text) from public;
grant usage on schema vault to postgres with grant option;
grant select, delete on vault.secrets, vault.decrypted_secrets to postgres with grant option;
grant execute on function vault.create_secret(text, text, text),
  vault.update_secret(uuid, text, text, text) to postgres with grant option;
