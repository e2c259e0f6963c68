// create-verification and complete-verification under 50 concurrent
// connections, next to a baseline measured in the same run: a bare INSERT
// server. After one untimed warm-up of each kind, BENCH_REPEATS rounds each
// run the three back to back, so every round's ratios compare figures taken
// under the same load from the rest of the machine. Reports medians with
// min–max. Uses the development schemas of the local stack.
//   BENCH_SECONDS (10) per run, BENCH_REPEATS (3), BENCH_WARMUP_SECONDS (3),
//   BENCH_COMPLETE_PAIRS (enough for 1,800 req/s over BENCH_SECONDS)
import postgres from "postgres";
import { STACK_PG_URL } from "../local/stack.ts";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import {
  envNumber,
  freePort,
  load,
  type LoadResult,
  type Server,
  ServerExited,
  spawnServer,
} from "./lib.ts";
import { type Name, NAMES, reportVerification } from "./verification_report.ts";
import { MEMBER_NUMBER_CLAIM } from "../shared/auth.ts";

const SECONDS = envNumber("BENCH_SECONDS", 10);
const REPEATS = Math.max(1, envNumber("BENCH_REPEATS", 3));
const WARMUP_SECONDS = envNumber("BENCH_WARMUP_SECONDS", 3);
// A pair (pending request, member, token) completes once: a replay of a
// completed one is a cheaper path, so a round stops when its pairs are used
// up (its throughput is over the time it took) and never replays one.
const PAIRS = envNumber("BENCH_COMPLETE_PAIRS", Math.max(2_000, Math.ceil(1_800 * SECONDS)));
const CONNECTIONS = 50;
const DB_URL = STACK_PG_URL;
const KEY = "bench-service-key";
const db = postgres(DB_URL, { prepare: false, onnotice: () => {} });
const t0 = performance.now();
const progress = (msg: string) =>
  console.error(`[verification bench ${Math.round((performance.now() - t0) / 1000)} s] ${msg}`);

// An Auth0 stand-in for complete-verification.
const { publicKey, privateKey } = await generateKeyPair("RS256", { extractable: true });
const jwk = { ...await exportJWK(publicKey), kid: "bench", alg: "RS256" };
const jwks = Deno.serve(
  { hostname: "127.0.0.1", port: 0, onListen: () => {} },
  () => Response.json({ keys: [jwk] }),
);

// Ports picked free, since other checkouts may run their own servers.
const FN_PORT = freePort();
let BASE_PORT = freePort();
while (BASE_PORT === FN_PORT) BASE_PORT = freePort();
const env: Record<string, string> = {
  ...Deno.env.toObject(),
  SUPABASE_DB_URL: DB_URL,
  SUPABASE_SERVICE_ROLE_KEY: KEY,
  AUTH0_DOMAIN: "bench.auth0.test",
  AUTH0_AUDIENCE: "https://api.bench",
  AUTH0_JWKS_URL: `http://127.0.0.1:${jwks.addr.port}/jwks.json`,
  VERIFICATION_URL_BASE: "https://hub.example/verify",
  MYSQL_HOST: "127.0.0.1",
  MYSQL_USER: "root",
  MYSQL_DB: "mynatca_members",
};
const BASELINE = `http://127.0.0.1:${BASE_PORT}/`;
const CREATE = `http://127.0.0.1:${FN_PORT}/functions/v1/create-verification`;
const COMPLETE = `http://127.0.0.1:${FN_PORT}/functions/v1/complete-verification`;

const runId = Date.now() % 1_000_000;
/** Discord ids unique per lane (which run) and request, 17 digits and more. */
const discordId = (i: number, lane: number) =>
  `${lane}${String(runId).padStart(6, "0")}${String(i).padStart(10, "0")}`;
const post = (url: string, token: string, body: unknown) =>
  new Request(url, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });

await db`truncate discord_dev.verification_requests, discord_dev.discord_link_audit`;
await db`delete from dev.positions`;
await db`delete from dev.members`;

// complete-verification: one active member and one signed token per pair,
// made once; each run gets fresh pending requests and unlinked members, so
// every run does the same work, and no signing happens while the clock runs.
const members = Array.from({ length: PAIRS }, (_, i) => `B${i}`);
for (let i = 0; i < PAIRS; i += 5_000) {
  await db`insert into dev.members ${
    db(
      members.slice(i, i + 5_000).map((m) => ({
        member_number: m,
        first_name: "B",
        last_name: "Ench",
        status: "active",
      })),
    )
  }`;
}
const tokens = await Promise.all(
  members.map((m) =>
    new SignJWT({ sub: `auth0|${m}`, [MEMBER_NUMBER_CLAIM]: m })
      .setProtectedHeader({ alg: "RS256", kid: "bench" })
      .setIssuer("https://bench.auth0.test/").setAudience("https://api.bench")
      .setExpirationTime("2h").sign(privateKey)
  ),
);

progress(`${PAIRS} members and tokens for complete-verification ready`);

/** Empty request tables, unlinked members: each run starts from the same state. */
async function resetState() {
  await db`truncate discord_dev.verification_requests, discord_dev.discord_link_audit`;
  await db`update dev.members set discord_id = null, discord_username = null,
           discord_verified = false, verified_at = null, auth0_user_id = null
           where discord_id is not null`;
}

// Both servers stay up for the whole benchmark (an idle one costs nothing),
// so rounds can alternate between them.
const servers: Record<"baseline" | "functions", Server | undefined> = {
  baseline: undefined,
  functions: undefined,
};
const startServers = async () => {
  if (!servers.baseline?.alive()) {
    servers.baseline = await spawnServer(
      "bench/baseline_server.ts",
      { ...env, PORT: String(BASE_PORT) },
      BASELINE,
    );
  }
  if (!servers.functions?.alive()) {
    servers.functions = await spawnServer(
      "bench/function_server.ts",
      { ...env, PORT: String(FN_PORT) },
      CREATE,
    );
  }
};

let lane = 1;
const runBaseline = async (seconds: number) => {
  const l = lane++;
  const r = await load(
    seconds,
    CONNECTIONS,
    (i) => post(BASELINE, KEY, { discord_id: discordId(i, l), discord_username: "bench" }),
  );
  servers.baseline!.check();
  return r;
};
const runCreate = async (seconds: number) => {
  const l = lane++;
  const r = await load(seconds, CONNECTIONS, (i) =>
    post(CREATE, KEY, {
      discord_id: discordId(i, l),
      discord_username: "bench",
      environment: "development",
    }));
  servers.functions!.check();
  return r;
};
const runComplete = async (seconds: number) => {
  await resetState();
  const requests = await db<{ id: string }[]>`
    insert into discord_dev.verification_requests (discord_id, discord_username, expires_at)
    select '3' || lpad(g::text, 17, '0'), 'bench', now() + interval '1 hour'
    from generate_series(1, ${PAIRS}) g returning verification_id as id`;
  const started = performance.now();
  const r = await load(seconds, CONNECTIONS, (i) =>
    post(COMPLETE, tokens[i], {
      verification_id: requests[i].id,
      environment: "development",
    }), PAIRS);
  servers.functions!.check();
  const took = (performance.now() - started) / 1000;
  if (r.requests >= PAIRS && took < seconds) {
    console.warn(
      `note: complete-verification used all ${PAIRS} pairs in ${took.toFixed(1)} s of ` +
        `${seconds} s (every complete fresh); raise BENCH_COMPLETE_PAIRS for full-length rounds`,
    );
  }
  return r;
};

const RUN: Record<Name, (seconds: number) => Promise<LoadResult>> = {
  baseline_insert: runBaseline,
  create_verification: runCreate,
  complete_verification: runComplete,
};
const runs: Record<Name, LoadResult[]> = {
  baseline_insert: [],
  create_verification: [],
  complete_verification: [],
};
const warmup: Partial<Record<Name, LoadResult>> = {};
/** Servers that exited under a run (killed from outside the benchmark): said in the report. */
const restarts: string[] = [];

/**
 * One timed run. If a server exits meanwhile, its figures are void: the
 * server is started again, warmed up, and the run repeated (twice at most).
 */
async function timed(name: Name, seconds: number): Promise<LoadResult> {
  for (let attempt = 1;; attempt++) {
    try {
      return await RUN[name](seconds);
    } catch (err) {
      if (!(err instanceof ServerExited) || attempt > 2) throw err;
      restarts.push(`${name}: ${err.message}`);
      progress(`${err.message}; starting it again and repeating the run`);
      await startServers();
      if (WARMUP_SECONDS > 0) await RUN[name](WARMUP_SECONDS);
    }
  }
}

try {
  await startServers();
  progress("servers up");
  await resetState();
  // Warm-up: JIT, connection pools, the JWKS cache, Postgres' caches.
  if (WARMUP_SECONDS > 0) {
    for (const name of NAMES) warmup[name] = await timed(name, WARMUP_SECONDS);
    progress("warm-up done");
  }
  for (let round = 1; round <= REPEATS; round++) {
    await resetState();
    for (const name of NAMES) runs[name].push(await timed(name, SECONDS));
    progress(
      `round ${round}/${REPEATS}: ` +
        NAMES.map((n) => `${n} ${runs[n].at(-1)!.rps} req/s`).join(", "),
    );
  }
} finally {
  await servers.functions?.stop();
  await servers.baseline?.stop();
  await jwks.shutdown();
  await db.end();
}

await reportVerification({
  runs,
  warmup,
  restarts,
  config: { seconds: SECONDS, repeats: REPEATS, warmup_seconds: WARMUP_SECONDS, pairs: PAIRS },
  connections: CONNECTIONS,
});
