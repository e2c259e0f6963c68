// POST /unlink-discord over real HTTP: a member removes their own link; the
// bot and operators remove a given account's link. Only the target changes.
import { assert, assertEquals } from "./assert.ts";
import {
  baseEnv,
  BOT_KEY,
  BOT_KEY_DEVELOPMENT,
  bystander,
  call,
  db,
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
const UNLINK = server.fn("unlink-discord");

for (const { environment, shared, discord } of ENVIRONMENTS) {
  const members = db(`${shared}.members`);
  const audit = db(`${discord}.discord_link_audit`);
  const bot = environment === "production" ? BOT_KEY : BOT_KEY_DEVELOPMENT;

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
