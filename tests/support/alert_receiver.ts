// A webhook receiver on a loopback port, standing in for Discord, Slack or
// any JSON endpoint: it records every request (path, body, when) and answers
// what the test scripted, in order, then 204. Paths choose the format the
// functions send: /api/webhooks/… (Discord), /services/… (Slack), else generic.
import { serve } from "../helpers.ts";

export interface Received {
  path: string;
  body: Record<string, unknown>;
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

export function alertReceiver() {
  const received: Received[] = [];
  const script: Scripted[] = [];
  const server = serve(async (req) => {
    const body = await req.json().catch(() => ({}));
    const next = script.shift() ?? { status: 204 };
    if (next.delayMs) await new Promise((r) => setTimeout(r, next.delayMs));
    received.push({ path: new URL(req.url).pathname, body, at: Date.now(), status: next.status });
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
