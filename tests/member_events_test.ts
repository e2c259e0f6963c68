// The bot's member event feed, written by the verification functions: every
// kind over real HTTP, read as discord_bot the way the Data API reads
// (tests/support/postgrest.ts), through member_events_since(). The sync's
// kinds and a consumer under concurrent writers: member_events_sync_test.ts.
import { SignJWT } from "jose";
import { assertEquals } from "./assert.ts";
import { db, ENVIRONMENTS, test } from "./helpers.ts";
import { asRequest } from "./support/postgrest.ts";
import { memberEventsFixture, txOf } from "./support/member_events.ts";
import { LOCAL_JWT_SECRET } from "../local/stack.ts";

const { trust, readAll, head, link, unlink } = await memberEventsFixture("mynatca_events_test");

for (const { environment, shared, discord } of ENVIRONMENTS) {
  const newMember = async (n: string) => {
    await db`insert into ${db(`${shared}.members`)} (member_number, first_name, last_name, status)
             values (${n}, 'Ev', 'Ent', 'active') on conflict (member_number) do nothing`;
    return n;
  };

  test(`${environment}: linked, a replaced link, unlinked by the member and by the bot`, async () => {
    const m = await newMember(`EV${environment[0]}${Date.now() % 1e7}`);
    const start = await head(discord);

    const first = await link(environment, m, { requestId: "req-link-1" });
    assertEquals(first.res.status, 200, JSON.stringify(first.res.body));
    let events = await readAll(discord, start);
    // One event: the members trigger writes nothing for a change of the link columns.
    assertEquals(
      events.map((e) => [e.kind, e.member_number, e.discord_id, e.source, e.request_id]),
      [
        ["linked", m, first.discord_id, "complete-verification", "req-link-1"],
      ],
    );
    assertEquals(events[0].details.verification_id, first.verification_id);
    assertEquals(events[0].details.replaced_discord_id, null);

    // Refused: no event (would_replace_link changes nothing).
    const refused = await link(environment, m);
    assertEquals(refused.res.status, 409);
    assertEquals(await readAll(discord, events[0].id), []);

    const second = await link(environment, m, { replace: true, requestId: "req-link-2" });
    assertEquals(second.res.status, 200, JSON.stringify(second.res.body));
    events = await readAll(discord, events[0].id);
    assertEquals(events.map((e) => [e.kind, e.discord_id, e.request_id]), [
      ["unlinked", first.discord_id, "req-link-2"],
      ["linked", second.discord_id, "req-link-2"],
    ]);
    assertEquals(txOf(events[0]), txOf(events[1]), "both in the link's transaction");
    assertEquals(events[0].details.reason, "replaced");
    assertEquals(events[0].details.replaced_by, second.discord_id);
    assertEquals(events[1].details.replaced_discord_id, first.discord_id);

    const byMember = await unlink(environment, { member: m, requestId: "req-unlink-1" });
    assertEquals(byMember.status, 200);
    let after = events[1].id;
    events = await readAll(discord, after);
    assertEquals(events.map((e) => [e.kind, e.discord_id, e.source, e.request_id]), [
      ["unlinked", second.discord_id, "unlink-discord", "req-unlink-1"],
    ]);
    assertEquals(events[0].details, { requested_by: `auth0|${m}`, reason: null });
    // Nothing linked: 404 and no event.
    assertEquals((await unlink(environment, { member: m })).status, 404);
    assertEquals(await readAll(discord, events[0].id), []);

    const third = await link(environment, m);
    after = (await readAll(discord, events[0].id)).at(-1)!.id;
    const byBot = await unlink(environment, {
      discord: third.discord_id,
      reason: "left the server",
    });
    assertEquals(byBot.status, 200);
    events = await readAll(discord, after);
    assertEquals(events.map((e) => [e.kind, e.discord_id, e.details]), [
      ["unlinked", third.discord_id, { requested_by: "bot", reason: "left the server" }],
    ]);
  });
}

test("a linked member's own email edit, as the Data API runs it, writes no event", async () => {
  const m = `EVM${Date.now() % 1e7}`;
  await db`insert into public.members (member_number, first_name, last_name, status)
           values (${m}, 'Ev', 'Ent', 'active')`;
  const linked = await link("production", m);
  assertEquals(linked.res.status, 200);
  const after = await head("discord");
  // The Hub's token as PostgREST sees it: role authenticated and the member claim.
  const token = await new SignJWT({ role: "authenticated", "https://mynatca.org/member_number": m })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(`auth0|${m}`)
    .setIssuedAt()
    .setExpirationTime("5m")
    .sign(new TextEncoder().encode(LOCAL_JWT_SECRET));
  const updated = await asRequest(
    token,
    trust,
    (sql) =>
      sql`update public.members set email = 'own@example.org' where member_number = ${m}
        returning email`,
  );
  assertEquals(updated.map((r) => r.email), ["own@example.org"]);
  assertEquals(await readAll("discord", after), []);
});
