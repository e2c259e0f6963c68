-- The Discord role policy's objects in both environments: who may read and
-- write them (as PostgREST runs a request), the rules' semantics on a small
-- fixture, and the nickname's fit to Discord's 32 characters.
begin;
select plan(40);

-- Fixtures (as the owner), in both environments.
select private.apply_to_environments($ddl$
  insert into %1$I.regions (region_code, region_name) values ('QR1', 'Q One'), ('QR2', 'Q Two');
  insert into %1$I.facilities (facility_code, facility_name, region_code)
  values ('QF1', 'Q Center', 'QR1'), ('QF2', 'Q Tower', 'QR2');
  insert into %1$I.members (member_number, first_name, last_name, status, facility_code, region_code,
                            member_type_id, discord_id, discord_verified)
  values ('Q1', 'Quinn', 'One', 'active', 'QF1', 'QR1', 1, '41000000000000001', true),
         ('Q2', 'Quill', 'Two', 'active', 'QF2', 'QR2', 2, '41000000000000002', true),
         ('Q3', 'Quade', 'Three', 'retired', 'QF1', 'QR1', 1, '41000000000000003', true),
         ('Q4', 'Quorra', 'Four', 'active', 'QF1', 'QR1', 1, null, false);
  -- Q2 is FacRep of QF1 while a member of QF2; Q4 is not linked.
  insert into %1$I.positions (source_id, member_number, position_type, facility_code, active)
  values (970001, 'Q2', 'facrep', 'QF1', true), (970002, 'Q1', 'facrep', 'QF1', false),
         (970003, 'Q4', 'facrep', 'QF1', true), (970004, 'Q1', 'regional', 'QF2', true);
  insert into %2$I.guilds (guild_id, name, nickname_template)
  values ('42000000000000001', 'Q Guild', '{first_name} {last_name} | {facility_code}');
  insert into %2$I.role_rules (guild_id, role_id, description, member_statuses, position_types,
                               facility_codes, region_codes, member_type_ids)
  values ('42000000000000001', '300000000000000001', 'member', '{active}', null, null, null, null),
         ('42000000000000001', '300000000000000002', 'QF1 facrep', '{active}', '{facrep}', '{QF1}', null, null),
         ('42000000000000001', '300000000000000003', 'QR1 members', '{active}', null, null, '{QR1}', null),
         ('42000000000000001', '300000000000000004', 'retirees', '{retired}', null, null, null, null),
         ('42000000000000001', '300000000000000005', 'type 2', null, null, null, null, '{2}'),
         ('42000000000000001', '300000000000000006', 'regional of QR2', '{active}', '{regional}', null, '{QR2}', null),
         ('42000000000000001', '3000000000000000007', 'longer id sorts last', '{active}', null, '{QF2}', null, null);
$ddl$);

-- What each linked member holds, in both environments.
select results_eq(
  format($$select member_number, role_ids from %I.member_roles where member_number like 'Q_' order by member_number$$, s),
  $$values ('Q1'::text, array['300000000000000001', '300000000000000003', '300000000000000006']),
           ('Q2', array['300000000000000001', '300000000000000002', '300000000000000005',
                        '3000000000000000007']),
           ('Q3', array['300000000000000004'])$$,
  'member_roles: own facility and region, a position''s facility and its region, status, type: ' || s)
from (values ('discord'), ('discord_dev')) v(s) order by s;
select results_eq(format($$select count(*)::int from %I.managed_roles$$, s), 'values (7)',
  'managed_roles lists every role a rule names: ' || s)
from (values ('discord'), ('discord_dev')) v(s) order by s;
select is((select nickname from discord.member_roles where member_number = 'Q1'), 'Quinn One | QF1',
  'nickname from the template');
select results_eq($$select count(*)::int from discord.member_events
                    where kind = 'roles_changed' and member_number like 'Q_'$$, 'values (3)',
  'the rule inserts wrote one roles_changed event per linked member');
select is((select count(*)::int from discord.member_events
           where kind = 'roles_changed' and member_number = 'Q4'), 0, 'nothing for a member not linked');

-- A rule deactivated: its role goes, and stays managed.
update discord.role_rules set active = false where description = 'retirees';
select is((select role_ids from discord.member_roles where member_number = 'Q3'), '{}'::text[],
  'a deactivated rule gives nothing');
select ok(exists (select 1 from discord.managed_roles where role_id = '300000000000000004'),
  'a deactivated rule''s role is still managed');
select is((select details from discord.member_events where member_number = 'Q3' order by id desc limit 1),
  '{"guild_id": "42000000000000001", "added": [], "removed": ["300000000000000004"], "cause": "rule"}'::jsonb,
  'its removal is in the feed');

-- The nickname's fit (32 characters).
select is(discord.nickname_for('{first_name} {last_name} | {facility_code}', 'Alexandrina', 'Montgomery-Smith', 'ZTL', 'NSO', '1'),
  'Alexandrina Montgomery-Smith', 'too long: what follows the last | goes');
select is(discord.nickname_for('{first_name} {last_name} | {facility_code}', 'Maximiliana', 'Featherstonehaugh-Worth', 'ZTL', 'NSO', '1'),
  'M. Featherstonehaugh-Worth', 'still too long: the first name becomes its initial');
select is(char_length(discord.nickname_for('{first_name} {last_name}', 'A', repeat('b', 40), null, null, '1')), 32,
  'still too long: cut at 32');
select is(discord.nickname_for('{first_name} {last_name} | {facility_code}', 'Jo', 'Li', null, null, '1'), 'Jo Li',
  'an empty value leaves no dangling separator');
select is(discord.nickname_for('{member_number}  {region_code}', E'x', 'y', 'F', E'N\u0001SO{', '12'), '12 NSO',
  'control characters and braces are dropped, white space collapsed');
select is(discord.nickname_for(null, 'Jo', 'Li', 'ZTL', null, '1'), null, 'no template: no nickname');
select is(discord.nickname_for('{facility_code}', 'Jo', 'Li', null, null, '1'), null, 'empty: null');

-- Refused rules.
select throws_ok($$insert into discord.role_rules (guild_id, role_id, position_types) values ('42000000000000001', '300000000000000009', '{}')$$,
  '23514', null, 'an empty list is refused (null means any)');
select throws_ok($$insert into discord.role_rules (guild_id, role_id, grace_days) values ('42000000000000001', '300000000000000009', 91)$$,
  '23514', null, 'grace_days at most 90');
select throws_ok($$insert into discord.role_rules (guild_id, role_id) values ('42000000000000001', '012345678901234567')$$,
  '23514', null, 'role_id is a snowflake');
select throws_ok($$insert into discord.role_rules (guild_id, role_id) values ('49999999999999999', '300000000000000009')$$,
  '23503', null, 'a rule names a known guild');

-- The bot reads every object of the policy and writes none.
grant usage on schema extensions to discord_bot, authenticated, anon;
select set_config('request.jwt.claims', '{"role":"discord_bot","iss":"supabase"}', true);
set local role discord_bot;
select ok((select count(*) from discord_dev.member_roles where member_number like 'Q_') = 3, 'bot reads member_roles');
select lives_ok(format('select 1 from %I.%I', s, t), format('bot reads %s.%s', s, t))
from (values ('discord'), ('discord_dev')) v(s),
     unnest(array['guilds', 'role_rules', 'role_grace', 'role_rule_matches', 'managed_roles']) t
where t in ('guilds', 'role_rules') or s = 'discord'
order by s, t;
select throws_ok($$insert into discord.guilds (guild_id, name) values ('42000000000000002', 'x')$$,
  '42501', null, 'bot: cannot write guilds');
select throws_ok($$update discord.role_rules set active = true$$, '42501', null, 'bot: cannot write rules');
select throws_ok($$delete from discord.role_grace$$, '42501', null, 'bot: cannot write grace periods');
select throws_ok($$select private.discord_roles_end_grace()$$, '42501', null, 'bot: cannot run the grace job');
reset role;

-- Members and anon see nothing of it.
select set_config('request.jwt.claims',
  '{"role":"authenticated","sub":"auth0|q1","https://mynatca.org/member_number":"Q1"}', true);
set local role authenticated;
select throws_ok(format('select 1 from %I.%I', 'discord', t), '42501', null, 'member: no ' || t)
from unnest(array['guilds', 'role_rules', 'member_roles', 'managed_roles']) t order by t;
reset role;
select set_config('request.jwt.claims', '{"role":"anon"}', true);
set local role anon;
select throws_ok('select 1 from discord_dev.member_roles', '42501', null, 'anon: no member_roles');
reset role;

-- The refresh is planned for each call's members: a session's generic plan
-- made a rule edit over every linked member quadratic at the benchmark's
-- 20,000 linked members (20261208000200_roles_refresh_plans.sql; measured by
-- bench/roles_bench.ts, whose rule-edit goal it missed without this).
select ok((select proconfig @> array['plan_cache_mode=force_custom_plan'] from pg_proc
           where oid = 'private.discord_roles_refresh(text[], text, text, text)'::regprocedure),
          'production''s refresh is planned for its members');
select ok((select proconfig @> array['plan_cache_mode=force_custom_plan'] from pg_proc
           where oid = 'private.discord_dev_roles_refresh(text[], text, text, text)'::regprocedure),
          'development''s refresh is planned for its members');

select * from finish();
rollback;
