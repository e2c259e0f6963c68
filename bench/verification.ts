// create-verification and complete-verification under 50 concurrent
// connections for 10 s each, next to a baseline measured in the same run.
// Uses the development schemas of the local stack.
import postgres from "postgres";
import { STACK_PG_URL } from "../local/stack.ts";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { load, type LoadResult, spawnServer } from "./lib.ts";

const SECONDS = Number(Deno.env.get("BENCH_SECONDS") ?? 10);
const CONNECTIONS = 50;
const DB_URL = STACK_PG_URL;
const KEY = "bench-service-key";
const db = postgres(DB_URL, { prepare: false, onnotice: () => {} });

// An Auth0 stand-in for complete-verification.
const { publicKey, privateKey } = await generateKeyPair("RS256", { extractable: true });
const jwk = { ...await exportJWK(publicKey), kid: "bench", alg: "RS256" };
const jwks = Deno.serve(
  { hostname: "127.0.0.1", port: 0, onListen: () => {} },
  () => Response.json({ keys: [jwk] }),
);

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
  FUNCTIONS_PORT: "54331",
  PORT: "54332",
};

await db`truncate discord_dev.verification_requests, discord_dev.discord_link_audit`;
await db`delete from dev.positions`;
await db`delete from dev.members`;

const runId = Date.now() % 1_000_000;
const discordId = (i: number, lane: number) =>
  `${lane}${String(runId).padStart(6, "0")}${String(i).padStart(10, "0")}`;
const post = (url: string, token: string, body: unknown) =>
  new Request(url, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });

const results: Record<string, LoadResult> = {};

// Baseline.
const baseline = await spawnServer("bench/baseline_server.ts", env, "http://127.0.0.1:54332/");
try {
  results.baseline_insert = await load(
    SECONDS,
    CONNECTIONS,
    (i) =>
      post("http://127.0.0.1:54332/", KEY, {
        discord_id: discordId(i, 1),
        discord_username: "bench",
      }),
  );
} finally {
  baseline.kill();
  await baseline.status;
}

const server = await spawnServer(
  "scripts/serve.ts",
  env,
  "http://127.0.0.1:54331/functions/v1/create-verification",
);
try {
  const CREATE = "http://127.0.0.1:54331/functions/v1/create-verification";
  const COMPLETE = "http://127.0.0.1:54331/functions/v1/complete-verification";
  results.create_verification = await load(SECONDS, CONNECTIONS, (i) =>
    post(CREATE, KEY, {
      discord_id: discordId(i, 2),
      discord_username: "bench",
      environment: "development",
    }));

  // complete-verification: one pending request, one active member and one
  // signed token per call, prepared before the clock starts.
  const N = Number(Deno.env.get("BENCH_COMPLETE_PAIRS") ?? 12_000);
  const members = Array.from({ length: N }, (_, i) => `B${i}`);
  await db`insert into dev.members ${
    db(
      members.map((m) => ({
        member_number: m,
        first_name: "B",
        last_name: "Ench",
        status: "active",
      })),
    )
  }`;
  const requests = await db`
    insert into discord_dev.verification_requests (discord_id, discord_username, expires_at)
    select '3' || lpad(g::text, 17, '0'), 'bench', now() + interval '1 hour'
    from generate_series(1, ${N}) g returning id`;
  const tokens = await Promise.all(
    members.map((m) =>
      new SignJWT({ sub: `auth0|${m}`, "https://mynatca.org/member_number": m })
        .setProtectedHeader({ alg: "RS256", kid: "bench" })
        .setIssuer("https://bench.auth0.test/").setAudience("https://api.bench")
        .setExpirationTime("1h").sign(privateKey)
    ),
  );
  results.complete_verification = await load(
    SECONDS,
    CONNECTIONS,
    (i) =>
      post(COMPLETE, tokens[i % N], {
        verification_id: requests[i % N].id,
        environment: "development",
      }),
  );
  if (results.complete_verification.requests > N) {
    console.warn(`note: ${results.complete_verification.requests - N} completes repeated a pair`);
  }
} finally {
  server.kill();
  await server.status;
  await jwks.shutdown();
  await db.end();
}

const base = results.baseline_insert.rps;
console.log(`\n${CONNECTIONS} connections, ${SECONDS} s each\n`);
console.log("| run | req/s | p50 ms | p99 ms | errors | vs baseline |");
console.log("|---|---:|---:|---:|---:|---:|");
for (const [name, r] of Object.entries(results)) {
  console.log(
    `| ${name} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.errors} | ${(r.rps / base).toFixed(2)} |`,
  );
}
await Deno.mkdir("bench-results", { recursive: true });
await Deno.writeTextFile("bench-results/verification.json", JSON.stringify(results, null, 2));
