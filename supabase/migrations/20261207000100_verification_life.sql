-- A verification request's life (docs/api.md, "Rate limits"; docs/database.md,
-- "verification_requests"):
--   - `failed` is final: completing a failed request is refused
--     (request_failed) and writes nothing, so a request an ineligible member
--     tried keeps that attempt's record and cannot be completed later;
--   - a completion that changes nothing (the member is already linked to
--     that Discord account) marks the request completed and writes no event
--     and no audit row;
--   - growth is bounded: create-verification makes at most p_max_per_hour
--     new requests per Discord account per hour, and complete-verification
--     takes at most p_max_failures failed completions per Auth0 `sub` in 10
--     minutes. Both are counted here, in the call's one statement, because
--     the functions run in many isolates; both count per environment.
-- Both functions take the limits as new last parameters with defaults (no
-- limit), so functions deployed before this migration keep working, and
-- return one more column (retry_after_s) that older callers do not read.

select private.apply_to_environments($ddl$
  -- Failed completions, per Auth0 user, for the rate limit only. Cleanup
  -- deletes rows older than a day; the limit reads the last 10 minutes.
  create table private."%2$s_completion_failures" (
    auth0_user_id text not null,
    failed_at timestamptz not null default now(),
    outcome text not null
  );
  create index on private."%2$s_completion_failures" (auth0_user_id, failed_at);
  comment on table private."%2$s_completion_failures" is
    'Failed completions per Auth0 user, for complete-verification''s rate limit. Operators only.';
  alter table private."%2$s_completion_failures" enable row level security;
  revoke all on private."%2$s_completion_failures" from public, anon, authenticated;
  grant select, insert, delete on private."%2$s_completion_failures" to service_role;

  -- The new-request limit counts an account's requests of the last hour.
  create index verification_requests_discord_id_created_at_idx
    on %2$I.verification_requests (discord_id, created_at);
  drop index %2$I.verification_requests_discord_id_idx;
  -- Cleanup deletes failed requests past their retention.
  create index verification_requests_failed_created_at_idx
    on %2$I.verification_requests (created_at) where status = 'failed';
  comment on column %2$I.verification_requests.failure_reason is
    'Why a completion was refused (status failed). A failed request is final: the member starts again from Discord.';
  comment on column %2$I.verification_requests.member_number is
    'The member who completed the request, or whose attempt failed it (the first and only one: failed is final).';

  drop function private."%2$s_create_verification"(text, text, integer);
  -- Returns one row: linked (the Discord account already belongs to a
  -- member), the request (created now, or the unexpired pending one), or
  -- retry_after_s when the account had p_max_per_hour new requests in the
  -- last hour (an unexpired pending request is returned all the same).
  create function private."%2$s_create_verification"(
    p_discord_id text, p_discord_username text, p_ttl_minutes integer,
    p_max_per_hour integer default null
  ) returns table (
    linked boolean, verification_id uuid, expires_at timestamptz, created boolean,
    retry_after_s integer
  )
  language plpgsql
  set search_path = ''
  -- A row lock held elsewhere answers 503 in seconds, not at the wall-clock limit.
  set lock_timeout = '2s'
  as $fn$
  declare
    found_id uuid;
    found_expires timestamptz;
    wait_s integer;
  begin
    if exists (select 1 from %1$I.members m where m.discord_id = p_discord_id) then
      return query select true, null::uuid, null::timestamptz, false, null::integer;
      return;
    end if;
    -- The partial unique index allows one pending request per account, so
    -- concurrent calls settle on the insert. A pending request that has
    -- expired is marked so, and the account's allowance is asked again.
    for attempt in 1..5 loop
      select v.verification_id, v.expires_at into found_id, found_expires
      from %2$I.verification_requests v
      where v.discord_id = p_discord_id and v.status = 'pending';
      if found_id is not null and found_expires > now() then
        return query select false, found_id, found_expires, false, null::integer;
        return;
      end if;
      if found_id is not null then
        update %2$I.verification_requests v set status = 'expired'
        where v.verification_id = found_id and v.status = 'pending';
        found_id := null;
      end if;
      if p_max_per_hour is not null then
        -- When the oldest of the last p_max_per_hour requests leaves the hour.
        select ceil(extract(epoch from min(r.created_at) + interval '1 hour' - now()))::integer
        into wait_s
        from (select v.created_at from %2$I.verification_requests v
              where v.discord_id = p_discord_id and v.created_at > now() - interval '1 hour'
              order by v.created_at desc
              limit p_max_per_hour) r
        having count(*) >= p_max_per_hour;
        if wait_s is not null then
          return query select false, null::uuid, null::timestamptz, false, greatest(wait_s, 1);
          return;
        end if;
      end if;
      insert into %2$I.verification_requests as v (discord_id, discord_username, expires_at)
      values (p_discord_id, p_discord_username, now() + make_interval(mins => p_ttl_minutes))
      on conflict (discord_id) where status = 'pending' do nothing
      returning v.verification_id, v.expires_at into found_id, found_expires;
      if found_id is not null then
        return query select false, found_id, found_expires, true, null::integer;
        return;
      end if;
    end loop;
    raise exception 'could not settle the verification request' using errcode = '40001';
  end
  $fn$;
  revoke all on function private."%2$s_create_verification"(text, text, integer, integer)
    from public;
  grant execute on function private."%2$s_create_verification"(text, text, integer, integer)
    to service_role;

  drop function private."%2$s_complete_verification"(uuid, text, text, boolean, text);
  -- Links the request's Discord account to the member, or says why not.
  -- Outcomes: completed; would_replace_link (the member must confirm; not a
  -- failure); the refusals not_found, already_completed, request_failed,
  -- expired, not_eligible and discord_already_linked, each recorded as one
  -- of the caller's failed completions; rate_limited (with retry_after_s)
  -- when the caller made p_max_failures of them in the last 10 minutes,
  -- whatever the request.
  create function private."%2$s_complete_verification"(
    p_verification_id uuid, p_member_number text, p_auth0_user_id text, p_replace boolean,
    p_request_id text default null, p_max_failures integer default null
  ) returns table (
    outcome text, discord_id text, discord_username text, member_number text,
    completed_at timestamptz, retry_after_s integer
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
    refusal text;
    done_at timestamptz;
    wait_s integer;
  begin
    if p_max_failures is not null then
      -- One caller's attempts are counted one at a time, so concurrent
      -- failures cannot pass the limit together.
      perform pg_advisory_xact_lock(
        hashtextextended('%2$s completion failures ' || p_auth0_user_id, 0));
      -- When the oldest of the last p_max_failures failures leaves the window.
      select ceil(extract(epoch from min(f.failed_at) + interval '10 minutes' - now()))::integer
      into wait_s
      from (select a.failed_at from private."%2$s_completion_failures" a
            where a.auth0_user_id = p_auth0_user_id
              and a.failed_at > now() - interval '10 minutes'
            order by a.failed_at desc
            limit p_max_failures) f
      having count(*) >= p_max_failures;
      if wait_s is not null then
        return query select 'rate_limited', null::text, null::text, null::text,
                            null::timestamptz, greatest(wait_s, 1);
        return;
      end if;
    end if;

    -- Every refusal leaves this block with `refusal` set; what succeeds
    -- (or waits for the member's confirmation) returns from inside it.
    <<decide>>
    begin
      select v.verification_id as id, v.discord_id, v.discord_username, v.status,
             v.member_number, v.expires_at, v.completed_at
      into req
      from %2$I.verification_requests v where v.verification_id = p_verification_id for update;
      if not found then
        refusal := 'not_found';
        exit decide;
      end if;

      if req.status = 'completed' then
        -- Repeating a successful call answers the same; another member may not.
        if req.member_number = p_member_number then
          return query select 'completed', req.discord_id, req.discord_username,
                              req.member_number, req.completed_at, null::integer;
          return;
        end if;
        refusal := 'already_completed';
        exit decide;
      end if;
      -- Final: the attempt that failed it stays its record.
      if req.status = 'failed' then
        refusal := 'request_failed';
        exit decide;
      end if;
      if req.status = 'expired' or req.expires_at <= now() then
        update %2$I.verification_requests v set status = 'expired'
        where v.verification_id = req.id;
        refusal := 'expired';
        exit decide;
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
        refusal := 'not_eligible';
        exit decide;
      end if;
      if mem.holder is not null and mem.holder <> p_member_number then
        refusal := 'discord_already_linked';
        exit decide;
      end if;

      -- A member already linked elsewhere must confirm the replacement, so a
      -- link sent by someone else cannot silently take the member's place.
      if mem.previous is not null and mem.previous <> req.discord_id and not p_replace then
        return query select 'would_replace_link', null::text, mem.previous_username, null::text,
                            null::timestamptz, null::integer;
        return;
      end if;

      -- Already linked to this account: the link does not change, so
      -- nothing but the request is written (no event, no audit row).
      if mem.previous is distinct from req.discord_id then
        -- Link. now() is the transaction's start, so both times agree.
        update %1$I.members m
        set discord_id = req.discord_id, discord_username = req.discord_username,
            discord_verified = true, verified_at = now(), auth0_user_id = p_auth0_user_id
        where m.member_number = p_member_number;
        insert into %2$I.discord_link_audit
          (member_number, action, old_discord_id, new_discord_id, verification_id,
           auth0_user_id, requested_by)
        values (p_member_number, 'link', mem.previous, req.discord_id, req.id, p_auth0_user_id,
                p_auth0_user_id);
        -- The bot removes the replaced account's roles, then grants the new one's.
        if mem.previous is not null then
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
                                   'replaced_discord_id', mem.previous),
                'complete-verification', p_request_id);
      end if;
      update %2$I.verification_requests v
      set status = 'completed', member_number = p_member_number,
          auth0_user_id = p_auth0_user_id, completed_at = now(), failure_reason = null
      where v.verification_id = req.id
      returning v.completed_at into done_at;
      return query select 'completed', req.discord_id, req.discord_username, p_member_number,
                          done_at, null::integer;
      return;
    end;

    if p_max_failures is not null then
      insert into private."%2$s_completion_failures" (auth0_user_id, outcome)
      values (p_auth0_user_id, refusal);
    end if;
    return query select refusal, null::text, null::text, null::text, null::timestamptz,
                        null::integer;
  end
  $fn$;
  revoke all on function
    private."%2$s_complete_verification"(uuid, text, text, boolean, text, integer) from public;
  grant execute on function
    private."%2$s_complete_verification"(uuid, text, text, boolean, text, integer)
    to service_role;
$ddl$);
