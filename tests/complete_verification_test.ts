// POST /complete-verification (the member confirms a link) and its GET
// preview (what the member sees before confirming), over real HTTP against
// the local Postgres, row by row of the tables in docs/api.md.
import { assert, assertEquals, assertMatch } from "./assert.ts";
import {
  baseEnv,
  BOT_KEY,
  BOT_KEY_DEVELOPMENT,
  botKey,
  bystander,
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

const create = (
  body: Record<string, unknown>,
  token = botKey(body.environment as string | undefined),
) => call(CREATE, { token, body });
const complete = async (verification_id: string, memberNumber: string, environment: string) =>
  call(COMPLETE, {
    token: await auth0.memberToken(memberNumber),
    body: { verification_id, environment },
  });

for (const env of ENVIRONMENTS) {
  const { environment, shared, discord } = env;
  const requests = db(`${discord}.verification_requests`);
  const members = db(`${shared}.members`);

  test(`complete-verification ${environment}: links, repeats 200, audits`, async () => {
    const member = await insertMember(shared);
    const id = discordId();
    const created = await create({ discord_id: id, discord_username: "Ace#1", environment });
    const vid = created.body.verification_id;
    const res = await complete(vid, member, environment);
    assertEquals(res.status, 200);
    assertEquals(res.body.status, "completed");
    assertEquals(res.body.verification_id, vid);
    assertEquals(res.body.member_number, member);
    assertEquals(res.body.discord_id, id);
    assertEquals(res.body.discord_username, "Ace#1");
    const [row] = await db`select * from ${members} where member_number = ${member}`;
    assertEquals(row.discord_id, id);
    assertEquals(row.discord_verified, true);
    assertEquals(row.auth0_user_id, `auth0|${member}`);
    assertEquals(row.verified_at.toISOString(), res.body.verified_at);
    const [req] = await db`select * from ${requests} where verification_id = ${vid}`;
    // The API's id is the verification_id column; id is an integer surrogate.
    assertEquals(req.verification_id, vid);
    assertMatch(String(req.id), /^[0-9]+$/);
    assertEquals([req.status, req.member_number, req.auth0_user_id], [
      "completed",
      member,
      `auth0|${member}`,
    ]);
    assert(req.completed_at);
    const repeat = await complete(vid, member, environment);
    assertEquals(repeat.status, 200);
    assertEquals(repeat.body, res.body);
    // Also past the request's expiry: the same answer, the original verified_at.
    await db`update ${requests} set expires_at = now() - interval '1 minute'
             where verification_id = ${vid}`;
    const late = await complete(vid, member, environment);
    assertEquals(late.status, 200);
    assertEquals(late.body, res.body);
    const audit = await db`select * from ${db(`${discord}.discord_link_audit`)}
                           where member_number = ${member}`;
    assertEquals(audit.length, 1);
    assertEquals([audit[0].old_discord_id, audit[0].new_discord_id], [null, id]);
  });

  test(`complete-verification ${environment}: relinking keeps the old id in the audit`, async () => {
    const other = await bystander(shared);
    const oldId = discordId();
    const member = await insertMember(shared, { discord_id: oldId });
    await db`update ${members} set discord_username = 'old-name' where member_number = ${member}`;
    const newId = discordId();
    const created = await create({ discord_id: newId, discord_username: "new", environment });
    // Without the member's confirmation the link is not replaced.
    const refused = await complete(created.body.verification_id, member, environment);
    assertEquals(refused.status, 409);
    assertEquals(refused.body.error.code, "would_replace_link");
    assertEquals(refused.body.error.details, { current_discord_username: "old-name" });
    const [pending] = await db`select status from ${requests}
                               where verification_id = ${created.body.verification_id}`;
    assertEquals(pending.status, "pending");
    const [still] = await db`select discord_id from ${members} where member_number = ${member}`;
    assertEquals(still.discord_id, oldId);
    const res = await call(COMPLETE, {
      token: await auth0.memberToken(member),
      body: {
        verification_id: created.body.verification_id,
        environment,
        replace_existing_link: true,
      },
    });
    assertEquals(res.status, 200);
    const [row] = await db`select discord_id from ${members} where member_number = ${member}`;
    assertEquals(row.discord_id, newId);
    const [audit] = await db`select * from ${db(`${discord}.discord_link_audit`)}
                             where verification_id = ${created.body.verification_id}`;
    assertEquals([audit.old_discord_id, audit.new_discord_id], [oldId, newId]);
    await other.untouched();
  });

  test(`complete-verification ${environment}: 403 for unknown, inactive, or no claim; request failed`, async () => {
    const inactive = await insertMember(shared, { status: "retired" });
    for (
      const [memberNumber, reason] of [
        ["NOPE-404", "member not found"],
        [inactive, "member status is retired"],
        [undefined, "no member number in the access token"],
      ] as const
    ) {
      const created = await create({ discord_id: discordId(), discord_username: "x", environment });
      const vid = created.body.verification_id;
      const res = await call(COMPLETE, {
        token: await auth0.memberToken(memberNumber),
        body: { verification_id: vid, environment },
      });
      assertEquals(res.status, 403);
      assertEquals(res.body.error.code, "member_not_eligible");
      const [req] =
        await db`select status, failure_reason from ${requests} where verification_id = ${vid}`;
      assertEquals([req.status, req.failure_reason], ["failed", reason]);
    }
  });

  // A failed request is final: tests/verification_life_test.ts.

  test(`complete-verification ${environment}: 404 for an unknown id`, async () => {
    const member = await insertMember(shared);
    const res = await complete(crypto.randomUUID(), member, environment);
    assertEquals(res.status, 404);
    assertEquals(res.body.error.code, "not_found");
  });

  test(`complete-verification ${environment}: 409 already_completed for another member`, async () => {
    const [a, b] = [await insertMember(shared), await insertMember(shared)];
    const created = await create({ discord_id: discordId(), discord_username: "x", environment });
    assertEquals((await complete(created.body.verification_id, a, environment)).status, 200);
    const res = await complete(created.body.verification_id, b, environment);
    assertEquals(res.status, 409);
    assertEquals(res.body.error.code, "already_completed");
  });

  test(`complete-verification ${environment}: 409 discord_already_linked changes nothing`, async () => {
    const id = discordId();
    const created = await create({ discord_id: id, discord_username: "x", environment });
    // The account gets linked to someone else after the request was made.
    const holder = await insertMember(shared, { discord_id: id });
    const other = await insertMember(shared);
    const res = await complete(created.body.verification_id, other, environment);
    assertEquals(res.status, 409);
    assertEquals(res.body.error.code, "discord_already_linked");
    const [req] =
      await db`select status from ${requests} where verification_id = ${created.body.verification_id}`;
    assertEquals(req.status, "pending");
    const rows = await db`select member_number, discord_id from ${members}
                          where member_number in (${holder}, ${other}) order by member_number`;
    assertEquals(rows.find((r) => r.member_number === other)!.discord_id, null);
    assertEquals(rows.find((r) => r.member_number === holder)!.discord_id, id);
  });

  test(`complete-verification ${environment}: 410 expired marks the request`, async () => {
    const member = await insertMember(shared);
    const created = await create({ discord_id: discordId(), discord_username: "x", environment });
    await db`update ${requests} set expires_at = now() - interval '1 second'
             where verification_id = ${created.body.verification_id}`;
    const res = await complete(created.body.verification_id, member, environment);
    assertEquals(res.status, 410);
    assertEquals(res.body.error.code, "expired");
    const [req] =
      await db`select status from ${requests} where verification_id = ${created.body.verification_id}`;
    assertEquals(req.status, "expired");
  });
}

for (const { environment, shared, discord } of ENVIRONMENTS) {
  const members = db(`${shared}.members`);
  const requests = db(`${discord}.verification_requests`);
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
}

test("a request made in one environment is not found from the other", async () => {
  const member = await insertMember("public");
  await insertMember("dev", { member_number: member });
  const created = await create({ discord_id: discordId(), discord_username: "x" });
  assertEquals(created.status, 201);
  const res = await complete(created.body.verification_id, member, "development");
  assertEquals(res.status, 404);
});

test("parallel completes yield one link and no 5xx", async () => {
  const member = await insertMember("public");
  const created = await create({ discord_id: discordId(), discord_username: "race" });
  const token = await auth0.memberToken(member);
  const results = await Promise.all(
    Array.from(
      { length: 20 },
      () => call(COMPLETE, { token, body: { verification_id: created.body.verification_id } }),
    ),
  );
  assertEquals(results.map((r) => r.status), Array(20).fill(200));
  const audit = await db`select count(*)::int from discord.discord_link_audit
                         where verification_id = ${created.body.verification_id}`;
  assertEquals(audit[0].count, 1);
});

test("parallel completes of two requests for one account: one links, the other is refused", async () => {
  // Only one request per account can be pending; the other of a pair is one
  // that failed (final), so whatever the order of arrival (and the true
  // overlap, repeated for its chance) the pending one links and the failed
  // one is refused with nothing written.
  for (let round = 0; round < 5; round++) {
    const id = discordId();
    const [a, b] = [await insertMember("public"), await insertMember("public")];
    const first = await create({ discord_id: id, discord_username: "race" });
    await db`update discord.verification_requests set status = 'failed'
             where verification_id = ${first.body.verification_id}`;
    const second = await create({ discord_id: id, discord_username: "race" });
    assertEquals(second.status, 201);
    const [failed, pending] = [
      { vid: first.body.verification_id, member: a },
      { vid: second.body.verification_id, member: b },
    ];
    const results = await Promise.all(
      [failed, pending].map((c) => complete(c.vid, c.member, "production")),
    );
    const shown = JSON.stringify(results.map((r) => [r.status, r.body]));
    assertEquals(results.map((r) => r.status), [409, 200], shown);
    assertEquals(results[0].body.error.code, "request_failed", shown);
    assertEquals(results[1].body.member_number, pending.member);

    const holders = await db`select member_number from public.members where discord_id = ${id}`;
    assertEquals(holders.map((h) => h.member_number), [pending.member]);
    const rows = await db`select verification_id, status, member_number, completed_at
                          from discord.verification_requests where discord_id = ${id}`;
    const byId = new Map(rows.map((r) => [r.verification_id, r]));
    const won = byId.get(pending.vid)!;
    assertEquals([won.status, won.member_number], ["completed", pending.member]);
    const lost = byId.get(failed.vid)!;
    assertEquals([lost.status, lost.member_number, lost.completed_at], ["failed", null, null]);
    const audit = await db`select member_number, verification_id from discord.discord_link_audit
                           where new_discord_id = ${id}`;
    assertEquals(audit.map((r) => [r.member_number, r.verification_id]), [[
      pending.member,
      pending.vid,
    ]]);
  }
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
