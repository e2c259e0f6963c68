-- The bot's member event feed (docs/database.md, "Member events"): one row
-- per change the Discord bot must act on, written in the same transaction
-- as the change, for members who have (or had) a Discord link.
--
-- Who writes: complete-verification and unlink-discord (their PL/pgSQL
-- functions, replaced below), and the sync through statement-level triggers
-- on members and positions, so the sync's own code does not change. Link
-- validation reconciles: when it finds a linked member's eligibility differs
-- from what the feed last said, it writes the missing event.
--
-- Reading without skipping: an event's id is
-- (top-level transaction id << 16) + its number within the transaction, so
-- ids sort by transaction first. member_events_since() returns only events
-- whose transaction is older than the oldest one still running
-- (pg_snapshot_xmin): every such transaction has ended, and every
-- transaction that could still commit an event has a larger transaction id,
-- so larger ids. A consumer's cursor (the last id it read) can therefore
-- never be passed by a late commit. An identity column cannot give that:
-- its values are drawn in statement order, not transaction order, so a
-- transaction that started earlier (and so lies below the watermark) may
-- hold a larger id than one still in flight.

-- The id of the next event of this transaction. 16 bits number the events
-- of one transaction, 65,536 at most: a sync statement writes at most two
-- per linked member it changes, and changes at most SYNC_BATCH_SIZE rows
-- (1,000 by default); link validation writes at most one per link. Past
-- that the statement fails loudly. The rest is the transaction id. Ids
-- stay below 2^53 (exact in JavaScript, which the Data API's JSON numbers
-- become) for the first 2^37 transactions of the cluster; the table's
-- check says so loudly rather than rounding.
create or replace function private.member_event_id() returns bigint
language plpgsql volatile
set search_path = ''
as $$
declare
  n integer := coalesce(nullif(current_setting('mynatca.member_event_n', true), ''), '-1')::integer + 1;
begin
  if n > 65535 then
    raise exception 'more than 65536 member events in one transaction';
  end if;
  -- Local to the transaction: the next transaction starts again at 0.
  perform set_config('mynatca.member_event_n', n::text, true);
  return (pg_current_xact_id()::text::bigint << 16) + n;
end
$$;
revoke all on function private.member_event_id() from public;
grant execute on function private.member_event_id() to service_role;

-- What changed in a row, field by field: {field: {old, new}}, or null.
create function private.member_event_changes(old_row jsonb, new_row jsonb, fields text[])
returns jsonb
language sql immutable
set search_path = ''
as $$
  select jsonb_object_agg(f, jsonb_build_object('old', old_row -> f, 'new', new_row -> f))
  from unnest(fields) f
  where old_row -> f is distinct from new_row -> f
$$;
revoke all on function private.member_event_changes(jsonb, jsonb, text[]) from public;
-- The members trigger runs as whoever updates members: a member editing
-- their email runs it too (it finds no event to write).
grant execute on function private.member_event_changes(jsonb, jsonb, text[])
  to authenticated, service_role;

select private.apply_to_environments($ddl$
  create table %2$I.member_events (
    id bigint primary key default private.member_event_id()
      constraint member_events_id_range check (id > 0 and id <= 9007199254740991),
    member_number text not null,
    discord_id text not null,
    kind text not null
      constraint member_events_kind_check check (kind in (
        'linked', 'unlinked', 'became_ineligible', 'became_eligible', 'positions_changed',
        'profile_changed')),
    details jsonb not null default '{}'::jsonb,
    source text not null
      constraint member_events_source_check
      check (source in ('complete-verification', 'unlink-discord', 'sync')),
    sync_id uuid,
    request_id text,
    created_at timestamptz not null default now()
  );
  create index member_events_created_at_idx on %2$I.member_events (created_at);
  -- Link validation's reconciliation looks up each link's newest
  -- eligibility event.
  create index member_events_eligibility_idx
    on %2$I.member_events (member_number, discord_id, id)
    where kind in ('linked', 'became_eligible', 'became_ineligible');
  comment on table %2$I.member_events is
    'Changes the Discord bot must act on, one row each, written in the same transaction as the change; only for linked members. Read with member_events_since(). The bot and service_role only.';
  comment on column %2$I.member_events.id is
    'Position in the feed: (transaction id << 16) + the event''s number in its transaction. Larger ids commit in later or concurrent transactions; member_events_since() returns a prefix that can no longer grow below.';
  comment on column %2$I.member_events.discord_id is 'The Discord account the bot acts on (for unlinked: the account removed).';
  comment on column %2$I.member_events.kind is
    'linked, unlinked, became_ineligible, became_eligible, positions_changed or profile_changed.';
  comment on column %2$I.member_events.details is
    'What changed: old and new status and reason, positions added, retired and changed, fields with old and new values, the replaced account, who asked.';
  comment on column %2$I.member_events.source is 'complete-verification, unlink-discord or sync.';
  comment on column %2$I.member_events.sync_id is 'The sync run that made the change (source sync).';
  comment on column %2$I.member_events.request_id is 'The function call that made the change (its x-request-id).';

  alter table %2$I.member_events enable row level security;
  revoke all on %2$I.member_events from public, anon, authenticated;
  grant all on %2$I.member_events to service_role;
  grant select on %2$I.member_events to discord_bot;
  create policy "The Discord bot reads member events" on %2$I.member_events
    for select to discord_bot using (true);

  do $realtime$
  begin
    if not exists (select from pg_publication_tables where pubname = 'supabase_realtime'
                   and schemaname = %2$L and tablename = 'member_events') then
      alter publication supabase_realtime add table %2$I.member_events;
    end if;
  end
  $realtime$;

  -- The events after `after_id` that no transaction can still precede:
  -- those of transactions older than the oldest one running. Ordered by
  -- id; a consumer passes the last id it received as the next after_id.
  -- Security invoker: the caller reads under its own grants and policy.
  create function %2$I.member_events_since(after_id bigint, max_rows integer default 1000)
  returns setof %2$I.member_events
  language sql stable
  set search_path = ''
  as $fn$
    select e.* from %2$I.member_events e
    where e.id > after_id
      and e.id < (pg_snapshot_xmin(pg_current_snapshot())::text::bigint << 16)
    order by e.id
    limit least(greatest(max_rows, 1), 10000)
  $fn$;
  comment on function %2$I.member_events_since(bigint, integer) is
    'Member events after after_id that no running transaction can precede, in id order (at most max_rows, up to 10000). Pass the last id received as the next after_id; 0 reads from the start.';
  revoke all on function %2$I.member_events_since(bigint, integer) from public, anon, authenticated;
  grant execute on function %2$I.member_events_since(bigint, integer) to discord_bot, service_role;

  -- Writes the sync's events, given as a jsonb array of {member_number,
  -- discord_id, kind, details}, under the sync run writing now: runs of an
  -- environment hold its lock one at a time, and each writes its
  -- sync_start row before its first write.
  create function private."%2$s_member_events_from_sync"(events jsonb) returns void
  language sql
  set search_path = ''
  as $fn$
    insert into %2$I.member_events (member_number, discord_id, kind, details, source, sync_id)
    select e.item ->> 'member_number', e.item ->> 'discord_id', e.item ->> 'kind',
           e.item -> 'details', 'sync',
           (select s.sync_id from %1$I.sync_logs s
            where s.operation = 'sync_start' order by s.created_at desc, s.id desc limit 1)
    from jsonb_array_elements(events) with ordinality as e(item, n)
    order by e.n
  $fn$;
  revoke all on function private."%2$s_member_events_from_sync"(jsonb) from public;

  -- Members (the sync's upserts and retirements). Eligibility is status
  -- `active` or not; a member the sync retires (gone from the source) is
  -- recognised by last_sync, which an upsert from the source always moves
  -- and a retirement never does. The events are worked out from the
  -- transition tables alone, so the verification functions (which change
  -- only the link columns) and a member's own edit of email (as
  -- authenticated, who may not write events) find none and write nothing.
  create function private."%2$s_member_events_members"() returns trigger
  language plpgsql
  set search_path = ''
  as $fn$
  declare
    events jsonb;
  begin
    select jsonb_agg(c.event order by c.member_number, c.ord) into events
    from (
      select n.member_number, 1 as ord, jsonb_build_object(
               'member_number', n.member_number, 'discord_id', n.discord_id,
               'kind', case when n.status = 'active' then 'became_eligible'
                            else 'became_ineligible' end,
               'details', jsonb_build_object(
                 'old_status', o.status, 'new_status', n.status,
                 'reason', case when n.status <> 'active'
                                     and n.last_sync is not distinct from o.last_sync
                                then 'missing' else 'status' end)) as event
      from old_rows o join new_rows n on n.member_number = o.member_number
      where o.discord_id is not null and n.discord_id = o.discord_id
        and (o.status = 'active') <> (n.status = 'active')
      union all
      select p.member_number, 2, jsonb_build_object(
               'member_number', p.member_number, 'discord_id', p.discord_id,
               'kind', 'profile_changed', 'details', jsonb_build_object('changes', p.changes))
      from (
        select n.member_number, n.discord_id, private.member_event_changes(
                 to_jsonb(o), to_jsonb(n),
                 array['first_name', 'last_name', 'facility_code', 'facility_name',
                       'region_code', 'region_name']) as changes
        from old_rows o join new_rows n on n.member_number = o.member_number
        where o.discord_id is not null and n.discord_id = o.discord_id
      ) p
      where p.changes is not null
    ) c;
    if events is not null then
      perform private."%2$s_member_events_from_sync"(events);
    end if;
    return null;
  end
  $fn$;
  revoke all on function private."%2$s_member_events_members"() from public;
  create trigger member_events after update on %1$I.members
    referencing old table as old_rows new table as new_rows
    for each statement execute function private."%2$s_member_events_members"();

  -- Positions the sync inserted, changed or retired: one event per linked
  -- member and statement, listing what was added, retired (active to
  -- inactive, or moved to another member) and changed, field by field. An
  -- upsert fires the insert and the update trigger, each with its own rows.
  -- Nothing linked: one probe of the partial index members_discord_id_key.
  create function private."%2$s_member_events_positions"() returns trigger
  language plpgsql
  set search_path = ''
  as $fn$
  declare
    entries jsonb;
    events jsonb;
  begin
    if not exists (select 1 from new_rows)
       or not exists (select 1 from %1$I.members m where m.discord_id is not null) then
      return null;
    end if;
    -- {member_number, what, entry} per position and linked member it concerns
    -- (the linked ones picked first: most positions belong to unlinked members).
    if TG_OP = 'INSERT' then
      select jsonb_agg(jsonb_build_object('member_number', n.member_number, 'what', 'added',
                                          'entry', to_jsonb(n)))
      into entries from new_rows n
      where exists (select 1 from %1$I.members m
                    where m.member_number = n.member_number and m.discord_id is not null);
    else
      select jsonb_agg(x.item) into entries from (
        select jsonb_build_object(
                 'member_number', n.member_number,
                 'what', case when o.member_number <> n.member_number then 'added'
                              when o.active and not n.active then 'retired'
                              else 'changed' end,
                 'entry', to_jsonb(n) || jsonb_build_object('changes',
                   private.member_event_changes(to_jsonb(o), to_jsonb(n),
                     array['position_type', 'position_title', 'facility_code', 'facility_name',
                           'start_date', 'end_date', 'active']))) as item
        from old_rows o join new_rows n on n.id = o.id
        where exists (select 1 from %1$I.members m
                      where m.member_number = n.member_number and m.discord_id is not null)
        union all
        -- A position moved away from its member is retired for that member.
        select jsonb_build_object('member_number', o.member_number, 'what', 'retired',
                                  'entry', to_jsonb(o) || '{"active": false}')
        from old_rows o join new_rows n on n.id = o.id
        where o.member_number <> n.member_number
          and exists (select 1 from %1$I.members m
                      where m.member_number = o.member_number and m.discord_id is not null)
      ) x;
    end if;
    if entries is null then
      return null;
    end if;
    select jsonb_agg(jsonb_build_object(
             'member_number', m.member_number, 'discord_id', m.discord_id,
             'kind', 'positions_changed', 'details', d.details) order by m.member_number)
    into events
    from (
      select c.member_number, jsonb_object_agg(c.what, c.list) as details
      from (
        select e ->> 'member_number' as member_number, e ->> 'what' as what,
               jsonb_agg(jsonb_build_object(
                 'source_id', e -> 'entry' -> 'source_id',
                 'position_type', e -> 'entry' -> 'position_type',
                 'position_title', e -> 'entry' -> 'position_title',
                 'facility_code', e -> 'entry' -> 'facility_code',
                 'active', e -> 'entry' -> 'active')
                 || case when jsonb_typeof(e -> 'entry' -> 'changes') = 'object'
                         then jsonb_build_object('changes', e -> 'entry' -> 'changes')
                         else '{}' end
                 order by (e -> 'entry' ->> 'source_id')::integer) as list
        from jsonb_array_elements(entries) e
        group by 1, 2
      ) c
      group by c.member_number
    ) d
    join %1$I.members m on m.member_number = d.member_number and m.discord_id is not null;
    if events is not null then
      perform private."%2$s_member_events_from_sync"(events);
    end if;
    return null;
  end
  $fn$;
  revoke all on function private."%2$s_member_events_positions"() from public;
  create trigger member_events_added after insert on %1$I.positions
    referencing new table as new_rows
    for each statement execute function private."%2$s_member_events_positions"();
  create trigger member_events_updated after update on %1$I.positions
    referencing old table as old_rows new table as new_rows
    for each statement execute function private."%2$s_member_events_positions"();

  -- Link validation agrees with the feed: when a run finds a linked member
  -- ineligible (or eligible) and the link's newest eligibility event (of
  -- that member and that Discord account; linked counts as eligible, and so
  -- does none) says otherwise, the missing event is written with the run.
  -- This covers what no status change shows: a member gone from the source
  -- whose retirement the guard refused, a link older than the feed, an
  -- event removed by retention.
  create function private."%2$s_member_events_reconcile"() returns trigger
  language plpgsql
  set search_path = ''
  as $fn$
  begin
    insert into %2$I.member_events (member_number, discord_id, kind, details, source, sync_id)
    select c.member_number, c.discord_id,
           case when c.result = 'eligible' then 'became_eligible' else 'became_ineligible' end,
           jsonb_build_object(
             'reason', case when c.result = 'missing' then 'missing' else 'status' end,
             'found_by', 'link_validation', 'validation_run_id', c.run_id,
             'validation_reason', c.reason),
           'sync', s.sync_id
    from checked c
    join %2$I.validation_summaries s on s.run_id = c.run_id
    left join lateral (
      select e.kind from %2$I.member_events e
      where e.member_number = c.member_number and e.discord_id = c.discord_id
        and e.kind in ('linked', 'became_eligible', 'became_ineligible')
      order by e.id desc limit 1
    ) newest on true
    where (c.result <> 'eligible') <> (newest.kind is not distinct from 'became_ineligible')
    order by c.member_number;
    return null;
  end
  $fn$;
  revoke all on function private."%2$s_member_events_reconcile"() from public;
  create trigger member_events_reconcile after insert on %2$I.validation_logs
    referencing new table as checked
    for each statement execute function private."%2$s_member_events_reconcile"();
$ddl$);

-- The verification functions write their events with their change. Both
-- take the call's request id (x-request-id) as a new last parameter, with
-- a default, so a caller still passing the old arguments keeps working
-- while functions and migrations are deployed one after the other.
select private.apply_to_environments($ddl$
  drop function private."%2$s_complete_verification"(uuid, text, text, boolean);
  create function private."%2$s_complete_verification"(
    p_verification_id uuid, p_member_number text, p_auth0_user_id text, p_replace boolean,
    p_request_id text default null
  ) returns table (
    outcome text, discord_id text, discord_username text, member_number text,
    completed_at timestamptz
  )
  language plpgsql
  set search_path = ''
  -- A row lock held elsewhere answers 503 in seconds, not at the wall-clock limit.
  set lock_timeout = '2s'
  as $fn$
  declare
    req record;
    mem record;
    reason text;
    done_at timestamptz;
  begin
    select v.verification_id as id, v.discord_id, v.discord_username, v.status, v.member_number,
           v.expires_at, v.completed_at
    into req
    from %2$I.verification_requests v where v.verification_id = p_verification_id for update;
    if not found then
      return query select 'not_found', null::text, null::text, null::text, null::timestamptz;
      return;
    end if;

    if req.status = 'completed' then
      -- Repeating a successful call answers the same; another member may not.
      if req.member_number = p_member_number then
        return query select 'completed', req.discord_id, req.discord_username,
                            req.member_number, req.completed_at;
      else
        return query select 'already_completed', null::text, null::text, null::text,
                            null::timestamptz;
      end if;
      return;
    end if;
    if req.status = 'expired' or req.expires_at <= now() then
      update %2$I.verification_requests v set status = 'expired' where v.verification_id = req.id;
      return query select 'expired', null::text, null::text, null::text, null::timestamptz;
      return;
    end if;

    if p_member_number is null then
      reason := 'no member number in the access token';
    else
      select m.status, m.discord_id as previous, m.discord_username as previous_username,
             (select h.member_number from %1$I.members h
              where h.discord_id = req.discord_id) as holder
      into mem
      from %1$I.members m where m.member_number = p_member_number
      for update of m;
      if not found then
        reason := 'member not found';
      elsif mem.status <> 'active' then
        reason := 'member status is ' || mem.status;
      end if;
    end if;
    if reason is not null then
      update %2$I.verification_requests v
      set status = 'failed', failure_reason = reason, member_number = p_member_number,
          auth0_user_id = p_auth0_user_id
      where v.verification_id = req.id;
      return query select 'not_eligible', null::text, null::text, null::text,
                          null::timestamptz;
      return;
    end if;
    if mem.holder is not null and mem.holder <> p_member_number then
      return query select 'discord_already_linked', null::text, null::text, null::text,
                          null::timestamptz;
      return;
    end if;

    -- A member already linked elsewhere must confirm the replacement, so a
    -- link sent by someone else cannot silently take the member's place.
    if mem.previous is not null and mem.previous <> req.discord_id and not p_replace then
      return query select 'would_replace_link', null::text, mem.previous_username, null::text,
                          null::timestamptz;
      return;
    end if;

    -- Link. now() is the transaction's start, so both times agree.
    update %1$I.members m
    set discord_id = req.discord_id, discord_username = req.discord_username,
        discord_verified = true, verified_at = now(), auth0_user_id = p_auth0_user_id
    where m.member_number = p_member_number;
    insert into %2$I.discord_link_audit
      (member_number, action, old_discord_id, new_discord_id, verification_id, auth0_user_id,
       requested_by)
    values (p_member_number, 'link', mem.previous, req.discord_id, req.id, p_auth0_user_id,
            p_auth0_user_id);
    -- The bot removes the replaced account's roles, then grants the new one's.
    if mem.previous is not null and mem.previous <> req.discord_id then
      insert into %2$I.member_events
        (member_number, discord_id, kind, details, source, request_id)
      values (p_member_number, mem.previous, 'unlinked',
              jsonb_build_object('reason', 'replaced', 'replaced_by', req.discord_id,
                                 'requested_by', p_auth0_user_id, 'verification_id', req.id),
              'complete-verification', p_request_id);
    end if;
    insert into %2$I.member_events
      (member_number, discord_id, kind, details, source, request_id)
    values (p_member_number, req.discord_id, 'linked',
            jsonb_build_object('discord_username', req.discord_username,
                               'verification_id', req.id,
                               'replaced_discord_id', nullif(mem.previous, req.discord_id)),
            'complete-verification', p_request_id);
    update %2$I.verification_requests v
    set status = 'completed', member_number = p_member_number,
        auth0_user_id = p_auth0_user_id, completed_at = now(), failure_reason = null
    where v.verification_id = req.id
    returning v.completed_at into done_at;
    return query select 'completed', req.discord_id, req.discord_username, p_member_number,
                        done_at;
  end
  $fn$;
  revoke all on function private."%2$s_complete_verification"(uuid, text, text, boolean, text)
    from public;
  grant execute on function private."%2$s_complete_verification"(uuid, text, text, boolean, text)
    to service_role;

  drop function private."%2$s_unlink_discord"(text, text, text, text, text);
  -- Removes a member's Discord link: the member's own (p_member_number) or
  -- whichever member holds p_discord_id. One transaction with its audit row
  -- and its event. Returns the member and the removed account; no row when
  -- nothing was linked.
  create function private."%2$s_unlink_discord"(
    p_member_number text, p_discord_id text, p_requested_by text, p_auth0_user_id text,
    p_reason text, p_request_id text default null
  ) returns table (member_number text, discord_id text)
  language plpgsql
  set search_path = ''
  -- A row lock held elsewhere answers 503 in seconds, not at the wall-clock limit.
  set lock_timeout = '2s'
  as $fn$
  declare
    found_member text;
    found_discord text;
  begin
    select m.member_number, m.discord_id into found_member, found_discord
    from %1$I.members m
    where m.discord_id is not null
      and (case when p_member_number is not null then m.member_number = p_member_number
                else m.discord_id = p_discord_id end)
    for update;
    if not found then
      return;
    end if;
    update %1$I.members m
    set discord_id = null, discord_username = null, verified_at = null, discord_verified = false
    where m.member_number = found_member;
    insert into %2$I.discord_link_audit
      (member_number, action, old_discord_id, new_discord_id, auth0_user_id, requested_by, reason)
    values (found_member, 'unlink', found_discord, null, p_auth0_user_id, p_requested_by, p_reason);
    insert into %2$I.member_events
      (member_number, discord_id, kind, details, source, request_id)
    values (found_member, found_discord, 'unlinked',
            jsonb_build_object('requested_by', p_requested_by, 'reason', p_reason),
            'unlink-discord', p_request_id);
    return query select found_member, found_discord;
  end
  $fn$;
  revoke all on function private."%2$s_unlink_discord"(text, text, text, text, text, text)
    from public;
  grant execute on function private."%2$s_unlink_discord"(text, text, text, text, text, text)
    to service_role;
$ddl$);
