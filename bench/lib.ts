// Small helpers the benchmarks share: a closed-loop load generator, latency
// percentiles, the summary of repeated measurements, and child processes.

export interface LoadResult {
  requests: number;
  errors: number;
  statuses: Record<number, number>;
  rps: number;
  p50: number;
  p99: number;
}

/**
 * `connections` workers each send requests back to back for `seconds`;
 * `next(i)` builds request number i.
 */
export async function load(
  seconds: number,
  connections: number,
  next: (i: number) => Promise<Request> | Request,
  /** At most this many requests: the run ends early once they are sent and answered. */
  limit = Infinity,
): Promise<LoadResult> {
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  let counter = 0, errors = 0;
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(Array.from({ length: connections }, async () => {
    while (performance.now() < end && counter < limit) {
      const req = await next(counter++);
      const t0 = performance.now();
      try {
        const res = await fetch(req);
        await res.arrayBuffer();
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        if (res.status >= 400) errors++;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - t0);
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  return {
    requests: latencies.length,
    errors,
    statuses,
    // Failed requests (refused connections, error answers) are not throughput.
    rps: Math.round((latencies.length - errors) / elapsed),
    p50: round(pct(0.5)),
    p99: round(pct(0.99)),
  };
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Repeated measurements of one figure: the median is reported, min and max show the noise. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

export function spread(runs: number[]): Spread {
  if (runs.length === 0) throw new Error("no runs to summarise");
  const s = [...runs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1], runs };
}

/** "median (min–max)", or just the median when every run agrees at this precision. */
export function fmt(s: Spread, digits = 1): string {
  const f = (n: number) => round(n, digits).toFixed(Math.max(0, digits));
  return f(s.min) === f(s.max) ? f(s.median) : `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
}

/** Environment variable as a number, with a default. */
export function envNumber(name: string, fallback: number): number {
  const raw = Deno.env.get(name);
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number`);
  return n;
}

/** A TCP port nobody listens on right now, so checkouts sharing the machine do not collide. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

export interface Server {
  alive(): boolean;
  /** Throws ServerExited if the server has exited: its answers can no longer be measured. */
  check(): void;
  stop(): Promise<void>;
}

export class ServerExited extends Error {}

/** Starts a Deno script as a child process and waits until `url` answers. */
export async function spawnServer(
  script: string,
  env: Record<string, string>,
  url: string,
): Promise<Server> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script],
    env: { ...env, LOG_LEVEL: "silent" },
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  let exit: Deno.CommandStatus | undefined;
  const status = child.status.then((s) => (exit = s));
  const server: Server = {
    alive: () => !exit,
    check() {
      if (exit) {
        throw new ServerExited(
          `${script} exited during the benchmark (code ${exit.code}, signal ${exit.signal})`,
        );
      }
    },
    async stop() {
      // SIGKILL: a graceful stop would wait for the server's pool to idle out.
      if (!exit) child.kill("SIGKILL");
      await status;
    },
  };
  for (let i = 0; i < 100; i++) {
    server.check();
    try {
      await (await fetch(url, { method: "OPTIONS" })).arrayBuffer();
      return server;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await server.stop();
  throw new Error(`${script} did not start`);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
