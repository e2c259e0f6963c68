-- Where an unfinished sync run stopped, so the next invocation resumes it
-- instead of starting over (a run over a large source spans invocations of
-- the Edge Function). At most one row per environment.

select private.apply_to_environments($ddl$
  create table %1$I.sync_cursor (
    environment_singleton boolean primary key default true
      constraint sync_cursor_singleton check (environment_singleton),
    sync_id uuid not null,
    tables text[] not null,
    table_name text not null,
    after_id bigint not null default 0,
    started_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  );
  alter table %1$I.sync_cursor enable row level security;
  revoke all on %1$I.sync_cursor from anon, authenticated;
  grant all on %1$I.sync_cursor to service_role;
$ddl$);

-- Run-level rows (table_name is null) carry the outcome of a whole run in
-- `status`: completed, partial or failed. Health reads them.
create or replace view monitoring.sync_success_rate as
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

create or replace view monitoring.last_successful_sync as
  select 'production' as environment, max(created_at) as last_success_at
  from public.sync_logs
  where operation = 'sync_complete' and table_name is null and status = 'completed'
  union all
  select 'development', max(created_at)
  from dev.sync_logs
  where operation = 'sync_complete' and table_name is null and status = 'completed';

grant select on all tables in schema monitoring to service_role;
