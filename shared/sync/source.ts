// Reading the legacy MySQL database: read-only, one consistent snapshot for
// the whole run, keyset pagination on each table's primary key.
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

function tlsOptions(mode: SyncConfig["MYSQL_SSL"]) {
  if (mode === "disable") return undefined;
  // `require` encrypts without checking the certificate (libpq's meaning);
  // `verify-full` checks the chain and the host name.
  return { rejectUnauthorized: mode === "verify-full" };
}

/** Opens the source and starts its read-only, consistent-snapshot transaction. */
export async function openSource(config: SyncConfig): Promise<Source> {
  const conn = await mysql.createConnection({
    host: config.MYSQL_HOST,
    port: config.MYSQL_PORT,
    user: config.MYSQL_USER,
    password: config.MYSQL_PASS,
    database: config.MYSQL_DB,
    ssl: tlsOptions(config.MYSQL_SSL),
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
  const e = err as { code?: string; errno?: number; fatal?: boolean };
  return MYSQL_TRANSIENT.has(e?.code ?? "") || e?.errno === 2006 || e?.errno === 2013 ||
    e?.fatal === true;
}
