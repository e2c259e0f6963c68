// What a run reports: per-table counts, the run's status, and rejected records.

export interface TableReport {
  processed: number;
  inserted: number;
  updated: number;
  unchanged: number;
  deactivated: number;
  failed: number;
  duration_ms: number;
}

export interface SyncReport {
  sync_id: string;
  status: "completed" | "partial" | "failed";
  duration_ms: number;
  dry_run: boolean;
  resumed: boolean;
  tables: Partial<Record<string, TableReport>>;
  details: RunDetails;
}

/** How the run compared the source with Postgres (docs/sync.md#change-detection). */
export interface RunDetails {
  full_compare: boolean;
  mapping_version: number;
  full_compare_reason?: string;
  /**
   * A full comparison's findings, per table walked in this invocation: rows it
   * changed whose stored hash matched the source's, which the hash path
   * would have missed (the first MAX_LOGGED_REJECTIONS keys).
   */
  drift?: Record<string, { rows: number; keys: string[] }>;
}

/** A source record that was not written, and why; the member number where the record has one. */
export interface Rejection {
  key: string;
  member_number?: string;
  reason: string;
}

/** A record written with a replaced value (an unknown member status synced as inactive). */
export interface Replacement {
  key: string;
  member_number?: string;
  kind: string;
  value: string;
}

/** How many rejected records a sync_logs row describes; the total is always kept. */
export const MAX_LOGGED_REJECTIONS = 100;

export const emptyCounts = (): TableReport => ({
  processed: 0,
  inserted: 0,
  updated: 0,
  unchanged: 0,
  deactivated: 0,
  failed: 0,
  duration_ms: 0,
});

/** The run's counts summed over its tables, as sync_logs columns. */
export function totals(report: SyncReport) {
  const sum = (k: keyof TableReport) =>
    Object.values(report.tables).reduce((n, t) => n + (t?.[k] ?? 0), 0);
  return {
    records_processed: sum("processed"),
    records_inserted: sum("inserted"),
    records_updated: sum("updated"),
    records_unchanged: sum("unchanged"),
    records_deactivated: sum("deactivated"),
    records_failed: sum("failed"),
  };
}
