// What an alert says, whatever the channel: a headline a person reads first
// (the environment and what happened, what to do, the sync_id and the code),
// then the details. Only the fields the trigger copied from sync_logs are
// quoted (reasons the sync wrote itself, counts, member numbers), so a message
// carries no secret, no email and no token.
import type { Environment } from "../environment.ts";

export type AlertKind =
  | "failed"
  | "abandoned"
  | "deactivation_refused"
  | "unhealthy"
  | "resolved"
  | "digest"
  | "test";

export type Severity = "error" | "warning" | "info";

/** An alert message as private.alerts holds it. */
export interface Alert {
  alert_id: string;
  environment: Environment;
  kind: AlertKind;
  severity: Severity;
  table_name: string | null;
  sync_id: string | null;
  code: string;
  details: Record<string, unknown>;
  count: number;
  first_at: Date;
  last_at: Date;
}

export interface AlertText {
  title: string;
  /** The line a person reads first. */
  headline: string;
  /** The headline, then the details, one per line. */
  text: string;
  /** The section of docs/operations.md's runbook that says what to do. */
  runbook: string;
}

interface DigestProblem {
  table_name: string;
  problem: "rejected" | "unknown_status";
  count: number;
  member_numbers: string[];
}

const str = (v: unknown) => (v === undefined || v === null ? undefined : String(v));
const utc = (d: Date) => d.toISOString().replace("T", " ").slice(0, 16) + " UTC";

/** The runbook section for a failure: the source's own faults have theirs. */
function failureRunbook(alert: Alert): string {
  const reason = str(alert.details.reason) ?? "";
  return /legacy MySQL database is unreachable|certificate/.test(reason)
    ? "MySQL unreachable"
    : "Sync stuck or failing";
}

function describe(alert: Alert): { title: string; what: string; runbook: string; more: string[] } {
  const d = alert.details;
  switch (alert.kind) {
    case "failed":
      return {
        title: "Sync failed",
        what: `the sync failed: ${str(d.reason) ?? "the run failed"}`,
        runbook: failureRunbook(alert),
        more: [],
      };
    case "abandoned":
      return {
        title: "Sync run abandoned",
        what: `a sync run was abandoned after ${str(d.failures) ?? "repeated"} failed resumptions`,
        runbook: "Sync stuck or failing",
        more: ["The next scheduled run starts afresh; fix the cause first."],
      };
    case "deactivation_refused":
      return {
        title: `Mass deactivation of ${alert.table_name} refused`,
        what: `the sync refused to deactivate ${alert.table_name}: ${
          str(d.reason) ?? "over the limit"
        }`,
        runbook: "Mass deactivation refused",
        more: ["Check the legacy source before overriding the guard."],
      };
    case "unhealthy":
      return {
        title: "Sync health check unhealthy",
        what: d.status_code === 503
          ? "the sync is unhealthy: no recent successful run, or too many failures"
          : `the health check got ${
            d.status_code
              ? `HTTP ${d.status_code}`
              : d.timed_out
              ? "no answer in time"
              : "no answer"
          }`,
        runbook: "Health alert",
        more: [
          d.last_success_at !== undefined
            ? `Last success: ${str(d.last_success_at) ?? "never"}`
            : "",
          d.success_rate !== undefined ? `Success rate (24 h): ${str(d.success_rate)}` : "",
        ].filter((s) => s !== ""),
      };
    case "resolved":
      return {
        title: "Sync health check healthy again",
        what: `the sync is healthy again (unhealthy since ${
          d.unhealthy_since ? utc(new Date(String(d.unhealthy_since))) : "an earlier check"
        })`,
        runbook: "Health alert",
        more: [],
      };
    case "digest":
      return digest(d);
    case "test":
      return {
        title: "Test alert",
        what: "a test alert from npm run alerts -- test: the wiring works",
        runbook: "Alerts",
        more: [],
      };
  }
}

function digest(d: Record<string, unknown>) {
  const problems = (d.problems ?? []) as DigestProblem[];
  const sum = (p: DigestProblem["problem"]) =>
    problems.filter((x) => x.problem === p).reduce((n, x) => n + x.count, 0);
  return {
    title: `Legacy data problems on ${str(d.day)}`,
    what: `the legacy database's data on ${str(d.day)}: ${sum("rejected")} rejected record(s), ${
      sum("unknown_status")
    } unknown status(es)`,
    runbook: "Data problems in the legacy database",
    more: problems.map((p) =>
      `${p.table_name}: ${p.count} ${
        p.problem === "rejected" ? "rejected" : "with an unknown status"
      } (${p.member_numbers.join(", ")}${p.count > p.member_numbers.length ? ", …" : ""})`
    ),
  };
}

export function alertText(alert: Alert): AlertText {
  const { title, what, runbook, more } = describe(alert);
  const ids = [alert.sync_id ? `sync_id ${alert.sync_id}` : "", `code ${alert.code}`]
    .filter((s) => s !== "").join(" · ");
  const headline = `[${alert.environment}] ${what}. What to do: runbook "${runbook}" ` +
    `(docs/operations.md). ${ids}`;
  const repeated = alert.count > 1
    ? [
      `Happened ${alert.count} times since the last message (${utc(alert.first_at)} to ${
        utc(alert.last_at)
      }).`,
    ]
    : [];
  return {
    title: `[${alert.environment}] ${title}`,
    headline,
    text: [headline, ...repeated, ...more].join("\n"),
    runbook,
  };
}
