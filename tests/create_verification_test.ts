// POST /create-verification over real HTTP, against the local Postgres, row
// by row of the tables in docs/api.md, and the input rules that keep a
// Discord id and name honest.
import { assert, assertEquals, assertMatch, assertNotEquals } from "./assert.ts";
import {
  baseEnv,
  BOT_KEY,
  botKey,
  call,
  db,
  discordId,
  ENVIRONMENTS,
  insertMember,
  serveFunctions,
  SERVICE_KEY,
  test,
} from "./helpers.ts";

const server = serveFunctions(baseEnv());
const CREATE = server.fn("create-verification");

const create = (
  body: Record<string, unknown>,
  token = botKey(body.environment as string | undefined),
) => call(CREATE, { token, body });

for (const env of ENVIRONMENTS) {
  const { environment, shared, discord } = env;
  const requests = db(`${discord}.verification_requests`);

  test(`create-verification ${environment}: 201, then 200 with the same request`, async () => {
    const id = discordId();
    const first = await create({ discord_id: id, discord_username: "ace", environment });
    assertEquals(first.status, 201);
    assertEquals(first.body.status, "pending");
    assertMatch(first.body.verification_id, /^[0-9a-f-]{36}$/);
    assertEquals(
      first.body.verification_url,
      `https://hub.mynatca.test/verify?vid=${first.body.verification_id}`,
    );
    const ttl = Date.parse(first.body.expires_at) - Date.now();
    assert(ttl > 29 * 60_000 && ttl <= 30 * 60_000, `ttl ${ttl}`);
    const again = await create({ discord_id: id, discord_username: "ace", environment });
    assertEquals(again.status, 200);
    assertEquals(again.body, first.body);
    const [{ count }] = await db`select count(*)::int from ${requests} where discord_id = ${id}`;
    assertEquals(count, 1);
  });

  test(`create-verification ${environment}: an expired pending request is replaced`, async () => {
    const id = discordId();
    const first = await create({ discord_id: id, discord_username: "ace", environment });
    await db`update ${requests} set expires_at = now() - interval '1 minute'
             where verification_id = ${first.body.verification_id}`;
    const second = await create({ discord_id: id, discord_username: "ace", environment });
    assertEquals(second.status, 201);
    assertNotEquals(second.body.verification_id, first.body.verification_id);
    const [old] =
      await db`select status from ${requests} where verification_id = ${first.body.verification_id}`;
    assertEquals(old.status, "expired");
  });

  test(`create-verification ${environment}: 409 already_verified without the member number`, async () => {
    const id = discordId();
    await insertMember(shared, { discord_id: id });
    const res = await create({ discord_id: id, discord_username: "ace", environment });
    assertEquals(res.status, 409);
    assertEquals(res.body.error.code, "already_verified");
    assertEquals(JSON.stringify(res.body).includes("member_number"), false);
  });
}

test("create-verification accepts the bot key and the service key, nothing else", async () => {
  const body = { discord_id: discordId(), discord_username: "x" };
  assertEquals((await create(body, BOT_KEY)).status, 201);
  assertEquals((await create(body, SERVICE_KEY)).status, 200);
  for (const token of [undefined, "", "wrong", BOT_KEY + "x", BOT_KEY.slice(0, -1)]) {
    const res = await call(CREATE, { token, body });
    assertEquals(res.status, 401, `token ${token}`);
    assertEquals(res.body.error.code, "unauthorized");
  }
});

test("parallel creates for one account yield one pending request", async () => {
  const id = discordId();
  const results = await Promise.all(
    Array.from({ length: 20 }, () => create({ discord_id: id, discord_username: "race" })),
  );
  assertEquals(results.filter((r) => r.status === 201).length, 1);
  assertEquals(results.filter((r) => r.status === 200).length, 19);
  assertEquals(new Set(results.map((r) => r.body.verification_id)).size, 1);
});

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
