-- unlink-discord's database side, one function per environment, for the
-- same reason as the verification functions': one round trip, cached plans.
select private.apply_to_environments($ddl$
  -- Removes a member's Discord link: the member's own (p_member_number) or
  -- whichever member holds p_discord_id. One transaction with its audit row.
  -- Returns the member and the removed account; no row when nothing was linked.
  create or replace function private."%2$s_unlink_discord"(
    p_member_number text, p_discord_id text, p_requested_by text, p_auth0_user_id text,
    p_reason text
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
    return query select found_member, found_discord;
  end
  $fn$;
  revoke all on function private."%2$s_unlink_discord"(text, text, text, text, text) from public;
  grant execute on function private."%2$s_unlink_discord"(text, text, text, text, text)
    to service_role;
$ddl$);
