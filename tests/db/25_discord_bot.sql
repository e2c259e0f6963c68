-- The discord_bot role, as PostgREST and Realtime run it: `set local role
-- discord_bot` with the JWT's claims for the transaction. It reads the
-- tables the bot needs in both environments, and nothing else; it writes
-- nothing.
begin;
select plan(99);

-- Fixtures (as the owner), in both environments.
insert into public.members (member_number, first_name, last_name, status, discord_id, discord_verified)
values ('B1', 'Bo', 'One', 'active', '31111111111111111', true), ('B2', 'Bea', 'Two', 'retired', '32222222222222222', true);
insert into dev.members (member_number, first_name, last_name, status)
values ('B1', 'Bo', 'One', 'active');
insert into public.positions (source_id, member_number, position_type) values (910001, 'B1', 'facrep');
insert into public.facilities (facility_code, facility_name) values ('BBB', 'Bot Center');
insert into public.regions (region_code, region_name) values ('NBB', 'Bot Region');
insert into discord.verification_requests (discord_id, discord_username, expires_at)
values ('33333333333333333', 'asker', now() + interval '30 minutes');
insert into public.sync_logs (sync_id, operation) values (gen_random_uuid(), 'sync_start');
-- Two validation runs: only the latest one's ineligible links are the bot's.
insert into discord.validation_summaries (run_id, started_at, finished_at) values
  ('00000000-0000-4000-8000-0000000000a1', now() - interval '1 day', now() - interval '1 day'),
  ('00000000-0000-4000-8000-0000000000a2', now(), now());
insert into discord.validation_logs (run_id, member_number, discord_id, result) values
  ('00000000-0000-4000-8000-0000000000a1', 'B2', '32222222222222222', 'inactive'),
  ('00000000-0000-4000-8000-0000000000a2', 'B1', '31111111111111111', 'eligible'),
  ('00000000-0000-4000-8000-0000000000a2', 'B2', '32222222222222222', 'inactive');
-- The newest run's ineligible B2 had no event yet: validation wrote its became_ineligible.
insert into discord.member_events (member_number, discord_id, kind, source)
values ('B1', '31111111111111111', 'linked', 'complete-verification');

select has_role('discord_bot');
select ok(not (select rolcanlogin from pg_roles where rolname = 'discord_bot'), 'discord_bot cannot log in');
select ok(not (select rolbypassrls from pg_roles where rolname = 'discord_bot'), 'discord_bot does not bypass RLS');
select ok(pg_has_role('authenticator', 'discord_bot', 'member'),
  'authenticator may switch to discord_bot (the Data API and Realtime do)');

-- pgTAP lives in `extensions`; the bot role needs it only to run these
-- assertions (rolled back with the test).
grant usage on schema extensions to discord_bot;
select set_config('request.jwt.claims', '{"role":"discord_bot","iss":"supabase"}', true);
set local role discord_bot;

-- Reads, in both environments.
select ok((select count(*) from public.members where member_number in ('B1', 'B2')) = 2, 'bot reads every member');
select ok((select count(*) from dev.members where member_number = 'B1') = 1, 'bot reads development members');
select ok((select count(*) from public.positions where source_id = 910001) = 1, 'bot reads positions');
select lives_ok('select 1 from dev.positions', 'bot reads development positions');
select ok((select count(*) from public.facilities where facility_code = 'BBB') = 1, 'bot reads facilities');
select lives_ok('select 1 from dev.facilities', 'bot reads development facilities');
select ok((select count(*) from public.regions where region_code = 'NBB') = 1, 'bot reads regions');
select lives_ok('select 1 from dev.regions', 'bot reads development regions');
select ok((select count(*) from discord.verification_requests where discord_id = '33333333333333333') = 1,
  'bot reads verification requests');
select lives_ok('select 1 from discord_dev.verification_requests', 'bot reads development verification requests');
select results_eq($$select member_number, result from discord.ineligible_links$$,
  $$values ('B2'::text, 'inactive'::text)$$, 'bot reads the latest ineligible links');
select lives_ok('select 1 from discord_dev.ineligible_links', 'bot reads development ineligible links');
select ok((select count(*) from discord.validation_summaries) >= 2, 'bot reads validation summaries');
select lives_ok('select 1 from discord_dev.validation_summaries', 'bot reads development validation summaries');
select results_eq($$select member_number, kind from discord.member_events
                    where member_number in ('B1', 'B2') order by id$$,
  $$values ('B1'::text, 'positions_changed'::text), ('B2', 'became_ineligible'),
           ('B2', 'became_ineligible'), ('B1', 'linked')$$,
  'bot reads member events (the fixtures'' position and validation runs wrote theirs)');
-- This file's fixtures belong to a transaction still in flight (this one),
-- so the since-function holds them back.
select is((select count(*)::int from discord.member_events_since(0) where member_number in ('B1', 'B2')),
  0, 'member_events_since holds back the events of a transaction in flight');
select lives_ok('select 1 from discord_dev.member_events', 'bot reads development member events');
select lives_ok('select * from discord_dev.member_events_since(0, 10)',
  'bot calls the development member_events_since');
select results_eq($$select member_number, result, run_id::text from discord.validation_logs$$,
  $$values ('B2'::text, 'inactive'::text, '00000000-0000-4000-8000-0000000000a2'::text)$$,
  'validation_logs shows the bot no more than ineligible_links does');

-- Members without contact data: every column but email, source_email,
-- auth0_user_id and last_auth0_sync, in both environments.
select lives_ok(format('select %s from %I.members', array_to_string(array[
    'id', 'member_number', 'first_name', 'last_name', 'facility_code', 'facility_name',
    'region_code', 'region_name', 'member_type_id', 'member_type', 'status', 'discord_id',
    'discord_username', 'discord_verified', 'verified_at', 'last_sync', 'created_at', 'updated_at'], ', '), s),
  'bot reads every member column but the contact data: ' || s)
from (values ('public'), ('dev')) v(s) order by s;
select throws_ok(format('select %I from %I.members', c, s), '42501', null,
  format('bot cannot read members.%s: %s', c, s))
from (values ('public'), ('dev')) v(s),
     unnest(array['email', 'source_email', 'auth0_user_id', 'last_auth0_sync']) c
order by s, c;
select throws_ok(format('select count(email) from %I.members', s), '42501', null,
  'bot cannot count emails: ' || s)
from (values ('public'), ('dev')) v(s) order by s;
select throws_ok(format('select * from %I.members', s), '42501', null,
  'bot cannot select * from members (it names its columns): ' || s)
from (values ('public'), ('dev')) v(s) order by s;
select throws_ok($$select member_number from public.members where email = 'x@example.org'$$, '42501', null,
  'bot cannot filter members by email');
select ok((select count(*) from public.members where member_number in ('B1', 'B2')) = 2,
  'bot still counts members (count(*) needs no contact column)');

-- Writes: none, anywhere.
select throws_ok($$insert into public.members (member_number, first_name, last_name) values ('X', 'a', 'b')$$,
  '42501', null, 'bot cannot insert members');
select throws_ok($$update public.members set discord_id = null where member_number = 'B1'$$,
  '42501', null, 'bot cannot unlink in SQL');
select throws_ok($$update public.members set email = 'x@example.org'$$, '42501', null,
  'bot cannot update members');
select throws_ok($$delete from public.members$$, '42501', null, 'bot cannot delete members');
select throws_ok($$update dev.members set status = 'active'$$, '42501', null, 'bot cannot update development members');
select throws_ok($$insert into public.positions (source_id, member_number, position_type) values (1, 'B1', 'neb')$$,
  '42501', null, 'bot cannot insert positions');
select throws_ok($$update public.facilities set active = false$$, '42501', null, 'bot cannot update facilities');
select throws_ok($$delete from public.regions$$, '42501', null, 'bot cannot delete regions');
select throws_ok($$insert into discord.verification_requests (discord_id, discord_username, expires_at)
  values ('34444444444444444', 'x', now())$$, '42501', null, 'bot cannot create requests in SQL');
select throws_ok($$update discord.verification_requests set status = 'completed'$$, '42501', null,
  'bot cannot complete requests in SQL');
select throws_ok($$delete from discord_dev.verification_requests$$, '42501', null,
  'bot cannot delete development requests');
select throws_ok($$insert into discord.validation_summaries (sync_id) values (null)$$, '42501', null,
  'bot cannot write validation summaries');
select throws_ok($$delete from discord.validation_logs$$, '42501', null, 'bot cannot delete validation logs');
select throws_ok($$insert into discord.member_events (member_number, discord_id, kind, source)
  values ('B1', '31111111111111111', 'linked', 'sync')$$, '42501', null, 'bot cannot write member events');
select throws_ok($$delete from discord_dev.member_events$$, '42501', null,
  'bot cannot delete development member events');

-- Nothing else: sync logs, cursor, audit, monitoring, private, cron, net, vault.
select throws_ok('select 1 from public.sync_logs', '42501', null, 'bot: no sync_logs');
select throws_ok('select 1 from dev.sync_logs', '42501', null, 'bot: no development sync_logs');
select throws_ok('select 1 from public.sync_cursor', '42501', null, 'bot: no sync_cursor');
select throws_ok('select 1 from discord.discord_link_audit', '42501', null, 'bot: no link audit');
select throws_ok('select 1 from discord_dev.discord_link_audit', '42501', null, 'bot: no development link audit');
select throws_ok('select 1 from monitoring.last_successful_sync', '42501', null, 'bot: no monitoring');
select throws_ok('select 1 from monitoring.connection_count', '42501', null, 'bot: no monitoring views');
select throws_ok($$select private.invoke_function('sync')$$, '42501', null, 'bot: cannot invoke functions');
select throws_ok($$select * from private.discord_complete_verification(gen_random_uuid(), 'B1', 'x', true)$$,
  '42501', null, 'bot: cannot complete verifications in SQL');
select throws_ok($$select * from private.discord_unlink_discord('B1', null, 'bot', null, null)$$,
  '42501', null, 'bot: cannot unlink in SQL');
select throws_ok('select 1 from private.health_checks', '42501', null, 'bot: no private tables');
select throws_ok('select 1 from cron.job', '42501', null, 'bot: no cron jobs');
select throws_ok($$select cron.schedule('x', '* * * * *', 'select 1')$$, '42501', null, 'bot: cannot schedule');
-- As on hosted Supabase, pg_net's queue belongs to PUBLIC and the platform's
-- grant cannot be revoked by a migration: what it holds must grant nothing
-- more than running the schedule (schedule_test.ts checks it carries only the
-- scheduler's key). Neither PostgREST nor Realtime exposes the net schema.
select lives_ok('select 1 from net.http_request_queue', 'bot: reads pg_net''s queue, as every role can on hosted');
select throws_ok($$select net.http_post('http://127.0.0.1:1/')$$, '42501', null, 'bot: cannot send HTTP');
select throws_ok('select 1 from vault.secrets', '42501', null, 'bot: no vault');
select throws_ok('select 1 from vault.decrypted_secrets', '42501', null, 'bot: no decrypted secrets');
reset role;

-- Grants as the catalog states them, for both pairs.
select ok(bool_and(has_table_privilege('discord_bot', t, 'select')), 'select granted: ' || s)
from (values ('public'), ('dev')) v(s),
     lateral (select format('%I.%I', s, x) as t from unnest(array['positions', 'facilities', 'regions']) x) q
group by s order by s;
-- members: a column grant, no table grant, so a column added later is not
-- the bot's until it is granted.
select ok(not has_table_privilege('discord_bot', format('%I.members', s), 'select'),
          'no table-wide select on members: ' || s)
from (values ('public'), ('dev')) v(s) order by s;
select is(array(select a.attname::text from pg_attribute a
                where a.attrelid = format('%I.members', s)::regclass and a.attnum > 0
                  and not a.attisdropped
                  and has_column_privilege('discord_bot', a.attrelid, a.attnum, 'select')
                order by a.attnum),
          array['id', 'member_number', 'first_name', 'last_name', 'facility_code', 'facility_name',
                'region_code', 'region_name', 'member_type_id', 'member_type', 'status', 'discord_id',
                'discord_username', 'discord_verified', 'verified_at', 'last_sync', 'created_at',
                'updated_at'],
          'the members columns the bot may select: ' || s)
from (values ('public'), ('dev')) v(s) order by s;
select ok(bool_and(has_table_privilege('discord_bot', t, 'select')), 'select granted: ' || s)
from (values ('discord'), ('discord_dev')) v(s),
     lateral (select format('%I.%I', s, x) as t
              from unnest(array['verification_requests', 'ineligible_links', 'validation_summaries', 'validation_logs',
                                'member_events']) x) q
group by s order by s;
-- On every relation of every kind, and column by column: a grant of one
-- column (update (discord_username)) is a write privilege too.
select ok(not bool_or(has_table_privilege('discord_bot', c.oid, 'insert, update, delete, truncate')),
          'no write privilege on any table of ' || n.nspname)
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where n.nspname in ('public', 'dev', 'discord', 'discord_dev') and c.relkind in ('r', 'p', 'v', 'm', 'f')
group by n.nspname order by n.nspname;
select ok(not bool_or(has_any_column_privilege('discord_bot', c.oid, 'insert, update')),
          'no write privilege on any column of ' || n.nspname)
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where n.nspname in ('public', 'dev', 'discord', 'discord_dev') and c.relkind in ('r', 'p', 'v', 'm', 'f')
group by n.nspname order by n.nspname;
select ok(not bool_or(has_sequence_privilege('discord_bot', c.oid, 'usage, update')),
          'no use of any sequence of ' || n.nspname)
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where n.nspname in ('public', 'dev', 'discord', 'discord_dev') and c.relkind = 'S'
group by n.nspname order by n.nspname;
select is((select count(distinct n.nspname)::int
           from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where n.nspname in ('public', 'dev', 'discord', 'discord_dev') and c.relkind = 'S'),
          4, 'every schema has sequences to check');
select ok(not has_table_privilege('discord_bot', format('%I.sync_logs', s), 'select'), 'no sync_logs in ' || s)
from (values ('public'), ('dev')) v(s) order by s;
select ok(has_function_privilege('discord_bot', format('%I.member_events_since(bigint, integer)', s), 'execute'),
          'member_events_since callable in ' || s)
from (values ('discord'), ('discord_dev')) v(s) order by s;
select ok(not has_schema_privilege('discord_bot', s, 'usage'), 'no usage on ' || s)
from (values ('private'), ('monitoring'), ('vault')) v(s) order by s;

select * from finish();
rollback;
