-- Change detection by buckets of source ids (docs/sync.md#change-detection):
-- each stored hash also keeps the id of the legacy row it was read from, so a
-- run sums up the stored hashes of a range of ids with one index range scan
-- and compares the sums with MySQL's, instead of comparing every key. The
-- row hash now covers the row's id too, so the hashes stored before are
-- dropped: the next run reads every row in full once (writing only what
-- differs) and stores them again.

select private.apply_to_environments($ddl$
  truncate private."%1$s_sync_hashes";
  alter table private."%1$s_sync_hashes" add column source_id bigint not null;
  comment on column private."%1$s_sync_hashes".source_id is
    'The id of the legacy row (MemberID, PositionID, FacilityID, RegionID) the hash was read from.';
  create index "%1$s_sync_hashes_source_id" on private."%1$s_sync_hashes" (table_name, source_id);
$ddl$);
