// The read half, as hosted Supabase serves it: the Member Hub's and the
// Discord bot's documented reads (tests/support/client_reads.ts, shown in
// docs/clients.md), run the way PostgREST runs them (tests/support/
// postgrest.ts: authenticator, the token's role, its claims) with real
// tokens from `npm run token` and `npm run bot-token`.
import { assert, assertEquals, assertRejects } from "./assert.ts";
import { afterAll, db, ENVIRONMENTS, test } from "./helpers.ts";
import {
  BOT_READS,
  type ClientRead,
  HUB_EMAIL_UPDATE,
  HUB_READS,
  runRead,
  runUpdate,
  supabaseJs,
  supabaseJsUpdate,
} from "./support/client_reads.ts";
import {
  asRequest,
  closeAuthenticator,
  localTrust,
  RejectedToken,
  type Trust,
} from "./support/postgrest.ts";
import { LOCAL_JWT_SECRET } from "../local/stack.ts";
import { exportJWK, generateKeyPair, SignJWT } from "jose";

const ROOT = new URL("..", import.meta.url).pathname;
const trust: Trust = await localTrust();

/** `npm run <script> -- <args>`, as a developer runs it; its printed token. */
async function npmToken(script: string, args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command("npm", {
    args: ["run", "--silent", script, "--", ...args],
    cwd: ROOT,
    env,
  }).output();
  assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout).trim();
}

// Fixtures in both environments: a linked member, an unlinked one, a regional
// officer, their positions, a facility and region, requests and a validation.
const P = `DA${Date.now() % 1_000_000}`;
const LINKED = `${P}1`, OTHER = `${P}2`, OFFICER = `${P}3`;
const LINKED_DISCORD = `4${String(Date.now()).slice(-9)}0000001`;
const FACILITY = `F${P}`, REGION = `R${P}`;
const RUN_ID = crypto.randomUUID();

/** Removes this file's fixtures, this run's and any an earlier run left behind. */
async function removeFixtures() {
  for (const { shared, discord } of ENVIRONMENTS) {
    const runs = await db`delete from ${db(`${discord}.validation_logs`)}
                          where member_number like 'DA%' returning run_id`;
    await db`delete from ${db(`${discord}.validation_summaries`)}
             where run_id = any(${runs.map((r) => r.run_id)}::uuid[])`;
    await db`delete from ${db(`${discord}.verification_requests`)} where member_number like 'DA%'`;
    await db`delete from ${db(`${shared}.positions`)} where source_id between 970001 and 970003`;
    await db`delete from ${db(`${shared}.members`)} where member_number like 'DA%'`;
    await db`delete from ${db(`${shared}.facilities`)} where facility_code like 'FDA%'`;
    await db`delete from ${db(`${shared}.regions`)} where region_code like 'RDA%'`;
  }
}

// Deno 2.1 runs no afterAll hook, so a run also clears what an earlier one left.
await removeFixtures();
for (const { shared, discord } of ENVIRONMENTS) {
  await db`insert into ${db(`${shared}.regions`)} (region_code, region_name)
           values (${REGION}, 'Data API Region')`;
  await db`insert into ${db(`${shared}.facilities`)} (facility_code, facility_name, region_code)
           values (${FACILITY}, 'Data API Center', ${REGION})`;
  await db`insert into ${db(`${shared}.members`)}
             (member_number, first_name, last_name, status, facility_code, discord_id,
              discord_username, discord_verified)
           values (${LINKED}, 'Lin', 'Ked', 'active', ${FACILITY}, ${LINKED_DISCORD}, 'lin', true),
                  (${OTHER}, 'Oth', 'Er', 'active', ${FACILITY}, null, null, false),
                  (${OFFICER}, 'Off', 'Icer', 'active', ${FACILITY}, null, null, false)`;
  await db`insert into ${db(`${shared}.positions`)} (source_id, member_number, position_type)
           select 970000 + n, m, t from (values (1, ${LINKED}, 'facrep'), (2, ${OTHER}, 'committee'),
                                                (3, ${OFFICER}, 'regional')) v(n, m, t)
           on conflict (source_id) do update set member_number = excluded.member_number,
             position_type = excluded.position_type, active = true`;
  await db`insert into ${db(`${discord}.verification_requests`)}
             (discord_id, discord_username, status, member_number, expires_at)
           values (${LINKED_DISCORD}, 'lin', 'completed', ${LINKED}, now() + interval '5 minutes'),
                  ('51111111111111111', 'oth', 'failed', ${OTHER}, now() + interval '5 minutes')`;
  await db`insert into ${db(`${discord}.validation_summaries`)}
             (run_id, started_at, finished_at, checked, eligible, inactive, missing)
           values (${RUN_ID}, now(), now(), 1, 0, 1, 0)`;
  await db`insert into ${
    db(`${discord}.validation_logs`)
  } (run_id, member_number, discord_id, result)
           values (${RUN_ID}, ${LINKED}, ${LINKED_DISCORD}, 'inactive')`;
}

afterAll(closeAuthenticator);

// Real tokens, minted once: the Hub's (string and numeric claim, and one
// from a tenant without the Action's role claim) and the bot's.
const [hubToken, officerToken, noRoleToken, botToken] = await Promise.all([
  npmToken("token", ["--member", LINKED]),
  npmToken("token", ["--member", OFFICER]),
  npmToken("token", ["--member", LINKED, "--without-role"]),
  npmToken("bot-token", ["--days", "1"], { SUPABASE_JWT_SECRET: LOCAL_JWT_SECRET }),
]);

const only = (rows: Record<string, unknown>[], column: string) => rows.map((r) => r[column]);

for (const { environment } of ENVIRONMENTS) {
  test(`Hub (${environment}): the documented reads show the member their own rows`, async () => {
    await asRequest(hubToken, trust, async (sql) => {
      const params = { memberNumber: LINKED };
      const read = (r: ClientRead) => runRead(sql, r, params, environment);
      assertEquals(only(await read(HUB_READS.ownMember), "member_number"), [LINKED]);
      assertEquals(only(await read(HUB_READS.ownPositions), "source_id"), [970001]);
      // Without the filter, RLS still shows nothing but their own.
      assertEquals(
        only(await read({ ...HUB_READS.ownMember, filters: [] }), "member_number"),
        [LINKED],
      );
      assertEquals(
        only(await read(HUB_READS.allPositions), "source_id").filter((id) =>
          Number(id) >= 970001 && Number(id) <= 970003
        ),
        [970001],
        "a member who is no officer reads only their own positions",
      );
      assert(only(await read(HUB_READS.facilities), "facility_code").includes(FACILITY));
      assert(only(await read(HUB_READS.regions), "region_code").includes(REGION));
      assertEquals(only(await read(HUB_READS.ownRequests), "status"), ["completed"]);
      assertEquals(
        (await read({ ...HUB_READS.ownRequests, filters: [] })).length,
        1,
        "another member's request stays hidden",
      );
    });
  });

  test(`Hub (${environment}): an officer's token reads every position`, async () => {
    await asRequest(officerToken, trust, async (sql) => {
      const rows = await runRead(sql, HUB_READS.allPositions, {}, environment);
      const ours = only(rows, "source_id").filter((id) =>
        Number(id) >= 970001 && Number(id) <= 970003
      );
      assertEquals(ours, [970001, 970002, 970003]);
      assertEquals(
        only(
          await runRead(sql, { ...HUB_READS.ownMember, filters: [] }, {}, environment),
          "member_number",
        ),
        [OFFICER],
        "an officer still reads only their own member row",
      );
    });
  });

  test(`Hub (${environment}): a member edits their own email, and no one else's`, async () => {
    const email = `edit-${P.toLowerCase()}@example.org`;
    const changed = await asRequest(hubToken, trust, async (sql) => [
      await runUpdate(sql, HUB_EMAIL_UPDATE, { memberNumber: LINKED, email }, environment),
      await runUpdate(sql, HUB_EMAIL_UPDATE, { memberNumber: OTHER, email }, environment),
    ]);
    assertEquals(changed, [1, 0]);
    const shared = environment === "production" ? "public" : "dev";
    const rows = await db`select member_number, email from ${db(`${shared}.members`)}
                          where member_number in (${LINKED}, ${OTHER}) order by 1`;
    assertEquals(rows.map((r) => r.email), [email, null]);
    // Any other column is refused outright.
    await assertRejects(
      () =>
        asRequest(
          hubToken,
          trust,
          (sql) =>
            sql.unsafe(`update ${shared}.members set status = 'active' where member_number = $1`, [
              LINKED,
            ]),
        ),
      "permission denied",
    );
  });
}

for (const { environment, shared } of ENVIRONMENTS) {
  test(`Hub (${environment}): the database checks a member's email edit`, async () => {
    const update = (email: string | null) =>
      asRequest(
        hubToken,
        trust,
        (sql) => runUpdate(sql, HUB_EMAIL_UPDATE, { memberNumber: LINKED, email }, environment),
      );
    const stored = async () =>
      (await db`select email from ${db(`${shared}.members`)}
                where member_number = ${LINKED}`)[0].email;
    await update(`kept-${P.toLowerCase()}@example.org`);
    const random = Array.from(
      { length: 2560 },
      () => String.fromCharCode(33 + Math.floor(Math.random() * 94)),
    ).join("");
    for (
      const bad of [
        "<img src=x onerror=alert(1)>",
        random,
        `${"a".repeat(243)}@example.org`,
        "two@at@example.org",
        "@example.org",
        "ace@",
        "ace example@example.org",
        "ace\u00a0@example.org",
        "ace\n@example.org",
        "",
      ]
    ) {
      let error: unknown;
      await update(bad).catch((err) => error = err);
      assertEquals(
        (error as { code?: string } | undefined)?.code,
        "23514",
        `refused as a check violation: ${JSON.stringify(bad.slice(0, 40))}`,
      );
      assertEquals(await stored(), `kept-${P.toLowerCase()}@example.org`, "nothing is stored");
    }
    assertEquals(await update(`Ace-${P}@Example.ORG`), 1);
    assertEquals(await stored(), `ace-${P.toLowerCase()}@example.org`, "stored lower-cased");
    assertEquals(await update(null), 1, "a member may clear their email");
    assertEquals(await stored(), null);
  });
}

test("Hub: the member-number claim may be a number", async () => {
  const numeric = `${Date.now() % 1_000_000_000}`;
  await db`insert into public.members (member_number, first_name, last_name, status)
           values (${numeric}, 'Num', 'Eric', 'active')`;
  try {
    const token = await npmToken("token", ["--member", numeric, "--numeric"]);
    const claims = JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    assertEquals(typeof claims["https://mynatca.org/member_number"], "number");
    await asRequest(token, trust, async (sql) => {
      assertEquals(
        only(await runRead(sql, { ...HUB_READS.ownMember, filters: [] }), "member_number"),
        [numeric],
      );
    });
  } finally {
    await db`delete from public.members where member_number = ${numeric}`;
  }
});

test("Hub: a token without the role claim runs as anon and reads nothing", async () => {
  for (const read of Object.values(HUB_READS)) {
    await assertRejects(
      () => asRequest(noRoleToken, trust, (sql) => runRead(sql, read, { memberNumber: LINKED })),
      "permission denied",
    );
  }
});

for (const { environment } of ENVIRONMENTS) {
  test(`bot (${environment}): the documented reads`, async () => {
    await asRequest(botToken, trust, async (sql) => {
      const read = (r: ClientRead, params: Record<string, unknown> = {}) =>
        runRead(sql, r, params, environment);
      const linked = only(await read(BOT_READS.linkedMembers), "member_number");
      assert(linked.includes(LINKED), "the linked member is listed");
      assert(!linked.includes(OTHER), "an unlinked member is not");
      assertEquals(
        only(
          await read(BOT_READS.memberByDiscordId, { discordId: LINKED_DISCORD }),
          "member_number",
        ),
        [LINKED],
      );
      assertEquals(
        only(await read(BOT_READS.memberPositions, { memberNumber: OFFICER }), "position_type"),
        ["regional"],
      );
      assert(only(await read(BOT_READS.facilities), "facility_code").includes(FACILITY));
      assert(only(await read(BOT_READS.regions), "region_code").includes(REGION));
      assertEquals(
        only(await read(BOT_READS.requestsByDiscordId, { discordId: LINKED_DISCORD }), "status"),
        ["completed"],
      );
      assertEquals(only(await read(BOT_READS.ineligibleLinks), "member_number"), [LINKED]);
      assertEquals(only(await read(BOT_READS.latestValidation), "run_id"), [RUN_ID]);
    });
  });
}

for (const { environment } of ENVIRONMENTS) {
  test(`bot (${environment}): members' contact data is refused`, async () => {
    const refused: ClientRead[] = [
      ...["email", "source_email", "auth0_user_id", "last_auth0_sync"].map((column) => ({
        ...BOT_READS.memberByDiscordId,
        columns: [column],
      })),
      // PostgREST's select=* (and a read with the Hub's columns) names email too.
      { ...BOT_READS.memberByDiscordId, columns: ["*"] },
      { ...BOT_READS.memberByDiscordId, columns: HUB_READS.ownMember.columns },
    ];
    for (const read of refused) {
      await assertRejects(
        () =>
          asRequest(
            botToken,
            trust,
            (sql) => runRead(sql, read, { discordId: LINKED_DISCORD }, environment),
          ),
        "permission denied",
      );
    }
  });
}

test("bot: nothing else is readable, and nothing writable", async () => {
  const refused = [
    "select 1 from public.sync_logs",
    "select 1 from discord.discord_link_audit",
    "select 1 from dev.sync_cursor",
    "select 1 from monitoring.connection_count",
    "select 1 from private.public_admins",
    "select 1 from cron.job",
    "select 1 from vault.decrypted_secrets",
    `update public.members set discord_username = 'x' where member_number = '${LINKED}'`,
    `insert into discord.verification_requests (discord_id, discord_username, expires_at)
     values ('52222222222222222', 'x', now())`,
    `delete from dev.positions where source_id = 970001`,
  ];
  for (const statement of refused) {
    await assertRejects(
      () => asRequest(botToken, trust, (sql) => sql.unsafe(statement)),
      "permission denied",
    );
  }
});

test("bot: a token signed with a key the project imported (signing keys) reads as discord_bot", async () => {
  const { publicKey, privateKey } = await generateKeyPair("ES256", { extractable: true });
  const kid = "bot-standby-key";
  const file = await Deno.makeTempFile({ suffix: ".json" });
  try {
    await Deno.writeTextFile(
      file,
      JSON.stringify({ ...await exportJWK(privateKey), kid, alg: "ES256" }),
    );
    const token = await npmToken("bot-token", ["--jwk", file, "--days", "1"]);
    const projectKeys = { keys: [{ ...await exportJWK(publicKey), kid, alg: "ES256" }] };
    const rows = await asRequest(
      token,
      { ...trust, projectKeys },
      (sql) => runRead(sql, BOT_READS.memberByDiscordId, { discordId: LINKED_DISCORD }),
    );
    assertEquals(only(rows, "member_number"), [LINKED]);
    // A project that does not hold the key refuses it.
    await assertRejects(() => asRequest(token, trust, (sql) => sql`select 1`), "no trusted key");
  } finally {
    await Deno.remove(file);
  }
});

test("tokens the Data API refuses never reach the database", async () => {
  const sign = (claims: Record<string, unknown>, secret: string, alg = "HS256") =>
    new SignJWT(claims).setProtectedHeader({ alg }).setExpirationTime("1h")
      .sign(new TextEncoder().encode(secret));
  const unsigned = `${btoa(JSON.stringify({ alg: "none" }))}.${
    btoa(JSON.stringify({ role: "service_role" }))
  }.`.replace(/=/g, "");
  const expired = await new SignJWT({ role: "discord_bot" }).setProtectedHeader({ alg: "HS256" })
    .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
    .sign(new TextEncoder().encode(LOCAL_JWT_SECRET));
  for (
    const token of [
      await sign({ role: "service_role" }, "another-project-secret-of-enough-length"),
      unsigned,
      expired,
    ]
  ) {
    await assertRejects(() => asRequest(token, trust, (sql) => sql`select 1`), "");
    await asRequest(token, trust, (sql) => sql`select 1`).then(
      () => assert(false, "accepted"),
      (err) => assert(err instanceof RejectedToken, String(err)),
    );
  }
});

test("docs/clients.md shows every read and write the tests run, as supabase-js", async () => {
  const doc = await Deno.readTextFile(`${ROOT}docs/clients.md`);
  for (const read of [...Object.values(HUB_READS), ...Object.values(BOT_READS)]) {
    assert(doc.includes(supabaseJs(read)), `docs/clients.md lacks:\n${supabaseJs(read)}`);
  }
  assert(doc.includes(supabaseJsUpdate(HUB_EMAIL_UPDATE)), supabaseJsUpdate(HUB_EMAIL_UPDATE));
});

// Last, as a test rather than a hook: Deno 2.1 runs no afterAll, and rows left
// in production's tables would be retired (or refused by the guard) by a
// later file's production sync.
test("the Data API fixtures are removed", async () => {
  await removeFixtures();
  const [{ left }] = await db`select count(*)::int as left from public.members
                              where member_number like 'DA%'`;
  assertEquals(left, 0);
});
