-- The union's Discord role policy as data (docs/database.md, "Discord
-- roles"), in both environments:
--   - guilds and role_rules: what operators decide (service_role writes,
--     the bot reads);
--   - role_rule_matches, member_roles, managed_roles: what each linked
--     member should hold, worked out from the member data in one place;
--   - role_grace: the grace periods in force after a lapse;
--   - roles_changed events: what to add and remove, written in the same
--     transaction as whatever changed a member's expected roles or nickname.
--
-- How the feed stays exact: private.<discord>_roles_state holds, per linked
-- member and guild, what the feed last told the bot. Every change refreshes
-- the members it touches: member_roles (the truth) is compared with the
-- state, the difference is written as one event per (discord_id, guild_id)
-- and the state takes the new value. So folding a member's events from the
-- start gives member_roles, and a change that changes nothing writes nothing.

-- An event id's low 16 bits number the events of one transaction. A
-- transaction that needs more (a rule given to 200,000 linked members)
-- continues under the id of a subtransaction it opens for the purpose: a
-- subtransaction's id is larger than its parent's and is never any other
-- transaction's, so ids stay unique, and member_events_since()'s watermark
-- (the oldest running top-level transaction) still holds such an id back
-- until every transaction that could precede it has ended. The events of one
-- large transaction are then not contiguous in id order; no reader relies on
-- that.
create table private.member_event_xids (x integer);
revoke all on private.member_event_xids from public;
grant insert, delete on private.member_event_xids to service_role;

create function private.member_event_next_base() returns bigint
language plpgsql volatile
set search_path = ''
as $$
declare
  top bigint := pg_current_xact_id()::text::bigint;
  sub xid;
  row_at tid;
begin
  -- The exception clause makes the block a subtransaction; its first write
  -- gives it a transaction id of its own, read back from the row's xmin.
  begin
    insert into private.member_event_xids values (1) returning xmin, ctid into sub, row_at;
    delete from private.member_event_xids x where x.ctid = row_at;
  exception when others then
    raise;
  end;
  -- xmin is the low 32 bits; the subtransaction's full id is the parent's
  -- plus the distance between the two (the epoch may have turned between).
  return top + ((sub::text::bigint - top % 4294967296 + 4294967296) % 4294967296);
end
$$;
revoke all on function private.member_event_next_base() from public;
grant execute on function private.member_event_next_base() to service_role;

create or replace function private.member_event_id() returns bigint
language plpgsql volatile
set search_path = ''
as $$
declare
  n integer := coalesce(nullif(current_setting('mynatca.member_event_n', true), ''), '-1')::integer + 1;
  base bigint := nullif(current_setting('mynatca.member_event_base', true), '')::bigint;
begin
  if base is null then
    base := pg_current_xact_id()::text::bigint;
    perform set_config('mynatca.member_event_base', base::text, true);
  elsif n > 65535 then
    base := private.member_event_next_base();
    n := 0;
    perform set_config('mynatca.member_event_base', base::text, true);
  end if;
  -- Local to the transaction: the next transaction starts again at 0.
  perform set_config('mynatca.member_event_n', n::text, true);
  return (base << 16) + n;
end
$$;

select private.apply_to_environments($ddl$
  alter table %2$I.member_events
    drop constraint member_events_kind_check,
    add constraint member_events_kind_check check (kind in (
      'linked', 'unlinked', 'became_ineligible', 'became_eligible', 'positions_changed',
      'profile_changed', 'roles_changed')),
    drop constraint member_events_source_check,
    add constraint member_events_source_check check (source in (
      'complete-verification', 'unlink-discord', 'sync', 'role-rules', 'role-grace'));
  comment on column %2$I.member_events.kind is
    'linked, unlinked, became_ineligible, became_eligible, positions_changed, profile_changed or roles_changed.';
  comment on column %2$I.member_events.source is
    'complete-verification, unlink-discord, sync, role-rules (a rule or guild edit) or role-grace (a grace period ending).';

  create table %2$I.guilds (
    guild_id text primary key
      constraint guilds_guild_id_check
      check (guild_id ~ '^[1-9][0-9]{16,19}$' and guild_id::numeric <= 18446744073709551615),
    name text not null constraint guilds_name_check check (char_length(name) between 1 and 100),
    nickname_template text
      constraint guilds_nickname_template_check
      check (char_length(nickname_template) between 1 and 200),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  );
  comment on table %2$I.guilds is
    'The Discord servers the policy covers. Written by operators (service_role); read by the bot.';
  comment on column %2$I.guilds.nickname_template is
    'e.g. {first_name} {last_name} | {facility_code}; placeholders first_name, last_name, facility_code, region_code, member_number; fitted to 32 characters by nickname_for(); null: the bot leaves nicknames alone.';

  create table %2$I.role_rules (
    id bigint generated always as identity primary key,
    guild_id text not null references %2$I.guilds (guild_id) on delete cascade,
    role_id text not null
      constraint role_rules_role_id_check
      check (role_id ~ '^[1-9][0-9]{16,19}$' and role_id::numeric <= 18446744073709551615),
    description text not null default '',
    -- Null: any value. An empty list would match nobody; it is refused so
    -- that a rule says what it means.
    member_statuses text[] default '{active}'
      constraint role_rules_member_statuses_check check (cardinality(member_statuses) > 0),
    position_types text[] constraint role_rules_position_types_check check (cardinality(position_types) > 0),
    facility_codes text[] constraint role_rules_facility_codes_check check (cardinality(facility_codes) > 0),
    region_codes text[] constraint role_rules_region_codes_check check (cardinality(region_codes) > 0),
    member_type_ids integer[] constraint role_rules_member_type_ids_check check (cardinality(member_type_ids) > 0),
    grace_days integer not null default 0
      constraint role_rules_grace_days_check check (grace_days between 0 and 90),
    active boolean not null default true,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  );
  create index role_rules_guild_id_idx on %2$I.role_rules (guild_id);
  comment on table %2$I.role_rules is
    'A linked member holds role_id in guild_id when every non-null condition holds (a list: any of its values). With position_types, facility and region are those of a qualifying active position; otherwise the member''s own.';
  comment on column %2$I.role_rules.grace_days is
    'Days a member keeps the role after their status stops matching member_statuses (0-90).';

  -- The grace periods in force: a role a member keeps until grace_until
  -- because only their status stopped matching. Kept by the refresh below.
  create table %2$I.role_grace (
    member_number text not null,
    discord_id text not null,
    guild_id text not null references %2$I.guilds (guild_id) on delete cascade,
    role_id text not null,
    grace_until timestamptz not null,
    created_at timestamptz not null default now(),
    primary key (member_number, guild_id, role_id)
  );
  create index role_grace_grace_until_idx on %2$I.role_grace (grace_until);
  comment on table %2$I.role_grace is
    'Roles kept after a lapse until grace_until (the input of member_roles.grace_until). Written by the platform; read by the bot.';

  -- What the feed last said, per linked member and guild (private: the
  -- bot's view of it is the feed itself).
  create table private."%2$s_roles_state" (
    member_number text not null,
    guild_id text not null,
    discord_id text not null,
    role_ids text[] not null,
    nickname text,
    primary key (member_number, guild_id)
  );
  revoke all on private."%2$s_roles_state" from public;
  grant all on private."%2$s_roles_state" to service_role;

  create trigger set_updated_at before update on %2$I.guilds
    for each row execute function private.set_updated_at();
  create trigger set_updated_at before update on %2$I.role_rules
    for each row execute function private.set_updated_at();

  -- Discord nicknames are at most 32 characters. The template is filled
  -- (values lose control characters and braces, runs of white space become
  -- one space, separators and spaces at either end go); when that is too
  -- long, what follows the template's last `|` is dropped; then the first
  -- name becomes its initial; then the result is cut at 32. Empty: null.
  create function %2$I.nickname_for(
    template text, first_name text, last_name text, facility_code text, region_code text,
    member_number text
  ) returns text
  language plpgsql immutable
  set search_path = ''
  as $fn$
  declare
    t text;
    first text := regexp_replace(coalesce(first_name, ''), '[[:cntrl:]{}]', '', 'g');
    result text;
  begin
    if template is null then
      return null;
    end if;
    for attempt in 1..3 loop
      t := template;
      if attempt >= 2 and position('|' in t) > 0 then
        t := left(t, char_length(t) - position('|' in reverse(t)));
      end if;
      if attempt = 3 and first <> '' then
        first := left(first, 1) || '.';
      end if;
      result := replace(replace(replace(replace(replace(t,
        '{first_name}', first),
        '{last_name}', regexp_replace(coalesce(last_name, ''), '[[:cntrl:]{}]', '', 'g')),
        '{facility_code}', regexp_replace(coalesce(facility_code, ''), '[[:cntrl:]{}]', '', 'g')),
        '{region_code}', regexp_replace(coalesce(region_code, ''), '[[:cntrl:]{}]', '', 'g')),
        '{member_number}', regexp_replace(coalesce(member_number, ''), '[[:cntrl:]{}]', '', 'g'));
      result := regexp_replace(regexp_replace(result, '\s+', ' ', 'g'), '^[\s|]+|[\s|]+$', '', 'g');
      if char_length(result) <= 32 then
        return nullif(result, '');
      end if;
    end loop;
    return nullif(regexp_replace(left(result, 32), '[\s|]+$', ''), '');
  end
  $fn$;
  revoke all on function %2$I.nickname_for(text, text, text, text, text, text) from public;
  grant execute on function %2$I.nickname_for(text, text, text, text, text, text)
    to discord_bot, service_role;

  -- The one place the rules' conditions are evaluated: every (linked member,
  -- active rule) whose conditions other than member_statuses hold, and
  -- whether the status holds too. A position matches as a key
  -- type|f:facility|r:region (and its shorter forms), so a rule's keys (the
  -- product of its lists) meet a member's in one array overlap.
  create view %2$I.role_rule_matches with (security_invoker = true) as
  select m.member_number, m.discord_id, r.guild_id, r.role_id, r.id as rule_id, r.grace_days,
         (r.member_statuses is null or m.status = any (r.member_statuses)) as status_holds
  from %1$I.members m
  cross join lateral (
    select coalesce(array_agg(k.key) filter (where k.key is not null), '{}') as keys
    from %1$I.positions p
    left join %1$I.facilities f on f.facility_code = p.facility_code
    cross join lateral unnest(array[
      p.position_type,
      p.position_type || '|f:' || p.facility_code,
      p.position_type || '|r:' || f.region_code,
      p.position_type || '|f:' || p.facility_code || '|r:' || f.region_code]) as k(key)
    where p.member_number = m.member_number and p.active
  ) pos
  join (
    select r.*, (select array_agg(t || coalesce('|f:' || fc, '') || coalesce('|r:' || rc, ''))
                 from unnest(r.position_types) t
                 cross join unnest(coalesce(r.facility_codes, array[null::text])) fc
                 cross join unnest(coalesce(r.region_codes, array[null::text])) rc) as position_keys
    from %2$I.role_rules r
    where r.active
  ) r on (r.member_type_ids is null or m.member_type_id = any (r.member_type_ids))
     and case when r.position_types is null
              then (r.facility_codes is null or m.facility_code = any (r.facility_codes))
               and (r.region_codes is null or m.region_code = any (r.region_codes))
              else pos.keys && r.position_keys end
  where m.discord_id is not null;
  comment on view %2$I.role_rule_matches is
    'Each linked member and active rule whose conditions other than the status hold; status_holds says whether that holds too. Why a member holds, or is about to lose, a role.';

  -- One row per linked member and guild with active rules: the roles held
  -- (matched, or kept in a grace period) and the nickname. A grace period
  -- past its end stays until the grace job ends it (at most 15 minutes), so
  -- this view and the feed agree at every moment.
  create view %2$I.member_roles with (security_invoker = true) as
  select m.member_number, m.discord_id, g.guild_id,
         coalesce(h.role_ids, '{}') as role_ids,
         %2$I.nickname_for(g.nickname_template, m.first_name, m.last_name, m.facility_code,
                           m.region_code, m.member_number) as nickname,
         h.grace_until
  from %1$I.members m
  cross join %2$I.guilds g
  left join lateral (
    select array_agg(distinct x.role_id::numeric order by x.role_id::numeric)
             filter (where x.status_holds or gr.role_id is not null)::text[] as role_ids,
           min(gr.grace_until) as grace_until
    from %2$I.role_rule_matches x
    left join %2$I.role_grace gr
      on gr.member_number = x.member_number and gr.guild_id = x.guild_id
     and gr.role_id = x.role_id and gr.discord_id = x.discord_id
    where x.member_number = m.member_number and x.guild_id = g.guild_id
  ) h on true
  where m.discord_id is not null
    and exists (select 1 from %2$I.role_rules r where r.guild_id = g.guild_id and r.active);
  comment on view %2$I.member_roles is
    'What each linked member should hold in each guild with active rules: role_ids (sorted, distinct, possibly empty), nickname (null: not managed), grace_until (the earliest grace period in force). roles_changed events say each change.';

  -- Every role some rule names, active or not: the bot manages these and
  -- leaves every other role (those moderators give by hand) alone. A
  -- deactivated rule's role stays managed, so the bot takes it back.
  create view %2$I.managed_roles with (security_invoker = true) as
  select distinct r.guild_id, r.role_id from %2$I.role_rules r;
  comment on view %2$I.managed_roles is 'Every (guild_id, role_id) some rule names: the roles the bot manages.';

  alter table %2$I.guilds enable row level security;
  alter table %2$I.role_rules enable row level security;
  alter table %2$I.role_grace enable row level security;
  revoke all on %2$I.guilds, %2$I.role_rules, %2$I.role_grace, %2$I.role_rule_matches,
    %2$I.member_roles, %2$I.managed_roles from public, anon, authenticated;
  grant all on %2$I.guilds, %2$I.role_rules, %2$I.role_grace to service_role;
  grant select on %2$I.role_rule_matches, %2$I.member_roles, %2$I.managed_roles to service_role;
  grant select on %2$I.guilds, %2$I.role_rules, %2$I.role_grace, %2$I.role_rule_matches,
    %2$I.member_roles, %2$I.managed_roles to discord_bot;
  create policy "The Discord bot reads guilds" on %2$I.guilds for select to discord_bot using (true);
  create policy "The Discord bot reads role rules" on %2$I.role_rules
    for select to discord_bot using (true);
  create policy "The Discord bot reads grace periods" on %2$I.role_grace
    for select to discord_bot using (true);

  -- Brings the feed in line with member_roles for `members`: grace periods
  -- that no longer apply end, a sync's lapse starts one for each role the
  -- member held, and each (discord_id, guild_id) whose roles or nickname
  -- differ from what the feed last said gets a roles_changed event. `cause`:
  -- sync, link, unlink, rule or grace_ended; removals for an account the
  -- member no longer holds are always `unlink`. Returns the events written.
  create function private."%2$s_roles_refresh"(
    p_members text[], p_cause text, p_source text, p_request_id text default null
  ) returns integer
  language plpgsql
  set search_path = ''
  as $fn$
  declare
    v_sync uuid;
    written integer;
  begin
    if p_members is null or cardinality(p_members) = 0
       or (not exists (select 1 from %2$I.role_rules r where r.active)
           and not exists (select 1 from private."%2$s_roles_state" s
                           where s.member_number = any (p_members))) then
      return 0;
    end if;

    -- A role kept in grace stays only while its rule still fails on the
    -- status alone, for the same account, and no rule gives it outright.
    -- Only a sync changes a status: a role the feed said the member holds,
    -- whose rules now fail on the status alone, is kept for grace_days.
    -- (The two writes touch different rows: those that stop lapsing, and
    -- those that lapse now.)
    with per_role as (
      select x.member_number, x.discord_id, x.guild_id, x.role_id, bool_or(x.status_holds) as held,
             max(x.grace_days) filter (where not x.status_holds) as grace_days
      from %2$I.role_rule_matches x
      where x.member_number = any (p_members)
      group by 1, 2, 3, 4
    ), lapsing as (
      select l.* from per_role l where not l.held and l.grace_days > 0
    ), ended as (
      delete from %2$I.role_grace gr
      where gr.member_number = any (p_members)
        and not exists (select 1 from lapsing l
                        where l.member_number = gr.member_number and l.guild_id = gr.guild_id
                          and l.role_id = gr.role_id and l.discord_id = gr.discord_id)
    )
    insert into %2$I.role_grace (member_number, discord_id, guild_id, role_id, grace_until)
    select l.member_number, l.discord_id, l.guild_id, l.role_id,
           now() + make_interval(days => l.grace_days)
    from lapsing l
    join private."%2$s_roles_state" s
      on s.member_number = l.member_number and s.guild_id = l.guild_id
     and s.discord_id = l.discord_id and l.role_id = any (s.role_ids)
    where p_cause = 'sync'
    on conflict do nothing;

    if p_source = 'sync' then
      select s.sync_id into v_sync from %1$I.sync_logs s
      where s.operation = 'sync_start' order by s.created_at desc, s.id desc limit 1;
    end if;

    with want as materialized (
      select w.member_number, w.discord_id, w.guild_id, w.role_ids, w.nickname
      from %2$I.member_roles w where w.member_number = any (p_members)
    ), have as materialized (
      select s.member_number, s.discord_id, s.guild_id, s.role_ids, s.nickname
      from private."%2$s_roles_state" s where s.member_number = any (p_members)
    ), changes as (
      -- An account or guild the member no longer has a row for: its roles go.
      select h.member_number, h.discord_id, h.guild_id, '{}'::text[] as added,
             h.role_ids as removed, false as nickname_changed, null::text as nickname,
             case when m.discord_id is distinct from h.discord_id then 'unlink' else p_cause end
               as cause,
             0 as ord
      from have h
      left join %1$I.members m on m.member_number = h.member_number
      where not exists (select 1 from want w
                        where w.member_number = h.member_number and w.guild_id = h.guild_id
                          and w.discord_id = h.discord_id)
        and cardinality(h.role_ids) > 0
      union all
      select w.member_number, w.discord_id, w.guild_id,
             array(select r from unnest(w.role_ids) with ordinality u(r, i)
                   where r <> all (coalesce(h.role_ids, '{}')) order by i),
             array(select r from unnest(h.role_ids) with ordinality u(r, i)
                   where r <> all (w.role_ids) order by i),
             w.nickname is distinct from h.nickname, w.nickname, p_cause, 1
      from want w
      left join have h
        on h.member_number = w.member_number and h.guild_id = w.guild_id
       and h.discord_id = w.discord_id
    ), events as (
      insert into %2$I.member_events
        (member_number, discord_id, kind, details, source, sync_id, request_id)
      select c.member_number, c.discord_id, 'roles_changed',
             jsonb_build_object('guild_id', c.guild_id, 'added', to_jsonb(c.added),
                                'removed', to_jsonb(c.removed), 'cause', c.cause)
               || case when c.nickname_changed then jsonb_build_object('nickname', c.nickname)
                       else '{}'::jsonb end,
             p_source, v_sync, p_request_id
      from changes c
      where cardinality(c.added) > 0 or cardinality(c.removed) > 0 or c.nickname_changed
      order by c.member_number, c.guild_id, c.ord
      returning 1
    ), gone as (
      delete from private."%2$s_roles_state" s
      using have h
      where s.member_number = h.member_number and s.guild_id = h.guild_id
        and not exists (select 1 from want w
                        where w.member_number = h.member_number and w.guild_id = h.guild_id)
    ), kept as (
      insert into private."%2$s_roles_state" as s
        (member_number, guild_id, discord_id, role_ids, nickname)
      select w.member_number, w.guild_id, w.discord_id, w.role_ids, w.nickname from want w
      on conflict (member_number, guild_id) do update
      set discord_id = excluded.discord_id, role_ids = excluded.role_ids,
          nickname = excluded.nickname
      where (s.discord_id, s.role_ids, s.nickname)
            is distinct from (excluded.discord_id, excluded.role_ids, excluded.nickname)
    )
    -- Every data-modifying part runs whether or not it is read here.
    select count(*) into written from events;
    return written;
  end
  $fn$;
  revoke all on function private."%2$s_roles_refresh"(text[], text, text, text) from public;
  grant execute on function private."%2$s_roles_refresh"(text[], text, text, text) to service_role;

  -- Every linked member, and every member the feed still gives roles.
  create function private."%2$s_roles_refresh_all"(p_cause text, p_source text) returns integer
  language sql
  set search_path = ''
  as $fn$
    select private."%2$s_roles_refresh"(array(
      select m.member_number from %1$I.members m where m.discord_id is not null
      union
      select s.member_number from private."%2$s_roles_state" s), p_cause, p_source)
  $fn$;
  revoke all on function private."%2$s_roles_refresh_all"(text, text) from public;
  grant execute on function private."%2$s_roles_refresh_all"(text, text) to service_role;

  -- The sync's member changes that can change roles or the nickname, for
  -- members linked before and after (a link or unlink is the feed's own
  -- trigger below). A member's email edit changes none of these columns,
  -- so it reads nothing but the transition tables.
  create function private."%2$s_roles_members"() returns trigger
  language plpgsql
  set search_path = ''
  as $fn$
  declare
    affected text[];
  begin
    select array_agg(n.member_number) into affected
    from old_rows o join new_rows n on n.member_number = o.member_number
    where n.discord_id is not null and n.discord_id = o.discord_id
      and (o.status, o.member_type_id, o.facility_code, o.region_code, o.first_name, o.last_name)
          is distinct from
          (n.status, n.member_type_id, n.facility_code, n.region_code, n.first_name, n.last_name);
    if affected is not null then
      perform private."%2$s_roles_refresh"(affected, 'sync', 'sync');
    end if;
    return null;
  end
  $fn$;
  revoke all on function private."%2$s_roles_members"() from public;
  create trigger roles_changed after update on %1$I.members
    referencing old table as old_rows new table as new_rows
    for each statement execute function private."%2$s_roles_members"();

  -- Positions added, ended, moved or changed in type or facility: their
  -- members' roles, for those linked.
  create function private."%2$s_roles_positions"() returns trigger
  language plpgsql
  set search_path = ''
  as $fn$
  declare
    affected text[];
  begin
    if not exists (select 1 from %2$I.role_rules r where r.active and r.position_types is not null)
       and not exists (select 1 from private."%2$s_roles_state") then
      return null;
    end if;
    if TG_OP = 'INSERT' then
      select array_agg(distinct n.member_number) into affected
      from new_rows n
      join %1$I.members m on m.member_number = n.member_number and m.discord_id is not null;
    else
      select array_agg(distinct c.member_number) into affected
      from (
        select unnest(array[o.member_number, n.member_number]) as member_number
        from old_rows o join new_rows n on n.id = o.id
        where (o.member_number, o.position_type, o.facility_code, o.active)
              is distinct from (n.member_number, n.position_type, n.facility_code, n.active)
      ) c
      join %1$I.members m on m.member_number = c.member_number and m.discord_id is not null;
    end if;
    if affected is not null then
      perform private."%2$s_roles_refresh"(affected, 'sync', 'sync');
    end if;
    return null;
  end
  $fn$;
  revoke all on function private."%2$s_roles_positions"() from public;
  create trigger roles_changed_added after insert on %1$I.positions
    referencing new table as new_rows
    for each statement execute function private."%2$s_roles_positions"();
  create trigger roles_changed_updated after update on %1$I.positions
    referencing old table as old_rows new table as new_rows
    for each statement execute function private."%2$s_roles_positions"();

  -- A facility moved to another region: the region of its positions.
  create function private."%2$s_roles_facilities"() returns trigger
  language plpgsql
  set search_path = ''
  as $fn$
  declare
    affected text[];
  begin
    select array_agg(distinct p.member_number) into affected
    from old_rows o
    join new_rows n on n.facility_code = o.facility_code
    join %1$I.positions p on p.facility_code = n.facility_code and p.active
    join %1$I.members m on m.member_number = p.member_number and m.discord_id is not null
    where n.region_code is distinct from o.region_code;
    if affected is not null then
      perform private."%2$s_roles_refresh"(affected, 'sync', 'sync');
    end if;
    return null;
  end
  $fn$;
  revoke all on function private."%2$s_roles_facilities"() from public;
  create trigger roles_changed after update on %1$I.facilities
    referencing old table as old_rows new table as new_rows
    for each statement execute function private."%2$s_roles_facilities"();

  -- Links and unlinks: the verification functions write `linked` and
  -- `unlinked` with the change, so their roles follow those events, with
  -- the same source and request id. A replaced account's `unlinked` is
  -- followed in the same transaction by the new account's `linked`, whose
  -- refresh takes the old account's roles away first.
  create function private."%2$s_roles_links"() returns trigger
  language plpgsql
  set search_path = ''
  as $fn$
  declare
    e record;
  begin
    for e in
      select n.member_number, n.kind, n.source, n.request_id from new_rows n
      where n.kind in ('linked', 'unlinked') order by n.id
    loop
      if e.kind = 'unlinked' and exists (
        select 1 from %1$I.members m
        where m.member_number = e.member_number and m.discord_id is not null
      ) then
        continue;
      end if;
      perform private."%2$s_roles_refresh"(
        array[e.member_number], case e.kind when 'linked' then 'link' else 'unlink' end,
        e.source, e.request_id);
    end loop;
    return null;
  end
  $fn$;
  revoke all on function private."%2$s_roles_links"() from public;
  create trigger roles_changed after insert on %2$I.member_events
    referencing new table as new_rows
    for each statement execute function private."%2$s_roles_links"();

  -- A rule or guild written: every linked member, once per statement. A
  -- transaction that writes a whole policy (npm run roles -- apply) sets
  -- mynatca.roles_refresh = 'deferred' and refreshes once at its end.
  create function private."%2$s_roles_rules"() returns trigger
  language plpgsql
  set search_path = ''
  as $fn$
  begin
    if current_setting('mynatca.roles_refresh', true) is distinct from 'deferred' then
      perform private."%2$s_roles_refresh_all"('rule', 'role-rules');
    end if;
    return null;
  end
  $fn$;
  revoke all on function private."%2$s_roles_rules"() from public;
  create trigger roles_changed after insert or update or delete or truncate on %2$I.role_rules
    for each statement execute function private."%2$s_roles_rules"();
  create trigger roles_changed after insert or update or delete or truncate on %2$I.guilds
    for each statement execute function private."%2$s_roles_rules"();

  -- Grace periods past their end: the roles go, cause grace_ended.
  create function private."%2$s_roles_end_grace"() returns integer
  language plpgsql
  set search_path = ''
  as $fn$
  declare
    ended text[];
  begin
    with gone as (
      delete from %2$I.role_grace g where g.grace_until <= now() returning g.member_number
    )
    select array_agg(distinct gone.member_number) into ended from gone;
    if ended is null then
      return 0;
    end if;
    return private."%2$s_roles_refresh"(ended, 'grace_ended', 'role-grace');
  end
  $fn$;
  revoke all on function private."%2$s_roles_end_grace"() from public;
  grant execute on function private."%2$s_roles_end_grace"() to service_role;
$ddl$);

-- Grace periods end within 15 minutes of their time.
select cron.schedule('mynatca-role-grace-production', '*/15 * * * *',
  $$select private.discord_roles_end_grace()$$);
select cron.schedule('mynatca-role-grace-development', '*/15 * * * *',
  $$select private.discord_dev_roles_end_grace()$$);
