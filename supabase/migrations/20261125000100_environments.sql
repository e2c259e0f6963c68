-- Both environments of the platform in one project: production lives in
-- `public` + `discord`, development in `dev` + `discord_dev`. The DDL below is
-- written once and applied to each pair, so the two cannot drift apart
-- (tests/db/parity.sql checks that they have not).

create schema if not exists private;
create schema if not exists dev;
create schema if not exists discord;
create schema if not exists discord_dev;

-- `private` holds helpers that policies call; it is never exposed through
-- the API, so its security definer functions are not callable as RPC.
revoke all on schema private from public;
grant usage on schema private to authenticated, service_role;

create or replace function private.set_updated_at() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end
$$;

-- The member number an Auth0 access token carries, as PostgREST exposes it.
create or replace function private.jwt_member_number() returns text
language sql stable
set search_path = ''
as $$
  select (select auth.jwt()) ->> 'https://mynatca.org/member_number'
$$;
revoke all on function private.jwt_member_number() from public;
grant execute on function private.jwt_member_number() to authenticated, service_role;

-- The two environments, in one place. Runs `ddl` once per pair, with the
-- format() placeholders %1$I = the shared schema (public, dev) and
-- %2$I = the Discord schema (discord, discord_dev); %1$s/%2$s give the bare
-- names for building identifiers such as private."%1$s_is_admin".
create or replace function private.apply_to_environments(ddl text) returns void
language plpgsql
set search_path = ''
as $$
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
revoke all on function private.apply_to_environments(text) from public;

select private.apply_to_environments($ddl$
  grant usage on schema %1$I to anon, authenticated, service_role;
  grant usage on schema %2$I to anon, authenticated, service_role;

  create table %1$I.regions (
    region_code text primary key,
    region_name text not null,
    active boolean not null default true,
    facility_count integer not null default 0,
    member_count integer not null default 0,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  );

  create table %1$I.facilities (
    facility_code text primary key,
    facility_name text not null,
    facility_type text,
    region_code text,
    region_name text,
    active boolean not null default true,
    member_count integer not null default 0,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  );
  create index facilities_region_code_idx on %1$I.facilities (region_code);

  create table %1$I.members (
    member_number text primary key
      constraint members_member_number_format check (member_number ~ '^[A-Za-z0-9-]{1,20}$'),
    first_name text not null,
    last_name text not null,
    email text,
    facility_code text,
    facility_name text,
    region_code text,
    region_name text,
    member_type_id integer,
    member_type text,
    status text not null default 'inactive'
      constraint members_status_check
      check (status in ('active', 'inactive', 'retired', 'deceased', 'suspended')),
    discord_id text
      constraint members_discord_id_format check (discord_id ~ '^[0-9]{17,20}$'),
    discord_username text,
    discord_verified boolean not null default false,
    auth0_user_id text,
    verified_at timestamptz,
    last_auth0_sync timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  );
  -- One Discord account, one member.
  create unique index members_discord_id_key on %1$I.members (discord_id)
    where discord_id is not null;
  create index members_facility_code_idx on %1$I.members (facility_code);
  create index members_region_code_idx on %1$I.members (region_code);
  create index members_status_idx on %1$I.members (status);
  create index members_email_idx on %1$I.members (email);
  create index members_auth0_user_id_idx on %1$I.members (auth0_user_id)
    where auth0_user_id is not null;
  create index members_discord_verified_idx on %1$I.members (member_number)
    where discord_verified;

  create table %1$I.positions (
    id bigint generated always as identity primary key,
    source_id integer not null constraint positions_source_id_key unique,
    member_number text not null
      references %1$I.members (member_number) on update cascade on delete restrict,
    position_type text not null
      constraint positions_position_type_check
      check (position_type in ('facrep', 'neb', 'committee', 'regional')),
    facility_code text,
    title text,
    start_date date,
    end_date date,
    active boolean not null default true,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  );
  create index positions_member_number_idx on %1$I.positions (member_number);
  create index positions_facility_code_idx on %1$I.positions (facility_code);
  -- The admin check in policies looks up active neb/regional positions.
  create index positions_admin_idx on %1$I.positions (member_number)
    where active and position_type in ('neb', 'regional');

  create table %1$I.sync_logs (
    id bigint generated always as identity primary key,
    sync_id uuid not null,
    table_name text,
    operation text not null
      constraint sync_logs_operation_check
      check (operation in ('sync_start', 'sync_complete', 'sync_error')),
    status text,
    records_processed integer not null default 0,
    records_inserted integer not null default 0,
    records_updated integer not null default 0,
    records_unchanged integer not null default 0,
    records_deactivated integer not null default 0,
    records_failed integer not null default 0,
    duration_ms integer,
    error_details jsonb,
    created_at timestamptz not null default now()
  );
  create index sync_logs_created_at_idx on %1$I.sync_logs (created_at);
  create index sync_logs_sync_id_idx on %1$I.sync_logs (sync_id);
  create index sync_logs_operation_created_at_idx on %1$I.sync_logs (operation, created_at);

  create table %2$I.verification_requests (
    id uuid primary key default gen_random_uuid(),
    discord_id text not null
      constraint verification_requests_discord_id_format check (discord_id ~ '^[0-9]{17,20}$'),
    discord_username text not null,
    status text not null default 'pending'
      constraint verification_requests_status_check
      check (status in ('pending', 'completed', 'expired', 'failed')),
    member_number text,
    auth0_user_id text,
    failure_reason text,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    completed_at timestamptz,
    updated_at timestamptz not null default now()
  );
  -- At most one pending request per Discord account, even under
  -- concurrent create-verification calls.
  create unique index verification_requests_one_pending_key
    on %2$I.verification_requests (discord_id) where status = 'pending';
  create index verification_requests_discord_id_idx on %2$I.verification_requests (discord_id);
  create index verification_requests_member_number_idx
    on %2$I.verification_requests (member_number) where member_number is not null;
  create index verification_requests_expires_at_idx
    on %2$I.verification_requests (expires_at) where status in ('pending', 'expired');

  -- Every change of a member's Discord link, including the account it replaced.
  create table %2$I.discord_link_audit (
    id bigint generated always as identity primary key,
    member_number text not null,
    old_discord_id text,
    new_discord_id text,
    verification_id uuid,
    auth0_user_id text,
    changed_at timestamptz not null default now()
  );
  create index discord_link_audit_member_number_idx on %2$I.discord_link_audit (member_number);
  create index discord_link_audit_verification_id_idx
    on %2$I.discord_link_audit (verification_id);

  -- One row per validation run of linked members.
  create table %2$I.validation_summaries (
    run_id uuid primary key default gen_random_uuid(),
    sync_id uuid,
    started_at timestamptz not null default now(),
    finished_at timestamptz,
    checked integer not null default 0,
    eligible integer not null default 0,
    inactive integer not null default 0,
    missing integer not null default 0,
    duration_ms integer
  );
  create index validation_summaries_started_at_idx on %2$I.validation_summaries (started_at);

  -- One row per linked member checked in a run.
  create table %2$I.validation_logs (
    id bigint generated always as identity primary key,
    run_id uuid not null references %2$I.validation_summaries (run_id) on delete cascade,
    member_number text not null,
    discord_id text not null,
    result text not null
      constraint validation_logs_result_check check (result in ('eligible', 'inactive', 'missing')),
    reason text,
    created_at timestamptz not null default now()
  );
  create index validation_logs_run_id_idx on %2$I.validation_logs (run_id);
  create index validation_logs_created_at_idx on %2$I.validation_logs (created_at);

  -- updated_at, maintained whoever writes.
  create trigger set_updated_at before update on %1$I.regions
    for each row execute function private.set_updated_at();
  create trigger set_updated_at before update on %1$I.facilities
    for each row execute function private.set_updated_at();
  create trigger set_updated_at before update on %1$I.members
    for each row execute function private.set_updated_at();
  create trigger set_updated_at before update on %1$I.positions
    for each row execute function private.set_updated_at();
  create trigger set_updated_at before update on %2$I.verification_requests
    for each row execute function private.set_updated_at();

  -- Admin check for the positions policy. A policy on positions that
  -- queried positions itself would recurse; a security definer function
  -- reads the table without RLS.
  create function private."%1$s_is_admin"() returns boolean
  language sql stable security definer
  set search_path = ''
  as $fn$
    select exists (
      select 1 from %1$I.positions p
      where p.member_number = (select private.jwt_member_number())
        and p.active and p.position_type in ('neb', 'regional')
    )
  $fn$;
  revoke all on function private."%1$s_is_admin"() from public;
  grant execute on function private."%1$s_is_admin"() to authenticated, service_role;
$ddl$);
