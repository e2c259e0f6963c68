-- The two environments are the same design on different schemas. Each
-- object of a pair is described as one line of text with every name
-- schema-qualified; one pair's lines, with its names mapped onto the other
-- pair's (public -> dev, discord -> discord_dev, public_admins ->
-- dev_admins, discord_create_verification -> discord_dev_create_verification,
-- ...), must equal the other pair's lines exactly. The comparison runs in
-- both directions, so an object that names the other environment's schemas
-- (a dev policy reading private.public_admins, say) shows up as a
-- difference instead of being mapped away. A difference shows as a failing
-- set with the extra and missing lines.
begin;
select plan(32);

-- With public out of the search path, pg_get_*def() qualify public's names
-- as public.x, just as they qualify dev's as dev.x.
set local search_path = pg_catalog, extensions;

create function pg_temp.schemas(pair text) returns name[] language sql immutable as $$
  select case pair when 'production' then array['public', 'discord']::name[]
                   when 'development' then array['dev', 'discord_dev']::name[] end
$$;

-- One pair's names written as the other pair's. Whole words only: discord_id,
-- discord_link_audit or discord_username are column and table names, not schemas,
-- and unlink-discord is a function's name (member_events.source).
create function pg_temp.onto(fact text, target text) returns text language sql immutable as $$
  select case target
    when 'development' then
      regexp_replace(
        regexp_replace(fact, '\mpublic(_admins|_refresh_admins)?\M', 'dev\1', 'g'),
        '(?<!-)\mdiscord(_create_verification|_complete_verification|_completion_failures|_unlink_discord|_member_events_[a-z_]+|_roles_[a-z_]+)?\M',
        'discord_dev\1', 'g')
    when 'production' then
      regexp_replace(
        regexp_replace(fact, '\mdiscord_dev(_create_verification|_complete_verification|_completion_failures|_unlink_discord|_member_events_[a-z_]+|_roles_[a-z_]+)?\M',
                       'discord\1', 'g'),
        '\mdev(_admins|_refresh_admins)?\M', 'public\1', 'g')
  end
$$;

create function pg_temp.acl(a aclitem[]) returns text language sql immutable as $$
  select coalesce(array(select x::text from unnest(a) x order by 1)::text, 'default')
$$;

-- Tables, views and sequences: kind, owner, RLS (enabled and forced),
-- options, privileges, Realtime publication.
create function pg_temp.relations(pair text) returns setof text language sql as $$
  select format('%I.%I kind=%s owner=%s rls=%s force_rls=%s options=%s acl=%s published=%s',
                n.nspname, c.relname, c.relkind, pg_get_userbyid(c.relowner), c.relrowsecurity,
                c.relforcerowsecurity, coalesce(c.reloptions::text, ''),
                pg_temp.acl(c.relacl),
                exists (select from pg_publication_tables p
                        where p.pubname = 'supabase_realtime' and p.schemaname = n.nspname
                          and p.tablename = c.relname))
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where n.nspname = any (pg_temp.schemas(pair)) and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
$$;

create function pg_temp.columns(pair text) returns setof text language sql as $$
  select format('%I.%I.%I #%s %s not_null=%s default=%s identity=%s generated=%s acl=%s',
                n.nspname, c.relname, a.attname, a.attnum, format_type(a.atttypid, a.atttypmod),
                a.attnotnull, coalesce(pg_get_expr(d.adbin, d.adrelid), ''), a.attidentity,
                a.attgenerated, pg_temp.acl(a.attacl))
  from pg_attribute a
  join pg_class c on c.oid = a.attrelid
  join pg_namespace n on n.oid = c.relnamespace
  left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
  where n.nspname = any (pg_temp.schemas(pair)) and c.relkind in ('r', 'p', 'v', 'm')
    and a.attnum > 0 and not a.attisdropped
$$;

create function pg_temp.constraints(pair text) returns setof text language sql as $$
  select format('%I.%I %I %s', n.nspname, c.relname, k.conname, pg_get_constraintdef(k.oid))
  from pg_constraint k
  join pg_class c on c.oid = k.conrelid
  join pg_namespace n on n.oid = c.relnamespace
  where n.nspname = any (pg_temp.schemas(pair))
$$;

create function pg_temp.indexes(pair text) returns setof text language sql as $$
  select pg_get_indexdef(i.indexrelid)
  from pg_index i
  join pg_class c on c.oid = i.indrelid
  join pg_namespace n on n.oid = c.relnamespace
  where n.nspname = any (pg_temp.schemas(pair))
$$;

create function pg_temp.policies(pair text) returns setof text language sql as $$
  select format('%I.%I %I cmd=%s permissive=%s roles=%s using=%s check=%s',
                n.nspname, c.relname, p.polname, p.polcmd, p.polpermissive,
                array(select case r when 0 then 'public' else pg_get_userbyid(r)::text end
                      from unnest(p.polroles) r order by 1)::text,
                coalesce(pg_get_expr(p.polqual, p.polrelid), ''),
                coalesce(pg_get_expr(p.polwithcheck, p.polrelid), ''))
  from pg_policy p
  join pg_class c on c.oid = p.polrelid
  join pg_namespace n on n.oid = c.relnamespace
  where n.nspname = any (pg_temp.schemas(pair))
$$;

create function pg_temp.triggers(pair text) returns setof text language sql as $$
  select format('%s enabled=%s', pg_get_triggerdef(t.oid), t.tgenabled)
  from pg_trigger t
  join pg_class c on c.oid = t.tgrelid
  join pg_namespace n on n.oid = c.relnamespace
  where n.nspname = any (pg_temp.schemas(pair)) and not t.tgisinternal
$$;

create function pg_temp.views(pair text) returns setof text language sql as $$
  select format('%I.%I as %s', n.nspname, c.relname, pg_get_viewdef(c.oid))
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where n.nspname = any (pg_temp.schemas(pair)) and c.relkind in ('v', 'm')
$$;

-- The pair's own functions in private (<shared>_refresh_admins,
-- <discord>_create_verification, _complete_verification, _unlink_discord): signature,
-- security, settings, privileges and body.
create function pg_temp.functions(pair text) returns setof text language sql as $$
  select format('private.%I(%s) returns %s language=%s security_definer=%s volatility=%s config=%s acl=%s body=%s',
                p.proname, pg_get_function_identity_arguments(p.oid), pg_get_function_result(p.oid),
                l.lanname, p.prosecdef, p.provolatile, coalesce(p.proconfig::text, ''),
                pg_temp.acl(p.proacl), p.prosrc)
  from pg_proc p join pg_language l on l.oid = p.prolang
  where p.pronamespace = 'private'::regnamespace
    and p.proname ~ ('^(' || array_to_string(pg_temp.schemas(pair), '|') || ')_')
    and not (pair = 'production' and p.proname ~ '^discord_dev_')
$$;

-- What the API roles may do with the identity sequences.
create function pg_temp.sequence_grants(pair text) returns setof text language sql as $$
  select format('%I.%I %s %s=%s', n.nspname, c.relname, r, p, has_sequence_privilege(r, c.oid, p))
  from pg_class c join pg_namespace n on n.oid = c.relnamespace,
       unnest(array['anon', 'authenticated', 'service_role']) r,
       unnest(array['usage', 'select', 'update']) p
  where n.nspname = any (pg_temp.schemas(pair)) and c.relkind = 'S'
$$;

-- What the API roles may do with the schemas themselves.
create function pg_temp.schema_grants(pair text) returns setof text language sql as $$
  select format('%I %s usage=%s create=%s', s, r,
                has_schema_privilege(r, s, 'usage'), has_schema_privilege(r, s, 'create'))
  from unnest(pg_temp.schemas(pair)) s,
       unnest(array['anon', 'authenticated', 'service_role']) r
$$;

-- Three assertions per kind of object: both pairs have some (two empty sets
-- would be equal), and each pair, named as the other, equals the other.
create function pg_temp.same(kind text) returns setof text language plpgsql as $$
declare
  production int;
  development int;
begin
  execute format('select count(*) from pg_temp.%I(''production'')', kind) into production;
  execute format('select count(*) from pg_temp.%I(''development'')', kind) into development;
  return next ok(production > 0 and development > 0,
    format('%s: both pairs have some (production %s, development %s)', kind, production,
           development));
  return next set_eq(
    format('select pg_temp.onto(f, ''development'') from pg_temp.%I(''production'') f', kind),
    format('select f from pg_temp.%I(''development'') f', kind),
    kind || ': production, named as development, equals development');
  return next set_eq(
    format('select pg_temp.onto(f, ''production'') from pg_temp.%I(''development'') f', kind),
    format('select f from pg_temp.%I(''production'') f', kind),
    kind || ': development, named as production, equals production');
end
$$;

-- The mapping itself, on the names that must and must not change.
select is(pg_temp.onto('public.members private.public_admins private.public_refresh_admins() discord.validation_logs '
                       'private.discord_complete_verification discord_id discord_link_audit '
                       'private.discord_member_events_members() discord.member_events unlink-discord',
                       'development'),
  'dev.members private.dev_admins private.dev_refresh_admins() discord_dev.validation_logs '
  'private.discord_dev_complete_verification discord_id discord_link_audit '
  'private.discord_dev_member_events_members() discord_dev.member_events unlink-discord',
  'production names map onto development names, and only those');
select is(pg_temp.onto('dev.members private.dev_admins private.dev_refresh_admins() discord_dev.validation_logs '
                       'private.discord_dev_create_verification discord_id discord_link_audit '
                       'private.discord_dev_member_events_reconcile() discord_dev.member_events',
                       'production'),
  'public.members private.public_admins private.public_refresh_admins() discord.validation_logs '
  'private.discord_create_verification discord_id discord_link_audit '
  'private.discord_member_events_reconcile() discord.member_events',
  'development names map onto production names, and only those');

select * from pg_temp.same('relations');
select * from pg_temp.same('columns');
select * from pg_temp.same('constraints');
select * from pg_temp.same('indexes');
select * from pg_temp.same('policies');
select * from pg_temp.same('triggers');
select * from pg_temp.same('views');
select * from pg_temp.same('functions');
select * from pg_temp.same('sequence_grants');
select * from pg_temp.same('schema_grants');

select * from finish();
rollback;
