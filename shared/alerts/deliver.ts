// One delivery pass for an environment: fold what happened into messages,
// then send each target its due messages, oldest first, one at a time (a
// Discord webhook allows a few messages a second), the targets side by side.
// Runs after the health check has answered, so it never delays one; every
// fault is caught and logged here, so it never fails one either.
import type { Sql } from "../db.ts";
import type { Environment } from "../environment.ts";
import { log } from "../log.ts";
import type { AlertConfig } from "./config.ts";
import { alertPayload } from "./payloads.ts";
import { SEND_DEFAULTS, sendAlert, type SendOptions } from "./send.ts";
import {
  claimDelivery,
  closeUndeliverable,
  composeAlerts,
  recordOutcome,
  type Windows,
} from "./store.ts";
import { type AlertTarget, alertTargets } from "./targets.ts";

/** A pass stops starting sends after this long (Edge Functions get 150 s of wall time). */
export const PASS_BUDGET_MS = 90_000;

export interface PassReport {
  composed: number;
  delivered: number;
  failed: number;
  closed: number;
}

async function deliverTo(
  sql: Sql,
  environment: Environment,
  target: AlertTarget,
  windows: Windows,
  send: SendOptions,
  report: PassReport,
) {
  if (!target.url) return;
  while (Date.now() + send.timeoutMs < send.deadline) {
    const claimed = await claimDelivery(sql, environment, target.index);
    if (!claimed) return;
    const payload = JSON.stringify(alertPayload(target.format, claimed));
    const sent = await sendAlert(target.url, payload, send);
    const { outcome } = sent;
    const state = await recordOutcome(sql, claimed, target.index, sent, windows.maxAgeHours);
    const fields = {
      environment,
      alert_id: claimed.alert_id,
      kind: claimed.kind,
      target: target.name,
      status: outcome.status,
      state,
    };
    if (outcome.kind === "delivered") {
      report.delivered++;
      log("info", "alert_delivered", fields);
    } else {
      report.failed++;
      log(state === "pending" ? "warn" : "error", "alert_not_delivered", {
        ...fields,
        error: outcome.error,
      });
      // The target is failing: its next message waits for a later pass.
      if (state === "pending") return;
    }
  }
}

export async function deliverAlerts(
  sql: Sql,
  config: AlertConfig,
  environment: Environment,
  send: Partial<SendOptions> = {},
): Promise<PassReport> {
  const report: PassReport = { composed: 0, delivered: 0, failed: 0, closed: 0 };
  const targets = alertTargets(config, environment);
  // No webhook: the environment's alerts stay sync_logs rows only.
  if (targets.length === 0) return report;
  const windows = {
    repeatMinutes: config.ALERT_REPEAT_MINUTES,
    maxAgeHours: config.ALERT_MAX_AGE_HOURS,
  };
  const options = { ...SEND_DEFAULTS, deadline: Date.now() + PASS_BUDGET_MS, ...send };
  report.composed = await composeAlerts(sql, environment, targets, windows);
  for (const closed of await closeUndeliverable(sql, environment, targets, windows.maxAgeHours)) {
    report.closed++;
    log("error", "alert_not_delivered", {
      environment,
      alert_id: closed.alert_id,
      kind: closed.kind,
      target: closed.target_name,
      state: closed.state,
    });
  }
  // Every target's loop ends before the pass does, whatever another's fault.
  const ends = await Promise.allSettled(
    targets.map((t) => deliverTo(sql, environment, t, windows, options, report)),
  );
  for (const end of ends) if (end.status === "rejected") throw end.reason;
  return report;
}

/** The pass as a background task: its faults are logged by kind, never thrown. */
export async function deliverAlertsSafely(
  sql: Sql,
  config: AlertConfig,
  environment: Environment,
): Promise<void> {
  try {
    const report = await deliverAlerts(sql, config, environment);
    if (report.composed || report.delivered || report.failed || report.closed) {
      log("info", "alert_pass", { environment, ...report });
    }
  } catch (err) {
    const e = err as { name?: string; code?: string };
    log("error", "alert_pass_failed", { environment, kind: e?.name, code: e?.code });
  }
}
