// Retries with exponential backoff and full jitter, for faults that a second
// attempt can cure (a dropped connection, a deadlock, MySQL gone away).

export interface RetryOptions {
  retries: number;
  baseDelayMs: number;
  isTransient: (err: unknown) => boolean;
  /** Stop retrying when the next wait would pass this time (ms since epoch). */
  deadline?: number;
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

export async function withRetry<T>(fn: () => Promise<T>, opts: RetryOptions): Promise<T> {
  for (let attempt = 0;; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= opts.retries || !opts.isTransient(err)) throw err;
      const delay = Math.round(Math.random() * opts.baseDelayMs * 2 ** attempt);
      if (opts.deadline !== undefined && Date.now() + delay > opts.deadline) throw err;
      opts.onRetry?.(err, attempt + 1, delay);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
