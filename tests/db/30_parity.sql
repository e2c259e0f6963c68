-- The two schemas of each pair are identical: columns, constraints, indexes,
-- policies, grants and triggers. A difference shows as a failing set.
begin;
select plan(12);

create function pg_temp.columns(s text) returns table (t text, c text, ty text, n bool, d text)
language sql as $$
  select table_name::text, column_name::text, data_type::text, is_nullable = 'YES',
         regexp_replace(coalesce(column_default, ''), '\m(public|dev|discord|discord_dev)\.', '', 'g')
  from information_schema.columns where table_schema = s
$$;
create function pg_temp.indexes(s text) returns table (t text, i text, def text)
language sql as $$
  select tablename::text, indexname::text,
         regexp_replace(indexdef, ' ON (public|dev|discord|discord_dev)\.', ' ON ', 'g')
  from pg_indexes where schemaname = s
$$;
create function pg_temp.policies(s text) returns table (t text, p text, r text[], cmd text, q text, w text)
language sql as $$
  select tablename::text, policyname::text, roles::text[], cmd::text,
         regexp_replace(regexp_replace(coalesce(qual, ''), '(public|dev)_is_admin', 'is_admin', 'g'),
                        '\m(discord_dev|discord)\.', '', 'g'),
         coalesce(with_check, '')
  from pg_policies where schemaname = s
$$;
create function pg_temp.grants(s text) returns table (t text, g text, p text)
language sql as $$
  select table_name::text, grantee::text, privilege_type::text
  from information_schema.role_table_grants where table_schema = s
  union all
  select table_name::text, grantee::text, 'column ' || column_name || ' ' || privilege_type
  from information_schema.column_privileges where table_schema = s
    and grantee in ('anon', 'authenticated')
$$;
create function pg_temp.constraints(s text) returns table (t text, c text, def text)
language sql as $$
  select (select relname::text from pg_class where oid = conrelid), conname::text,
         regexp_replace(pg_get_constraintdef(oid), '(public|dev|discord|discord_dev)\.', '', 'g')
  from pg_constraint where connamespace = s::regnamespace
$$;
create function pg_temp.triggers(s text) returns table (t text, tg text)
language sql as $$
  select event_object_table::text, trigger_name::text || ' ' || event_manipulation
  from information_schema.triggers where trigger_schema = s
$$;

select set_eq($$select * from pg_temp.columns('public')$$, $$select * from pg_temp.columns('dev')$$, 'columns: public = dev');
select set_eq($$select * from pg_temp.columns('discord')$$, $$select * from pg_temp.columns('discord_dev')$$, 'columns: discord = discord_dev');
select set_eq($$select * from pg_temp.indexes('public')$$, $$select * from pg_temp.indexes('dev')$$, 'indexes: public = dev');
select set_eq($$select * from pg_temp.indexes('discord')$$, $$select * from pg_temp.indexes('discord_dev')$$, 'indexes: discord = discord_dev');
select set_eq($$select * from pg_temp.policies('public')$$, $$select * from pg_temp.policies('dev')$$, 'policies: public = dev');
select set_eq($$select * from pg_temp.policies('discord')$$, $$select * from pg_temp.policies('discord_dev')$$, 'policies: discord = discord_dev');
select set_eq($$select * from pg_temp.grants('public')$$, $$select * from pg_temp.grants('dev')$$, 'grants: public = dev');
select set_eq($$select * from pg_temp.grants('discord')$$, $$select * from pg_temp.grants('discord_dev')$$, 'grants: discord = discord_dev');
select set_eq($$select * from pg_temp.constraints('public')$$, $$select * from pg_temp.constraints('dev')$$, 'constraints: public = dev');
select set_eq($$select * from pg_temp.constraints('discord')$$, $$select * from pg_temp.constraints('discord_dev')$$, 'constraints: discord = discord_dev');
select set_eq($$select * from pg_temp.triggers('public')$$, $$select * from pg_temp.triggers('dev')$$, 'triggers: public = dev');
select set_eq($$select * from pg_temp.triggers('discord')$$, $$select * from pg_temp.triggers('discord_dev')$$, 'triggers: discord = discord_dev');

select * from finish();
rollback;
