// The scheduler's credential over real HTTP: what pg_cron's jobs queue in
// place of the key (made in SQL by private.scheduler_credential), taken only
// for the function and method it names, within 300 seconds of its time, and
// only with a signature of a configured scheduler key.
import { assert, assertEquals } from "./assert.ts";
import { baseEnv, call, db, SCHEDULER_KEY, serveFunctions, SERVICE_KEY, test } from "./helpers.ts";
import {
  schedulerCredentialVerifier,
  signSchedulerCredential,
} from "../shared/scheduler_credentials.ts";

const server = serveFunctions({ ...baseEnv(), MYSQL_PORT: "9", SYNC_RETRY_COUNT: "0" });
const now = () => Math.floor(Date.now() / 1000);

/** A credential as the jobs make it, in SQL, `ago` seconds in the past. */
async function fromSql(method: string, fn: string, ago = 0, key = SCHEDULER_KEY) {
  const [{ credential }] = await db`
    select private.scheduler_credential(${key}, ${method}, ${fn},
                                        now() - make_interval(secs => ${ago})) as credential`;
  return credential as string;
}

/** The status `credential` gets for `method fn` (cleanup in development; GET /sync is health). */
async function statusOf(credential: string, method: string, fn: string) {
  const url = method === "GET" ? server.fn(`${fn}?environment=development`) : server.fn(fn);
  const body = method === "GET"
    ? undefined
    : fn === "sync"
    ? { environment: "development", dry_run: true }
    : { environment: "development" };
  const res = await call(url, { method, token: credential, body });
  return res.status;
}

/** Authenticated: cleanup answers 200, the health check 200 or 503, a sync 503 (no MySQL here). */
const ACCEPTED = new Set([200, 503]);

test("SQL and the functions make the same credential (the contract's example)", async () => {
  const [{ credential }] = await db`
    select private.scheduler_credential('k', 'GET', 'sync', to_timestamp(1765123456)) as credential`;
  assertEquals(credential, await signSchedulerCredential("k", "GET", "sync", 1765123456));
  assertEquals(
    credential,
    "sched1.1765123456.2a91ca6336f68e43e719c7702606e8e07f763e58e4a78affc7cc8a4ec8c63e4b",
  );
});

test("a credential made in SQL runs the function and method it names", async () => {
  for (const [method, fn] of [["POST", "cleanup"], ["GET", "sync"], ["POST", "sync"]]) {
    const status = await statusOf(await fromSql(method, fn), method, fn);
    assert(ACCEPTED.has(status), `${method} ${fn}: ${status}`);
  }
});

test("a captured credential is refused 300 s after its time, and taken until then", async () => {
  assert(ACCEPTED.has(await statusOf(await fromSql("POST", "cleanup", 290), "POST", "cleanup")));
  assertEquals(await statusOf(await fromSql("POST", "cleanup", 301), "POST", "cleanup"), 401);
  assertEquals(await statusOf(await fromSql("GET", "sync", 3600), "GET", "sync"), 401);
  // Ahead of the function's clock: 60 s at most.
  const ahead = (s: number) => signSchedulerCredential(SCHEDULER_KEY, "POST", "cleanup", now() + s);
  assert(ACCEPTED.has(await statusOf(await ahead(50), "POST", "cleanup")));
  assertEquals(await statusOf(await ahead(70), "POST", "cleanup"), 401);
});

test("a credential is refused for another function or method", async () => {
  const cleanup = await fromSql("POST", "cleanup");
  assertEquals(await statusOf(cleanup, "POST", "sync"), 401);
  assertEquals(await statusOf(cleanup, "GET", "sync"), 401);
  const health = await fromSql("GET", "sync");
  assertEquals(
    await statusOf(health, "POST", "sync"),
    401,
    "a health check's credential ran a sync",
  );
  // The functions the jobs never call take no credential at all.
  for (const fn of ["create-verification", "unlink-discord"]) {
    const res = await call(server.fn(fn), {
      token: await fromSql("POST", fn),
      body: { discord_id: "123456789012345678", discord_username: "cron" },
    });
    assertEquals(res.status, 401, fn);
  }
});

test("a tampered or foreign signature is refused", async () => {
  const good = await fromSql("POST", "cleanup");
  const last = good.at(-1) === "0" ? "1" : "0";
  const tampered = [
    good.slice(0, -1) + last, // one hex digit of the signature
    good.replace(/^sched1\.([0-9]+)/, (_, t) => `sched1.${Number(t) + 1}`), // its time
    good.toUpperCase().replace("SCHED1", "sched1"), // upper-case hex
    good + "00",
    good.slice(0, -2),
    "sched1..",
    "sched1.x.y",
    await fromSql("POST", "cleanup", 0, "another-key-that-is-long-enough-0000001"),
    await fromSql("POST", "cleanup", 0, SERVICE_KEY),
  ];
  for (const credential of tampered) {
    assertEquals(await statusOf(credential, "POST", "cleanup"), 401, credential);
  }
});

test("with the key rotating, a credential of either key is taken; none without scheduler keys", async () => {
  const NEW = "test-scheduler-key-for-pg-cron-00002";
  const verify = schedulerCredentialVerifier([SCHEDULER_KEY, NEW], "cleanup");
  for (const key of [SCHEDULER_KEY, NEW]) {
    assert(await verify(await signSchedulerCredential(key, "POST", "cleanup"), "POST"), key);
  }
  const none = schedulerCredentialVerifier([], "cleanup");
  assertEquals(
    await none(await signSchedulerCredential(SCHEDULER_KEY, "POST", "cleanup"), "POST"),
    false,
  );
});
