-- Change detection for the sync (docs/sync.md#change-detection): the hash of
-- the source columns each synced row was last written from, the scheduled
-- runs counted towards the next full comparison, and the mapping version the
-- last full comparison ran under. Platform-owned: in private, which no
-- reader's grant covers; only the sync (service role) reads or writes them.

select private.apply_to_environments($ddl$
  create table private."%1$s_sync_hashes" (
    table_name text not null,
    source_key text not null,
    hash uuid not null,
    primary key (table_name, source_key)
  );
  comment on table private."%1$s_sync_hashes" is
    'Per synced row: MD5 of the mapped source columns (and the mapping version) it was last written from.';
  alter table private."%1$s_sync_hashes" enable row level security;
  revoke all on private."%1$s_sync_hashes" from public, anon, authenticated;
  grant select, insert, update, delete on private."%1$s_sync_hashes" to service_role;

  create table private."%1$s_sync_state" (
    environment_singleton boolean primary key default true
      constraint sync_state_singleton check (environment_singleton),
    scheduled_runs bigint not null default 0,
    mapping_version integer
  );
  comment on table private."%1$s_sync_state" is
    'Scheduled sync runs started (every SYNC_FULL_COMPARE_EVERY-th compares full rows), and the mapping version of the last completed full comparison.';
  alter table private."%1$s_sync_state" enable row level security;
  revoke all on private."%1$s_sync_state" from public, anon, authenticated;
  grant select, insert, update on private."%1$s_sync_state" to service_role;

  alter table %1$I.sync_cursor
    add column full_compare boolean not null default false,
    add column mapping_version integer;
  comment on column %1$I.sync_cursor.full_compare is
    'The run compares full rows (decided at its start, kept by its resumptions).';
  comment on column %1$I.sync_cursor.mapping_version is
    'The mapping version the run hashes with (decided at its start).';
  comment on column %1$I.sync_logs.error_details is 'Why: rejected records (key, reason; at most 100, with rejected_total), a refused retirement, a run failure or a health alert; a full comparison''s drift; on a run''s end row, how it compared (details).';
$ddl$);
