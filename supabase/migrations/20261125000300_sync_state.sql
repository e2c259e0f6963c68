-- Where an unfinished sync run stopped, so the next invocation resumes it
-- instead of starting over (a run over a large source spans invocations of
-- the Edge Function). At most one row per environment.

select private.apply_to_environments($ddl$
  create table %1$I.sync_cursor (
    environment_singleton boolean primary key default true
      constraint sync_cursor_singleton check (environment_singleton),
    sync_id uuid not null,
    tables text[] not null,
    table_name text not null,
    after_id bigint not null default 0,
    failures integer not null default 0,
    started_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  );
  comment on table %1$I.sync_cursor is
    'Where an unfinished sync run stopped (at most one row); the resume job calls sync while it exists.';
  comment on column %1$I.sync_cursor.after_id is 'Last legacy primary key of table_name whose page is written.';
  comment on column %1$I.sync_cursor.failures is 'Failed invocations of this run; at SYNC_MAX_RESUME_FAILURES the cursor is dropped.';
  alter table %1$I.sync_cursor enable row level security;
  revoke all on %1$I.sync_cursor from anon, authenticated;
  grant all on %1$I.sync_cursor to service_role;
$ddl$);
