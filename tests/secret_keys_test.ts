// Supabase's API keys: an operator may present any secret key of
// SUPABASE_SECRET_KEYS (`sb_secret_…`, as Supabase sets them) or the legacy
// service role key while it exists, on every function that takes an
// operator; either alone configured is enough, neither is misconfigured, and
// a malformed SUPABASE_SECRET_KEYS is reported by name.
import { assert, assertEquals } from "./assert.ts";
import {
  baseEnv,
  BOT_KEY,
  call,
  captureLog,
  discordId,
  fakeAuth0,
  serveFunctions,
  SERVICE_KEY,
  test,
} from "./helpers.ts";
import type { EnvSource } from "../shared/config.ts";
import { setLogLevel } from "../shared/log.ts";

const auth0 = await fakeAuth0();
const SECRET_A = "sb_secret_test_operator_key_a_0000000001";
const SECRET_B = "sb_secret_test_operator_key_b_0000000002";
const SECRET_KEYS = JSON.stringify({ default: SECRET_A, ops: SECRET_B });

/** One call per function that takes an operator: its status. */
async function statuses(env: EnvSource, token: string) {
  const server = serveFunctions({
    ...baseEnv(auth0.jwksUrl),
    MYSQL_PORT: "9",
    SYNC_RETRY_COUNT: "0",
    ...env,
  });
  const as = (fn: string, body?: unknown, method = "POST") =>
    call(server.fn(fn), { method, token, body }).then((res) => res.status);
  const development = { environment: "development" };
  return {
    create: await as("create-verification", {
      ...development,
      discord_id: discordId(),
      discord_username: "ops",
    }),
    unlink: await as("unlink-discord", { ...development, discord_id: discordId() }),
    cleanup: await as("cleanup", development),
    health: await as("sync?environment=development", undefined, "GET"),
  };
}

/** Accepted: each function got past its authentication (unlink finds no link; health may be 503). */
function assertAccepted(got: Awaited<ReturnType<typeof statuses>>, what: string) {
  assertEquals(got.create, 201, what);
  assertEquals(got.unlink, 404, what);
  assertEquals(got.cleanup, 200, what);
  assert([200, 503].includes(got.health), `${what}: health ${got.health}`);
}

function assertRefused(got: Awaited<ReturnType<typeof statuses>>, what: string) {
  assertEquals(Object.values(got), [401, 401, 401, 401], what);
}

test("every secret key and the legacy key are operators' keys", async () => {
  const both = { SUPABASE_SECRET_KEYS: SECRET_KEYS };
  for (const key of [SECRET_A, SECRET_B, SERVICE_KEY]) {
    assertAccepted(await statuses(both, key), key);
  }
  for (const key of [SECRET_A + "x", SECRET_A.slice(0, -1), "sb_secret_", SECRET_KEYS]) {
    assertRefused(await statuses(both, key), key);
  }
});

test("secret keys alone: the legacy key switched off", async () => {
  const only = { SUPABASE_SERVICE_ROLE_KEY: undefined, SUPABASE_SECRET_KEYS: SECRET_KEYS };
  assertAccepted(await statuses(only, SECRET_A), "a secret key");
  assertRefused(await statuses(only, SERVICE_KEY), "the old service role key");
  // The bot's key still acts, on create-verification only.
  const bot = await statuses(
    { ...only, DISCORD_BOT_API_KEY_DEVELOPMENT: BOT_KEY, DISCORD_BOT_API_KEY: undefined },
    BOT_KEY,
  );
  assertEquals([bot.create, bot.cleanup], [201, 401]);
});

test("the legacy key alone, as before", async () => {
  assertAccepted(await statuses({}, SERVICE_KEY), "the service role key");
  assertRefused(await statuses({}, SECRET_A), "a secret key nobody configured");
});

test("neither operator key, or a malformed SUPABASE_SECRET_KEYS, is misconfigured by name", async () => {
  const cases: [EnvSource, string[]][] = [
    [{ SUPABASE_SERVICE_ROLE_KEY: undefined }, [
      "SUPABASE_SECRET_KEYS",
      "SUPABASE_SERVICE_ROLE_KEY",
    ]],
    [{ SUPABASE_SECRET_KEYS: "sb_secret_not_json" }, ["SUPABASE_SECRET_KEYS"]],
    [{ SUPABASE_SECRET_KEYS: `["${SECRET_A}"]` }, ["SUPABASE_SECRET_KEYS"]],
    [{ SUPABASE_SECRET_KEYS: '{"default": ""}' }, ["SUPABASE_SECRET_KEYS"]],
    [{ SUPABASE_SECRET_KEYS: '{"default": 1}' }, ["SUPABASE_SECRET_KEYS"]],
  ];
  for (const [env, names] of cases) {
    const captured = captureLog();
    setLogLevel("error"); // the start-up line is written before any LOG_LEVEL is read
    let got;
    try {
      got = await statuses(env, SECRET_A);
    } finally {
      captured.restore();
    }
    assertEquals(Object.values(got), [500, 500, 500, 500], JSON.stringify(env));
    const lines = captured.lines.map((line) => JSON.parse(line));
    const startup = lines.find((line) => line.event === "misconfigured" && !line.request_id);
    assert(startup, `no start-up line for ${JSON.stringify(env)}: ${captured.lines.join("\n")}`);
    assertEquals(startup.variables, names.join(","));
    assert(!captured.lines.join("\n").includes("sb_secret_not_json"), "a value was logged");
  }
});
