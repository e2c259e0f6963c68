// Local stand-in for pg_net's background worker: sends the HTTP requests
// that net.http_post / net.http_get queued (pg_cron jobs call them) and
// records each answer in net._http_response, as pg_net does.
import type { Sql } from "../shared/db.ts";
import { log } from "../shared/log.ts";

interface Queued {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Uint8Array<ArrayBuffer> | null;
  timeout_milliseconds: number;
}

/** Sends what is queued now; returns how many requests it sent. */
export async function drainNetQueue(sql: Sql): Promise<number> {
  const queued = await sql<Queued[]>`
    delete from net.http_request_queue
    where id in (select id from net.http_request_queue order by id limit 20 for update skip locked)
    returning id, method, url, headers, body, timeout_milliseconds`;
  await Promise.all(queued.map(async (q) => {
    let status: number | null = null, content: string | null = null, error: string | null = null;
    let timedOut = false;
    try {
      const res = await fetch(q.url, {
        method: q.method,
        headers: q.headers,
        body: q.body ? new Uint8Array(q.body) : undefined,
        signal: AbortSignal.timeout(q.timeout_milliseconds),
      });
      status = res.status;
      content = await res.text();
    } catch (err) {
      timedOut = (err as Error).name === "TimeoutError";
      error = (err as Error).name;
    }
    await sql`
      insert into net._http_response (id, status_code, content, timed_out, error_msg)
      values (${q.id}, ${status}, ${content}, ${timedOut}, ${error})
      on conflict (id) do nothing`;
    log("info", "net_request", { id: q.id, method: q.method, status, error });
  }));
  return queued.length;
}

/** Polls the queue until `signal` aborts. */
export async function runNetWorker(sql: Sql, signal: AbortSignal, intervalMs = 500) {
  while (!signal.aborted) {
    try {
      if (await drainNetQueue(sql) > 0) continue;
    } catch (err) {
      log("warn", "net_worker_error", { kind: (err as Error).name });
    }
    // An abort ends the wait, so a stop does not wait out the interval.
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, intervalMs);
      signal.addEventListener("abort", done, { once: true });
    });
  }
}
