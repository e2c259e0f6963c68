// A webhook receiver on a loopback port, standing in for Discord, Slack or
// any JSON endpoint: it records every request (path, body, when) and answers
// what the test scripted, in order, then 204. Paths choose the format the
// functions send: /api/webhooks/… (Discord), /services/… (Slack), else generic.
import { serve } from "../helpers.ts";

export interface Received {
  path: string;
  body: Record<string, unknown>;
  /** When the request came (it is listed once answered). */
  at: number;
  /** What the receiver answered. */
  status: number;
}

export interface Scripted {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Wait this long before answering. */
  delayMs?: number;
}

/** `otherwise` answers every request the script does not (by default at once, 204). */
export function alertReceiver(otherwise: Scripted = { status: 204 }) {
  const received: Received[] = [];
  const script: Scripted[] = [];
  const server = serve(async (req) => {
    const at = Date.now();
    const body = await req.json().catch(() => ({}));
    const next = script.shift() ?? otherwise;
    if (next.delayMs) await new Promise((r) => setTimeout(r, next.delayMs));
    // Listed once answered; `at` is when it came.
    received.push({ path: new URL(req.url).pathname, body, at, status: next.status });
    return new Response(next.body ?? null, { status: next.status, headers: next.headers });
  });
  return {
    received,
    /** Answers for the next requests, in order. */
    answer: (...answers: Scripted[]) => script.push(...answers),
    url: (path: string) => `${server.url}${path}`,
    /** Requests whose generic or Discord or Slack body mentions `text`. */
    mentioning: (text: string) => received.filter((r) => JSON.stringify(r.body).includes(text)),
    reset: () => {
      received.length = 0;
      script.length = 0;
    },
    close: server.close,
  };
}
