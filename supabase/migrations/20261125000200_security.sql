-- Grants and row level security for both environments.
--
-- Supabase grants every privilege on new tables in `public` to anon and
-- authenticated by default; we revoke all of it first and grant back only
-- what each role needs. Writes go through the Edge Functions (service_role),
-- with one exception: a member may edit their own contact column (email).

select private.apply_to_environments($ddl$
  revoke all on all tables in schema %1$I from anon, authenticated;
  revoke all on all tables in schema %2$I from anon, authenticated;
  revoke all on all sequences in schema %1$I from anon, authenticated;
  revoke all on all sequences in schema %2$I from anon, authenticated;

  grant all on all tables in schema %1$I to service_role;
  grant all on all tables in schema %2$I to service_role;
  grant usage, select on all sequences in schema %1$I to service_role;
  grant usage, select on all sequences in schema %2$I to service_role;

  grant select on %1$I.members, %1$I.positions, %1$I.facilities, %1$I.regions
    to authenticated;
  -- Column privilege: the only column a member may change on their row.
  grant update (email) on %1$I.members to authenticated;
  grant select on %2$I.verification_requests to authenticated;

  alter table %1$I.regions enable row level security;
  alter table %1$I.facilities enable row level security;
  alter table %1$I.members enable row level security;
  alter table %1$I.positions enable row level security;
  alter table %1$I.sync_logs enable row level security;
  alter table %2$I.verification_requests enable row level security;
  alter table %2$I.discord_link_audit enable row level security;
  alter table %2$I.validation_summaries enable row level security;
  alter table %2$I.validation_logs enable row level security;

  create policy "Members read their own row" on %1$I.members
    for select to authenticated
    using (member_number = (select private.jwt_member_number()));

  create policy "Members update their own contact details" on %1$I.members
    for update to authenticated
    using (member_number = (select private.jwt_member_number()))
    with check (member_number = (select private.jwt_member_number()));

  create policy "Members read their own positions; admins read all" on %1$I.positions
    for select to authenticated
    using (
      member_number = (select private.jwt_member_number())
      or (select private."%1$s_is_admin"())
    );

  create policy "Authenticated users read facilities" on %1$I.facilities
    for select to authenticated using (true);

  create policy "Authenticated users read regions" on %1$I.regions
    for select to authenticated using (true);

  create policy "Members read their own verification requests" on %2$I.verification_requests
    for select to authenticated
    using (member_number = (select private.jwt_member_number()));

  -- Realtime: the bot subscribes to link and verification changes.
  do $realtime$
  begin
    if not exists (select from pg_publication_tables where pubname = 'supabase_realtime'
                   and schemaname = %1$L and tablename = 'members') then
      alter publication supabase_realtime add table %1$I.members;
    end if;
    if not exists (select from pg_publication_tables where pubname = 'supabase_realtime'
                   and schemaname = %2$L and tablename = 'verification_requests') then
      alter publication supabase_realtime add table %2$I.verification_requests;
    end if;
  end
  $realtime$;
$ddl$);

-- Operator health queries. Not in an exposed schema and not granted to
-- anon or authenticated.
create schema if not exists monitoring;
revoke all on schema monitoring from public;
grant usage on schema monitoring to service_role;

create view monitoring.connection_count as
  select datname, usename, state, count(*)::integer as connections
  from pg_stat_activity
  where datname = current_database()
  group by datname, usename, state;

create view monitoring.database_size as
  select current_database() as database,
         pg_database_size(current_database()) as bytes,
         pg_size_pretty(pg_database_size(current_database())) as pretty;

create view monitoring.table_sizes as
  select n.nspname as schema_name, c.relname as table_name,
         pg_total_relation_size(c.oid) as total_bytes,
         pg_size_pretty(pg_total_relation_size(c.oid)) as total_pretty,
         c.reltuples::bigint as estimated_rows
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where c.relkind = 'r' and n.nspname in ('public', 'dev', 'discord', 'discord_dev');

-- Share of sync runs in the last 24 h whose every table completed.
create view monitoring.sync_success_rate as
  with runs as (
    select 'production' as environment, sync_id, bool_or(operation = 'sync_error') as failed
    from public.sync_logs where created_at > now() - interval '24 hours'
      and operation in ('sync_complete', 'sync_error') group by sync_id
    union all
    select 'development', sync_id, bool_or(operation = 'sync_error')
    from dev.sync_logs where created_at > now() - interval '24 hours'
      and operation in ('sync_complete', 'sync_error') group by sync_id
  )
  select environment, count(*)::integer as runs,
         count(*) filter (where not failed)::integer as successful,
         round((count(*) filter (where not failed))::numeric / nullif(count(*), 0), 4)
           as success_rate
  from runs group by environment;

create view monitoring.last_successful_sync as
  select 'production' as environment, max(created_at) as last_success_at
  from public.sync_logs where operation = 'sync_complete' and table_name is null
  union all
  select 'development', max(created_at)
  from dev.sync_logs where operation = 'sync_complete' and table_name is null;

grant select on all tables in schema monitoring to service_role;
