-- The Discord bot's own database role (docs/database.md, "Roles and access").
-- The bot reads through the Data API and Realtime with a JWT whose `role`
-- claim is `discord_bot` (docs/operations.md says how it gets one), so it
-- never holds the service role key: a leaked bot host exposes what the bot
-- may read, not the project. It reads what it needs in both environments
-- and writes nothing; every write it asks for goes through the functions
-- with its per-environment API key.
do $$
begin
  if not exists (select from pg_roles where rolname = 'discord_bot') then
    create role discord_bot nologin noinherit;
  end if;
end
$$;
-- PostgREST and Realtime log in as authenticator and switch to the role the
-- JWT names; they may only switch to roles granted to authenticator.
grant discord_bot to authenticator;

select private.apply_to_environments($ddl$
  grant usage on schema %1$I, %2$I to discord_bot;
  grant select on %1$I.members, %1$I.positions, %1$I.facilities, %1$I.regions to discord_bot;
  grant select on %2$I.verification_requests, %2$I.validation_summaries, %2$I.ineligible_links
    to discord_bot;
  -- ineligible_links is a security_invoker view: the bot reads validation_logs
  -- through it, and the policy below shows it no more than the view does.
  grant select on %2$I.validation_logs to discord_bot;

  create policy "The Discord bot reads members" on %1$I.members
    for select to discord_bot using (true);
  create policy "The Discord bot reads positions" on %1$I.positions
    for select to discord_bot using (true);
  create policy "The Discord bot reads facilities" on %1$I.facilities
    for select to discord_bot using (true);
  create policy "The Discord bot reads regions" on %1$I.regions
    for select to discord_bot using (true);
  create policy "The Discord bot reads verification requests" on %2$I.verification_requests
    for select to discord_bot using (true);
  create policy "The Discord bot reads validation summaries" on %2$I.validation_summaries
    for select to discord_bot using (true);
  create policy "The Discord bot reads the latest ineligible links" on %2$I.validation_logs
    for select to discord_bot
    using (
      result <> 'eligible'
      and run_id = (select s.run_id from %2$I.validation_summaries s
                    where s.finished_at is not null
                    order by s.started_at desc limit 1)
    );
$ddl$);
