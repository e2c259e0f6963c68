-- The project as hosted Supabase runs it (docs/database.md, "Roles and
-- access"): migrations applied by a postgres that is not a superuser, reads
-- through PostgREST and Realtime, and pg_cron calling the functions with a
-- key that can do nothing but run the schedule.

-- Operators and the pgTAP suite take the bot's view with `set role
-- discord_bot`; on hosted Supabase postgres is not a superuser, so it must be
-- a member of the role to switch to it.
grant discord_bot to postgres;

-- The admin check of the positions policy, without a security definer
-- function. A policy on positions cannot query positions (it would recurse),
-- so the members who hold an active neb or regional position are kept in a
-- table of their own, rewritten in the same statement as every change of
-- positions. A member may see their own row of it and nothing else, which is
-- all the policy asks. The set is small (national and regional officers), so
-- recomputing it whole after each statement costs one scan of the partial
-- index positions_admin_idx.
select private.apply_to_environments($ddl$
  create table private."%1$s_admins" (
    member_number text primary key
  );
  comment on table private."%1$s_admins" is
    'Members with an active neb or regional position in %1$I.positions (kept by a trigger); the positions policy reads it.';
  alter table private."%1$s_admins" enable row level security;
  revoke all on private."%1$s_admins" from public, anon, authenticated;
  grant select on private."%1$s_admins" to authenticated;
  grant all on private."%1$s_admins" to service_role;
  create policy "Members see whether they are an admin" on private."%1$s_admins"
    for select to authenticated
    using (member_number = (select private.jwt_member_number()));

  -- Planned afresh on every call (execute): a plan cached while positions
  -- was empty, as at a first load, turns the anti-join into a nested loop
  -- over every position for every admin (20 s for a 200,000-member load).
  create function private."%1$s_refresh_admins"() returns trigger
  language plpgsql
  set search_path = ''
  as $fn$
  begin
    execute $q$
      delete from private."%1$s_admins" a
      where not exists (
        select 1 from %1$I.positions p
        where p.member_number = a.member_number
          and p.active and p.position_type in ('neb', 'regional'))$q$;
    execute $q$
      insert into private."%1$s_admins" (member_number)
      select distinct p.member_number from %1$I.positions p
      where p.active and p.position_type in ('neb', 'regional')
      on conflict (member_number) do nothing$q$;
    return null;
  end
  $fn$;
  revoke all on function private."%1$s_refresh_admins"() from public;

  create trigger refresh_admins
    after insert or update or delete or truncate on %1$I.positions
    for each statement execute function private."%1$s_refresh_admins"();

  insert into private."%1$s_admins" (member_number)
  select distinct member_number from %1$I.positions
  where active and position_type in ('neb', 'regional')
  on conflict (member_number) do nothing;

  drop policy "Members read their own positions; admins read all" on %1$I.positions;
  create policy "Members read their own positions; admins read all" on %1$I.positions
    for select to authenticated
    using (
      member_number = (select private.jwt_member_number())
      or (select exists (
        select 1 from private."%1$s_admins" a
        where a.member_number = (select private.jwt_member_number())))
    );
  drop function private."%1$s_is_admin"();
$ddl$);

-- pg_net's schema: real pg_net grants PUBLIC usage on it and every privilege
-- on its tables, and Supabase lets the API roles call http_get and
-- http_post. Those grants are the platform's (its superuser made them), so
-- postgres can revoke none of them: these statements take away whatever a
-- platform that lets postgres revoke has given, and are harmless elsewhere.
-- docs/database.md says who can reach the queue and why that is acceptable:
-- the requests queued there carry only the scheduler's key.
do $$
begin
  if exists (select from pg_namespace where nspname = 'net') then
    set local client_min_messages = error;
    revoke all on schema net from anon, authenticated, discord_bot;
    revoke all on all tables in schema net from anon, authenticated, discord_bot;
    revoke all on all functions in schema net from anon, authenticated, discord_bot;
  end if;
end
$$;

-- Sets (or, given null, removes) a Vault secret by name, through Vault's own
-- functions: how operators, `npm run deploy` and the local stack store the
-- jobs' secrets (project_url, scheduler_api_key).
create or replace function private.set_vault_secret(secret_name text, secret_value text)
returns void
language plpgsql
set search_path = ''
as $$
declare
  existing uuid := (select id from vault.secrets where name = secret_name);
begin
  if secret_value is null then
    delete from vault.secrets where id = existing;
  elsif existing is null then
    perform vault.create_secret(secret_value, secret_name);
  else
    perform vault.update_secret(existing, secret_value);
  end if;
end
$$;
revoke all on function private.set_vault_secret(text, text) from public;

-- The jobs call the functions with the scheduler's key (SCHEDULER_API_KEY),
-- which the functions accept only for POST /sync, GET /sync and POST
-- /cleanup. A queued request is readable by more roles than the project
-- controls (see above), so it must carry nothing that grants more than
-- running the schedule: never the service role key.
create or replace function private.invoke_function(
  fn text, method text default 'POST', body jsonb default '{}'::jsonb, query text default ''
) returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  base text := (select decrypted_secret from vault.decrypted_secrets where name = 'project_url');
  key text := (select decrypted_secret from vault.decrypted_secrets where name = 'scheduler_api_key');
  headers jsonb;
begin
  if base is null or key is null then
    raise exception 'Vault secrets project_url and scheduler_api_key must be set';
  end if;
  headers := jsonb_build_object('Content-Type', 'application/json', 'Authorization', 'Bearer ' || key);
  if method = 'GET' then
    return net.http_get(url := rtrim(base, '/') || '/functions/v1/' || fn || query,
                        headers := headers, timeout_milliseconds := 30000);
  end if;
  return net.http_post(url := rtrim(base, '/') || '/functions/v1/' || fn, body := body,
                       headers := headers, timeout_milliseconds := 150000);
end
$$;
revoke all on function private.invoke_function(text, text, jsonb, text) from public;
