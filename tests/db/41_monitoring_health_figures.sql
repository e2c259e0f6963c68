-- The design's health figures: each view has rows for service_role and is
-- refused to everyone else; slow_statements shows a statement run here, and
-- is empty (never an error) without pg_stat_statements; connection_usage
-- shows this session; the health job runs every 5 minutes in both environments.
begin;
select plan(42);

-- A statement slow enough to rank among the slowest by mean time. The
-- table's name is in its text; a temporary table is a new table (a new
-- statement for pg_stat_statements) on every run.
create temporary table monitoring_probe (v integer) on commit drop;
insert into monitoring_probe values (1);
select pg_sleep(0.5) from monitoring_probe;

-- An index nobody has scanned, and a unique one, to see how `unused` flags them.
create table private.monitoring_index_probe (id integer primary key, v integer);
create index monitoring_index_probe_v on private.monitoring_index_probe (v);

set local role service_role;
select is(array(select kind from monitoring.cache_hit_ratio order by kind),
  array['indexes', 'tables'], 'service_role reads cache_hit_ratio: one row for tables, one for indexes');
select ok((select bool_and(ratio between 0 and 1) from monitoring.cache_hit_ratio where ratio is not null)
  and (select count(*) from monitoring.cache_hit_ratio where ratio is not null) > 0,
  'cache_hit_ratio: ratios between 0 and 1');
select isnt_empty($$select * from monitoring.index_usage where schema_name = 'dev' and table_name = 'members'$$,
  'service_role reads index_usage, which lists the environments'' indexes');
select is((select string_agg(format('%s scans=%s unused=%s', index_name, scans, unused), '; '
                          order by index_name)
           from monitoring.index_usage where table_name = 'monitoring_index_probe'),
  'monitoring_index_probe_pkey scans=0 unused=f; monitoring_index_probe_v scans=0 unused=t',
  'index_usage: an unscanned index is unused, an unscanned unique one is not');
select isnt_empty($$select * from monitoring.slow_statements where query like '%pg_sleep%monitoring_probe%'$$,
  'service_role reads slow_statements, which shows the statement this test ran');
select ok((select bool_or(mean_ms >= 500 and calls >= 1 and mean_rank <= 50) from monitoring.slow_statements
           where query like '%pg_sleep%monitoring_probe%'),
  'slow_statements: the statement''s calls, its mean time and its rank by mean');
select isnt_empty($$select * from monitoring.connection_usage
                    where application_name = current_setting('application_name')
                      and state = 'active' and database = current_database()$$,
  'service_role reads connection_usage, with the state of this session');
select ok((select bool_and(max_connections = current_setting('max_connections')::integer
                           and all_connections >= connections
                           and all_share_of_max = round(all_connections::numeric / max_connections, 4))
           from monitoring.connection_usage),
  'connection_usage: counts against max_connections');
select set_eq('select distinct schema_name::text from monitoring.table_health',
  array['public', 'dev', 'discord', 'discord_dev'], 'service_role reads table_health, for both pairs of schemas');
select isnt_empty($$select * from monitoring.table_health
                    where schema_name = 'discord_dev' and table_name = 'verification_requests'$$,
  'table_health lists each environment''s tables');
reset role;

-- Without pg_stat_statements (not installed: its schema is null; or no such
-- view in that schema) and with it installed but not preloaded: empty.
select is_empty('select * from private.statement_stats(null)',
  'slow statements without the extension: empty');
select is_empty($$select * from private.statement_stats('private')$$,
  'slow statements from a schema without pg_stat_statements: empty');
create schema monitoring_not_loaded;
create function monitoring_not_loaded.fail() returns boolean language plpgsql as $$
begin
  raise exception 'pg_stat_statements must be loaded via shared_preload_libraries'
    using errcode = 'object_not_in_prerequisite_state';
end $$;
create view monitoring_not_loaded.pg_stat_statements as
  select 0::oid as userid, (select oid from pg_database where datname = current_database()) as dbid, 0::bigint as queryid, ''::text as query,
         0::bigint as calls, 0::float8 as total_exec_time, 0::float8 as mean_exec_time,
         0::float8 as max_exec_time, 0::bigint as rows, 0::bigint as shared_blks_hit,
         0::bigint as shared_blks_read
  where monitoring_not_loaded.fail();
select is_empty($$select * from private.statement_stats('monitoring_not_loaded')$$,
  'slow statements when the extension is installed but not preloaded: empty, not an error');
select is((select count(*)::integer from pg_depend d
           join pg_rewrite r on d.classid = 'pg_rewrite'::regclass and d.objid = r.oid
           join pg_depend e on e.classid = d.refclassid and e.objid = d.refobjid
             and e.refclassid = 'pg_extension'::regclass
           where r.ev_class = 'monitoring.slow_statements'::regclass), 0,
  'slow_statements depends on no extension object, so it exists with or without pg_stat_statements');

-- Nobody else: no schema usage, no privilege on the views or their functions.
set local role anon;
select throws_ok('select 1 from monitoring.cache_hit_ratio', '42501', null, 'anon: cache_hit_ratio');
select throws_ok('select 1 from monitoring.index_usage', '42501', null, 'anon: index_usage');
select throws_ok('select 1 from monitoring.slow_statements', '42501', null, 'anon: slow_statements');
select throws_ok('select 1 from monitoring.connection_usage', '42501', null, 'anon: connection_usage');
select throws_ok('select 1 from monitoring.table_health', '42501', null, 'anon: table_health');
reset role;

do $$ begin
  perform set_config('request.jwt.claims',
    '{"role":"authenticated","sub":"auth0|M1","https://mynatca.org/member_number":"M1"}', true);
end $$;
set local role authenticated;
select throws_ok('select 1 from monitoring.cache_hit_ratio', '42501', null, 'authenticated: cache_hit_ratio');
select throws_ok('select 1 from monitoring.index_usage', '42501', null, 'authenticated: index_usage');
select throws_ok('select 1 from monitoring.slow_statements', '42501', null, 'authenticated: slow_statements');
select throws_ok('select 1 from monitoring.connection_usage', '42501', null, 'authenticated: connection_usage');
select throws_ok('select 1 from monitoring.table_health', '42501', null, 'authenticated: table_health');
select throws_ok('select 1 from private.connection_usage()', '42501', null,
  'authenticated: the connection_usage function');
select throws_ok('select 1 from private.statement_stats(null)', '42501', null,
  'authenticated: the statement_stats function');
reset role;

-- pgTAP lives in `extensions`; the bot may use that schema for this test only.
grant usage on schema extensions to discord_bot;
set local role discord_bot;
select throws_ok('select 1 from monitoring.cache_hit_ratio', '42501', null, 'discord_bot: cache_hit_ratio');
select throws_ok('select 1 from monitoring.index_usage', '42501', null, 'discord_bot: index_usage');
select throws_ok('select 1 from monitoring.slow_statements', '42501', null, 'discord_bot: slow_statements');
select throws_ok('select 1 from monitoring.connection_usage', '42501', null, 'discord_bot: connection_usage');
select throws_ok('select 1 from monitoring.table_health', '42501', null, 'discord_bot: table_health');
reset role;

-- Grants, whoever holds schema usage: only service_role (and the owner).
select is(array(select r from unnest(array['anon', 'authenticated', 'discord_bot', 'authenticator']) r
                where has_table_privilege(r, 'monitoring.' || v, 'select')
                   or has_function_privilege(r, 'private.connection_usage()', 'execute')
                   or has_function_privilege(r, 'private.statement_stats(regnamespace)', 'execute')
                order by r),
          '{}'::text[], 'no API role but service_role holds select on ' || v || ' or its functions')
from unnest(array['cache_hit_ratio', 'index_usage', 'slow_statements', 'connection_usage',
                  'table_health']) v;
select ok(has_table_privilege('service_role', 'monitoring.' || v, 'select'),
          'service_role holds select on ' || v)
from unnest(array['cache_hit_ratio', 'index_usage', 'slow_statements', 'connection_usage',
                  'table_health']) v;

-- HEALTH_CHECK_INTERVAL=300000 ms.
select set_eq($$select jobname::text, schedule::text from cron.job where jobname like 'mynatca-health-%'$$,
  $$values ('mynatca-health-production', '*/5 * * * *'), ('mynatca-health-development', '*/5 * * * *')$$,
  'the health job runs every 5 minutes in both environments');

select * from finish();
rollback;
