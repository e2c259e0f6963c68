// The pools of shared/db_pool.ts against a connection that dies at the worst
// moment: after the server's error for a statement and before its
// ReadyForQuery. postgres.js (3.4.x) keeps that error on the connection
// object and, when the object reconnects, rejects the next statement sent on
// it with the old error: a 22P02 of one statement became another's, and a
// sync failed with a data error it never made. A statement must get its own
// answer or a connection error (which callers retry), never another's.
import { assert, assertEquals } from "./assert.ts";
import { afterAll, db, DB_URL, test } from "./helpers.ts";
import { tcpRelay } from "./support/tcp_relay.ts";
import { closePools, dbCall, getSql, isConnectionError } from "../shared/db.ts";
import { setLogLevel } from "../shared/log.ts";
import { namesSeveralHosts } from "../shared/db_pool.ts";
import { withSyncLock } from "../shared/sync/lock.ts";
import { STACK_PG_PORT } from "../local/stack.ts";

setLogLevel("silent");
const relay = tcpRelay({ target: STACK_PG_PORT });
const url = DB_URL.replace(`:${STACK_PG_PORT}/`, `:${relay.port}/`);
afterAll(async () => {
  await closePools();
  relay.close();
});

/** What a statement came to: its rows, or the code of its error. */
const outcome = <T>(p: PromiseLike<T>) =>
  Promise.resolve(p).then(
    (rows) => ({ rows, code: undefined }),
    (err) => ({ rows: undefined, code: err.code as string | undefined, err }),
  );

/** A statement the server refuses with 22P02 at execution, carried by the relay. */
const badInteger = (sql: ReturnType<typeof getSql>) => sql`select ${"not a number"}::int as n`;

test("a connection cut between an error and ReadyForQuery: the next statement gets its own answer", async () => {
  // One connection, so the next statement is sent on the same connection object.
  const sql = getSql({ SUPABASE_DB_URL: url, DB_POOL_SIZE: 1 }, "pool-test-next");
  assertEquals((await sql`select 1 as n`)[0].n, 1);
  relay.state.cutAfterError = "22P02";
  const cuts = relay.state.cuts;
  const bad = await outcome(badInteger(sql));
  assertEquals(relay.state.cuts, cuts + 1, "the relay never cut after the error");
  assert(bad.code === "22P02" || isConnectionError(bad), `first: ${bad.code}`);
  const next = await outcome(sql`select 2 as n`);
  assertEquals(next.code, undefined, `the next statement failed with ${next.code}`);
  assertEquals(next.rows?.[0].n, 2);
});

test("a connection cut between an error and ReadyForQuery: a statement queued behind it gets its own answer or a connection error", async () => {
  const sql = getSql({ SUPABASE_DB_URL: url, DB_POOL_SIZE: 1 }, "pool-test-queued");
  assertEquals((await sql`select 1 as n`)[0].n, 1);
  relay.state.cutAfterError = "22P02";
  const cuts = relay.state.cuts;
  // Both at once: the second waits in the pool's queue for the only connection.
  const [bad, queued] = await Promise.all([
    outcome(badInteger(sql)),
    outcome(sql`select 3 as n`),
  ]);
  assertEquals(relay.state.cuts, cuts + 1, "the relay never cut after the error");
  assert(bad.code === "22P02" || isConnectionError(bad), `first: ${bad.code}`);
  assert(
    queued.code === undefined || isConnectionError(queued),
    `the queued statement failed with another's error: ${queued.code}`,
  );
  if (queued.code === undefined) assertEquals(queued.rows?.[0].n, 3);
  // Through dbCall, as every function calls the database: answered.
  relay.state.cutAfterError = "22P02";
  const [, retried] = await Promise.all([
    outcome(dbCall(() => badInteger(sql))),
    outcome(dbCall(() => sql`select 4 as n`)),
  ]);
  assertEquals(retried.code, undefined, `through dbCall: ${retried.code}`);
  assertEquals(retried.rows?.[0].n, 4);
});

test("closePools also ends the connections of a pool retired while they were open", async () => {
  const name = "pool-test-winding";
  const sql = getSql({ SUPABASE_DB_URL: DB_URL, DB_POOL_SIZE: 2 }, name);
  // Two connections at once, then one of them ended by the server.
  await Promise.all([sql`select pg_sleep(0.05)`, sql`select pg_sleep(0.05)`]);
  const backends = () =>
    db`select pid from pg_stat_activity where application_name = ${`mynatca-${name}`}`;
  assertEquals((await backends()).length, 2);
  await db`select pg_terminate_backend(${(await backends())[0].pid}::int)`;
  for (let i = 0; i < 50 && (await backends()).length > 1; i++) {
    await new Promise((r) => setTimeout(r, 20));
  }
  assertEquals((await backends()).length, 1, "the ended connection is still there");
  // The survivor belongs to the retired pool; new statements use a fresh
  // one. The server has ended the other backend, but this process may not
  // have read its close yet, so the statement goes through dbCall, as every
  // caller's does (the race itself is the next test's).
  assertEquals((await dbCall(() => sql`select 5 as n`))[0].n, 5);
  await closePools();
  for (let i = 0; i < 50 && (await backends()).length > 0; i++) {
    await new Promise((r) => setTimeout(r, 20));
  }
  assertEquals((await backends()).length, 0, "a connection outlived closePools");
});

// The server may end an idle connection at any moment (Supabase does so
// after its idle limit, an operator with pg_terminate_backend). Until this
// process reads the close, the pool believes the connection ready, and a
// statement sent on it fails with a read ECONNRESET or a closed connection.
// That is a connection fault like any other: rejected to the statement,
// never thrown at the process, and answered by dbCall's retry.
test("a statement racing the server's end of an idle connection is answered through dbCall", async () => {
  const name = "pool-test-idle-ended";
  const sql = getSql({ SUPABASE_DB_URL: DB_URL, DB_POOL_SIZE: 1 }, name);
  // On Deno 2.1 the driver's own timer may still write to the socket it just
  // dropped (a TypeError thrown from inside postgres.js, a few times in 20
  // rounds): the pool contains that, and it must contain everything that
  // gets this far, so nothing would end a deployed function's isolate.
  const escaped: unknown[] = [];
  const record = (event: Event) => {
    if (event.defaultPrevented) return;
    escaped.push((event as ErrorEvent).error ?? (event as PromiseRejectionEvent).reason);
  };
  globalThis.addEventListener("error", record);
  globalThis.addEventListener("unhandledrejection", record);
  try {
    for (let round = 0; round < 20; round++) {
      assertEquals((await dbCall(() => sql`select ${round}::int as n`))[0].n, round);
      const [idle] = await db`select pid from pg_stat_activity
                              where application_name = ${`mynatca-${name}`}`;
      assert(idle, `round ${round}: the pool holds no connection`);
      await db`select pg_terminate_backend(${idle.pid}::int)`;
      const [row] = await dbCall(() => sql`select ${round}::int as n`);
      assertEquals(row.n, round, `round ${round}`);
    }
  } finally {
    globalThis.removeEventListener("error", record);
    globalThis.removeEventListener("unhandledrejection", record);
  }
  assertEquals(escaped.map(String), [], "an error reached the process uncontained");
});

// Deno 2.1 (the line the hosted Edge Runtime embeds) cannot upgrade a socket
// to TLS through node:tls: postgres.js's handshake never completes there,
// with or without the pool's own sockets (measured with the driver's own
// socket too). On that line the test pins that it fails as a connection
// error within connect_timeout, which callers retry and then answer 503,
// rather than hanging.
const tlsUpgrades = !Deno.version.deno.startsWith("2.1.");

test(
  tlsUpgrades
    ? "a pool opens its own sockets over TLS when the URL asks for it (sslmode=require)"
    : "on Deno 2.1, a pool asked for TLS fails with a connection error within connect_timeout",
  async () => {
    const sql = getSql(
      { SUPABASE_DB_URL: `${DB_URL}?sslmode=require`, DB_POOL_SIZE: 1 },
      "pool-test-tls",
    );
    const query = sql`select ssl, version from pg_stat_ssl where pid = pg_backend_pid()`;
    if (!tlsUpgrades) {
      const started = Date.now();
      const failed = await outcome(query);
      assert(isConnectionError(failed), `answered ${failed.code}`);
      assert(Date.now() - started < 15_000, "no answer within the connect timeout");
      return;
    }
    const [row] = await query;
    assertEquals(row.ssl, true, "the connection is not encrypted");
    assert(/^TLS/.test(row.version), `protocol ${row.version}`);
    const plain = getSql({ SUPABASE_DB_URL: DB_URL, DB_POOL_SIZE: 1 }, "pool-test-plain");
    const [other] = await plain`select ssl from pg_stat_ssl where pid = pg_backend_pid()`;
    assertEquals(other.ssl, false, "a plain URL got TLS: the test could not tell them apart");
  },
);

/** The backend of `name`'s pool that runs pg_sleep, once it does. */
async function sleeper(name: string): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const [row] = await db`select pid from pg_stat_activity
                           where application_name = ${`mynatca-${name}`}
                             and query like '%pg_sleep%' and state = 'active'`;
    if (row) return row.pid;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("the statement never ran");
}

/** Until a statement of `name`'s pool runs pg_sleep; then its backend is ended. */
async function terminateSleeper(name: string) {
  await db`select pg_terminate_backend(${await sleeper(name)}::int)`;
}

// Ending a backend under a running statement leaves the server's 57P01 on
// the connection object, as a cut after any error would. Over TLS too: the
// driver takes every listener off the socket it wraps, the pool's included.
for (const tls of tlsUpgrades ? [false, true] : [false]) {
  test(`${tls ? "over TLS" : "plain"}, a connection ended under a running statement does not poison the next one`, async () => {
    const name = `pool-test-ended-${tls ? "tls" : "plain"}`;
    const url = tls ? `${DB_URL}?sslmode=require` : DB_URL;
    const sql = getSql({ SUPABASE_DB_URL: url, DB_POOL_SIZE: 1 }, name);
    assertEquals((await sql`select 1 as n`)[0].n, 1);
    const sleeping = outcome(
      sql`select pg_sleep(5), 1 as n`,
    );
    await terminateSleeper(name);
    const ended = await sleeping;
    assert(isConnectionError(ended), `the ended statement: ${ended.code}`);
    const next = await outcome(sql`select 2 as n`);
    assertEquals(next.code, undefined, `the next statement failed with ${next.code}`);
  });
}

Deno.test("a URL naming several hosts is told apart from a password with a comma", () => {
  assertEquals(namesSeveralHosts("postgres://u:p@h1:5432,h2:5432/db"), true);
  assertEquals(namesSeveralHosts("postgres://u:p,w@h1:5432/db?options=a,b"), false);
  assertEquals(namesSeveralHosts("postgresql://u:p@127.0.0.1:54322/postgres"), false);
  let refused = "";
  try {
    getSql({ SUPABASE_DB_URL: "postgres://u:p@h1:5432,h2:5432/db", DB_POOL_SIZE: 1 }, "x");
  } catch (err) {
    refused = String(err);
  }
  assert(/several hosts/.test(refused), `getSql: ${refused || "no error"}`);
});

Deno.test("a socket's failed read, write or connect is a connection fault whatever its code", () => {
  const socketError = (code: string, syscall?: string) =>
    Object.assign(new Error(`${syscall} ${code}`), { code, syscall });
  // Deno 2.1 says UNKNOWN for some of them.
  assertEquals(isConnectionError(socketError("UNKNOWN", "write")), true);
  assertEquals(isConnectionError(socketError("UNKNOWN", "read")), true);
  assertEquals(isConnectionError(socketError("ECONNRESET", "read")), true);
  assertEquals(isConnectionError(socketError("UNKNOWN")), false);
  // A file's failed read is not a connection's.
  assertEquals(isConnectionError(Object.assign(socketError("EIO", "read"), { path: "/x" })), false);
  assertEquals(isConnectionError({ code: "22P02", severity: "ERROR" }), false);
});

test("the sync lock's check is retried when its statement meets its pool retiring", async () => {
  const name = "pool-test-lock";
  const sql = getSql({ SUPABASE_DB_URL: DB_URL, DB_POOL_SIZE: 2 }, name);
  await withSyncLock(sql, "dev", async (checkLock) => {
    // The lock holds one connection and a long statement the other, so the
    // check is queued behind the long statement on its connection; ending
    // that backend retires the pool, and the check's statement fails as a
    // connection fault.
    const sleeping = outcome(
      sql`select pg_sleep(5), 1 as n`,
    );
    const pid = await sleeper(name);
    const check = checkLock().then(() => "held", (err) => String(err));
    await db`select pg_terminate_backend(${pid}::int)`;
    assert(isConnectionError(await sleeping), "the long statement was not ended");
    assertEquals(await check, "held");
  });
});

test("the sync lock taken on a connection that died is taken again at once, not after a time limit", async () => {
  // One connection, warm, and the only one through the relay (earlier
  // tests' pools ended); it dies as the lock's first statement is sent.
  await closePools();
  const sql = getSql({ SUPABASE_DB_URL: url, DB_POOL_SIZE: 1 }, "pool-test-lock-dead");
  assertEquals((await sql`select 1 as n`)[0].n, 1);
  relay.state.cutOnClientData = true;
  const cuts = relay.state.cuts;
  const started = Date.now();
  const held = await withSyncLock(sql, "dev", () => Promise.resolve("held"));
  assertEquals(relay.state.cuts, cuts + 1, "the relay never cut");
  assertEquals(held, "held");
  const took = Date.now() - started;
  assert(took < 3000, `the lock took ${took} ms`);
});
