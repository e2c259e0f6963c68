-- The design's health figures, beside the views of 20261125000250_monitoring.sql:
-- cache and index hit ratios, index usage, slow statements, connections per
-- function against max_connections, and each environment table's vacuum and
-- analyze state. Like those views: in `monitoring`, readable by service_role
-- only (docs/operations.md says what a healthy value looks like).

-- Share of block reads served from shared buffers, for all tables and all
-- indexes of the database. Null until something has been read.
create or replace view monitoring.cache_hit_ratio as
  select 'tables' as kind,
         coalesce(sum(heap_blks_hit), 0)::bigint as hits,
         coalesce(sum(heap_blks_read), 0)::bigint as reads,
         round(sum(heap_blks_hit)::numeric / nullif(sum(heap_blks_hit) + sum(heap_blks_read), 0), 4)
           as ratio
  from pg_statio_user_tables
  union all
  select 'indexes',
         coalesce(sum(idx_blks_hit), 0)::bigint,
         coalesce(sum(idx_blks_read), 0)::bigint,
         round(sum(idx_blks_hit)::numeric / nullif(sum(idx_blks_hit) + sum(idx_blks_read), 0), 4)
  from pg_statio_user_indexes;

-- Every index of the project's schemas: how often it was scanned since the
-- statistics were last reset, and its size. `unused` leaves out indexes that
-- enforce uniqueness (primary keys included): they are needed even unscanned.
create or replace view monitoring.index_usage as
  select s.schemaname as schema_name, s.relname as table_name, s.indexrelname as index_name,
         s.idx_scan as scans, s.idx_tup_read as tuples_read,
         pg_relation_size(s.indexrelid) as bytes,
         pg_size_pretty(pg_relation_size(s.indexrelid)) as pretty,
         i.indisunique as is_unique,
         (s.idx_scan = 0 and not i.indisunique) as unused
  from pg_stat_user_indexes s
  join pg_index i on i.indexrelid = s.indexrelid
  where s.schemaname in ('public', 'dev', 'discord', 'discord_dev', 'private');

-- pg_stat_statements is read through a function, so that the view neither
-- depends on the extension (it can be absent, or installed later) nor fails
-- when the extension exists but the library is not preloaded: both give an
-- empty result. `source` is the extension's schema (null when it is not
-- installed). Security definer, owned by the migrations' role: the query text
-- of a statement is shown to its own role or to a role with pg_read_all_stats,
-- and the functions and operators run as that role.
create or replace function private.statement_stats(source regnamespace)
returns table (
  queryid bigint, role_name name, query text, calls bigint, total_ms double precision,
  mean_ms double precision, max_ms double precision, rows bigint,
  cache_hit_ratio numeric, total_rank integer, mean_rank integer)
language plpgsql stable security definer
set search_path = ''
as $$
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
$$;
revoke all on function private.statement_stats(regnamespace) from public;
grant execute on function private.statement_stats(regnamespace) to service_role;

-- The 50 statements of this database with the most total time, and the 50
-- with the highest mean time (one row each, however many lists it is in).
create or replace view monitoring.slow_statements as
  select * from private.statement_stats(
    (select extnamespace::regnamespace from pg_extension where extname = 'pg_stat_statements'));

-- Client connections to the server by application name and state. The
-- functions name their pools `mynatca-<function>` (shared/db_pool.ts), so
-- each function's pool use shows on its own rows. Security definer for the
-- same reason as above: without it, service_role would see the state of its
-- own sessions only.
create or replace function private.connection_usage()
returns table (
  database name, application_name text, state text, connections integer,
  max_connections integer, share_of_max numeric, all_connections integer, all_share_of_max numeric)
language sql stable security definer
set search_path = ''
as $$
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
revoke all on function private.connection_usage() from public;
grant execute on function private.connection_usage() to service_role;

create or replace view monitoring.connection_usage as
  select * from private.connection_usage();

-- Dead tuples, and the last vacuum and analyze (by hand and by autovacuum),
-- for every table of both environments' pairs of schemas.
create or replace view monitoring.table_health as
  select schemaname as schema_name, relname as table_name,
         n_live_tup as live_tuples, n_dead_tup as dead_tuples,
         round(n_dead_tup::numeric / nullif(n_live_tup + n_dead_tup, 0), 4) as dead_ratio,
         n_mod_since_analyze as modified_since_analyze,
         last_vacuum, last_autovacuum, last_analyze, last_autoanalyze,
         vacuum_count, autovacuum_count, analyze_count, autoanalyze_count
  from pg_stat_user_tables
  where schemaname in ('public', 'dev', 'discord', 'discord_dev');

revoke all on monitoring.cache_hit_ratio, monitoring.index_usage, monitoring.slow_statements,
  monitoring.connection_usage, monitoring.table_health from public, anon, authenticated;
grant select on monitoring.cache_hit_ratio, monitoring.index_usage, monitoring.slow_statements,
  monitoring.connection_usage, monitoring.table_health to service_role;

-- The health check every HEALTH_CHECK_INTERVAL (300000 ms): every 5 minutes,
-- in both environments. cron.schedule() with an existing name replaces the
-- job, so this file, like the schedules file, can be run again as it is.
select cron.schedule('mynatca-health-production', '*/5 * * * *',
  $$select private.check_sync_health('production')$$);
select cron.schedule('mynatca-health-development', '*/5 * * * *',
  $$select private.check_sync_health('development')$$);
