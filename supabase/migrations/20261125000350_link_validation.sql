-- Discord link validation (docs/sync.md): after a members sync every linked
-- member is checked against the source. validation_summaries has a row per
-- run, validation_logs a row per linked member checked, and ineligible_links
-- lists the latest run's non-eligible links for the bot, which removes their
-- roles. Nobody is unlinked here.

select private.apply_to_environments($ddl$
  -- One row per validation run of linked members.
  create table %2$I.validation_summaries (
    run_id uuid primary key default gen_random_uuid(),
    sync_id uuid,
    started_at timestamptz not null default now(),
    finished_at timestamptz,
    checked integer not null default 0,
    eligible integer not null default 0,
    inactive integer not null default 0,
    missing integer not null default 0,
    duration_ms integer
  );
  create index validation_summaries_started_at_idx on %2$I.validation_summaries (started_at);

  -- One row per linked member checked in a run.
  create table %2$I.validation_logs (
    id bigint generated always as identity primary key,
    run_id uuid not null references %2$I.validation_summaries (run_id) on delete cascade,
    member_number text not null,
    discord_id text not null,
    result text not null
      constraint validation_logs_result_check check (result in ('eligible', 'inactive', 'missing')),
    reason text,
    created_at timestamptz not null default now()
  );
  create index validation_logs_run_id_idx on %2$I.validation_logs (run_id);
  create index validation_logs_created_at_idx on %2$I.validation_logs (created_at);

  comment on table %2$I.validation_summaries is
    'One row per validation run of linked members: how many were eligible, inactive or missing.';
  comment on column %2$I.validation_summaries.sync_id is 'The sync run that triggered the validation.';
  comment on table %2$I.validation_logs is
    'One row per linked member checked in a validation run.';
  comment on column %2$I.validation_logs.result is
    'eligible (in the source and active), inactive (in the source, another status) or missing (gone from the source).';

  alter table %2$I.validation_summaries enable row level security;
  alter table %2$I.validation_logs enable row level security;
  revoke all on %2$I.validation_summaries, %2$I.validation_logs from anon, authenticated;
  grant all on %2$I.validation_summaries, %2$I.validation_logs to service_role;
  grant usage, select on all sequences in schema %2$I to service_role;

  create or replace view %2$I.ineligible_links with (security_invoker = true) as
    select l.member_number, l.discord_id, l.result, l.reason, l.run_id,
           l.created_at as checked_at
    from %2$I.validation_logs l
    where l.result <> 'eligible'
      and l.run_id = (select s.run_id from %2$I.validation_summaries s
                      where s.finished_at is not null
                      order by s.started_at desc limit 1);
  comment on view %2$I.ineligible_links is
    'Linked members the latest finished validation run found ineligible (inactive or missing).';
  revoke all on %2$I.ineligible_links from anon, authenticated;
  grant select on %2$I.ineligible_links to service_role;
$ddl$);
