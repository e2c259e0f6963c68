// Least privilege for the bot's API keys, what a member sees before they
// confirm a link, unlinking, and the input rules that keep a Discord name
// honest.
import { jwtVerify } from "jose";
import { assert, assertEquals, assertMatch } from "./assert.ts";
import {
  baseEnv,
  BOT_KEY,
  BOT_KEY_DEVELOPMENT,
  bystander,
  call,
  db,
  denoLockArgs,
  discordId,
  ENVIRONMENTS,
  fakeAuth0,
  insertMember,
  serveFunctions,
  SERVICE_KEY,
  test,
} from "./helpers.ts";

const auth0 = await fakeAuth0();
const server = serveFunctions(baseEnv(auth0.jwksUrl));
const CREATE = server.fn("create-verification");
const COMPLETE = server.fn("complete-verification");
const UNLINK = server.fn("unlink-discord");

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

for (const { environment, shared, discord } of ENVIRONMENTS) {
  const members = db(`${shared}.members`);
  const requests = db(`${discord}.verification_requests`);
  const audit = db(`${discord}.discord_link_audit`);
  const bot = environment === "production" ? BOT_KEY : BOT_KEY_DEVELOPMENT;
  const preview = async (vid: string, member: string) =>
    call(`${COMPLETE}?verification_id=${vid}&environment=${environment}`, {
      method: "GET",
      token: await auth0.memberToken(member),
    });

  test(`preview ${environment}: shows the request and the current link, changes nothing`, async () => {
    const linked = discordId();
    const member = await insertMember(shared, { discord_id: linked });
    await db`update ${members} set discord_username = 'current-name' where member_number = ${member}`;
    const id = discordId();
    const created = await call(CREATE, {
      token: bot,
      body: { discord_id: id, discord_username: "asker", environment },
    });
    const vid = created.body.verification_id;
    const [before] =
      await db`select updated_at, status from ${requests} where verification_id = ${vid}`;
    const res = await preview(vid, member);
    assertEquals(res.status, 200);
    assertEquals(res.body, {
      verification_id: vid,
      status: "pending",
      discord_id: id,
      discord_username: "asker",
      expires_at: created.body.expires_at,
      current_link: { discord_id: linked, discord_username: "current-name" },
    });
    const [after] =
      await db`select updated_at, status from ${requests} where verification_id = ${vid}`;
    assertEquals(after, before);

    const unlinked = await insertMember(shared);
    assertEquals((await preview(vid, unlinked)).body.current_link, null);
    // Past its expiry it shows as expired, and still nothing is written.
    await db`update ${requests} set expires_at = now() - interval '1 minute' where verification_id = ${vid}`;
    assertEquals((await preview(vid, member)).body.status, "expired");
    assertEquals(
      (await db`select status from ${requests} where verification_id = ${vid}`)[0].status,
      "pending",
    );

    const missing = await preview(crypto.randomUUID(), member);
    assertEquals(missing.status, 404);
    assertEquals(missing.body.error.code, "not_found");
    const anonymous = await call(`${COMPLETE}?verification_id=${vid}&environment=${environment}`, {
      method: "GET",
    });
    assertEquals(anonymous.status, 401);
  });

  test(`unlink ${environment}: a member removes their own link, once`, async () => {
    const other = await bystander(shared);
    const id = discordId();
    const member = await insertMember(shared, { discord_id: id });
    const token = await auth0.memberToken(member);
    const res = await call(UNLINK, { token, body: { environment } });
    assertEquals(res.status, 200);
    assertEquals(res.body, { status: "unlinked", discord_id: id });
    const [row] = await db`select discord_id, discord_username, verified_at, discord_verified
                           from ${members} where member_number = ${member}`;
    assertEquals(row, {
      discord_id: null,
      discord_username: null,
      verified_at: null,
      discord_verified: false,
    });
    const rows = await db`select action, old_discord_id, new_discord_id, requested_by,
                                 auth0_user_id, reason
                          from ${audit} where member_number = ${member}`;
    assertEquals(rows.map((r) => ({ ...r })), [{
      action: "unlink",
      old_discord_id: id,
      new_discord_id: null,
      requested_by: `auth0|${member}`,
      auth0_user_id: `auth0|${member}`,
      reason: null,
    }]);
    await other.untouched();
    const again = await call(UNLINK, { token, body: { environment } });
    assertEquals(again.status, 404);
    assertEquals(again.body.error.code, "not_linked");
    // A member names nothing: their own link only.
    const naming = await call(UNLINK, { token, body: { environment, discord_id: discordId() } });
    assertEquals(naming.status, 400);
    assert("discord_id" in naming.body.error.details.fields);
    // Nor does a member give a reason: that is the bot's and the operators' field.
    const relinked = await insertMember(shared, { discord_id: discordId() });
    const reasoned = await call(UNLINK, {
      token: await auth0.memberToken(relinked),
      body: { environment, reason: "tired of it" },
    });
    assertEquals(reasoned.status, 400);
    assert("reason" in reasoned.body.error.details.fields);
    assertEquals(
      (await db`select discord_verified from ${members} where member_number = ${relinked}`)[0]
        .discord_verified,
      true,
    );
    await other.untouched();
  });

  test(`unlink ${environment}: the bot and operators remove a given account's link`, async () => {
    const other = await bystander(shared);
    for (const [token, who] of [[bot, "bot"], [SERVICE_KEY, "service"]] as const) {
      const id = discordId();
      const member = await insertMember(shared, { discord_id: id });
      const res = await call(UNLINK, {
        token,
        body: { environment, discord_id: id, reason: "left the server" },
      });
      assertEquals(res.status, 200, who);
      assertEquals(res.body, { status: "unlinked", discord_id: id });
      const [row] = await db`select discord_id from ${members} where member_number = ${member}`;
      assertEquals(row.discord_id, null);
      const [entry] = await db`select action, old_discord_id, requested_by, reason, auth0_user_id
                               from ${audit} where member_number = ${member}`;
      assertEquals({ ...entry }, {
        action: "unlink",
        old_discord_id: id,
        requested_by: who,
        reason: "left the server",
        auth0_user_id: null,
      });
      const again = await call(UNLINK, { token, body: { environment, discord_id: id } });
      assertEquals(again.status, 404, who);
      assertEquals(again.body.error.code, "not_linked");
      await other.untouched();
    }
    const none = await call(UNLINK, { token: bot, body: { environment } });
    assertEquals(none.status, 400);
    assert("discord_id" in none.body.error.details.fields);
    const otherBot = environment === "production" ? BOT_KEY_DEVELOPMENT : BOT_KEY;
    const id = discordId();
    await insertMember(shared, { discord_id: id });
    const wrong = await call(UNLINK, { token: otherBot, body: { environment, discord_id: id } });
    assertEquals(wrong.status, 403);
    assertEquals(wrong.body.error.code, "wrong_environment");
    assertEquals(
      (await db`select count(*)::int from ${members} where discord_id = ${id}`)[0].count,
      1,
    );
    const stranger = await call(UNLINK, {
      token: "not-a-key",
      body: { environment, discord_id: id },
    });
    assertEquals(stranger.status, 401);
  });
}

test("Discord ids and names: snowflakes in range, no control or format characters", async () => {
  const create = (body: Record<string, unknown>) => call(CREATE, { token: BOT_KEY, body });
  for (
    const bad of [
      "01234567890123456",
      "18446744073709551616",
      "99999999999999999999",
      "1".repeat(21),
    ]
  ) {
    const res = await create({ discord_id: bad, discord_username: "x" });
    assertEquals(res.status, 400, bad);
    assert("discord_id" in res.body.error.details.fields, bad);
  }
  await db`delete from discord.verification_requests where discord_id = '18446744073709551615'`;
  const max = await create({ discord_id: "18446744073709551615", discord_username: "max" });
  assertEquals(max.status, 201);
  for (const name of ["a\u0000b", "evil\u202Eeman", "tab\there", "zero\u200Bwidth", "\u0007"]) {
    const res = await create({ discord_id: discordId(), discord_username: name });
    assertEquals(res.status, 400, JSON.stringify(name));
    assertMatch(res.body.error.details.fields.discord_username, /control or format/);
  }
  const unicode = await create({ discord_id: discordId(), discord_username: "Zoë 🛩️" });
  assertEquals(unicode.status, 201);
});

test("the deploy guide's secret files are never committed", async () => {
  const ignored = async (path: string) =>
    (await new Deno.Command("git", { args: ["check-ignore", "-q", path] }).output()).code === 0;
  for (const file of [".env", ".env.production", ".env.local", ".env.development"]) {
    assert(await ignored(`supabase/functions/${file}`), `${file} is ignored`);
  }
  assert(!(await ignored("supabase/functions/.env.example")), ".env.example is tracked");
});

test("npm run bot-token mints a discord_bot JWT signed with the project's secret", async () => {
  const secret = "a-project-jwt-secret-of-at-least-32-characters";
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-env", ...denoLockArgs, "scripts/bot-token.ts", "--days", "30"],
    env: { SUPABASE_JWT_SECRET: secret },
  }).output();
  assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
  const token = new TextDecoder().decode(out.stdout).trim();
  const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(secret), {
    algorithms: ["HS256"],
  });
  assertEquals(protectedHeader.alg, "HS256");
  assertEquals(payload.role, "discord_bot");
  const days = (payload.exp! - payload.iat!) / 86400;
  assertEquals(days, 30);
  const missing = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-env", ...denoLockArgs, "scripts/bot-token.ts"],
    env: { SUPABASE_JWT_SECRET: "" },
  }).output();
  assertEquals(missing.code, 2);
});

test("a request whose row is locked elsewhere answers 503 in seconds, not at the wall clock", async () => {
  const member = await insertMember("public");
  const created = await call(CREATE, {
    token: BOT_KEY,
    body: { discord_id: discordId(), discord_username: "locked" },
  });
  const holder = await db.reserve();
  try {
    await holder`begin`;
    await holder`select 1 from discord.verification_requests
                 where verification_id = ${created.body.verification_id} for update`;
    const started = Date.now();
    const res = await call(COMPLETE, {
      token: await auth0.memberToken(member),
      body: { verification_id: created.body.verification_id },
    });
    assertEquals(res.status, 503);
    assertEquals(res.body.error.code, "unavailable");
    assert(Date.now() - started < 10_000, `answered after ${Date.now() - started} ms`);
  } finally {
    await holder`rollback`;
    holder.release();
  }
  const done = await call(COMPLETE, {
    token: await auth0.memberToken(member),
    body: { verification_id: created.body.verification_id },
  });
  assertEquals(done.status, 200);
});
