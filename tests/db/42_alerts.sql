-- Alerts (20261208000100_alerts.sql): a sync_error row becomes an occurrence
-- in the same transaction, with its kind and code and only the named
-- details; other rows do not; nobody but the owner touches the private
-- tables; monitoring.alert_deliveries is service_role's only.
begin;
select plan(18);

delete from private.alert_occurrences;
delete from private.alert_digests;

insert into dev.sync_logs (sync_id, table_name, operation, status, error_details) values
  ('00000000-0000-0000-0000-000000000001', null, 'sync_error', 'failed',
   '{"reason": "the run failed", "code": "postgres:57014", "extra": "not copied"}'),
  ('00000000-0000-0000-0000-000000000002', null, 'sync_error', 'abandoned',
   '{"alert": "sync run abandoned", "reason": "5 invocations failed", "failures": 5}'),
  ('00000000-0000-0000-0000-000000000003', 'members', 'sync_error', 'deactivation_refused',
   '{"deactivation_refused": "would deactivate 900 of 1000", "rejected": [], "rejected_total": 0}'),
  ('00000000-0000-0000-0000-000000000004', 'health_check', 'sync_error', 'unhealthy',
   '{"status_code": null, "timed_out": true, "health": null}'),
  ('00000000-0000-0000-0000-000000000005', null, 'sync_error', 'something new', null),
  ('00000000-0000-0000-0000-000000000006', null, 'sync_complete', 'completed', null),
  ('00000000-0000-0000-0000-000000000007', 'members', 'sync_complete', 'completed',
   '{"rejected": [{"key": "1", "reason": "bad"}], "rejected_total": 1}');
insert into public.sync_logs (sync_id, table_name, operation, status, error_details) values
  ('00000000-0000-0000-0000-000000000008', 'health_check', 'sync_error', 'unhealthy',
   '{"status_code": 401, "health": null}');

select results_eq(
  $$select environment, kind, table_name, code from private.alert_occurrences
    where sync_id::text like '00000000-0000-0000-0000-00000000000%' order by sync_id$$,
  $$values ('development', 'failed', null::text, 'postgres:57014'),
           ('development', 'abandoned', null, 'sync:abandoned'),
           ('development', 'deactivation_refused', 'members', 'sync:deactivation_refused'),
           ('development', 'unhealthy', 'health_check', 'health:timeout'),
           ('development', 'failed', null, 'sync:failed'),
           ('production', 'unhealthy', 'health_check', 'health:401')$$,
  'each sync_error row is an occurrence of its environment, kind and code; other rows are none');
select is((select details from private.alert_occurrences
           where sync_id = '00000000-0000-0000-0000-000000000001'),
          '{"reason": "the run failed"}'::jsonb, 'only the named details are copied');
select is((select details from private.alert_occurrences
           where sync_id = '00000000-0000-0000-0000-000000000003'),
          '{"reason": "would deactivate 900 of 1000"}'::jsonb,
          'a refused deactivation''s reason is its message');

-- compose_alerts: no targets, still folded; a second occurrence within the window is counted.
select is(private.compose_alerts('development', interval '1 hour', interval '1 day', '[]'), 5,
          'five messages for five keys');
select is((select array_agg(day) from private.alert_digests where environment = 'development'),
          array[(now() at time zone 'UTC')::date - 1], 'a pass looks at yesterday''s digest, once');
insert into dev.sync_logs (sync_id, operation, status, error_details) values
  (gen_random_uuid(), 'sync_error', 'failed', '{"code": "postgres:57014"}');
select is(private.compose_alerts('development', interval '1 hour', interval '1 day',
                                 '[{"name": "ALERT_WEBHOOK_URL_DEVELOPMENT#1", "format": "discord"}]'),
          0, 'a repeat within the window is folded, not sent');
select is((select pending from private.alert_windows
           where environment = 'development' and code = 'postgres:57014'), 1,
          'the window counts it');
select is_empty($$select 1 from private.alert_occurrences where environment = 'development'$$,
                'occurrences are consumed');
select is((select count(*)::int from private.alert_deliveries d
           join private.alerts a on a.id = d.alert_id where a.environment = 'development'), 0,
          'messages composed without a webhook have no deliveries');
select is(private.compose_alerts('production', interval '1 hour', interval '1 day',
            '[{"name": "ALERT_WEBHOOK_URL#1", "format": "generic"}, {"name": "ALERT_WEBHOOK_URL#2", "format": "slack"}]'),
          1, 'production''s own message');
select results_eq($$select d.target, d.target_name, d.format, d.state from private.alert_deliveries d
                    join private.alerts a on a.id = d.alert_id
                    where a.environment = 'production' and a.code = 'health:401' order by 1$$,
  $$values (1, 'ALERT_WEBHOOK_URL#1', 'generic', 'pending'), (2, 'ALERT_WEBHOOK_URL#2', 'slack', 'pending')$$,
  'one delivery per target, named by index');

set local role service_role;
select isnt_empty($$select * from monitoring.alert_deliveries where code = 'health:401'$$,
                  'service_role reads alert_deliveries');
reset role;

set local role anon;
select throws_ok('select 1 from monitoring.alert_deliveries', '42501', null, 'anon: alert_deliveries');
reset role;
do $$ begin
  perform set_config('request.jwt.claims',
    '{"role":"authenticated","sub":"auth0|M1","https://mynatca.org/member_number":"M1"}', true);
end $$;
set local role authenticated;
select throws_ok('select 1 from monitoring.alert_deliveries', '42501', null,
                 'authenticated: alert_deliveries');
reset role;
-- pgTAP lives in `extensions`; the bot needs it only for these assertions (rolled back).
grant usage on schema extensions to discord_bot;
set local role discord_bot;
select throws_ok('select 1 from monitoring.alert_deliveries', '42501', null,
                 'discord_bot: alert_deliveries');
select throws_ok('select 1 from private.alerts', '42501', null, 'discord_bot: private.alerts');
reset role;
set local role service_role;
select throws_ok('select 1 from private.alert_deliveries', '42501', null,
                 'service_role reads the view, not the private tables');
reset role;
select is((select count(*)::int from information_schema.role_table_grants
           where table_schema = 'private' and table_name like 'alert%'
             and grantee in ('anon', 'authenticated', 'service_role', 'discord_bot', 'PUBLIC')), 0,
          'no API role holds a privilege on the alerts'' private tables');

select * from finish();
rollback;
