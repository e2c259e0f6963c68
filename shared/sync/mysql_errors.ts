// Faults of the legacy MySQL connection: which a fresh attempt may cure, and
// which are a refused TLS certificate (never retried, reported by Node's code).

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
