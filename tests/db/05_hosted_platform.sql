-- The project as hosted Supabase runs it: the migrations ran as a postgres
-- that is not a superuser, own everything they made, and leave nothing for
-- Supabase's advisors to flag in the lints the pinned CLI lacks.
begin;
select plan(11);

select ok(not (select rolsuper from pg_roles where rolname = 'postgres'), 'postgres is not a superuser');
select ok(not (select rolsuper from pg_roles where rolname = current_user),
  'these tests run as a role that is not a superuser');
select is(pg_get_userbyid((select relowner from pg_class where oid = 'supabase_migrations.schema_migrations'::regclass)),
  'postgres', 'the migrations ran as postgres');

-- Every object a migration made belongs to postgres, never to a superuser.
select is_empty($$
  select n.nspname || '.' || c.relname from pg_class c
  join pg_namespace n on n.oid = c.relnamespace join pg_roles r on r.oid = c.relowner
  where r.rolsuper and n.nspname in ('public', 'dev', 'discord', 'discord_dev', 'private',
                                     'monitoring', 'supabase_migrations')
$$, 'no table, view, index or sequence of the project is owned by a superuser');
select is_empty($$
  select p.oid::regprocedure::text from pg_proc p
  join pg_namespace n on n.oid = p.pronamespace join pg_roles r on r.oid = p.proowner
  where r.rolsuper and n.nspname in ('public', 'dev', 'discord', 'discord_dev', 'private', 'monitoring')
$$, 'no function of the project is owned by a superuser');
select is_empty($$
  select nspname from pg_namespace n join pg_roles r on r.oid = n.nspowner
  where r.rolsuper and nspname in ('public', 'dev', 'discord', 'discord_dev', 'private', 'monitoring')
$$, 'no schema of the project is owned by a superuser');
select is_empty($$
  select jobname from cron.job where jobname like 'mynatca-%' and username <> 'postgres'
$$, 'the cron jobs run as postgres');

-- Supabase's advisors: lint 0014 (an extension in public) and lints
-- 0028/0029 (a security definer function the API roles may execute),
-- checked here over every schema of the project, not only the exposed ones.
select is_empty($$
  select extname from pg_extension where extnamespace = 'public'::regnamespace and extname <> 'plpgsql'
$$, 'no extension lives in public');
select is_empty($$
  select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
  where p.prosecdef
    and n.nspname not in ('pg_catalog', 'information_schema', 'auth', 'extensions', 'net', 'vault', 'cron')
    and (has_function_privilege('anon', p.oid, 'execute')
         or has_function_privilege('authenticated', p.oid, 'execute')
         or has_function_privilege('discord_bot', p.oid, 'execute'))
$$, 'no security definer function of the project is executable by anon, authenticated or the bot');

-- pg_net's privileges as hosted Supabase has them, so the tests see what a
-- deployed project has: its queue belongs to PUBLIC, which a migration cannot
-- revoke (docs/database.md, "pg_net's queue").
select ok(has_table_privilege('anon', 'net.http_request_queue', 'select'),
  'pg_net''s queue is readable by every role, as on hosted Supabase');
select ok(pg_has_role('postgres', 'discord_bot', 'member'),
  'postgres may take the bot''s view (set role discord_bot)');

select * from finish();
rollback;
