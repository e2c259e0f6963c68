-- Operators' health queries (docs/operations.md). Not in an exposed schema and
-- not granted to anon, authenticated or the bot. GET /sync reads the last two.
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

-- Run-level rows (table_name is null) carry the outcome of a whole run in
-- `status`: completed, partial or failed. A partial run counts as a success
-- here (it made progress); only a completed one counts as the last success.
create view monitoring.sync_success_rate as
  with runs as (
    select 'production' as environment, status from public.sync_logs
    where table_name is null and operation in ('sync_complete', 'sync_error')
      and created_at > now() - interval '24 hours'
    union all
    select 'development', status from dev.sync_logs
    where table_name is null and operation in ('sync_complete', 'sync_error')
      and created_at > now() - interval '24 hours'
  )
  select e.environment, count(r.status)::integer as runs,
         count(*) filter (where r.status in ('completed', 'partial'))::integer as successful,
         round((count(*) filter (where r.status in ('completed', 'partial')))::numeric
               / nullif(count(r.status), 0), 4) as success_rate
  from (values ('production'), ('development')) e(environment)
  left join runs r on r.environment = e.environment
  group by e.environment;

create view monitoring.last_successful_sync as
  select 'production' as environment, max(created_at) as last_success_at
  from public.sync_logs
  where operation = 'sync_complete' and table_name is null and status = 'completed'
  union all
  select 'development', max(created_at)
  from dev.sync_logs
  where operation = 'sync_complete' and table_name is null and status = 'completed';

grant select on all tables in schema monitoring to service_role;
