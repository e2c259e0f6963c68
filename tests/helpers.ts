// Shared test fixtures: the real local stack (Postgres, MariaDB), the
// functions served over real HTTP on a free port, and an RS256 JWKS server
// standing in for Auth0.
import postgres from "postgres";
import { assertEquals } from "./assert.ts";
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from "jose";
import { functionsRouter } from "../local/router.ts";
import type { EnvSource } from "../shared/config.ts";
import { type LogLevel, setLogLevel } from "../shared/log.ts";
import { FUNCTIONS_PORT, STACK_MY_PORT, STACK_PG_URL } from "../local/stack.ts";
import { MEMBER_NUMBER_CLAIM } from "../shared/auth.ts";

export const DB_URL = STACK_PG_URL;
export const SERVICE_KEY = "test-service-role-key";
/** The bot's production key; the development one is BOT_KEY_DEVELOPMENT. */
export const BOT_KEY = "test-discord-bot-key-production-000001";
export const BOT_KEY_DEVELOPMENT = "test-discord-bot-key-development-00001";
/** pg_cron's key: POST /sync, GET /sync and POST /cleanup only. */
export const SCHEDULER_KEY = "test-scheduler-key-for-pg-cron-00001";
/** The bot key of an environment. */
export const botKey = (environment = "production") =>
  environment === "development" ? BOT_KEY_DEVELOPMENT : BOT_KEY;
export const AUTH0_DOMAIN = "mynatca-test.us.auth0.com";
export const AUDIENCE = "https://api.mynatca.test";
export const ISSUER = `https://${AUTH0_DOMAIN}/`;

/** A direct connection for arranging and checking rows (postgres: not a superuser, as on hosted Supabase). */
export const db = postgres(DB_URL, { prepare: false, max: 4, onnotice: () => {} });

export const baseEnv = (jwksUrl = "http://127.0.0.1:9/jwks.json"): EnvSource => ({
  SUPABASE_DB_URL: DB_URL,
  SUPABASE_URL: `http://127.0.0.1:${FUNCTIONS_PORT}`,
  SUPABASE_SERVICE_ROLE_KEY: SERVICE_KEY,
  DISCORD_BOT_API_KEY: BOT_KEY,
  DISCORD_BOT_API_KEY_DEVELOPMENT: BOT_KEY_DEVELOPMENT,
  SCHEDULER_API_KEY: SCHEDULER_KEY,
  AUTH0_DOMAIN,
  AUTH0_AUDIENCE: AUDIENCE,
  AUTH0_JWKS_URL: jwksUrl,
  VERIFICATION_URL_BASE: "https://hub.mynatca.test/verify",
  VERIFICATION_TTL_MINUTES: "30",
  MYSQL_HOST: "127.0.0.1",
  MYSQL_PORT: String(STACK_MY_PORT),
  MYSQL_USER: "root",
  MYSQL_PASS: "",
  MYSQL_DB: Deno.env.get("TEST_MYSQL_DB") ?? "mynatca_members",
  MYSQL_SSL: "disable",
  SYNC_RETRY_DELAY: "50",
  // npm test sets LOG_LEVEL=silent; the functions read it from their variables.
  LOG_LEVEL: Deno.env.get("LOG_LEVEL"),
});

export interface Server {
  url: string;
  fn: (name: string) => string;
  close: () => Promise<void>;
}

/** Serves `handler` on a free loopback port. */
export function serve(handler: (req: Request) => Response | Promise<Response>): Server {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler);
  const url = `http://127.0.0.1:${server.addr.port}`;
  return { url, fn: (name) => `${url}/functions/v1/${name}`, close: () => server.shutdown() };
}

export const serveFunctions = (env: EnvSource) => serve(functionsRouter(env));

/** An Auth0 stand-in: a JWKS endpoint and a signer for its key. */
export async function fakeAuth0() {
  const { publicKey, privateKey } = await generateKeyPair("RS256", { extractable: true });
  const jwk = { ...await exportJWK(publicKey), kid: "test-key-1", alg: "RS256", use: "sig" };
  const server = serve((req) =>
    new URL(req.url).pathname === "/.well-known/jwks.json"
      ? Response.json({ keys: [jwk] })
      : new Response("not found", { status: 404 })
  );
  const sign = (
    claims: JWTPayload,
    opts: {
      key?: CryptoKey;
      expiresIn?: string | number;
      notBefore?: number;
      iss?: string;
      aud?: string;
    } = {},
  ) => {
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", kid: "test-key-1", typ: "JWT" })
      .setIssuer(opts.iss ?? ISSUER)
      .setAudience(opts.aud ?? AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(opts.expiresIn ?? "5m");
    if (opts.notBefore) jwt.setNotBefore(opts.notBefore);
    return jwt.sign(opts.key ?? privateKey);
  };
  const memberToken = (memberNumber?: string, sub = `auth0|${memberNumber ?? "nobody"}`) =>
    sign(
      memberNumber === undefined ? { sub } : {
        sub,
        [MEMBER_NUMBER_CLAIM]: memberNumber,
      },
    );
  return {
    jwksUrl: `${server.url}/.well-known/jwks.json`,
    jwk,
    sign,
    memberToken,
    close: server.close,
  };
}

export async function call(
  url: string,
  opts: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers["content-type"] ??= "application/json";
  const res = await fetch(url, {
    method: opts.method ?? "POST",
    headers,
    body: opts.body === undefined
      ? undefined
      : typeof opts.body === "string"
      ? opts.body
      : JSON.stringify(opts.body),
  });
  const text = await res.text();
  // deno-lint-ignore no-explicit-any
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch { /* not JSON: keep the text */ }
  return { status: res.status, body, headers: res.headers };
}

export const ENVIRONMENTS = [
  { environment: "production", shared: "public", discord: "discord" },
  { environment: "development", shared: "dev", discord: "discord_dev" },
] as const;

let counter = 0;
/** A unique 18-digit Discord id for this run. */
export function discordId(): string {
  counter++;
  return `9${String(Date.now()).slice(-9)}${String(counter).padStart(8, "0")}`;
}

/** A unique member number for this run. */
export function memberNumber(prefix = "T"): string {
  counter++;
  return `${prefix}${String(Date.now()).slice(-7)}${counter}`;
}

export async function insertMember(
  schema: string,
  fields: { member_number?: string; status?: string; discord_id?: string | null } = {},
) {
  const row = {
    member_number: fields.member_number ?? memberNumber(),
    first_name: "Test",
    last_name: "Member",
    status: fields.status ?? "active",
    discord_id: fields.discord_id ?? null,
    discord_verified: !!fields.discord_id,
  };
  await db`insert into ${db(`${schema}.members`)} ${db(row)}`;
  return row.member_number;
}

/**
 * Another linked member in `schema`, and a check that its link is exactly as
 * it was: an unlink or a relink may change the member it targets, no other.
 */
export async function bystander(schema: string) {
  const members = db(`${schema}.members`);
  const member = await insertMember(schema, { discord_id: discordId() });
  await db`update ${members} set verified_at = now() - interval '3 days', discord_username = 'bystander'
           where member_number = ${member}`;
  const link = () =>
    db`select discord_id, discord_username, discord_verified, verified_at
       from ${members} where member_number = ${member}`;
  const [before] = await link();
  return {
    async untouched() {
      const [after] = await link();
      assertEquals({ ...after }, { ...before }, `bystander ${member} changed`);
    },
  };
}

/**
 * Waits until `count` of the functions' Postgres backends are waiting on a
 * lock: a test that holds a lock then knows the function is blocked on it,
 * rather than guessing with a sleep.
 */
export async function blockedOnLocks(count: number, seconds = 15) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const [{ waiting }] = await db`select count(*)::int as waiting from pg_stat_activity
                                   where application_name like 'mynatca-%'
                                     and wait_event_type = 'Lock'`;
    if (waiting >= count) return;
    if (Date.now() > deadline) {
      throw new Error(
        `${waiting} of ${count} function backends waiting on a lock after ${seconds} s`,
      );
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Collects what the functions log (one JSON line each, on the console) until
 * `restore()`, which also sets the log level back to this process's own.
 */
export function captureLog() {
  const lines: string[] = [];
  const { log, error } = console;
  console.log = console.error = (...args: unknown[]) => lines.push(args.map(String).join(" "));
  return {
    lines,
    restore() {
      console.log = log;
      console.error = error;
      setLogLevel((Deno.env.get("LOG_LEVEL") ?? "info") as LogLevel);
    },
  };
}

/**
 * Flags for a `deno run` of a project file from a test: Deno 2.1 (the Edge
 * runtime's line, the second leg of npm test) cannot read deno.lock's format.
 */
export const denoLockArgs = Deno.version.deno.startsWith("2.1.") ? ["--no-lock"] : [];

/**
 * Teardown after a file's tests, not counted as a test. Deno 2.1 (the Edge
 * runtime's line) has no Deno.test.afterAll: there the servers and pools a
 * hook would close end with the process, and the source databases it would
 * drop are made anew by the next run.
 */
export function afterAll(fn: () => Promise<void>) {
  const hook = (Deno.test as unknown as { afterAll?: (fn: () => Promise<void>) => void }).afterAll;
  hook?.(fn);
}

/** Deno.test without the resource sanitizers: servers and pools live for the whole file. */
export const test = (name: string, fn: (t: Deno.TestContext) => Promise<void>) =>
  Deno.test({ name, fn, sanitizeOps: false, sanitizeResources: false });
