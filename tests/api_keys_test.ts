// Least privilege for the keys the functions accept: a bot key acts on its
// own environment only, key lists rotate, short keys and a plain-http key
// set are misconfigurations.
import { assertEquals } from "./assert.ts";
import {
  baseEnv,
  BOT_KEY,
  BOT_KEY_DEVELOPMENT,
  call,
  db,
  discordId,
  ENVIRONMENTS,
  fakeAuth0,
  serveFunctions,
  SERVICE_KEY,
  test,
} from "./helpers.ts";

const auth0 = await fakeAuth0();
const server = serveFunctions(baseEnv(auth0.jwksUrl));
const CREATE = server.fn("create-verification");

const pendingFor = async (schema: string, id: string) =>
  (await db`select count(*)::int from ${db(`${schema}.verification_requests`)}
            where discord_id = ${id}`)[0].count;

test("a bot key works only for its own environment; the service key for both", async () => {
  for (
    const [key, own, other] of [
      [BOT_KEY, ENVIRONMENTS[0], ENVIRONMENTS[1]],
      [BOT_KEY_DEVELOPMENT, ENVIRONMENTS[1], ENVIRONMENTS[0]],
    ] as const
  ) {
    const id = discordId();
    const refused = await call(CREATE, {
      token: key,
      body: { discord_id: id, discord_username: "x", environment: other.environment },
    });
    assertEquals(refused.status, 403, `${own.environment} key on ${other.environment}`);
    assertEquals(refused.body.error.code, "wrong_environment");
    assertEquals(await pendingFor(other.discord, id), 0, "nothing written");
    assertEquals(await pendingFor(own.discord, id), 0, "nothing written");
    const ok = await call(CREATE, {
      token: key,
      body: { discord_id: id, discord_username: "x", environment: own.environment },
    });
    assertEquals(ok.status, 201);
    const service = await call(CREATE, {
      token: SERVICE_KEY,
      body: { discord_id: discordId(), discord_username: "x", environment: other.environment },
    });
    assertEquals(service.status, 201);
  }
});

test("a rotated key list accepts the old and the new key; short keys are a misconfiguration", async () => {
  const oldKey = "old-bot-key-that-is-long-enough-000001";
  const newKey = "new-bot-key-that-is-long-enough-000002";
  const rotating = serveFunctions({ ...baseEnv(), DISCORD_BOT_API_KEY: `${oldKey}, ${newKey}` });
  try {
    for (const token of [oldKey, newKey]) {
      const res = await call(rotating.fn("create-verification"), {
        token,
        body: { discord_id: discordId(), discord_username: "x" },
      });
      assertEquals(res.status, 201);
    }
    const retired = await call(rotating.fn("create-verification"), {
      token: BOT_KEY,
      body: { discord_id: discordId(), discord_username: "x" },
    });
    assertEquals(retired.status, 401);
  } finally {
    await rotating.close();
  }
  for (const variable of ["DISCORD_BOT_API_KEY", "DISCORD_BOT_API_KEY_DEVELOPMENT"]) {
    const short = serveFunctions({ ...baseEnv(), [variable]: `${BOT_KEY},too-short` });
    try {
      for (const name of ["create-verification", "unlink-discord"]) {
        const res = await call(short.fn(name), { token: SERVICE_KEY, body: {} });
        assertEquals(res.status, 500, `${variable} ${name}`);
        assertEquals(res.body.error.code, "misconfigured");
      }
    } finally {
      await short.close();
    }
  }
});

test("with no bot key for an environment, only the service role key acts on it", async () => {
  // Unset, or set to nothing, as a deployment without a development bot has it.
  for (const unset of [undefined, ""]) {
    const noDevBot = serveFunctions({ ...baseEnv(), DISCORD_BOT_API_KEY_DEVELOPMENT: unset });
    try {
      for (const name of ["create-verification", "unlink-discord"]) {
        const url = noDevBot.fn(name);
        const body = (environment: string) =>
          name === "create-verification"
            ? { discord_id: discordId(), discord_username: "x", environment }
            : { discord_id: discordId(), environment };
        const production = await call(url, { token: BOT_KEY, body: body("development") });
        assertEquals(production.status, 403, `${name}: production's bot key on development`);
        assertEquals(production.body.error.code, "wrong_environment");
        const former = await call(url, { token: BOT_KEY_DEVELOPMENT, body: body("development") });
        assertEquals(former.status, 401, `${name}: a development key no longer configured`);
        const service = await call(url, { token: SERVICE_KEY, body: body("development") });
        assertEquals(service.status, name === "create-verification" ? 201 : 404, name);
        const own = await call(url, { token: BOT_KEY, body: body("production") });
        assertEquals(own.status, name === "create-verification" ? 201 : 404, name);
      }
    } finally {
      await noDevBot.close();
    }
  }
});

test("AUTH0_JWKS_URL must be https unless it is a loopback address", async () => {
  const plain = serveFunctions({ ...baseEnv(), AUTH0_JWKS_URL: "http://auth.example/jwks.json" });
  try {
    const res = await call(plain.fn("complete-verification"), {
      token: await auth0.memberToken("X1"),
      body: { verification_id: crypto.randomUUID() },
    });
    assertEquals(res.status, 500);
    assertEquals(res.body.error.code, "misconfigured");
  } finally {
    await plain.close();
  }
});
