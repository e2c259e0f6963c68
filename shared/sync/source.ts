// Reading the legacy MySQL database: read-only, one consistent snapshot for
// the whole run, keyset pagination on each table's primary key.
import net from "node:net";
import mysql from "mysql2/promise";
import type { SyncConfig } from "../config.ts";
import type { SyncRetries } from "./retries.ts";
import type { SyncTable } from "./tables.ts";

export type SourceRow = Record<string, unknown>;

/** One page query per table, joined to what the mapping needs; `?` = after id, limit. */
const PAGE_QUERIES: Record<SyncTable, string> = {
  regions: `
    select RegionID as id, RegionCode, RegionName, Active
    from region where RegionID > ? order by RegionID limit ?`,
  facilities: `
    select f.FacilityID as id, f.FacilityCode, f.FacilityName, f.FacilityType, f.Active,
           r.RegionCode, r.RegionName
    from facility f left join region r on r.RegionID = f.RegionID
    where f.FacilityID > ? order by f.FacilityID limit ?`,
  members: `
    select m.MemberID as id, m.MemberNumber, m.FirstName, m.LastName, m.Email, m.MemberTypeID,
           m.Status, f.FacilityCode, f.FacilityName, r.RegionCode, r.RegionName,
           t.Description as MemberTypeDescription
    from member m
    left join facility f on f.FacilityID = m.FacilityID
    left join region r on r.RegionID = f.RegionID
    left join membertype t on t.MemberTypeID = m.MemberTypeID
    where m.MemberID > ? order by m.MemberID limit ?`,
  positions: `
    select p.PositionID as id, p.PositionID, p.MemberNumber, p.PositionType, p.Title,
           p.StartDate, p.EndDate, f.FacilityCode, f.FacilityName
    from position p left join facility f on f.FacilityID = p.FacilityID
    where p.PositionID > ? order by p.PositionID limit ?`,
};

/** Every key the source holds now, for finding rows that vanished. */
const KEY_QUERIES: Record<SyncTable, string> = {
  regions: "select RegionCode as k from region",
  facilities: "select FacilityCode as k from facility",
  members: "select MemberNumber as k from member",
  positions: "select PositionID as k from position",
};

export interface Source {
  page(table: SyncTable, afterId: number, limit: number): Promise<SourceRow[]>;
  keys(table: SyncTable): Promise<unknown[]>;
  close(): Promise<void>;
}

const QUERY_TIMEOUT_MS = 60_000;

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
    async page(table, afterId, limit) {
      const [rows] = await conn.query({ sql: PAGE_QUERIES[table], timeout: QUERY_TIMEOUT_MS }, [
        afterId,
        limit,
      ]);
      return rows as SourceRow[];
    },
    async keys(table) {
      const [rows] = await conn.query({ sql: KEY_QUERIES[table], timeout: QUERY_TIMEOUT_MS });
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
    page: (table, afterId, limit) => read((s) => s.page(table, afterId, limit)),
    keys: (table) => read((s) => s.keys(table)),
    close: () => source.close(),
  };
}

const MYSQL_TRANSIENT = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "PROTOCOL_CONNECTION_LOST",
  "PROTOCOL_SEQUENCE_TIMEOUT",
  "ER_LOCK_DEADLOCK",
  "ER_LOCK_WAIT_TIMEOUT",
  "ER_CON_COUNT_ERROR",
  "ER_SERVER_SHUTDOWN",
  "CR_SERVER_GONE_ERROR",
  "CR_SERVER_LOST",
]);

/** Faults of the MySQL connection that a fresh attempt may cure. */
export function isTransientMysqlError(err: unknown): boolean {
  // mysql2 marks a failed TLS handshake fatal, but a refused certificate
  // does not get better by retrying.
  if (certificateCode(err)) return false;
  const e = err as { code?: string; errno?: number; fatal?: boolean };
  return MYSQL_TRANSIENT.has(e?.code ?? "") || e?.errno === 2006 || e?.errno === 2013 ||
    e?.fatal === true;
}

/** Why the source could not be opened, for sync_logs.error_details. */
export function describeSourceFailure(err: unknown): { reason: string; code: string } {
  const e = err as { code?: string; name?: string; message?: string };
  const certificate = certificateCode(err);
  if (certificate) {
    return {
      reason: `the legacy MySQL database's TLS certificate was refused: ${e.message}`,
      code: certificate,
    };
  }
  return { reason: "the legacy MySQL database is unreachable", code: String(e?.code ?? e?.name) };
}

/** Node's codes for refused certificates, and OpenSSL's texts for them that Deno 2.9 uses. */
const CERTIFICATE_TEXTS: Record<string, string> = {
  "certificate has expired": "CERT_HAS_EXPIRED",
  "certificate is not yet valid": "CERT_NOT_YET_VALID",
  "self-signed certificate": "DEPTH_ZERO_SELF_SIGNED_CERT",
  "self-signed certificate in certificate chain": "SELF_SIGNED_CERT_IN_CHAIN",
  "unable to get issuer certificate": "UNABLE_TO_GET_ISSUER_CERT",
  "unable to get local issuer certificate": "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "unable to verify the first certificate": "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
};
const CERTIFICATE_CODE = /^(CERT_\w+|\w+_CERT(_\w+)?|UNABLE_TO_\w+|INVALID_PURPOSE)$/;
/** Deno 2.1 (rustls) says "invalid peer certificate: <kind>"; the nearest of Node's codes. */
const RUSTLS_KINDS: Record<string, string> = {
  UnknownIssuer: "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  BadSignature: "CERT_SIGNATURE_FAILURE",
  NotValidForName: "ERR_TLS_CERT_ALTNAME_INVALID",
  Expired: "CERT_HAS_EXPIRED",
  NotValidYet: "CERT_NOT_YET_VALID",
  Revoked: "CERT_REVOKED",
};

/** Node's code for a refused server certificate; undefined for any other fault. */
function certificateCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e?.code === "string" ? e.code : "";
  const message = typeof e?.message === "string" ? e.message : "";
  if (CERTIFICATE_CODE.test(code)) return code;
  // mysql2 replaces the TLS error's own code with this one; its text remains.
  if (code === "HANDSHAKE_SSL_ERROR") {
    if (message.startsWith("Hostname/IP does not match")) return "ERR_TLS_CERT_ALTNAME_INVALID";
    return CERTIFICATE_TEXTS[message] ?? (CERTIFICATE_CODE.test(message) ? message : undefined);
  }
  const kind = /^invalid peer certificate: (\w+)/.exec(message)?.[1];
  return kind && (RUSTLS_KINDS[kind.replace(/Context$/, "")] ?? "CERT_REJECTED");
}
