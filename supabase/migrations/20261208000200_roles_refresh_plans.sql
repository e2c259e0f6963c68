-- The Discord role refresh (20261207000400_discord_roles.sql) is planned for
-- the members of each call. Its statements take the members as one array
-- parameter; after five calls a session may switch a PL/pgSQL statement to a
-- generic plan, made without knowing how many members the array holds. For
-- a rule edit over every linked member that plan compared every member with
-- every other: at 18,000 linked members the sixth rule edit of a session
-- took 58 s instead of 4 (docs/benchmarks.md, "Discord roles"). A custom
-- plan costs nothing measurable on a one-member refresh (a link: 1.9 ms with
-- either), so every call gets one.
select private.apply_to_environments($ddl$
  alter function private."%2$s_roles_refresh"(text[], text, text, text)
    set plan_cache_mode = force_custom_plan;
$ddl$);
