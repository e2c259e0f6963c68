// The Postgres pools of an isolate, and what keeps a dead connection from
// taking the isolate with it.
//
// postgres.js (3.4.x) queues a small write with setImmediate. When the
// connection dies between the two, two things go wrong inside the driver:
// the queued write can still run and throw on the closed socket (an uncaught
// TypeError from a timer, which would end the whole process), and the
// connection object keeps a stale timer handle, so after it reconnects its
// small writes (the startup message included) are never sent and every
// query on it waits for the connect timeout, forever. Hence:
//   - an uncaught error thrown from inside the driver, or a connection error
//     that reaches no handler (the driver rejects a promise of its own when
//     a connection closes), is logged and the process goes on: the
//     connection's queries have failed with their own errors and are retried
//     or answered 503. Any other uncaught error still ends the process;
//   - after a connection fault the pool is replaced by a fresh one (at most
//     once a second), so no poisoned connection object is used again. The
//     old pool is left to wind down by itself: its idle connections close
//     after idle_timeout, and a connection reserved from it (the sync's
//     lock) stays valid until its holder releases it.
// Callers hold a stable handle that always forwards to the current pool.
import postgres from "postgres";
import type { DatabaseConfig } from "./config.ts";
import { isConnectionError } from "./db_errors.ts";
import { log } from "./log.ts";

export type Sql = postgres.Sql;

interface Pool {
  current: Sql;
  handle: Sql;
  replacedAt: number;
  make: () => Sql;
}

const pools = new Map<string, Pool>();

/**
 * The pool of `name` (a function's name): its connections carry
 * application_name `mynatca-<name>`, so each function's share of the
 * connections shows in pg_stat_activity and monitoring.connection_usage.
 */
export function getSql(config: DatabaseConfig, name = "functions"): Sql {
  const url = config.SUPABASE_DB_URL;
  const key = `${name} ${url}`;
  let pool = pools.get(key);
  if (!pool) {
    containDriverFaults();
    const make = () =>
      postgres(url, {
        prepare: false,
        max: config.DB_POOL_SIZE,
        idle_timeout: 20,
        connect_timeout: 10,
        onnotice: () => {},
        connection: { application_name: `mynatca-${name}` },
      });
    const created: Pool = { current: make(), replacedAt: 0, make, handle: undefined as never };
    created.handle = forwarding(created);
    pool = created;
    pools.set(key, pool);
  }
  return pool.handle;
}

/** A handle that calls whatever pool is current, so a replacement is invisible to callers. */
function forwarding(pool: Pool): Sql {
  return new Proxy(function () {} as unknown as Sql, {
    apply: (_target, _this, args) => (pool.current as (...a: unknown[]) => unknown)(...args),
    get: (_target, prop) => {
      const value = Reflect.get(pool.current, prop);
      return typeof value === "function" ? value.bind(pool.current) : value;
    },
  });
}

/** After a connection fault, new queries go to a fresh pool (any other error: nothing). */
export function replacePoolsAfter(err: unknown): void {
  if (isConnectionError(err)) replacePools();
}

/** A connection failed: new queries go to a fresh pool from now on. */
export function replacePools(): void {
  const now = Date.now();
  for (const pool of pools.values()) {
    if (now - pool.replacedAt < 1000) continue;
    pool.current = pool.make();
    pool.replacedAt = now;
    log("warn", "db_pool_replaced", {});
  }
}

export async function closePools(): Promise<void> {
  await Promise.all([...pools.values()].map((pool) => pool.current.end({ timeout: 5 })));
  pools.clear();
}

let containing = false;

function containDriverFaults() {
  if (containing) return;
  containing = true;
  const fromDriver = (err: unknown) =>
    isConnectionError(err) ||
    (err instanceof Error && /[\\/]postgres[\\/][^\n]*[\\/]src[\\/]/.test(err.stack ?? ""));
  const contain = (event: Event, err: unknown) => {
    if (!fromDriver(err)) return;
    event.preventDefault();
    log("error", "db_driver_fault", { kind: (err as Error).name });
    replacePools(); // a driver fault is a connection fault, whatever its code
  };
  globalThis.addEventListener("error", (event) => contain(event, event.error));
  globalThis.addEventListener("unhandledrejection", (event) => contain(event, event.reason));
}
