// Retries with exponential backoff and full jitter, for faults that a second
// attempt can cure (a dropped connection, a deadlock, MySQL gone away).

export interface RetryOptions {
  retries: number;
  baseDelayMs: number;
  isTransient: (err: unknown) => boolean;
  /** Stop retrying when the next wait would pass this time (ms since epoch). */
  deadline?: number;
  /**
   * Give up on one attempt after this long with an AttemptTimeout error. A
   * database driver can leave a query on a dead connection unanswered
   * forever; the caller decides whether that error is worth a retry.
   */
  attemptTimeoutMs?: number;
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

/** An attempt that did not settle within attemptTimeoutMs. */
export class AttemptTimeout extends Error {
  readonly code = "ATTEMPT_TIMEOUT";
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = "AttemptTimeout";
  }
}

export async function withRetry<T>(fn: () => Promise<T>, opts: RetryOptions): Promise<T> {
  for (let attempt = 0;; attempt++) {
    try {
      return await (opts.attemptTimeoutMs ? withTimeout(fn(), opts.attemptTimeoutMs) : fn());
    } catch (err) {
      if (attempt >= opts.retries || !opts.isTransient(err)) throw err;
      const delay = Math.round(Math.random() * opts.baseDelayMs * 2 ** attempt);
      if (opts.deadline !== undefined && Date.now() + delay > opts.deadline) throw err;
      opts.onRetry?.(err, attempt + 1, delay);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** `promise`, or an AttemptTimeout after `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AttemptTimeout(ms)), ms);
  });
  // The abandoned attempt may still settle later; its outcome is not wanted.
  promise.catch(() => {});
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
