// The Postgres pools of an isolate. postgres.js (3.4.x) reconnects a
// connection object with what it held when its socket died, and hands a dead
// statement's error to the next statement sent on it (the story, and the
// tests that pin each case: docs/sync.md, "Postgres going away mid-run").
// So here a connection object never connects twice: each pool opens its own
// sockets and is retired when one of them closes, a fresh pool takes its
// place behind a stable handle, and a retired pool's reconnect fails at once
// as a connection fault, which every caller retries. A driver fault that
// reaches the isolate uncaught is logged and contained, since the statement
// it belonged to has failed with its own error already.
import net from "node:net";
import postgres from "postgres";
import type { DatabaseConfig } from "./config.ts";
import { isConnectionError } from "./db_errors.ts";
import { log } from "./log.ts";

export type Sql = postgres.Sql;

/** One postgres.js pool; retired once any of its sockets has closed. */
interface Generation {
  sql: Sql;
  retired: boolean;
  /** Its sockets that have not closed yet. */
  open: number;
}

interface Pool {
  current: Generation;
  /** Retired generations whose connections are still open: closePools ends them too. */
  winding: Set<Generation>;
  handle: Sql;
  /** When replacePools last replaced it (a closed socket does not count). */
  replacedAt: number;
  /** closePools ended it: no generation after the current one. */
  closed: boolean;
  make: () => Generation;
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
    // The pool dials its sockets itself (below), to one host: postgres.js's
    // failover across several would never run.
    if (namesSeveralHosts(url)) throw new Error("SUPABASE_DB_URL names several hosts; give one");
    containDriverFaults();
    const make = () => {
      const generation = { retired: false, open: 0 } as Generation;
      generation.sql = postgres(url, {
        prepare: false,
        max: config.DB_POOL_SIZE,
        idle_timeout: 20,
        connect_timeout: 10,
        onnotice: () => {},
        connection: { application_name: `mynatca-${name}` },
        socket: (options: SocketOptions) =>
          generation.retired
            ? refusedSocket()
            : openSocket(options, generation, () => retire(created, generation)),
        // The driver's own word that a connection closed, before it hands
        // the connection a queued statement (the socket's may come later
        // once TLS wraps it).
        onclose: () => retire(created, generation),
      } as postgres.Options<Record<string, never>>);
      return generation;
    };
    const created: Pool = {
      current: make(),
      winding: new Set(),
      replacedAt: 0,
      closed: false,
      make,
      handle: undefined as never,
    };
    created.handle = forwarding(created);
    pool = created;
    pools.set(key, pool);
  }
  return pool.handle;
}

/** `postgres://user:pass@h1:5432,h2:5432/db`: the hosts are what follows the authority's last @. */
export function namesSeveralHosts(url: string): boolean {
  const authority = /^[^:]+:\/\/([^/?#]*)/.exec(url)?.[1] ?? "";
  return authority.slice(authority.lastIndexOf("@") + 1).includes(",");
}

/** What postgres.js passes its `socket` option: the parsed connection options. */
interface SocketOptions {
  host: string[];
  port: number[];
  path?: string;
}

/** A plain TCP (or Unix) socket to the server; postgres.js negotiates TLS on it itself. */
function openSocket(
  options: SocketOptions,
  generation: Generation,
  onClose: () => void,
): net.Socket {
  const socket = options.path
    ? net.connect(options.path)
    : net.connect({ host: options.host[0], port: options.port[0] });
  // postgres.js names the server for TLS (SNI, certificate) by socket.host.
  (socket as net.Socket & { host?: string }).host = options.host[0];
  generation.open++;
  const closed = () => {
    generation.open--;
    onClose();
  };
  socket.once("close", closed);
  // To wrap the socket in TLS the driver takes every listener off it, this
  // one included; the socket still closes when the TLS session does.
  const removeAll = socket.removeAllListeners.bind(socket);
  socket.removeAllListeners = (...event: Parameters<typeof removeAll>) => {
    removeAll(...event);
    if (event.length === 0 || event[0] === "close") socket.once("close", closed);
    return socket;
  };
  return socket;
}

/**
 * The socket a retired pool's connection gets: it fails at once, with an
 * error the callers' retries know as a connection fault.
 */
function refusedSocket(): net.Socket {
  const socket = new net.Socket();
  const err = Object.assign(new Error("a retired pool opens no connection"), {
    code: "CONNECTION_CLOSED",
  });
  // The driver writes its startup message at once; on a socket that never
  // connects that would fail first, with a code of its own.
  socket.write = () => true;
  setTimeout(() => socket.destroy(err));
  return socket;
}

/** `generation` opens no more connections; new statements go to a fresh pool. */
function retire(pool: Pool, generation: Generation): void {
  if (generation.open > 0) pool.winding.add(generation);
  else pool.winding.delete(generation);
  if (generation.retired) return;
  generation.retired = true;
  if (pool.current !== generation || pool.closed) return;
  pool.current = pool.make();
  // Every closed socket retires its pool, an idle one's too: not a warning.
  log("info", "db_pool_replaced", {});
}

/** A handle that calls whatever pool is current, so a replacement is invisible to callers. */
function forwarding(pool: Pool): Sql {
  return new Proxy(function () {} as unknown as Sql, {
    apply: (_target, _this, args) => (pool.current.sql as (...a: unknown[]) => unknown)(...args),
    get: (_target, prop) => {
      const sql = pool.current.sql;
      const value = Reflect.get(sql, prop);
      return typeof value === "function" ? value.bind(sql) : value;
    },
  });
}

/** After a connection fault, new queries go to a fresh pool (any other error: nothing). */
export function replacePoolsAfter(err: unknown): void {
  if (isConnectionError(err)) replacePools();
}

/**
 * A connection failed without closing (a statement that never settled): new
 * queries go to a fresh pool from now on. At most once a second: a closed
 * socket has usually replaced the pool already.
 */
export function replacePools(): void {
  const now = Date.now();
  for (const pool of pools.values()) {
    if (now - pool.replacedAt < 1000) continue;
    pool.replacedAt = now;
    retire(pool, pool.current);
  }
}

/**
 * Ends every pool: the current ones gracefully (5 s for what they carry),
 * retired ones after 1 s. A retired pool's connection whose socket died
 * still believes a statement is under way (the driver never clears it), so
 * its graceful end would only ever come by the timeout.
 */
export async function closePools(): Promise<void> {
  for (const pool of pools.values()) pool.closed = true;
  await Promise.all([...pools.values()].flatMap((pool) => [
    pool.current.sql.end({ timeout: 5 }),
    ...[...pool.winding].map((generation) => generation.sql.end({ timeout: 1 })),
  ]));
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
