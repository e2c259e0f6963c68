-- The operators' monitoring views: readable by service_role, with rows;
-- refused to anon and authenticated; the two sync views count as health does.
begin;
select plan(21);

select views_are('monitoring', array['connection_count', 'database_size', 'table_sizes',
  'cache_hit_ratio', 'index_usage', 'slow_statements', 'connection_usage', 'table_health',
  'sync_success_rate', 'last_successful_sync', 'alert_deliveries']);

-- Run-level rows of the last 24 h in development: three successes (one of
-- them partial) and one failure; a health-check alert and a table's row are no runs.
delete from dev.sync_logs;
insert into dev.sync_logs (sync_id, table_name, operation, status, created_at) values
  (gen_random_uuid(), null, 'sync_complete', 'completed', now() - interval '3 hours'),
  (gen_random_uuid(), null, 'sync_complete', 'completed', now() - interval '2 hours'),
  (gen_random_uuid(), null, 'sync_complete', 'partial', now() - interval '1 hour'),
  (gen_random_uuid(), null, 'sync_error', 'failed', now() - interval '30 minutes'),
  (gen_random_uuid(), null, 'sync_error', 'failed', now() - interval '25 hours'),
  (gen_random_uuid(), 'health_check', 'sync_error', 'unhealthy', now()),
  (gen_random_uuid(), 'members', 'sync_complete', 'completed', now());

set local role service_role;
select isnt_empty('select * from monitoring.connection_count', 'service_role reads connection_count');
select isnt_empty('select * from monitoring.database_size', 'service_role reads database_size');
select isnt_empty($$select * from monitoring.table_sizes where schema_name = 'dev' and table_name = 'members'$$,
  'service_role reads table_sizes, which lists the environments'' tables');
select isnt_empty('select * from monitoring.sync_success_rate', 'service_role reads sync_success_rate');
select isnt_empty('select * from monitoring.last_successful_sync', 'service_role reads last_successful_sync');
select set_eq('select environment from monitoring.sync_success_rate',
  array['production', 'development'], 'sync_success_rate has one row per environment');
select set_eq('select environment from monitoring.last_successful_sync',
  array['production', 'development'], 'last_successful_sync has one row per environment');
select results_eq($$select runs, successful, success_rate from monitoring.sync_success_rate
                    where environment = 'development'$$,
  $$values (4, 3, 0.7500::numeric)$$,
  'success rate: completed and partial runs of the last 24 h, over all runs of the last 24 h');
select results_eq($$select last_success_at from monitoring.last_successful_sync
                    where environment = 'development'$$,
  $$select max(created_at) from dev.sync_logs where table_name is null and status = 'completed'$$,
  'last success: the newest completed run, not a partial run or a table''s row');
reset role;


set local role anon;
select throws_ok('select 1 from monitoring.connection_count', '42501', null, 'anon: connection_count');
select throws_ok('select 1 from monitoring.database_size', '42501', null, 'anon: database_size');
select throws_ok('select 1 from monitoring.table_sizes', '42501', null, 'anon: table_sizes');
select throws_ok('select 1 from monitoring.sync_success_rate', '42501', null, 'anon: sync_success_rate');
select throws_ok('select 1 from monitoring.last_successful_sync', '42501', null, 'anon: last_successful_sync');
reset role;

do $$ begin
  perform set_config('request.jwt.claims',
    '{"role":"authenticated","sub":"auth0|M1","https://mynatca.org/member_number":"M1"}', true);
end $$;
set local role authenticated;
select throws_ok('select 1 from monitoring.connection_count', '42501', null, 'authenticated: connection_count');
select throws_ok('select 1 from monitoring.database_size', '42501', null, 'authenticated: database_size');
select throws_ok('select 1 from monitoring.table_sizes', '42501', null, 'authenticated: table_sizes');
select throws_ok('select 1 from monitoring.sync_success_rate', '42501', null, 'authenticated: sync_success_rate');
select throws_ok('select 1 from monitoring.last_successful_sync', '42501', null, 'authenticated: last_successful_sync');
reset role;

select ok(not has_schema_privilege('public', 'monitoring', 'usage'), 'no one else may use monitoring');

select * from finish();
rollback;
