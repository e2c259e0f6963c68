// Reading the legacy MySQL database: read-only, one consistent snapshot for
// the whole run, keyset pagination on each table's primary key.
import net from "node:net";
import mysql from "mysql2/promise";
import type { SyncConfig } from "./config.ts";
import type { SourceRow } from "./mapping.ts";
import { isTransientMysqlError } from "./mysql_errors.ts";
import type { SyncRetries } from "./retries.ts";
import { rowHash } from "./change_detection/source_hashes.ts";
import type { SourceDeclaration, TableSpec } from "./tables/table.ts";

export interface Source {
  /** A keyset page of full rows, with their hashes (`sync_hash`) under mapping `version` if given. */
  page(table: TableSpec, afterId: number, limit: number, version?: number): Promise<SourceRow[]>;
  /** The full rows of these source ids, with their hashes. */
  rows(table: TableSpec, ids: number[], version: number): Promise<SourceRow[]>;
  /** A query change detection composes (bucket sums, record hashes), `?` its parameters. */
  query(sql: string, params: unknown[]): Promise<Record<string, unknown>[]>;
  keys(table: TableSpec): Promise<unknown[]>;
  close(): Promise<void>;
}

const QUERY_TIMEOUT_MS = 60_000;

/** The columns the mapping reads and, unless `version` is undefined, the row's hash. */
const selectFrom = (source: SourceDeclaration, version: number | undefined) => {
  const { table, alias, id, reads, joins = [] } = source;
  const hash = version === undefined ? "" : `, ${rowHash(source, version)} as sync_hash`;
  return `select ${alias}.${id} as id, ${reads.join(", ")}${hash}
    from ${table} ${alias} ${joins.join(" ")}`;
};

/**
 * One keyset page of the source table, joined to what the mapping reads, with
 * each row's hash (`sync_hash`); `?` = after id, limit.
 */
function pageQuery(source: SourceDeclaration, version?: number): string {
  const { alias, id } = source;
  return `${selectFrom(source, version)}
    where ${alias}.${id} > ? order by ${alias}.${id} limit ?`;
}

/** The rows of the given source ids (`?` = the list), as pageQuery reads them. */
function rowsQuery(source: SourceDeclaration, version: number): string {
  const { alias, id } = source;
  return `${selectFrom(source, version)} where ${alias}.${id} in (?) order by ${alias}.${id}`;
}

/** Every key the source holds now, for finding rows that vanished. */
const keyQuery = (spec: Pick<TableSpec, "source" | "sourceKey">): string =>
  `select ${spec.source.alias}.${spec.sourceKey} as k from ${spec.source.table} ${spec.source.alias}`;

function tlsOptions(config: SyncConfig) {
  if (config.MYSQL_SSL === "disable") return undefined;
  const verify = config.MYSQL_SSL === "verify-full";
  return {
    // `require` encrypts without checking the certificate (libpq's meaning);
    // `verify-full` checks the chain and the host name.
    rejectUnauthorized: verify,
    verifyIdentity: verify,
    // Given for `require` too: Deno 2.1 (Supabase's hosted Edge Runtime)
    // checks every certificate whatever rejectUnauthorized says, so there a
    // server with a private CA is reachable only with its CA configured.
    ca: config.MYSQL_SSL_CA,
  };
}

/**
 * Deno's node:net leaves a socket's `_host` unset, so its node:tls checks the
 * certificate of a server reached by IP address against "localhost" (Deno
 * 2.9) or "127.0.0.1" (Deno 2.1) rather than that address. Opening the socket
 * here and naming its host makes the check use MYSQL_HOST, as Node does.
 */
function connectSocket(config: SyncConfig) {
  const socket = net.connect(config.MYSQL_PORT, config.MYSQL_HOST);
  Object.assign(socket, { _host: config.MYSQL_HOST });
  // What mysql2 does to the sockets it opens itself.
  socket.setNoDelay(true);
  socket.on("connect", () => socket.setKeepAlive(true));
  return socket;
}

/** Opens the source and starts its read-only, consistent-snapshot transaction. */
export async function openSource(config: SyncConfig): Promise<Source> {
  const conn = await mysql.createConnection({
    host: config.MYSQL_HOST,
    port: config.MYSQL_PORT,
    user: config.MYSQL_USER,
    password: config.MYSQL_PASS,
    database: config.MYSQL_DB,
    ssl: tlsOptions(config),
    stream: () => connectSocket(config),
    connectTimeout: 10_000,
    // Dates as text, so the zero date survives to the mapping as '0000-00-00'.
    dateStrings: true,
    charset: "utf8mb4",
  });
  try {
    await conn.query("set session transaction isolation level repeatable read");
    await conn.query("start transaction with consistent snapshot, read only");
  } catch (err) {
    await conn.end().catch(() => {});
    throw err;
  }
  return {
    async page(table, afterId, limit, version) {
      const sql = pageQuery(table.source, version);
      const [rows] = await conn.query({ sql, timeout: QUERY_TIMEOUT_MS }, [afterId, limit]);
      return rows as SourceRow[];
    },
    async rows(table, ids, version) {
      if (ids.length === 0) return [];
      const sql = rowsQuery(table.source, version);
      const [rows] = await conn.query({ sql, timeout: QUERY_TIMEOUT_MS }, [ids]);
      return rows as SourceRow[];
    },
    async query(sql, params) {
      const [rows] = await conn.query({ sql, timeout: QUERY_TIMEOUT_MS }, params);
      return rows as Record<string, unknown>[];
    },
    async keys(table) {
      const [rows] = await conn.query({ sql: keyQuery(table), timeout: QUERY_TIMEOUT_MS });
      return (rows as { k: unknown }[]).map((r) => r.k);
    },
    async close() {
      await conn.query("commit").catch(() => {});
      await conn.end().catch(() => conn.destroy());
    },
  };
}

/**
 * The run's source: every read is retried, and a connection that drops is
 * reopened before the next attempt. The new connection has a new snapshot,
 * so after a reconnect the run is consistent per page, not per run.
 */
export async function openRetryingSource(
  config: SyncConfig,
  retries: SyncRetries,
): Promise<Source> {
  let source = await retries.mysql(() => openSource(config));
  const read = <T>(fn: (s: Source) => Promise<T>) =>
    retries.mysql(async () => {
      try {
        return await fn(source);
      } catch (err) {
        if (isTransientMysqlError(err)) {
          await source.close();
          source = await openSource(config);
        }
        throw err;
      }
    });
  return {
    page: (table, afterId, limit, version) => read((s) => s.page(table, afterId, limit, version)),
    rows: (table, ids, version) => read((s) => s.rows(table, ids, version)),
    query: (sql, params) => read((s) => s.query(sql, params)),
    keys: (table) => read((s) => s.keys(table)),
    close: () => source.close(),
  };
}
