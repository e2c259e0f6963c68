// The run's rows in sync_logs: a sync_start, one row per table, and a
// sync_complete or sync_error that closes the run (table_name null). A dry
// run writes none of them.
import type { Sql } from "../db.ts";
import {
  MAX_LOGGED_REJECTIONS,
  type Rejection,
  type Replacement,
  type SyncReport,
  type TableReport,
  totals,
} from "./report.ts";
import type { SyncRetries } from "./retries.ts";

export class RunLog {
  constructor(
    private readonly sql: Sql,
    private readonly schema: string,
    private readonly syncId: string,
    private readonly dryRun: boolean,
    private readonly retries: SyncRetries,
  ) {}

  started() {
    return this.write({ operation: "sync_start", status: this.dryRun ? "dry_run" : "started" });
  }

  /**
   * A table's outcome: `refused` says why its retirement was refused,
   * `overridden` that an operator allowed it past the guard.
   */
  table(
    table: string,
    counts: TableReport,
    outcome: {
      stopped: boolean;
      rejected: Rejection[];
      replaced: Replacement[];
      refused?: string;
      overridden?: string;
      /** A full comparison's drift (absent on the hash path). */
      drift?: string[];
    },
  ) {
    const { stopped, refused, overridden, rejected, replaced, drift } = outcome;
    return this.write({
      table_name: table,
      operation: refused ? "sync_error" : "sync_complete",
      status: stopped ? "partial" : refused ? "deactivation_refused" : "completed",
      records_processed: counts.processed,
      records_inserted: counts.inserted,
      records_updated: counts.updated,
      records_unchanged: counts.unchanged,
      records_deactivated: counts.deactivated,
      records_failed: counts.failed,
      duration_ms: counts.duration_ms,
      error_details: rejected.length || replaced.length || refused || overridden || drift?.length
        ? {
          ...(drift?.length
            ? { drift: drift.slice(0, MAX_LOGGED_REJECTIONS), drift_total: drift.length }
            : {}),
          ...(refused ? { deactivation_refused: refused } : {}),
          ...(overridden ? { mass_deactivation_allowed: overridden } : {}),
          rejected: rejected.slice(0, MAX_LOGGED_REJECTIONS),
          rejected_total: rejected.length,
          ...(replaced.length
            ? {
              replaced: replaced.slice(0, MAX_LOGGED_REJECTIONS),
              replaced_total: replaced.length,
            }
            : {}),
        }
        : null,
    });
  }

  /** The run failed: `reason` is for operators, `code` the fault's code (never a secret). */
  failed(durationMs: number, reason: string, code: string) {
    return this.write({
      operation: "sync_error",
      status: "failed",
      duration_ms: durationMs,
      error_details: { reason, code },
    });
  }

  /** The run kept failing on resumption and its cursor was dropped: an alert. */
  abandoned(failures: number) {
    return this.write({
      operation: "sync_error",
      status: "abandoned",
      error_details: {
        alert: "sync run abandoned",
        reason: `${failures} invocations of this run failed; its cursor was dropped and the ` +
          "next scheduled run starts afresh",
        failures,
      },
    });
  }

  completed(report: SyncReport) {
    return this.write({
      operation: "sync_complete",
      status: report.status,
      duration_ms: report.duration_ms,
      ...totals(report),
      // How the run compared (hashes or full rows) and any drift it found.
      error_details: report.details,
    });
  }

  private async write(row: Record<string, unknown>): Promise<void> {
    if (this.dryRun) return;
    const { sql, schema, syncId } = this;
    await this.retries.postgres(() =>
      sql`insert into ${sql(schema)}.sync_logs ${sql({ sync_id: syncId, ...row })}`
    );
  }
}
