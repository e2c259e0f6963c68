// The Discord role policy end to end, in development: a policy file written
// with `npm run roles`, links and unlinks through the functions over HTTP,
// the sync on a small legacy source, the grace job's own schedule command,
// and the bot's documented reads run as the Data API runs them.
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { db, DB_URL, denoLockArgs, test } from "./helpers.ts";
import { asRequest } from "./support/postgrest.ts";
import { type ClientRead, runRead } from "./support/client_reads.ts";
import { BOT_READS } from "./support/client_reads.ts";
import { type MemberEvent, memberEventsFixture } from "./support/member_events.ts";

const fx = await memberEventsFixture("mynatca_roles_test");
const GUILD = "520000000000000001";
const MEMBER_ROLE = "630000000000000001";
const ZBW_FACREP = "630000000000000002";
const NEA_REGIONAL = "630000000000000003";
const BY_HAND = "630000000000000099";

const POLICY = {
  guilds: [{
    guild_id: GUILD,
    name: "Test guild",
    nickname_template: "{first_name} {last_name} | {facility_code}",
    rules: [
      { role_id: MEMBER_ROLE, description: "Member", grace_days: 7 },
      // A grace period on a position rule: it covers a lapse, not an ended position.
      { role_id: ZBW_FACREP, position_types: ["facrep"], facility_codes: ["ZBW"], grace_days: 7 },
      { role_id: NEA_REGIONAL, position_types: ["regional"], region_codes: ["NEA"] },
    ],
  }],
};

async function roles(command: string, file: string) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      ...denoLockArgs,
      "scripts/roles_cli.ts",
      command,
      "--environment",
      "development",
      "--rules",
      file,
    ],
    env: { SUPABASE_DB_URL: DB_URL, LOG_LEVEL: "silent" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  return { code: out.code, text };
}

const policyFile = await Deno.makeTempFile({ suffix: ".json" });

const asBot = <T>(
  fn: (read: (r: ClientRead, p?: Record<string, unknown>) => Promise<T[]>) => Promise<void>,
) =>
  asRequest(
    fx.botToken,
    fx.trust,
    (sql) => fn((r, p = {}) => runRead(sql, r, p, "development") as Promise<T[]>),
  );

const rolesEvents = (events: MemberEvent[], discord: string) =>
  events.filter((e) => e.kind === "roles_changed" && e.discord_id === discord);

test("roles: a policy file is previewed, then applied, and the bot reconciles from member_roles", async () => {
  await db`truncate discord_dev.guilds cascade`;
  await db`truncate private.discord_dev_roles_state, discord_dev.role_grace`;
  await fx.loadSource(40);
  await fx.syncOk();
  for (const n of ["E1", "E2", "E3"]) {
    assertEquals((await fx.link("development", n)).res.status, 200);
  }
  await Deno.writeTextFile(policyFile, JSON.stringify(POLICY));

  const before = await fx.head("discord_dev");
  const preview = await roles("preview", policyFile);
  assertEquals(preview.code, 0, preview.text);
  assertMatch(
    preview.text,
    /3 roles_changed event\(s\) would be written; 3 nickname\(s\) would change/,
  );
  assertMatch(preview.text, new RegExp(`guild ${GUILD} role ${MEMBER_ROLE}: \\+3 -0`));
  assertMatch(preview.text, new RegExp(`guild ${GUILD} role ${ZBW_FACREP}: \\+1 -0`));
  assertEquals(
    (await db`select count(*)::int as n from discord_dev.role_rules`)[0].n,
    0,
    "preview wrote nothing",
  );
  assertEquals(await fx.head("discord_dev"), before, "preview wrote no event");

  const apply = await roles("apply", policyFile);
  assertEquals(apply.code, 0, apply.text);
  assertMatch(apply.text, /3 roles_changed event\(s\) written/);
  const events = await fx.readAll("discord_dev", before);
  assertEquals(events.map((e) => [e.member_number, e.kind, e.source, e.details.cause]), [
    ["E1", "roles_changed", "role-rules", "rule"],
    ["E2", "roles_changed", "role-rules", "rule"],
    ["E3", "roles_changed", "role-rules", "rule"],
  ]);
  assertEquals(events[0].details.added, [MEMBER_ROLE, ZBW_FACREP]);
  assertEquals(events[0].details.nickname, "Eve Nt1 | ZBW");
  // The same file again changes nothing.
  const again = await roles("apply", policyFile);
  assertMatch(again.text, /^0 roles_changed event\(s\) written/m);
  assertEquals(await fx.head("discord_dev"), events[events.length - 1].id);

  // A bad file is refused with every problem named, and nothing changes.
  const bad = await Deno.makeTempFile({ suffix: ".json" });
  await Deno.writeTextFile(
    bad,
    JSON.stringify({
      guilds: [{ guild_id: "12", name: "", rules: [{ role_id: "x", grace_days: 91 }] }],
    }),
  );
  const refused = await roles("apply", bad);
  await Deno.remove(bad);
  assertEquals(refused.code, 1);
  for (
    const where of [
      "guilds.0.guild_id",
      "guilds.0.name",
      "guilds.0.rules.0.role_id",
      "guilds.0.rules.0.grace_days",
    ]
  ) {
    assert(refused.text.includes(where), refused.text);
  }
  assertEquals((await db`select count(*)::int as n from discord_dev.role_rules`)[0].n, 3);

  // The bot's reconciliation, as docs/clients.md shows it.
  const e1 =
    (await db`select discord_id from dev.members where member_number = 'E1'`)[0].discord_id;
  await asBot<Record<string, unknown>>(async (read) => {
    assertEquals(await read(BOT_READS.guild, { guildId: GUILD }), [{
      guild_id: GUILD,
      name: "Test guild",
      nickname_template: "{first_name} {last_name} | {facility_code}",
    }]);
    const managed = (await read(BOT_READS.managedRoles, { guildId: GUILD })).map((r) => r.role_id);
    assertEquals(managed, [MEMBER_ROLE, ZBW_FACREP, NEA_REGIONAL]);
    assert(!managed.includes(BY_HAND), "a role no rule names is not the bot's");
    const rows: Record<string, unknown>[] = [];
    let after = "0";
    for (;;) {
      const page = await read({ ...BOT_READS.memberRolesPage, limit: 2 }, {
        guildId: GUILD,
        afterDiscordId: after,
      });
      rows.push(...page);
      if (page.length < 2) break;
      after = page[page.length - 1].discord_id as string;
    }
    assertEquals(rows.length, 3, "every linked member, page by page");
    const mine = await read(BOT_READS.memberRolesOf, { discordId: e1 });
    assertEquals(mine, [{
      guild_id: GUILD,
      role_ids: [MEMBER_ROLE, ZBW_FACREP],
      nickname: "Eve Nt1 | ZBW",
      grace_until: null,
    }]);
  });
});

test("roles: links, the sync, grace and its job, unlinks and replacements write what to add and remove", async () => {
  const start = await fx.head("discord_dev");
  const linked = await fx.link("development", "E20", { requestId: "req-roles-link" });
  assertEquals(linked.res.status, 200);
  let events = await fx.readAll("discord_dev", start);
  assertEquals(events.map((e) => e.kind), ["linked", "roles_changed"], "roles follow the link");
  assertEquals(events[1].details, {
    guild_id: GUILD,
    added: [MEMBER_ROLE, ZBW_FACREP],
    removed: [],
    nickname: "Eve Nt20 | ZBW",
    cause: "link",
  });
  assertEquals([events[1].source, events[1].request_id], [
    "complete-verification",
    "req-roles-link",
  ]);

  // A lapse: the member role stays for grace_days, and so does the FacRep
  // role (the position still holds); no event.
  let cursor = await fx.head("discord_dev");
  await fx.my.query(`update member set Status = 'Inactive' where MemberNumber = 'E20'`);
  await fx.syncOk();
  events = rolesEvents(await fx.readAll("discord_dev", cursor), linked.discord_id);
  assertEquals(events, [], "a lapse within grace changes no role");
  const [row] =
    await db`select role_ids, grace_until from discord_dev.member_roles where member_number = 'E20'`;
  assertEquals(row.role_ids, [MEMBER_ROLE, ZBW_FACREP]);
  const days = (row.grace_until.getTime() - Date.now()) / 86_400_000;
  assert(days > 6.9 && days <= 7, `grace ends in 7 days, not ${days}`);

  // Back within the grace period: not a change at all.
  await fx.my.query(`update member set Status = 'Active' where MemberNumber = 'E20'`);
  await fx.syncOk();
  assertEquals(rolesEvents(await fx.readAll("discord_dev", cursor), linked.discord_id), []);
  assertEquals((await db`select count(*)::int as n from discord_dev.role_grace`)[0].n, 0);

  // Lapsed again, and the grace period ends: the pg_cron job's own command.
  await fx.my.query(`update member set Status = 'Inactive' where MemberNumber = 'E20'`);
  const lapsed = await fx.syncOk();
  await db`update discord_dev.role_grace set grace_until = now() - interval '1 second'`;
  const [{ command }] =
    await db`select command from cron.job where jobname = 'mynatca-role-grace-development'`;
  await db.unsafe(command);
  events = rolesEvents(await fx.readAll("discord_dev", cursor), linked.discord_id);
  assertEquals(events.map((e) => [e.details.removed, e.details.cause, e.source]), [
    [[MEMBER_ROLE, ZBW_FACREP], "grace_ended", "role-grace"],
  ]);
  assert(lapsed.sync_id);

  // An ended position takes effect at once, grace or not.
  cursor = await fx.head("discord_dev");
  await fx.my.query(`update member set Status = 'Active' where MemberNumber = 'E20'`);
  await fx.syncOk();
  await fx.my.query(`update position set EndDate = '2001-01-01' where PositionID = 4`);
  const ended = await fx.syncOk();
  events = rolesEvents(await fx.readAll("discord_dev", cursor), linked.discord_id);
  assertEquals(events.map((e) => [e.details.added, e.details.removed, e.details.cause]), [
    [[MEMBER_ROLE, ZBW_FACREP], [], "sync"],
    [[], [ZBW_FACREP], "sync"],
  ]);
  assertEquals([events[1].source, events[1].sync_id], ["sync", ended.sync_id]);

  // A move to another facility: the nickname follows.
  cursor = await fx.head("discord_dev");
  await fx.my.query(`update member set FacilityID = 2 where MemberNumber = 'E20'`);
  await fx.syncOk();
  events = rolesEvents(await fx.readAll("discord_dev", cursor), linked.discord_id);
  assertEquals(events.map((e) => e.details), [{
    guild_id: GUILD,
    added: [],
    removed: [],
    nickname: "Eve Nt20 | ZTL",
    cause: "sync",
  }]);

  // A no-op sync writes nothing at all.
  cursor = await fx.head("discord_dev");
  await fx.syncOk();
  assertEquals(await fx.readAll("discord_dev", cursor), []);

  // A replacement: the old account's roles go, then the new one's come.
  const replaced = await fx.link("development", "E20", { replace: true });
  assertEquals(replaced.res.status, 200);
  events = (await fx.readAll("discord_dev", cursor)).filter((e) => e.kind !== "positions_changed");
  assertEquals(events.map((e) => [e.kind, e.discord_id, e.details.cause ?? null]), [
    ["unlinked", linked.discord_id, null],
    ["linked", replaced.discord_id, null],
    ["roles_changed", linked.discord_id, "unlink"],
    ["roles_changed", replaced.discord_id, "link"],
  ]);
  assertEquals(events[2].details.removed, [MEMBER_ROLE]);
  assertEquals(events[3].details.added, [MEMBER_ROLE]);

  // The bot unlinks: everything goes, under unlink-discord.
  cursor = await fx.head("discord_dev");
  assertEquals(
    (await fx.unlink("development", { discord: replaced.discord_id, reason: "left" })).status,
    200,
  );
  events = rolesEvents(await fx.readAll("discord_dev", cursor), replaced.discord_id);
  assertEquals(events.map((e) => [e.details.removed, e.details.cause, e.source]), [
    [[MEMBER_ROLE], "unlink", "unlink-discord"],
  ]);
  assertEquals(
    (await db`select count(*)::int as n from discord_dev.member_roles where member_number = 'E20'`)[
      0
    ].n,
    0,
  );
});

/** `n` active members linked to Discord (`prefix` || 1..n), in the test guild. */
async function linkedMembers(prefix: string, n: number, firstDiscordId: bigint) {
  await db`insert into discord_dev.guilds (guild_id, name) values (${GUILD}, 'Test guild')
           on conflict do nothing`;
  await db`insert into dev.members (member_number, first_name, last_name, status, discord_id, discord_verified)
           select ${prefix} || i, 'Many', 'Members', 'active',
                  (${firstDiscordId.toString()}::bigint + i)::text, true
           from generate_series(1, ${n}) i`;
}

test("roles: a rule given to more linked members than one transaction's 65,536 event ids", async () => {
  const n = 70_000;
  await linkedMembers("RB", n, 800000000000000000n);
  try {
    const cursor = await fx.head("discord_dev");
    const started = performance.now();
    await db`insert into discord_dev.role_rules (guild_id, role_id, description)
             values (${GUILD}, '630000000000000010', 'everyone active')`;
    const seconds = (performance.now() - started) / 1000;
    const [counts] = await db`
      select count(*)::int as events, count(distinct id)::int as ids, count(distinct id >> 16)::int as bases
      from discord_dev.member_events where id > ${cursor.toString()} and kind = 'roles_changed'`;
    // Every new member, and the fixture's linked ones.
    assert(counts.events >= n, JSON.stringify(counts));
    assertEquals(counts.ids, counts.events, "every id is unique");
    assert(counts.bases >= 2, "the events continued under a second id base");
    const read = await fx.readAll("discord_dev", cursor);
    assertEquals(
      read.filter((e) => e.member_number.startsWith("RB")).length,
      n,
      "the bot reads them all",
    );
    assert(seconds < 60, `took ${seconds} s`);
  } finally {
    // Removed without the feed's bookkeeping first, so the rule's removal
    // does not write 70,000 more events.
    await db`delete from private.discord_dev_roles_state where member_number like 'RB%'`;
    await db`delete from dev.members where member_number like 'RB%'`;
    await db`delete from discord_dev.role_rules where role_id = '630000000000000010'`;
  }
});

// Last, as a test rather than a hook: Deno 2.1 runs no afterAll, and rules
// left in development would give later files' syncs roles_changed events.
test("roles: the policy fixtures are removed", async () => {
  await db`truncate discord_dev.guilds cascade`;
  await db`truncate private.discord_dev_roles_state, discord_dev.role_grace`;
  await Deno.remove(policyFile);
  assertEquals((await db`select count(*)::int as n from discord_dev.role_rules`)[0].n, 0);
});
