// The sync over TLS, over real HTTP, from the local MariaDB (its certificate,
// for 127.0.0.1 and localhost, comes from the stack's own CA in .stack/tls)
// into the development schemas. The sync logs in as a user created REQUIRE
// SSL, so MariaDB itself refuses any run whose connection is not encrypted.
import mysql from "mysql2/promise";
import { assert, assertEquals } from "./assert.ts";
import { baseEnv, call, db, serveFunctions, SERVICE_KEY, test } from "./helpers.ts";
import { loadDemoData, mysqlConnect, recreateSourceDatabase } from "../local/demo_data.ts";
import { tcpRelay } from "./support/tcp_relay.ts";
import { STACK_MY_PORT, STACK_MYSQL_CA_FILE } from "../local/stack.ts";

const SOURCE_DB = "mynatca_tls_test";
const TLS_USER = "mynatca_tls_sync";
const TLS_PASS = "tls-sync-password";

const my = await recreateSourceDatabase(SOURCE_DB);
await loadDemoData(my, { regions: 3, facilities: 6, members: 40, positions: 6 });
await my.query(`drop user if exists '${TLS_USER}'@'%'`);
await my.query(`create user '${TLS_USER}'@'%' identified by '${TLS_PASS}' require ssl`);
await my.query(`grant select on \`${SOURCE_DB}\`.* to '${TLS_USER}'@'%'`);

const CA = await Deno.readTextFile(STACK_MYSQL_CA_FILE);
const OTHER_CA = await throwawayCa();
const env = {
  ...baseEnv(),
  MYSQL_DB: SOURCE_DB,
  MYSQL_USER: TLS_USER,
  MYSQL_PASS: TLS_PASS,
  SYNC_RETRY_COUNT: "3",
};

/** A CA that signed nothing the server presents. */
async function throwawayCa(): Promise<string> {
  const dir = await Deno.makeTempDir();
  try {
    const out = await new Deno.Command("openssl", {
      args: ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
        .concat(["-days", "2", "-subj", "/CN=Some other CA", "-keyout", `${dir}/key.pem`])
        .concat(["-addext", "basicConstraints=critical,CA:TRUE", "-out", `${dir}/ca.pem`]),
      stdout: "null",
      stderr: "piped",
    }).output();
    assert(out.success, new TextDecoder().decode(out.stderr));
    return await Deno.readTextFile(`${dir}/ca.pem`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The server's TLS handshakes so far: begun, and completed. */
async function tlsAccepts() {
  const [rows] = await my.query("show global status like 'Ssl_%accepts'");
  const value = (name: string) =>
    Number(
      (rows as { Variable_name: string; Value: string }[])
        .find((r) => r.Variable_name === name)?.Value,
    );
  return { begun: value("Ssl_accepts"), completed: value("Ssl_finished_accepts") };
}

/**
 * One sync of the development environment with `overrides` on top of `env`,
 * from empty tables, and the TLS handshakes MariaDB saw meanwhile. Test files
 * run one at a time and this file's own connection is plain, so every
 * handshake counted is the sync's.
 */
async function syncWith(overrides: Record<string, string>) {
  await db`truncate dev.positions, dev.members, dev.facilities, dev.regions, dev.sync_logs,
           dev.sync_cursor, discord_dev.validation_logs, discord_dev.validation_summaries cascade`;
  const server = serveFunctions({ ...env, ...overrides });
  try {
    const before = await tlsAccepts();
    const res = await call(server.fn("sync"), {
      token: SERVICE_KEY,
      body: { environment: "development" },
    });
    // MariaDB counts a handshake once its own side of it has ended, which for
    // one the client refused can be a few milliseconds after the answer came.
    if (res.status === 503) await new Promise((resolve) => setTimeout(resolve, 250));
    const after = await tlsAccepts();
    return {
      res,
      begun: after.begun - before.begun,
      completed: after.completed - before.completed,
    };
  } finally {
    await server.close();
  }
}

type Run = Awaited<ReturnType<typeof syncWith>>;

/** Node's codes for a certificate whose chain leads to no trusted CA. */
const UNTRUSTED = [
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
];

async function assertSynced(run: Run) {
  assertEquals(run.res.status, 200, JSON.stringify(run.res.body));
  assertEquals(run.res.body.status, "completed");
  assert(run.res.body.tables.members.inserted > 0, "members were written");
  const [{ count }] = await db`select count(*)::int from dev.members`;
  assertEquals(count, run.res.body.tables.members.inserted);
}

/** 503, and one sync_error row for the run saying the certificate was refused; no retry. */
async function assertCertificateRefused(run: Run, codes: string[]) {
  assertEquals(run.res.status, 503, JSON.stringify(run.res.body));
  assertEquals(run.res.body.error.code, "unavailable");
  const rows = await db`select sync_id, operation, status, error_details
                        from dev.sync_logs order by id`;
  assertEquals(rows.map((r) => [r.operation, r.status]), [
    ["sync_start", "started"],
    ["sync_error", "failed"],
  ]);
  assertEquals(rows[1].sync_id, rows[0].sync_id);
  const { reason, code } = rows[1].error_details;
  assert(
    String(reason).startsWith("the legacy MySQL database's TLS certificate was refused: "),
    reason,
  );
  assert(codes.includes(code), `code ${code}, expected one of ${codes}`);
  // Refused once: a certificate does not get better by retrying.
  assertEquals([run.begun, run.completed], [1, 0], "TLS handshakes begun, completed");
  assertEquals((await db`select count(*)::int from dev.members`)[0].count, 0);
}

/**
 * Whether this Deno's node:tls can skip certificate checks at all, asked of
 * mysql2 directly. The Deno in Supabase's hosted Edge Runtime (2.1 line)
 * ignores rejectUnauthorized and always checks the chain and host name.
 */
const runtimeCanSkipChecks = await mysql.createConnection({
  host: "127.0.0.1",
  port: STACK_MY_PORT,
  user: TLS_USER,
  password: TLS_PASS,
  ssl: { rejectUnauthorized: false },
}).then((c) => c.end().then(() => true), () => false);

test("the sync's MariaDB user is refused a plain login", async () => {
  const plain = await mysql.createConnection({
    host: "127.0.0.1",
    port: STACK_MY_PORT,
    user: TLS_USER,
    password: TLS_PASS,
  }).then((c) => c.end().then(() => "logged in"), (e) => e.code);
  assertEquals(plain, "ER_ACCESS_DENIED_ERROR");
});

test("MYSQL_SSL=require syncs over an encrypted connection", async () => {
  // With the CA given, so that a runtime that checks anyway (Deno 2.1) gets through too.
  const run = await syncWith({ MYSQL_SSL: "require", MYSQL_SSL_CA: CA });
  await assertSynced(run);
  assertEquals(run.completed, 1, "TLS handshakes completed");
});

test(
  `MYSQL_SSL=require does not check the certificate (${
    runtimeCanSkipChecks ? "this Deno can skip the check" : "this Deno always checks"
  })`,
  async () => {
    for (const ca of [undefined, OTHER_CA]) {
      const run = await syncWith({ MYSQL_SSL: "require", ...(ca ? { MYSQL_SSL_CA: ca } : {}) });
      if (runtimeCanSkipChecks) {
        await assertSynced(run);
        assertEquals(run.completed, 1, "TLS handshakes completed");
      } else {
        await assertCertificateRefused(run, UNTRUSTED);
      }
    }
  },
);

test("MYSQL_SSL=verify-full with MYSQL_SSL_CA syncs, by address and by name", async () => {
  for (const host of ["127.0.0.1", "localhost"]) {
    const run = await syncWith({ MYSQL_SSL: "verify-full", MYSQL_SSL_CA: CA, MYSQL_HOST: host });
    await assertSynced(run);
    assertEquals(run.completed, 1, `TLS handshakes completed (${host})`);
  }
});

test("MYSQL_SSL=verify-full refuses a certificate from another CA", async () => {
  const run = await syncWith({ MYSQL_SSL: "verify-full", MYSQL_SSL_CA: OTHER_CA });
  await assertCertificateRefused(run, UNTRUSTED);
});

test("MYSQL_SSL=verify-full without MYSQL_SSL_CA refuses a private CA", async () => {
  const run = await syncWith({ MYSQL_SSL: "verify-full" });
  await assertCertificateRefused(run, UNTRUSTED);
});

test("MYSQL_SSL=verify-full refuses a certificate that does not name the host", async () => {
  // 127.0.0.2 reaches the same server, but the certificate names only 127.0.0.1 and localhost.
  const relay = tcpRelay({ hostname: "127.0.0.2" });
  try {
    const run = await syncWith({
      MYSQL_SSL: "verify-full",
      MYSQL_SSL_CA: CA,
      MYSQL_HOST: "127.0.0.2",
      MYSQL_PORT: String(relay.port),
    });
    await assertCertificateRefused(run, ["ERR_TLS_CERT_ALTNAME_INVALID"]);
  } finally {
    relay.close();
  }
});

test("MYSQL_SSL=disable still syncs, unencrypted", async () => {
  const run = await syncWith({ MYSQL_SSL: "disable", MYSQL_USER: "root", MYSQL_PASS: "" });
  await assertSynced(run);
  assertEquals([run.begun, run.completed], [0, 0], "TLS handshakes begun, completed");
});

test("MYSQL_SSL_CA that is not PEM text is a configuration error", async () => {
  const run = await syncWith({ MYSQL_SSL: "verify-full", MYSQL_SSL_CA: STACK_MYSQL_CA_FILE });
  assertEquals(run.res.status, 500);
  assertEquals(run.res.body.error.code, "misconfigured");
  assertEquals(run.begun, 0);
});

test("cleanup of the TLS test source", async () => {
  await my.end();
  const admin = await mysqlConnect("mysql");
  await admin.query(`drop user if exists '${TLS_USER}'@'%'`);
  await admin.query(`drop database if exists ${SOURCE_DB}`);
  await admin.end();
});
