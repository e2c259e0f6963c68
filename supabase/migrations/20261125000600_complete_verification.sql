-- complete-verification's database side, one function per environment, for
-- the same reason as create-verification's: one round trip, cached plans.
-- Everything happens in the caller's single transaction, with the request
-- row locked. Outcomes that change the request (expired, not eligible) are
-- returned, not raised, so that change commits.
--
-- outcome: completed | not_found | already_completed | expired |
--          not_eligible | discord_already_linked | would_replace_link
-- (would_replace_link: the member is linked to another Discord account and
-- did not confirm the replacement; discord_username names the current one.)
select private.apply_to_environments($ddl$
  create or replace function private."%2$s_complete_verification"(
    p_verification_id uuid, p_member_number text, p_auth0_user_id text, p_replace boolean
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
    update %2$I.verification_requests v
    set status = 'completed', member_number = p_member_number,
        auth0_user_id = p_auth0_user_id, completed_at = now(), failure_reason = null
    where v.verification_id = req.id
    returning v.completed_at into done_at;
    return query select 'completed', req.discord_id, req.discord_username, p_member_number,
                        done_at;
  end
  $fn$;
  revoke all on function private."%2$s_complete_verification"(uuid, text, text, boolean) from public;
  grant execute on function private."%2$s_complete_verification"(uuid, text, text, boolean)
    to service_role;

$ddl$);
