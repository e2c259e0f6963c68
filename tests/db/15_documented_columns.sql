-- The columns clients are written against (docs/database.md, "Documented
-- columns"), table by table, in both environment pairs: each exists under
-- its documented name with its type. Columns may be added beside them; none
-- of these may be renamed or dropped.
begin;

create temporary table documented (schema_kind text, table_name text, column_name text, type text)
  on commit drop;
insert into documented values
  ('shared', 'members', 'id', 'bigint'),
  ('shared', 'members', 'member_number', 'text'),
  ('shared', 'members', 'first_name', 'text'),
  ('shared', 'members', 'last_name', 'text'),
  ('shared', 'members', 'email', 'text'),
  ('shared', 'members', 'facility_code', 'text'),
  ('shared', 'members', 'facility_name', 'text'),
  ('shared', 'members', 'region_code', 'text'),
  ('shared', 'members', 'region_name', 'text'),
  ('shared', 'members', 'member_type_id', 'integer'),
  ('shared', 'members', 'member_type', 'text'),
  ('shared', 'members', 'status', 'text'),
  ('shared', 'members', 'discord_id', 'text'),
  ('shared', 'members', 'discord_username', 'text'),
  ('shared', 'members', 'discord_verified', 'boolean'),
  ('shared', 'members', 'auth0_user_id', 'text'),
  ('shared', 'members', 'verified_at', 'timestamp with time zone'),
  ('shared', 'members', 'last_auth0_sync', 'timestamp with time zone'),
  ('shared', 'members', 'last_sync', 'timestamp with time zone'),
  ('shared', 'members', 'created_at', 'timestamp with time zone'),
  ('shared', 'members', 'updated_at', 'timestamp with time zone'),
  ('shared', 'positions', 'id', 'bigint'),
  ('shared', 'positions', 'member_number', 'text'),
  ('shared', 'positions', 'position_type', 'text'),
  ('shared', 'positions', 'position_title', 'text'),
  ('shared', 'positions', 'facility_code', 'text'),
  ('shared', 'positions', 'facility_name', 'text'),
  ('shared', 'positions', 'start_date', 'date'),
  ('shared', 'positions', 'end_date', 'date'),
  ('shared', 'positions', 'active', 'boolean'),
  ('shared', 'positions', 'created_at', 'timestamp with time zone'),
  ('shared', 'positions', 'updated_at', 'timestamp with time zone'),
  ('shared', 'facilities', 'id', 'bigint'),
  ('shared', 'facilities', 'facility_code', 'text'),
  ('shared', 'facilities', 'facility_name', 'text'),
  ('shared', 'facilities', 'facility_type', 'text'),
  ('shared', 'facilities', 'region_code', 'text'),
  ('shared', 'facilities', 'region_name', 'text'),
  ('shared', 'facilities', 'active', 'boolean'),
  ('shared', 'facilities', 'member_count', 'integer'),
  ('shared', 'facilities', 'created_at', 'timestamp with time zone'),
  ('shared', 'facilities', 'updated_at', 'timestamp with time zone'),
  ('shared', 'regions', 'id', 'bigint'),
  ('shared', 'regions', 'region_code', 'text'),
  ('shared', 'regions', 'region_name', 'text'),
  ('shared', 'regions', 'active', 'boolean'),
  ('shared', 'regions', 'facility_count', 'integer'),
  ('shared', 'regions', 'member_count', 'integer'),
  ('shared', 'regions', 'created_at', 'timestamp with time zone'),
  ('shared', 'regions', 'updated_at', 'timestamp with time zone'),
  ('shared', 'sync_logs', 'id', 'bigint'),
  ('shared', 'sync_logs', 'sync_id', 'uuid'),
  ('shared', 'sync_logs', 'table_name', 'text'),
  ('shared', 'sync_logs', 'operation', 'text'),
  ('shared', 'sync_logs', 'status', 'text'),
  ('shared', 'sync_logs', 'records_processed', 'integer'),
  ('shared', 'sync_logs', 'records_succeeded', 'integer'),
  ('shared', 'sync_logs', 'records_failed', 'integer'),
  ('shared', 'sync_logs', 'error_details', 'jsonb'),
  ('shared', 'sync_logs', 'duration_ms', 'integer'),
  ('shared', 'sync_logs', 'created_at', 'timestamp with time zone'),
  ('discord', 'verification_requests', 'id', 'bigint'),
  ('discord', 'verification_requests', 'verification_id', 'uuid'),
  ('discord', 'verification_requests', 'discord_id', 'text'),
  ('discord', 'verification_requests', 'discord_username', 'text'),
  ('discord', 'verification_requests', 'status', 'text'),
  ('discord', 'verification_requests', 'member_number', 'text'),
  ('discord', 'verification_requests', 'auth0_user_id', 'text'),
  ('discord', 'verification_requests', 'created_at', 'timestamp with time zone'),
  ('discord', 'verification_requests', 'expires_at', 'timestamp with time zone'),
  ('discord', 'verification_requests', 'completed_at', 'timestamp with time zone');

create temporary table pairs (shared text, discord text) on commit drop;
insert into pairs values ('public', 'discord'), ('dev', 'discord_dev');

create temporary view expected as
  select case d.schema_kind when 'shared' then p.shared else p.discord end as schema_name,
         d.table_name, d.column_name, d.type
  from documented d cross join pairs p;

-- The plan is fixed, not counted from the list: a line dropped from the list
-- must fail here, not shrink the plan. 71 columns of 6 tables, in two pairs:
-- 142 columns, 2 × 12 id checks, 6 verification_id checks, and the count;
-- then the bot's member events: 7 columns, the key and the id's default, in
-- each pair (18).
select plan(191);
select is((select count(*)::int from documented), 71, 'the 71 documented columns are all listed');

-- Per column: it exists with its type. Per table: id is unique and generated.

select col_type_is(schema_name, table_name, column_name, type,
                   format('%I.%I.%I is %s', schema_name, table_name, column_name, type))
from expected order by schema_name, table_name, column_name;

-- Unique through a primary key or a unique constraint on id alone.
select ok(exists (select from pg_index i
                  join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
                  where i.indrelid = format('%I.%I', t.schema_name, t.table_name)::regclass
                    and i.indisunique and i.indnkeyatts = 1 and i.indpred is null
                    and a.attname = 'id'),
          format('%I.%I.id is unique', schema_name, table_name))
from (select distinct schema_name, table_name from expected) t order by schema_name, table_name;
select ok(exists (select from information_schema.columns c
                  where c.table_schema = t.schema_name and c.table_name = t.table_name
                    and c.column_name = 'id' and c.is_identity = 'YES'),
          format('%I.%I.id is generated', schema_name, table_name))
from (select distinct schema_name, table_name from expected) t order by schema_name, table_name;

-- The public verification id: unique, not null, generated.
select col_is_pk(p.discord, 'verification_requests', 'verification_id',
                 p.discord || '.verification_requests is keyed by verification_id')
from pairs p order by p.discord;
select col_not_null(p.discord, 'verification_requests', 'verification_id',
                    p.discord || '.verification_requests.verification_id is not null')
from pairs p order by p.discord;
select col_has_default(p.discord, 'verification_requests', 'verification_id',
                       p.discord || '.verification_requests.verification_id is generated')
from pairs p order by p.discord;

-- The bot's member events: id is bigint and generated, though not an identity
-- column: its value orders events by transaction (docs/database.md).
select col_type_is(p.discord, 'member_events', c.name, c.type,
                   format('%I.member_events.%I is %s', p.discord, c.name, c.type))
from pairs p,
     (values ('id', 'bigint'), ('member_number', 'text'), ('discord_id', 'text'), ('kind', 'text'),
             ('details', 'jsonb'), ('source', 'text'), ('created_at', 'timestamp with time zone')) c(name, type)
order by p.discord, c.name;
select col_is_pk(p.discord, 'member_events', 'id', p.discord || '.member_events is keyed by id')
from pairs p order by p.discord;
select col_default_is(p.discord, 'member_events', 'id', 'private.member_event_id()',
                      p.discord || '.member_events.id is generated')
from pairs p order by p.discord;

select * from finish();
rollback;
