// What a failed run says: a reason for operators, a code for programs (the
// fault's class and SQLSTATE, MySQL code or errno; never a message, which
// could quote data or a secret), and the HTTP answer.
import { isTransientDbError } from "../db.ts";
import { HttpError } from "../errors.ts";
import { SyncLockLost } from "./lock.ts";
import { describeSourceFailure, isTransientMysqlError } from "./mysql_errors.ts";

export interface RunFailure {
  reason: string;
  code: string;
  /** 503 for faults a later run may not meet (unreachable, lost lock), 500 otherwise. */
  status: 500 | 503;
}

/** The fault's class and code, e.g. `postgres:57014`, `mysql:ER_TABLEACCESS_DENIED_ERROR/1142`. */
export function faultCode(err: unknown): string {
  const e = err as { code?: string; errno?: number; severity?: string; sqlState?: string };
  if (e?.severity && e.code) return `postgres:${e.code}`;
  if (e?.sqlState || /^ER_/.test(e?.code ?? "")) return `mysql:${e.code}/${e.errno}`;
  return `${(err as Error)?.name ?? "Error"}:${e?.code ?? "none"}`;
}

/** Classifies a fault of a run; `opening` when it came from opening the source. */
export function describeRunFailure(err: unknown, opening: boolean): RunFailure {
  if (opening) {
    // Node's code for the connection or certificate fault, as operators know it.
    return { ...describeSourceFailure(err), status: 503 };
  }
  const code = faultCode(err);
  if (err instanceof SyncLockLost) {
    return { reason: "the run lost its lock (its connection dropped)", code, status: 503 };
  }
  if (isTransientMysqlError(err)) {
    return { reason: "the legacy MySQL database failed during the run", code, status: 503 };
  }
  if (isTransientDbError(err)) {
    return { reason: "the database failed during the run", code, status: 503 };
  }
  return { reason: "the run failed", code, status: 500 };
}

export function failureAnswer(failure: RunFailure, syncId: string): HttpError {
  const details = { sync_id: syncId, code: failure.code, reason: failure.reason };
  return failure.status === 503
    ? new HttpError(503, "unavailable", "The sync could not finish; try again shortly", details)
    : new HttpError(500, "internal", "The sync failed", details);
}
