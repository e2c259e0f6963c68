-- Row level security and grants, exercised the way PostgREST runs a request:
-- `set local role <role>` and `request.jwt.claims` for the transaction.
begin;
select plan(26);

-- Fixtures (as the owner).
insert into public.members (member_number, first_name, last_name, status, email)
values ('R1', 'Riley', 'One', 'active', 'r1@example.org'),
       ('R2', 'Robin', 'Two', 'active', 'r2@example.org'),
       ('ADM', 'Avery', 'Admin', 'active', null);
insert into public.positions (source_id, member_number, position_type, active)
values (900001, 'R1', 'facrep', true), (900002, 'R2', 'committee', true),
       (900003, 'ADM', 'regional', true);
insert into public.facilities (facility_code, facility_name) values ('ZZZ', 'Test Center');
insert into public.regions (region_code, region_name) values ('NZZ', 'Test Region');
insert into public.sync_logs (sync_id, operation) values (gen_random_uuid(), 'sync_start');
insert into discord.verification_requests (discord_id, discord_username, expires_at, member_number)
values ('11111111111111111', 'r1', now() + interval '30 minutes', 'R1'),
       ('22222222222222222', 'r2', now() + interval '30 minutes', 'R2');

create function pg_temp.as_member(num text) returns void language sql as $$
  select set_config('request.jwt.claims',
    json_build_object('role', 'authenticated', 'sub', 'auth0|' || num,
                      'https://mynatca.org/member_number', num)::text, true);
  set local role authenticated;
$$;

-- anon: nothing at all.
set local role anon;
select throws_ok('select 1 from public.members', '42501', null, 'anon: members');
select throws_ok('select 1 from public.positions', '42501', null, 'anon: positions');
select throws_ok('select 1 from public.facilities', '42501', null, 'anon: facilities');
select throws_ok('select 1 from discord.verification_requests', '42501', null, 'anon: verification_requests');
select throws_ok($$update discord.verification_requests set status = 'completed'$$, '42501', null,
  'anon cannot complete a verification (the design document''s hole)');
select throws_ok('select 1 from public.sync_logs', '42501', null, 'anon: sync_logs');
reset role;

-- A member: their own row and positions only.
select pg_temp.as_member('R1');
select results_eq('select member_number from public.members', $$values ('R1')$$,
  'member reads only their own row');
select results_eq('select source_id from public.positions', $$values (900001)$$,
  'member reads only their own positions');
select results_eq($$select discord_id from discord.verification_requests$$,
  $$values ('11111111111111111'::text)$$, 'member reads only their own verification requests');
select ok((select count(*) from public.facilities where facility_code = 'ZZZ') = 1, 'member reads facilities');
select ok((select count(*) from public.regions where region_code = 'NZZ') = 1, 'member reads regions');
select lives_ok($$update public.members set email = 'new@example.org' where member_number = 'R1'$$,
  'member may change their email');
select is((select email from public.members where member_number = 'R1'), 'new@example.org', 'email changed');
select throws_ok($$update public.members set status = 'active' where member_number = 'R1'$$,
  '42501', null, 'member cannot change status');
select throws_ok($$update public.members set discord_id = '33333333333333333'$$,
  '42501', null, 'member cannot change discord_id');
select throws_ok($$update public.members set member_number = 'X'$$, '42501', null,
  'member cannot change member_number');
select throws_ok($$update public.members set facility_code = 'ZZZ'$$, '42501', null,
  'member cannot change facility');
select throws_ok($$update public.members set auth0_user_id = 'x', verified_at = now()$$, '42501', null,
  'member cannot change auth0_user_id or verified_at');
update public.members set email = 'hijack@example.org' where member_number = 'R2';
reset role;
select is((select email from public.members where member_number = 'R2'), 'r2@example.org',
  'a member cannot change another member''s row');
select pg_temp.as_member('R1');
select throws_ok($$insert into public.members (member_number, first_name, last_name) values ('N', 'a', 'b')$$,
  '42501', null, 'member cannot insert members');
select throws_ok($$delete from public.members$$, '42501', null, 'member cannot delete members');
select throws_ok('select 1 from public.sync_logs', '42501', null, 'member cannot read sync_logs');
reset role;

-- Another member sees another row.
select pg_temp.as_member('R2');
select results_eq('select member_number from public.members', $$values ('R2')$$, 'other member: own row');
reset role;

-- An admin (active regional position) reads every position, not every member.
select pg_temp.as_member('ADM');
select ok((select count(*) from public.positions where source_id between 900001 and 900003) = 3,
  'admin reads all positions (no policy recursion)');
select results_eq('select member_number from public.members', $$values ('ADM')$$,
  'admin still reads only their own member row');
reset role;

-- service_role: everything.
set local role service_role;
select ok((select count(*) from public.members where member_number in ('R1', 'R2', 'ADM')) = 3,
  'service_role reads all members');
reset role;

select * from finish();
rollback;
