-- Least privilege for the two clients (docs/database.md, "Roles and what
-- they may do"), in both environments:
--   1. the Discord bot reads members without their contact data;
--   2. an admin is an active member with an active neb or regional position;
--   3. a member's own edit of their email is checked and lower-cased by the
--      database, whatever client sent it.

-- A member's own email edit (the authenticated role, through the Data API):
-- at most 254 characters, exactly one @ with text on both sides, no white
-- space (Unicode White_Space) and no control characters (Unicode Cc), stored
-- lower-cased. A refused value raises check_violation (23514; PostgREST
-- answers 400) and nothing is stored. null is accepted: a member may clear
-- their email, as before. The trigger's WHEN limits this to the member's own
-- writes, so the sync and operators (service_role, postgres) keep writing
-- through the sync's own mapping rules. The characters are listed rather
-- than taken from [[:space:]] and [[:cntrl:]], which cover ASCII only under
-- the database's C.UTF-8 ctype.
create or replace function private.check_member_email() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.email is null then
    return new;
  end if;
  if char_length(new.email) > 254
     or new.email !~ '^[^@]+@[^@]+$'
     or new.email ~ '[\u0001-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]'
  then
    raise exception 'invalid email address'
      using errcode = 'check_violation',
            detail = 'An email has at most 254 characters, exactly one @ with text on both sides, and no white space or control characters.',
            schema = tg_table_schema, table = tg_table_name, column = 'email';
  end if;
  new.email := lower(new.email);
  return new;
end
$$;
revoke all on function private.check_member_email() from public;

select private.apply_to_environments($ddl$
  -- 1. The bot's members: every column but the contact data (email,
  -- source_email) and the member's Auth0 identity (auth0_user_id,
  -- last_auth0_sync). Revoking the table grant first also revokes any
  -- column grant of select; a column added later is not the bot's until it
  -- is granted here.
  revoke select on %1$I.members from discord_bot;
  grant select (id, member_number, first_name, last_name, facility_code, facility_name,
                region_code, region_name, member_type_id, member_type, status, discord_id,
                discord_username, discord_verified, verified_at, last_sync, created_at, updated_at)
    on %1$I.members to discord_bot;

  -- 2. The admin set (read by the positions policy) holds only active
  -- members. Same signature and rights as before: invoker's rights, empty
  -- search_path, planned afresh on every call. It now also runs after every
  -- statement that sets members.status (a sync marking an officer retired
  -- takes away their admin at once). New members hold no positions yet, a
  -- member with positions cannot be deleted (on delete restrict), and a
  -- change of member_number cascades to positions, whose trigger refreshes
  -- the set; so status is the only column of members it depends on.
  create or replace function private."%1$s_refresh_admins"() returns trigger
  language plpgsql
  set search_path = ''
  as $fn$
  begin
    execute $q$
      delete from private."%1$s_admins" a
      where not exists (
        select 1 from %1$I.positions p
        join %1$I.members m on m.member_number = p.member_number
        where p.member_number = a.member_number
          and p.active and p.position_type in ('neb', 'regional')
          and m.status = 'active')$q$;
    execute $q$
      insert into private."%1$s_admins" (member_number)
      select distinct p.member_number from %1$I.positions p
      join %1$I.members m on m.member_number = p.member_number
      where p.active and p.position_type in ('neb', 'regional')
        and m.status = 'active'
      on conflict (member_number) do nothing$q$;
    return null;
  end
  $fn$;

  create or replace trigger refresh_admins
    after update of status on %1$I.members
    for each statement execute function private."%1$s_refresh_admins"();

  -- The set as it stands: members who are not active leave it.
  delete from private."%1$s_admins" a
  where not exists (
    select 1 from %1$I.members m
    where m.member_number = a.member_number and m.status = 'active');

  comment on table private."%1$s_admins" is
    'Active members with an active neb or regional position in %1$I.positions (kept by triggers on positions and members); the positions policy reads it.';

  -- 3. The member's own email edit (see private.check_member_email).
  create or replace trigger check_member_email
    before update of email on %1$I.members
    for each row
    when (current_user = 'authenticated' and new.email is distinct from old.email)
    execute function private.check_member_email();
$ddl$);
