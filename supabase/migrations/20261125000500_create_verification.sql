-- create-verification's database side, one function per environment. A
-- PL/pgSQL function keeps its statements' plans for the session, so each
-- call costs one short round trip and no planning (the functions connect
-- with prepare: false, which otherwise plans every statement anew).
--
-- Returns one row: linked (the Discord account already belongs to a
-- member), or the request (created now, or the unexpired pending one).
select private.apply_to_environments($ddl$
  create or replace function private."%2$s_create_verification"(
    p_discord_id text, p_discord_username text, p_ttl_minutes integer
  ) returns table (linked boolean, verification_id uuid, expires_at timestamptz, created boolean)
  language plpgsql
  set search_path = ''
  -- A row lock held elsewhere answers 503 in seconds, not at the wall-clock limit.
  set lock_timeout = '2s'
  as $fn$
  declare
    found_id uuid;
    found_expires timestamptz;
  begin
    if exists (select 1 from %1$I.members m where m.discord_id = p_discord_id) then
      return query select true, null::uuid, null::timestamptz, false;
      return;
    end if;
    -- The partial unique index allows one pending request per account,
    -- so concurrent calls settle here. A pending request that has
    -- expired is marked so, and the insert is tried again.
    for attempt in 1..5 loop
      insert into %2$I.verification_requests as v (discord_id, discord_username, expires_at)
      values (p_discord_id, p_discord_username, now() + make_interval(mins => p_ttl_minutes))
      on conflict (discord_id) where status = 'pending' do nothing
      returning v.verification_id, v.expires_at into found_id, found_expires;
      if found_id is not null then
        return query select false, found_id, found_expires, true;
        return;
      end if;
      select v.verification_id, v.expires_at into found_id, found_expires
      from %2$I.verification_requests v
      where v.discord_id = p_discord_id and v.status = 'pending';
      if found_id is not null and found_expires > now() then
        return query select false, found_id, found_expires, false;
        return;
      end if;
      update %2$I.verification_requests v set status = 'expired'
      where v.verification_id = found_id and v.status = 'pending';
      found_id := null;
    end loop;
    raise exception 'could not settle the verification request' using errcode = '40001';
  end
  $fn$;
  revoke all on function private."%2$s_create_verification"(text, text, integer) from public;
  grant execute on function private."%2$s_create_verification"(text, text, integer) to service_role;
$ddl$);
