-- Change detection compares in source-id ranges (docs/sync.md#change-detection):
-- each stored hash also keeps the id of the legacy row it was read from, so a
-- run reads the stored hashes of one key page with one index range scan and
-- compares them itself, instead of sending every key to Postgres to be probed.
-- Hashes stored before have no id and are dropped: the next run reads every
-- row in full once (writing only what differs) and stores them again.

select private.apply_to_environments($ddl$
  truncate private."%1$s_sync_hashes";
  alter table private."%1$s_sync_hashes" add column source_id bigint not null;
  comment on column private."%1$s_sync_hashes".source_id is
    'The id of the legacy row (MemberID, PositionID, FacilityID, RegionID) the hash was read from.';
  create index "%1$s_sync_hashes_source_id" on private."%1$s_sync_hashes" (table_name, source_id);
$ddl$);
