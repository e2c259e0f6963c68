// Which database faults are worth a retry: the driver's and the server's
// codes for a connection that is gone, a deadlock, a serialization failure.
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  // withRetry's own timeout: a query on a dead connection that never settled.
  "ATTEMPT_TIMEOUT",
]);

/**
 * A socket's own read, write or connect failed. Deno 2.1 reports some of
 * these with the code UNKNOWN (seen: `write UNKNOWN` on a connection whose
 * backend was just ended), so the system call says it, not the code. A
 * file's read or write names its path: not a socket.
 */
const SOCKET_CALLS = new Set(["read", "write", "connect"]);
const isSocketCall = (err: { syscall?: string; path?: string }) =>
  SOCKET_CALLS.has(err.syscall ?? "") && err.path === undefined;

/** The connection is gone or the server is going away: a retry may succeed. */
export function isConnectionError(err: unknown): boolean {
  const e = (err ?? {}) as { code?: string; syscall?: string; path?: string };
  const code = e.code ?? "";
  return CONNECTION_CODES.has(code) || code.startsWith("08") || code === "57P01" ||
    code === "57P02" || code === "57P03" || code === "53300" || isSocketCall(e);
}

/** Serialization failure or deadlock: the transaction may simply be run again. */
export const isConflictError = (err: unknown) =>
  ["40001", "40P01"].includes((err as { code?: string })?.code ?? "");

export const isUniqueViolation = (err: unknown, constraint?: string) => {
  const e = err as { code?: string; constraint_name?: string };
  return e?.code === "23505" && (!constraint || e.constraint_name === constraint);
};

/** A lock or statement timeout (lock_timeout, statement_timeout): busy, try again shortly. */
export const isTimeoutError = (err: unknown) =>
  ["55P03", "57014"].includes((err as { code?: string })?.code ?? "");

export const isTransientDbError = (err: unknown) => isConnectionError(err) || isConflictError(err);
