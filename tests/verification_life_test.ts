// A verification request's life over real HTTP: a failed request is final,
// a completion that changes nothing writes nothing, and both sides' growth
// is bounded (new requests per Discord account per hour, failed completions
// per Auth0 user per 10 minutes), counted in Postgres per environment.
import { assert, assertEquals, assertMatch } from "./assert.ts";
import {
  baseEnv,
  botKey,
  call,
  db,
  discordId,
  ENVIRONMENTS,
  fakeAuth0,
  insertMember,
  serveFunctions,
  test,
} from "./helpers.ts";

const auth0 = await fakeAuth0();
const server = serveFunctions(baseEnv(auth0.jwksUrl));
const CREATE = server.fn("create-verification");
const COMPLETE = server.fn("complete-verification");

const create = (discord_id: string, environment: string) =>
  call(CREATE, {
    token: botKey(environment),
    body: { discord_id, discord_username: "life", environment },
  });
const complete = async (
  verification_id: string,
  environment: string,
  member?: string,
  sub?: string,
) =>
  call(COMPLETE, {
    token: await auth0.memberToken(member, sub),
    body: { verification_id, environment },
  });

/** A 429 as the contract pins it: Retry-After in whole seconds, the same in details. */
function assertRateLimited(
  res: Awaited<ReturnType<typeof call>>,
  window: number,
  what: string,
) {
  assertEquals(res.status, 429, `${what}: ${JSON.stringify(res.body)}`);
  assertEquals(res.body.error.code, "rate_limited");
  const header = res.headers.get("retry-after") ?? "";
  assertMatch(header, /^[1-9][0-9]*$/, `${what}: Retry-After ${header}`);
  assertEquals(res.body.error.details.retry_after_s, Number(header));
  assert(Number(header) <= window, `${what}: Retry-After ${header} beyond the window`);
}

for (const { environment, shared, discord } of ENVIRONMENTS) {
  const requests = db(`${discord}.verification_requests`);
  const members = db(`${shared}.members`);
  const events = db(`${discord}.member_events`);
  const audit = db(`${discord}.discord_link_audit`);
  const failures = db(`private.${discord}_completion_failures`);

  test(`${environment}: a failed request is final; completing it is 409 request_failed and writes nothing`, async () => {
    const retired = await insertMember(shared, { status: "retired" });
    const member = await insertMember(shared);
    const id = discordId();
    const vid = (await create(id, environment)).body.verification_id;
    assertEquals((await complete(vid, environment, retired)).status, 403);
    const before = await db`select * from ${requests} where verification_id = ${vid}`;
    assertEquals(before[0].status, "failed");

    for (const who of [member, retired]) {
      const res = await complete(vid, environment, who);
      assertEquals(res.status, 409, `${who}: ${JSON.stringify(res.body)}`);
      assertEquals(res.body.error.code, "request_failed");
      assertMatch(res.body.error.message, /Discord/);
    }
    // The first attempt stays the record: nobody's later try overwrote it.
    const after = await db`select * from ${requests} where verification_id = ${vid}`;
    assertEquals(after, before);
    assertEquals([after[0].member_number, after[0].auth0_user_id], [retired, `auth0|${retired}`]);
    const [linked] = await db`select count(*)::int from ${members} where discord_id = ${id}`;
    assertEquals(linked.count, 0);
    const [written] = await db`select (select count(*)::int from ${events}
                                       where discord_id = ${id}) as events,
                                      (select count(*)::int from ${audit}
                                       where verification_id = ${vid}) as audit`;
    assertEquals([written.events, written.audit], [0, 0]);

    // The preview shows it failed, to the member who failed it.
    const preview = await call(`${COMPLETE}?verification_id=${vid}&environment=${environment}`, {
      method: "GET",
      token: await auth0.memberToken(retired),
    });
    assertEquals([preview.status, preview.body.status], [200, "failed"]);
    // A new request from Discord works as ever.
    const again = await create(id, environment);
    assertEquals(again.status, 201);
    assertEquals((await complete(again.body.verification_id, environment, member)).status, 200);
  });

  test(`${environment}: completing a request for the account the member already holds writes no event and no audit row`, async () => {
    const id = discordId();
    const member = await insertMember(shared);
    const first = (await create(id, environment)).body.verification_id;
    assertEquals((await complete(first, environment, member)).status, 200);
    const [linked] = await db`select verified_at from ${members} where member_number = ${member}`;
    // A pending request for the same account, made before the link (the
    // bot refuses a linked account now, but a request outlives that check).
    const [{ verification_id: vid }] = await db`
      insert into ${requests} (discord_id, discord_username, expires_at)
      values (${id}, 'life', now() + interval '10 minutes') returning verification_id`;
    const count = () =>
      db`select (select count(*)::int from ${events} where discord_id = ${id}) as events,
                (select count(*)::int from ${audit} where member_number = ${member}) as audit`;
    const [before] = await count();
    const res = await complete(vid, environment, member);
    assertEquals(res.status, 200, JSON.stringify(res.body));
    assertEquals([res.body.status, res.body.discord_id, res.body.member_number], [
      "completed",
      id,
      member,
    ]);
    const [req] = await db`select status, member_number from ${requests}
                           where verification_id = ${vid}`;
    assertEquals([req.status, req.member_number], ["completed", member]);
    assertEquals(await count(), [before], "the unchanged link wrote an event or an audit row");
    const [after] = await db`select verified_at from ${members} where member_number = ${member}`;
    assertEquals(after.verified_at, linked.verified_at);
    // Repeating it answers the same.
    assertEquals((await complete(vid, environment, member)).body, res.body);
  });

  test(`${environment}: create-verification makes at most 5 new requests per account an hour`, async () => {
    const id = discordId();
    const expire = () =>
      db`update ${requests} set expires_at = now() - interval '1 second'
         where discord_id = ${id} and status = 'pending'`;
    for (let i = 0; i < 5; i++) {
      const res = await create(id, environment);
      assertEquals(res.status, 201, `request ${i + 1}`);
      // A pending one is returned, not counted again.
      assertEquals((await create(id, environment)).status, 200);
      await expire();
    }
    const refused = await create(id, environment);
    assertRateLimited(refused, 3600, "sixth request");
    const [{ count }] = await db`select count(*)::int from ${requests} where discord_id = ${id}`;
    assertEquals(count, 5, "a refused call made a request");
    // Another account, and the other environment, have their own allowance.
    assertEquals((await create(discordId(), environment)).status, 201);
    const other = ENVIRONMENTS.find((e) => e.environment !== environment)!;
    assertEquals((await create(id, other.environment)).status, 201);
    // An hour later the account may ask again.
    await db`update ${requests} set created_at = created_at - interval '1 hour'
             where discord_id = ${id}`;
    assertEquals((await create(id, environment)).status, 201);
  });

  test(`${environment}: complete-verification takes at most 10 failed completions per user in 10 minutes`, async () => {
    const member = await insertMember(shared);
    const sub = `auth0|life-${crypto.randomUUID()}`;
    const vid = (await create(discordId(), environment)).body.verification_id;
    for (let i = 0; i < 10; i++) {
      const res = await complete(crypto.randomUUID(), environment, member, sub);
      assertEquals(res.status, 404, `attempt ${i + 1}`);
    }
    // Past the limit, whatever the request: even one that would link.
    assertRateLimited(await complete(vid, environment, member, sub), 600, "a valid request");
    assertRateLimited(
      await complete(crypto.randomUUID(), environment, member, sub),
      600,
      "an unknown one",
    );
    const [req] = await db`select status from ${requests} where verification_id = ${vid}`;
    assertEquals(req.status, "pending", "a refused call wrote the request");
    const [counted] = await db`select count(*)::int from ${failures} where auth0_user_id = ${sub}`;
    assertEquals(counted.count, 10, "refusals past the limit were counted too");
    // Another user, and the same user in the other environment, are not limited.
    const other = ENVIRONMENTS.find((e) => e.environment !== environment)!;
    assertEquals((await complete(crypto.randomUUID(), other.environment, member, sub)).status, 404);
    assertEquals((await complete(crypto.randomUUID(), environment, member)).status, 404);
    // Ten minutes later the user may try again.
    await db`update ${failures} set failed_at = failed_at - interval '10 minutes'
             where auth0_user_id = ${sub}`;
    const linked = await complete(vid, environment, member, sub);
    assertEquals(linked.status, 200, JSON.stringify(linked.body));
  });
}

test("the limits are read from VERIFICATION_MAX_PER_HOUR and VERIFICATION_MAX_FAILED_ATTEMPTS, and validated", async () => {
  const tight = serveFunctions({
    ...baseEnv(auth0.jwksUrl),
    VERIFICATION_MAX_PER_HOUR: "1",
    VERIFICATION_MAX_FAILED_ATTEMPTS: "2",
  });
  try {
    const id = discordId();
    const make = () =>
      call(tight.fn("create-verification"), {
        token: botKey("development"),
        body: { discord_id: id, discord_username: "tight", environment: "development" },
      });
    assertEquals((await make()).status, 201);
    await db`update discord_dev.verification_requests set expires_at = now() - interval '1 second'
             where discord_id = ${id}`;
    assertRateLimited(await make(), 3600, "second request");
    const sub = `auth0|tight-${crypto.randomUUID()}`;
    const attempt = async () =>
      call(tight.fn("complete-verification"), {
        token: await auth0.memberToken("X1", sub),
        body: { verification_id: crypto.randomUUID(), environment: "development" },
      });
    assertEquals((await attempt()).status, 404);
    assertEquals((await attempt()).status, 404);
    assertRateLimited(await attempt(), 600, "third failure");
  } finally {
    await tight.close();
  }
  for (
    const [name, fn] of [
      ["VERIFICATION_MAX_PER_HOUR", "create-verification"],
      ["VERIFICATION_MAX_FAILED_ATTEMPTS", "complete-verification"],
    ]
  ) {
    for (const bad of ["0", "-1", "2.5", "five"]) {
      const misconfigured = serveFunctions({ ...baseEnv(auth0.jwksUrl), [name]: bad });
      try {
        const res = await call(misconfigured.fn(fn), {
          token: botKey("production"),
          body: {},
        });
        assertEquals([res.status, res.body.error?.code], [500, "misconfigured"], `${name}=${bad}`);
      } finally {
        await misconfigured.close();
      }
    }
  }
});
