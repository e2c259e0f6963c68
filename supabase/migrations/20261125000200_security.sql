-- Grants and row level security for both environments (docs/database.md,
-- "Roles and access").
--
-- Supabase grants every privilege on new tables in `public` to anon and
-- authenticated by default; we revoke all of it first and grant back only
-- what each role needs. Writes go through the Edge Functions (service_role),
-- with one exception: a member may edit their own contact column (email).

select private.apply_to_environments($ddl$
  -- Admin check for the positions policy. A policy on positions that
  -- queried positions itself would recurse; a security definer function
  -- reads the table without RLS.
  create function private."%1$s_is_admin"() returns boolean
  language sql stable security definer
  set search_path = ''
  as $fn$
    select exists (
      select 1 from %1$I.positions p
      where p.member_number = (select private.jwt_member_number())
        and p.active and p.position_type in ('neb', 'regional')
    )
  $fn$;
  revoke all on function private."%1$s_is_admin"() from public;
  grant execute on function private."%1$s_is_admin"() to authenticated, service_role;

  revoke all on all tables in schema %1$I from anon, authenticated;
  revoke all on all tables in schema %2$I from anon, authenticated;
  revoke all on all sequences in schema %1$I from anon, authenticated;
  revoke all on all sequences in schema %2$I from anon, authenticated;

  -- Supabase's default privileges in `public` also give service_role every
  -- privilege on sequences; the functions only need to read them.
  revoke all on all sequences in schema %1$I from service_role;
  revoke all on all sequences in schema %2$I from service_role;
  grant all on all tables in schema %1$I to service_role;
  grant all on all tables in schema %2$I to service_role;
  grant usage, select on all sequences in schema %1$I to service_role;
  grant usage, select on all sequences in schema %2$I to service_role;

  grant select on %1$I.members, %1$I.positions, %1$I.facilities, %1$I.regions
    to authenticated;
  -- Column privilege: the only column a member may change on their row.
  grant update (email) on %1$I.members to authenticated;
  grant select on %2$I.verification_requests to authenticated;

  alter table %1$I.regions enable row level security;
  alter table %1$I.facilities enable row level security;
  alter table %1$I.members enable row level security;
  alter table %1$I.positions enable row level security;
  alter table %1$I.sync_logs enable row level security;
  alter table %2$I.verification_requests enable row level security;
  alter table %2$I.discord_link_audit enable row level security;

  create policy "Members read their own row" on %1$I.members
    for select to authenticated
    using (member_number = (select private.jwt_member_number()));

  create policy "Members update their own contact details" on %1$I.members
    for update to authenticated
    using (member_number = (select private.jwt_member_number()))
    with check (member_number = (select private.jwt_member_number()));

  create policy "Members read their own positions; admins read all" on %1$I.positions
    for select to authenticated
    using (
      member_number = (select private.jwt_member_number())
      or (select private."%1$s_is_admin"())
    );

  create policy "Authenticated users read facilities" on %1$I.facilities
    for select to authenticated using (true);

  create policy "Authenticated users read regions" on %1$I.regions
    for select to authenticated using (true);

  create policy "Members read their own verification requests" on %2$I.verification_requests
    for select to authenticated
    using (member_number = (select private.jwt_member_number()));

  -- Realtime: the bot subscribes to link and verification changes.
  do $realtime$
  begin
    if not exists (select from pg_publication_tables where pubname = 'supabase_realtime'
                   and schemaname = %1$L and tablename = 'members') then
      alter publication supabase_realtime add table %1$I.members;
    end if;
    if not exists (select from pg_publication_tables where pubname = 'supabase_realtime'
                   and schemaname = %2$L and tablename = 'verification_requests') then
      alter publication supabase_realtime add table %2$I.verification_requests;
    end if;
  end
  $realtime$;
$ddl$);
