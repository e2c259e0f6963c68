-- Both environments of the platform in one project: production lives in
-- `public` + `discord`, development in `dev` + `discord_dev`. The DDL below is
-- written once and applied to each pair, so the two cannot drift apart
-- (tests/db/30_parity.sql checks that they have not). This file holds the
-- tables clients read; docs/database.md describes each column.

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
    id bigint generated always as identity constraint regions_id_key unique,
    region_code text primary key,
    region_name text not null,
    active boolean not null default true,
    facility_count integer not null default 0,
    member_count integer not null default 0,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  );
  comment on table %1$I.regions is
    'NATCA regions, copied from the legacy membership database by the sync. Read-only for clients.';
  comment on column %1$I.regions.id is 'Surrogate id; region_code is the key the sync and other tables use.';
  comment on column %1$I.regions.region_code is 'Legacy RegionCode, trimmed and upper-cased.';
  comment on column %1$I.regions.active is 'False once the region is inactive in, or gone from, the legacy source.';
  comment on column %1$I.regions.facility_count is 'Active facilities of the region, recomputed after each sync.';
  comment on column %1$I.regions.member_count is 'Active members of the region, recomputed after each sync.';

  create table %1$I.facilities (
    id bigint generated always as identity constraint facilities_id_key unique,
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
  comment on table %1$I.facilities is
    'Facilities (centers, TRACONs, towers), copied from the legacy membership database by the sync.';
  comment on column %1$I.facilities.id is 'Surrogate id; facility_code is the key the sync and other tables use.';
  comment on column %1$I.facilities.facility_code is 'Legacy FacilityCode, trimmed and upper-cased.';
  comment on column %1$I.facilities.facility_type is 'Legacy FacilityType, upper-cased (ARTCC, TRACON, ...).';
  comment on column %1$I.facilities.region_code is 'The facility''s region, through the legacy RegionID; null when it points nowhere.';
  comment on column %1$I.facilities.member_count is 'Active members of the facility, recomputed after each sync.';

  create table %1$I.members (
    id bigint generated always as identity constraint members_id_key unique,
    member_number text primary key
      constraint members_member_number_format check (member_number ~ '^[A-Za-z0-9-]{1,20}$'),
    first_name text not null,
    last_name text not null,
    email text,
    source_email text,
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
      constraint members_discord_id_format check (discord_id ~ '^[1-9][0-9]{16,19}$'),
    discord_username text,
    discord_verified boolean not null default false,
    auth0_user_id text,
    verified_at timestamptz,
    last_auth0_sync timestamptz,
    last_sync timestamptz,
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
  comment on table %1$I.members is
    'NATCA members from the legacy membership database (synced), with their Discord link (written only by the verification functions).';
  comment on column %1$I.members.id is 'Surrogate id; member_number is the key the sync and other tables use.';
  comment on column %1$I.members.member_number is 'Legacy MemberNumber, trimmed; [A-Za-z0-9-]{1,20}.';
  comment on column %1$I.members.email is
    'The member''s email: the source''s (lower-cased; null when none or not an address), or the member''s own edit, which stands until the source''s email changes.';
  comment on column %1$I.members.source_email is 'What the legacy source last said the email is (sync).';
  comment on column %1$I.members.status is 'active, inactive, retired, deceased or suspended. Only active members may link Discord.';
  comment on column %1$I.members.discord_id is 'Linked Discord account (snowflake); unique. Written by complete-verification.';
  comment on column %1$I.members.discord_verified is 'True while a Discord account is linked through verification.';
  comment on column %1$I.members.auth0_user_id is 'Auth0 user (sub) who completed the latest link.';
  comment on column %1$I.members.verified_at is 'When the current Discord link was made.';
  comment on column %1$I.members.last_auth0_sync is 'Reserved for the Member Hub: when its Auth0 profile was last reconciled.';
  comment on column %1$I.members.last_sync is
    'When a sync last inserted or changed this row. A sync that finds the row unchanged does not write it, so this keeps its value.';

  create table %1$I.positions (
    id bigint generated always as identity primary key,
    source_id integer not null constraint positions_source_id_key unique,
    member_number text not null
      references %1$I.members (member_number) on update cascade on delete restrict,
    position_type text not null
      constraint positions_position_type_check
      check (position_type in ('facrep', 'neb', 'committee', 'regional')),
    position_title text,
    facility_code text,
    facility_name text,
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
  comment on table %1$I.positions is
    'Union positions members hold (facility rep, NEB, committee, regional), from the legacy database.';
  comment on column %1$I.positions.source_id is 'Legacy PositionID: the key the sync uses.';
  comment on column %1$I.positions.position_type is 'facrep, neb, committee or regional; an active neb or regional position makes its member an admin.';
  comment on column %1$I.positions.position_title is 'Legacy Title, white space collapsed.';
  comment on column %1$I.positions.facility_name is 'Name of the facility (through the legacy FacilityID); null when it points nowhere.';
  comment on column %1$I.positions.active is 'True while EndDate is null or not in the past, and while the position exists in the source.';

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
    records_succeeded integer not null
      generated always as (records_inserted + records_updated + records_unchanged) stored,
    duration_ms integer,
    error_details jsonb,
    created_at timestamptz not null default now()
  );
  create index sync_logs_created_at_idx on %1$I.sync_logs (created_at);
  create index sync_logs_sync_id_idx on %1$I.sync_logs (sync_id);
  create index sync_logs_operation_created_at_idx on %1$I.sync_logs (operation, created_at);
  comment on table %1$I.sync_logs is
    'One row per sync run start and end (table_name null) and per table synced; alerts are sync_error rows. Operators only.';
  comment on column %1$I.sync_logs.sync_id is 'The run; a run resumed over several invocations keeps its id.';
  comment on column %1$I.sync_logs.table_name is 'The table of a per-table row; null on run rows; health_check on health alerts.';
  comment on column %1$I.sync_logs.status is 'Run rows: started, dry_run, completed, partial or failed. Table rows: completed, partial or deactivation_refused.';
  comment on column %1$I.sync_logs.records_succeeded is 'Records written or confirmed unchanged: inserted + updated + unchanged.';
  comment on column %1$I.sync_logs.records_deactivated is 'Rows retired because they vanished from the source.';
  comment on column %1$I.sync_logs.error_details is 'Why: rejected records (key, reason; at most 100, with rejected_total), a refused retirement, a run failure or a health alert.';

  create table %2$I.verification_requests (
    id bigint generated always as identity constraint verification_requests_id_key unique,
    verification_id uuid primary key default gen_random_uuid(),
    discord_id text not null
      constraint verification_requests_discord_id_format check (discord_id ~ '^[1-9][0-9]{16,19}$'),
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
  comment on table %2$I.verification_requests is
    'Requests to link a Discord account, made by the bot and completed by a member on the Member Hub.';
  comment on column %2$I.verification_requests.id is 'Surrogate id. The public id (API, verification URL, audit) is verification_id.';
  comment on column %2$I.verification_requests.verification_id is 'The request''s public id: in every API body and the verification URL (?vid=).';
  comment on column %2$I.verification_requests.status is 'pending, completed, expired or failed; one pending request per Discord account.';
  comment on column %2$I.verification_requests.member_number is 'The member who completed (or failed to complete) the request.';
  comment on column %2$I.verification_requests.failure_reason is 'Why a completion was refused (status failed); the request may still be completed before it expires.';

  -- Every change of a member's Discord link, including the account it replaced.
  create table %2$I.discord_link_audit (
    id bigint generated always as identity primary key,
    member_number text not null,
    action text not null default 'link'
      constraint discord_link_audit_action_check check (action in ('link', 'unlink')),
    old_discord_id text,
    new_discord_id text,
    verification_id uuid,
    auth0_user_id text,
    requested_by text not null,
    reason text,
    changed_at timestamptz not null default now()
  );
  create index discord_link_audit_member_number_idx on %2$I.discord_link_audit (member_number);
  create index discord_link_audit_verification_id_idx
    on %2$I.discord_link_audit (verification_id);
  comment on table %2$I.discord_link_audit is
    'Every change of a member''s Discord link: old and new account, the request and the Auth0 user. Operators only.';
  comment on column %2$I.discord_link_audit.action is 'link (a completed verification) or unlink (unlink-discord).';
  comment on column %2$I.discord_link_audit.requested_by is 'Who asked: the member''s Auth0 sub, bot or service.';
  comment on column %2$I.discord_link_audit.reason is 'The reason the bot or an operator gave for an unlink.';

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
$ddl$);
