-- Tables, columns, keys, constraints, triggers, RLS and policies of the
-- production schemas (30_parity.sql proves the development pair identical).
begin;
select plan(76);

select tables_are('public', array['members', 'positions', 'facilities', 'regions', 'sync_logs', 'sync_cursor']);
select tables_are('discord', array['verification_requests', 'discord_link_audit', 'validation_logs', 'validation_summaries',
  'member_events', 'guilds', 'role_rules', 'role_grace']);
select views_are('discord', array['ineligible_links', 'role_rule_matches', 'member_roles', 'managed_roles']);

select columns_are('public', 'members', array['id', 'member_number', 'first_name', 'last_name', 'email', 'source_email',
  'facility_code', 'facility_name', 'region_code', 'region_name', 'member_type_id', 'member_type',
  'status', 'discord_id', 'discord_username', 'discord_verified', 'auth0_user_id', 'verified_at',
  'last_auth0_sync', 'last_sync', 'created_at', 'updated_at']);
select columns_are('public', 'positions', array['id', 'source_id', 'member_number', 'position_type',
  'position_title', 'facility_code', 'facility_name', 'start_date', 'end_date', 'active',
  'created_at', 'updated_at']);
select columns_are('public', 'facilities', array['id', 'facility_code', 'facility_name', 'facility_type',
  'region_code', 'region_name', 'active', 'member_count', 'created_at', 'updated_at']);
select columns_are('public', 'regions', array['id', 'region_code', 'region_name', 'active',
  'facility_count', 'member_count', 'created_at', 'updated_at']);
select columns_are('public', 'sync_logs', array['id', 'sync_id', 'table_name', 'operation', 'status',
  'records_processed', 'records_inserted', 'records_updated', 'records_unchanged',
  'records_deactivated', 'records_failed', 'records_succeeded', 'duration_ms', 'error_details',
  'created_at']);
select columns_are('discord', 'verification_requests', array['id', 'verification_id', 'discord_id', 'discord_username',
  'status', 'member_number', 'auth0_user_id', 'failure_reason', 'created_at', 'expires_at',
  'completed_at', 'updated_at']);
select columns_are('discord', 'discord_link_audit', array['id', 'member_number', 'action',
  'old_discord_id', 'new_discord_id', 'verification_id', 'auth0_user_id', 'requested_by', 'reason',
  'changed_at']);
select columns_are('discord', 'validation_summaries', array['run_id', 'sync_id', 'started_at',
  'finished_at', 'checked', 'eligible', 'inactive', 'missing', 'duration_ms']);
select columns_are('discord', 'validation_logs', array['id', 'run_id', 'member_number', 'discord_id',
  'result', 'reason', 'created_at']);
select columns_are('discord', 'member_events', array['id', 'member_number', 'discord_id', 'kind',
  'details', 'source', 'sync_id', 'request_id', 'created_at']);

-- Keys and references.
select col_is_pk('public', 'members', 'member_number', 'members keyed by member_number');
select col_is_pk('public', 'facilities', 'facility_code', 'facilities keyed by facility_code');
select col_is_pk('public', 'regions', 'region_code', 'regions keyed by region_code');
select col_is_unique('public', 'positions', 'source_id', 'positions.source_id is unique (the sync key)');
select fk_ok('public', 'positions', 'member_number', 'public', 'members', 'member_number');
select fk_ok('discord', 'validation_logs', 'run_id', 'discord', 'validation_summaries', 'run_id');
select col_type_is('discord', 'verification_requests', 'verification_id', 'uuid', 'verification ids are UUIDs');
select col_type_is('public', 'sync_logs', 'error_details', 'jsonb', 'error_details is jsonb');
select col_not_null('discord', 'verification_requests', 'expires_at', 'every request expires');
select col_default_is('public', 'members', 'status', 'inactive', 'members default to inactive');
select col_default_is('discord', 'verification_requests', 'status', 'pending', 'requests start pending');

-- One Discord account, one member; one pending request per account.
select index_is_unique('public', 'members', 'members_discord_id_key', 'members.discord_id unique');
select throws_ok($$
  insert into public.members (member_number, first_name, last_name, discord_id) values
    ('U1', 'a', 'b', '99999999999999999'), ('U2', 'a', 'b', '99999999999999999')$$,
  '23505', null, 'a Discord id cannot be linked to two members');
select lives_ok($$
  insert into public.members (member_number, first_name, last_name) values
    ('U3', 'a', 'b'), ('U4', 'a', 'b')$$, 'many members may have no Discord id');
select throws_ok($$
  insert into discord.verification_requests (discord_id, discord_username, expires_at) values
    ('88888888888888888', 'x', now() + interval '1 hour'),
    ('88888888888888888', 'x', now() + interval '1 hour')$$,
  '23505', null, 'one pending request per Discord account');

-- Enumerations.
select throws_ok($$insert into public.members (member_number, first_name, last_name, status)
  values ('E1', 'a', 'b', 'Active')$$, '23514', null, 'members.status is checked');
select throws_ok($$insert into public.members (member_number, first_name, last_name)
  values ('bad number', 'a', 'b')$$, '23514', null, 'members.member_number format is checked');
select throws_ok($$insert into public.positions (source_id, member_number, position_type)
  values (1, 'U3', 'steward')$$, '23514', null, 'positions.position_type is checked');
select throws_ok($$insert into public.positions (source_id, member_number, position_type)
  values (2, 'NOBODY', 'neb')$$, '23503', null, 'positions.member_number references members');
select throws_ok($$insert into discord.verification_requests (discord_id, discord_username, expires_at, status)
  values ('77777777777777777', 'x', now(), 'done')$$, '23514', null, 'verification_requests.status is checked');
select throws_ok($$insert into discord.verification_requests (discord_id, discord_username, expires_at)
  values ('12ab', 'x', now())$$, '23514', null, 'verification_requests.discord_id format is checked');
select throws_ok($$insert into public.sync_logs (sync_id, operation) values (gen_random_uuid(), 'sync_end')$$,
  '23514', null, 'sync_logs.operation is checked');
select throws_ok($$insert into discord.validation_logs (run_id, member_number, discord_id, result)
  values (gen_random_uuid(), 'x', '1', 'eligible')$$, '23503', null, 'validation_logs.run_id references a run');

-- updated_at is maintained by a trigger.
select has_trigger('public', 'members', 'set_updated_at', 'members.updated_at trigger');
select has_trigger('public', 'positions', 'set_updated_at', 'positions.updated_at trigger');
select has_trigger('public', 'facilities', 'set_updated_at', 'facilities.updated_at trigger');
select has_trigger('public', 'regions', 'set_updated_at', 'regions.updated_at trigger');
select has_trigger('discord', 'verification_requests', 'set_updated_at', 'verification_requests.updated_at trigger');
update public.members set updated_at = '2000-01-01' where member_number = 'U3';
select ok((select updated_at > '2001-01-01' from public.members where member_number = 'U3'),
  'the trigger sets updated_at on update');

-- RLS is on for every table.
select ok(bool_and(c.relrowsecurity), 'RLS is enabled on every table of ' || n.nspname)
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where n.nspname in ('public', 'discord') and c.relkind = 'r'
group by n.nspname order by n.nspname;

-- Policies, exactly.
select policies_are('public', 'members', array['Members read their own row',
  'Members update their own contact details', 'The Discord bot reads members']);
select policies_are('public', 'positions', array['Members read their own positions; admins read all',
  'The Discord bot reads positions']);
select policies_are('public', 'facilities', array['Authenticated users read facilities',
  'The Discord bot reads facilities']);
select policies_are('public', 'regions', array['Authenticated users read regions',
  'The Discord bot reads regions']);
select policies_are('public', 'sync_logs', array[]::name[]);
select policies_are('discord', 'verification_requests', array['Members read their own verification requests',
  'The Discord bot reads verification requests']);
select policies_are('discord', 'discord_link_audit', array[]::name[]);
select policies_are('discord', 'validation_logs', array['The Discord bot reads the latest ineligible links']);
select policies_are('discord', 'validation_summaries', array['The Discord bot reads validation summaries']);
select policies_are('discord', 'member_events', array['The Discord bot reads member events']);
select policy_roles_are('discord', 'member_events', 'The Discord bot reads member events', array['discord_bot']);
select policy_roles_are('public', 'members', 'Members read their own row', array['authenticated']);
select policy_cmd_is('public', 'members', 'Members update their own contact details', 'update',
  'the member update policy covers updates only');
select policy_roles_are('discord', 'verification_requests',
  'Members read their own verification requests', array['authenticated']);
-- No policy anywhere names anon: anon reads nothing.
select is((select count(*)::int from pg_policies
           where schemaname in ('public', 'dev', 'discord', 'discord_dev') and 'anon' = any(roles)),
  0, 'no policy grants anything to anon');
-- Policies evaluate auth.jwt() once per query, through a scalar subquery.
select is((select count(*)::int from pg_policies
           where schemaname in ('public', 'discord') and qual like '%jwt_member_number()%'
             and qual not like '%SELECT private.jwt_member_number()%'),
  0, 'policies wrap the claim lookup in (select ...)');

-- Column privilege: the only column a member may write.
select is(array(select column_name::text from information_schema.column_privileges
                where table_schema = 'public' and table_name = 'members'
                  and grantee = 'authenticated' and privilege_type = 'UPDATE'),
  array['email'], 'authenticated may update members.email and nothing else');
select ok(not has_table_privilege('anon', 'public.members', 'select'), 'anon has no select on members');
select ok(not has_table_privilege('authenticated', 'discord.verification_requests', 'update'),
  'members cannot update verification requests');
select ok(has_table_privilege('service_role', 'discord.verification_requests', 'insert, update, delete'),
  'service_role writes verification requests');

-- Realtime.
select set_eq($$select schemaname || '.' || tablename from pg_publication_tables
                where pubname = 'supabase_realtime'$$,
  array['public.members', 'dev.members', 'discord.verification_requests', 'discord_dev.verification_requests',
        'discord.member_events', 'discord_dev.member_events'],
  'members, verification_requests and member_events of both environments are published');

-- The verification functions are the service role's alone.
select ok(not has_function_privilege('anon', 'private.discord_create_verification(text, text, integer, integer)', 'execute'),
  'anon cannot create verification requests');
select ok(not has_function_privilege('authenticated', 'private.discord_complete_verification(uuid, text, text, boolean, text, integer)', 'execute'),
  'a member cannot complete a verification in SQL, bypassing the token check');
select ok(not has_schema_privilege('anon', 'private', 'usage'), 'anon cannot use the private schema');
select ok(has_function_privilege('service_role', 'private.discord_dev_complete_verification(uuid, text, text, boolean, text, integer)', 'execute'),
  'service_role completes verifications');

-- Member events: the bot and the service role read them; nobody else.
select ok(not has_table_privilege(r, 'discord.member_events', 'select, insert, update, delete'),
          r || ' has no privilege on member_events')
from unnest(array['anon', 'authenticated']) r order by r;
select ok(not has_function_privilege(r, 'discord.member_events_since(bigint, integer)', 'execute'),
          r || ' cannot call member_events_since')
from unnest(array['anon', 'authenticated']) r order by r;
select ok(not (select prosecdef from pg_proc where oid = 'discord.member_events_since(bigint, integer)'::regprocedure),
  'member_events_since runs as its caller');

-- Monitoring is for operators only.
select ok(not has_schema_privilege('anon', 'monitoring', 'usage'), 'anon cannot use monitoring');
select ok(not has_schema_privilege('authenticated', 'monitoring', 'usage'), 'authenticated cannot use monitoring');

select * from finish();
rollback;
