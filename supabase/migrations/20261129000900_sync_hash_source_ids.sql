-- Change detection by buckets of source ids (docs/sync.md#change-detection).
-- The stored hashes move to one table per synced table, each hash with the
-- id of the legacy row it was read from: a run sums up the stored hashes of a
-- range of ids with one index range scan and compares the sums with MySQL's.
--
-- One table per synced table, not one shared table with a table_name column:
-- statistics of a shared table taken before a table's rows arrived (the sync
-- analyzes after a large write) made the planner expect one row for that
-- table, and the upsert then scanned every stored hash of it for each row it
-- looked up (a 200,000-member first load took 43-65 s instead of 7). A table
-- of its own is sized by its own file, however stale its statistics.
--
-- The row hash now covers the row's id, so the hashes stored before are
-- dropped: the next run reads every row in full once (writing only what
-- differs) and stores them again.

do $$
declare
  env text;
  synced text;
  hashes text;
begin
  foreach env in array array['public', 'dev'] loop
    execute format('drop table private.%I', env || '_sync_hashes');
    foreach synced in array array['regions', 'facilities', 'members', 'positions'] loop
      hashes := env || '_sync_hashes_' || synced;
      execute format($ddl$
        create table private.%1$I (
          source_key text primary key,
          source_id bigint not null,
          hash uuid not null
        );
        create index %2$I on private.%1$I (source_id);
        comment on table private.%1$I is %3$L;
        alter table private.%1$I enable row level security;
        revoke all on private.%1$I from public, anon, authenticated;
        grant select, insert, update, delete on private.%1$I to service_role;
      $ddl$, hashes, hashes || '_source_id',
        format('Per row of %s.%s: its key, the id of the legacy row it was read from, and the MD5 '
          || 'of the mapped source columns (and mapping version) it was last written from.', env, synced));
    end loop;
  end loop;
end
$$;
