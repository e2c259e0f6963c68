// One delivery of one message to one webhook, with the retries that belong
// inside a pass: a 5xx, a timeout or a refused connection is tried again
// after a short backoff, a 429 after its Retry-After when that is short.
// What is kept of a failure is its class and status, never the fetch
// error's text: it quotes the URL, which is a secret.

export type SendOutcome =
  | { kind: "delivered"; status: number }
  /** A 4xx other than 429: the URL is wrong; retrying cannot help. */
  | { kind: "rejected"; status: number; error: string }
  /** Worth another try, not before `retryAfterMs` from now when set. */
  | { kind: "failed"; status: number | null; error: string; retryAfterMs?: number };

export interface SendOptions {
  /** One attempt's time limit. */
  timeoutMs: number;
  /** Attempts within this call. */
  attempts: number;
  /** The first backoff; it doubles. */
  backoffMs: number;
  /** A Retry-After longer than this is left to a later pass. */
  maxWaitMs: number;
  /** Nothing is started or waited for past this time (ms since epoch). */
  deadline: number;
}

export const SEND_DEFAULTS: Omit<SendOptions, "deadline"> = {
  timeoutMs: 10_000,
  attempts: 4,
  backoffMs: 1_000,
  maxWaitMs: 15_000,
};

/** Retry-After as seconds or an HTTP date (Discord also puts `retry_after` in the body). */
export function retryAfterMs(res: Response, body: string): number | undefined {
  const header = res.headers.get("retry-after")?.trim();
  if (header) {
    const seconds = Number(header);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
    const at = Date.parse(header);
    if (!Number.isNaN(at)) return Math.max(0, at - Date.now());
  }
  try {
    const seconds = Number((JSON.parse(body) as { retry_after?: unknown }).retry_after);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  } catch {
    // not JSON: no hint
  }
  return undefined;
}

async function attempt(url: string, payload: string, timeoutMs: number): Promise<SendOutcome> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: payload,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await res.text().catch(() => "");
    if (res.status >= 200 && res.status < 300) return { kind: "delivered", status: res.status };
    // Worth another try: rate limited, a request timeout, a server fault.
    if (res.status === 429 || res.status === 408 || res.status >= 500) {
      return {
        kind: "failed",
        status: res.status,
        error: res.status === 429 ? "rate_limited" : `http_${res.status}`,
        retryAfterMs: retryAfterMs(res, body),
      };
    }
    // Any other 4xx, or a redirect (a webhook URL does not move): the URL is wrong.
    return { kind: "rejected", status: res.status, error: `http_${res.status}` };
  } catch (err) {
    const name = (err as Error)?.name;
    return {
      kind: "failed",
      status: null,
      error: name === "TimeoutError" ? "timeout" : "connection",
    };
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The last attempt's outcome, and how many requests were made. */
export async function sendAlert(
  url: string,
  payload: string,
  opts: SendOptions,
): Promise<{ outcome: SendOutcome; tries: number }> {
  let outcome: SendOutcome = { kind: "failed", status: null, error: "not_attempted" };
  for (let tries = 0; tries < opts.attempts;) {
    if (Date.now() + opts.timeoutMs > opts.deadline) return { outcome, tries };
    outcome = await attempt(url, payload, opts.timeoutMs);
    tries++;
    if (outcome.kind !== "failed" || tries === opts.attempts) return { outcome, tries };
    const wait = outcome.retryAfterMs ?? opts.backoffMs * 2 ** (tries - 1);
    if (wait > opts.maxWaitMs || Date.now() + wait + opts.timeoutMs > opts.deadline) {
      return { outcome, tries };
    }
    await sleep(wait);
  }
  return { outcome, tries: opts.attempts };
}
