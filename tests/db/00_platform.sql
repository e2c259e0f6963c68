-- The local platform layer behaves like Supabase's where the project relies on it.
begin;
select plan(12);

select has_role('anon');
select has_role('authenticated');
select has_role('service_role');
select has_role('authenticator');
select ok((select rolbypassrls from pg_roles where rolname = 'service_role'), 'service_role bypasses RLS');
select ok(not (select rolbypassrls from pg_roles where rolname = 'anon'), 'anon does not bypass RLS');

-- PostgREST sets the claims per request as a transaction-local setting.
select set_config('request.jwt.claims',
  '{"sub":"7d3c0b1e-0000-4000-8000-000000000001","role":"authenticated","https://mynatca.org/member_number":"P100"}',
  true);
select is(auth.jwt() ->> 'https://mynatca.org/member_number', 'P100', 'auth.jwt() returns the claims');
select is(auth.uid(), '7d3c0b1e-0000-4000-8000-000000000001'::uuid, 'auth.uid() is sub');
select is(auth.role(), 'authenticated', 'auth.role() is the role claim');

-- service_role sees every row of an RLS table; anon sees none.
insert into public.members (member_number, first_name, last_name, status)
values ('P100', 'Pat', 'Platform', 'active');
set local role service_role;
select ok((select count(*) from public.members where member_number = 'P100') = 1,
  'service_role reads past RLS');
reset role;
set local role anon;
select throws_ok('select count(*) from public.members', '42501', null, 'anon cannot read members');
reset role;

select ok(exists (select from pg_publication where pubname = 'supabase_realtime'),
  'supabase_realtime publication exists');

select * from finish();
rollback;
