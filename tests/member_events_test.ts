// The bot's member event feed: every kind written by the real function
// (HTTP) or the real sync, read as discord_bot the way the Data API reads
// (tests/support/postgrest.ts), through member_events_since().
import { SignJWT } from "jose";
import { assert, assertEquals } from "./assert.ts";
import {
  afterAll,
  baseEnv,
  botKey,
  call,
  db,
  discordId,
  ENVIRONMENTS,
  fakeAuth0,
  serveFunctions,
  SERVICE_KEY,
  test,
} from "./helpers.ts";
import { asRequest, closeAuthenticator, localTrust, type RequestSql } from "./support/postgrest.ts";
import { LOCAL_JWT_SECRET } from "../local/stack.ts";
import { mysqlConnect, recreateSourceDatabase } from "../local/demo_data.ts";

const SOURCE_DB = "mynatca_events_test";
const my = await recreateSourceDatabase(SOURCE_DB);
const auth0 = await fakeAuth0();
const env = { ...baseEnv(auth0.jwksUrl), MYSQL_DB: SOURCE_DB };
const server = serveFunctions(env);
const trust = await localTrust();
/** The bot's Data API token: role discord_bot, signed with the project's JWT secret. */
const botToken = await new SignJWT({ role: "discord_bot" })
  .setProtectedHeader({ alg: "HS256", typ: "JWT" })
  .setIssuer("supabase")
  .setIssuedAt()
  .setExpirationTime("1h")
  .sign(new TextEncoder().encode(LOCAL_JWT_SECRET));

afterAll(async () => {
  await my.end();
  const admin = await mysqlConnect("mysql");
  await admin.query(`drop database if exists ${SOURCE_DB}`);
  await admin.end();
  await server.close();
  await auth0.close();
  await closeAuthenticator();
});

interface MemberEvent {
  id: bigint;
  member_number: string;
  discord_id: string;
  kind: string;
  // deno-lint-ignore no-explicit-any
  details: any;
  source: string;
  sync_id: string | null;
  request_id: string | null;
}

/** One call of the since-function as the bot, as `rpc('member_events_since')` runs it. */
async function since(discord: string, after: bigint, maxRows = 1000): Promise<MemberEvent[]> {
  const rows = await asRequest(botToken, trust, (sql) =>
    sql.unsafe(
      `select * from "${discord}".member_events_since(after_id => $1, max_rows => $2)`,
      [after.toString(), maxRows],
    ));
  return rows.map((r) => ({ ...r, id: BigInt(r.id) }) as unknown as MemberEvent);
}

/** Everything after `after` (nothing is in flight in these tests). */
async function readAll(discord: string, after: bigint): Promise<MemberEvent[]> {
  const all: MemberEvent[] = [];
  for (;;) {
    const page = await since(discord, after, 100);
    if (page.length === 0) return all;
    all.push(...page);
    after = page[page.length - 1].id;
  }
}

/** The cursor a consumer starting now would hold. */
const head = async (discord: string) =>
  BigInt(
    (await db`select coalesce(max(id), 0)::text as id from ${db(`${discord}.member_events`)}`)[0]
      .id,
  );

const sync = (body: Record<string, unknown> = {}, url = server.fn("sync")) =>
  call(url, { token: SERVICE_KEY, body: { environment: "development", ...body } });

/** Links `member` to a new Discord account through create- and complete-verification. */
async function link(
  environment: string,
  member: string,
  opts: { discord?: string; replace?: boolean; requestId?: string } = {},
) {
  const discord_id = opts.discord ?? discordId();
  const created = await call(server.fn("create-verification"), {
    token: botKey(environment),
    body: { discord_id, discord_username: `u${member}`, environment },
  });
  assertEquals(created.status, 201, JSON.stringify(created.body));
  const res = await call(server.fn("complete-verification"), {
    token: await auth0.memberToken(member),
    headers: opts.requestId ? { "x-request-id": opts.requestId } : {},
    body: {
      verification_id: created.body.verification_id,
      environment,
      replace_existing_link: opts.replace ?? false,
    },
  });
  return { res, discord_id, verification_id: created.body.verification_id as string };
}

const unlink = (
  environment: string,
  opts: { member?: string; discord?: string; reason?: string; requestId?: string },
) =>
  opts.member
    ? auth0.memberToken(opts.member).then((token) =>
      call(server.fn("unlink-discord"), {
        token,
        headers: opts.requestId ? { "x-request-id": opts.requestId } : {},
        body: { environment },
      })
    )
    : call(server.fn("unlink-discord"), {
      token: botKey(environment),
      headers: opts.requestId ? { "x-request-id": opts.requestId } : {},
      body: { environment, discord_id: opts.discord, reason: opts.reason },
    });

const txOf = (e: MemberEvent) => e.id >> 16n;

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

// The sync's kinds, on a small source in MariaDB and the development schemas.
async function loadSource(members: number) {
  for (const t of ["position", "member", "membertype", "facility", "region"]) {
    await my.query(`delete from \`${t}\``);
  }
  await db`truncate dev.positions, dev.members, dev.facilities, dev.regions, dev.sync_logs,
           dev.sync_cursor, discord_dev.validation_logs, discord_dev.validation_summaries cascade`;
  await my.query(`insert into region (RegionID, RegionCode, RegionName, Active) values
    (1, 'NEA', 'New England', 1), (2, 'NSO', 'Southern', 1)`);
  await my.query(
    `insert into facility (FacilityID, FacilityCode, FacilityName, RegionID, FacilityType, Active)
     values (1, 'ZBW', 'Boston Center', 1, 'ARTCC', 1), (2, 'ZTL', 'Atlanta Center', 2, 'ARTCC', 1)`,
  );
  const rows = [];
  for (let i = 1; i <= members; i++) rows.push([i, `E${i}`, "Eve", `Nt${i}`, 1, "Active"]);
  await my.query(
    `insert into member (MemberID, MemberNumber, FirstName, LastName, FacilityID, Status) values ?`,
    [rows],
  );
  await my.query(
    `insert into position (PositionID, MemberNumber, PositionType, FacilityID, Title, StartDate, EndDate)
     values (1, 'E1', 'facrep', 1, 'Rep', '2020-01-01', NULL),
            (2, 'E1', 'committee', 1, 'Safety', '2020-01-01', NULL),
            (3, 'E1', 'committee', 1, 'Training', '2020-01-01', NULL),
            (4, 'E20', 'facrep', 1, 'Rep', '2020-01-01', NULL)`,
  );
  // Enough positions that one vanishing stays under the retirement guard's ratio.
  const more = [];
  for (let i = 21; i <= Math.min(members, 40); i++) {
    more.push([100 + i, `E${i}`, "committee", 1, "Member", "2020-01-01"]);
  }
  await my.query(
    `insert into position (PositionID, MemberNumber, PositionType, FacilityID, Title, StartDate) values ?`,
    [more],
  );
}

/** Links members directly, as complete-verification leaves them (setup, not under test). */
async function linkDirectly(numbers: string[]) {
  for (const n of numbers) {
    await db`update dev.members set discord_id = ${discordId()}, discord_username = ${n},
             discord_verified = true, verified_at = now() where member_number = ${n}`;
  }
}

const syncOk = async (body: Record<string, unknown> = {}, url?: string) => {
  const res = await sync(body, url);
  assertEquals(res.status, 200, JSON.stringify(res.body));
  return res.body;
};

test("sync: status, retirement, unknown status, profile and positions of linked members", async () => {
  await loadSource(40);
  await syncOk();
  await linkDirectly(["E1", "E2", "E3", "E4", "E5", "E6"]);
  const linked = new Map(
    (await db`select member_number, discord_id from dev.members where discord_id is not null`)
      .map((r) => [r.member_number, r.discord_id]),
  );
  const start = await head("discord_dev");

  await my.query(`update member set Status = 'Retired' where MemberNumber = 'E1'`);
  await my.query(`update member set Status = 'On Leave' where MemberNumber = 'E2'`);
  await my.query(`delete from member where MemberNumber = 'E3'`);
  await my.query(`update member set FacilityID = 2 where MemberNumber = 'E4'`);
  await my.query(`update member set FirstName = 'Evelyn' where MemberNumber = 'E5'`);
  await my.query(`update member set Status = 'Suspended' where MemberNumber = 'E6'`);
  // Unlinked members change too, and write nothing.
  await my.query(`update member set Status = 'Retired', FirstName = 'X' where MemberNumber = 'E7'`);
  await my.query(`update position set Title = 'Rep (acting)' where PositionID = 4`);
  // E1's positions: one added, one ended, one gone from the source, one retitled.
  await my.query(`insert into position (PositionID, MemberNumber, PositionType, FacilityID, Title)
                  values (5, 'E1', 'regional', 2, 'Alternate RVP')`);
  await my.query(`update position set EndDate = '2021-01-01' where PositionID = 2`);
  await my.query(`delete from position where PositionID = 3`);
  await my.query(`update position set Title = 'Facility Rep' where PositionID = 1`);
  const report = await syncOk();

  const events = await readAll("discord_dev", start);
  for (const e of events) {
    assertEquals([e.source, e.sync_id, e.discord_id], [
      "sync",
      report.sync_id,
      linked.get(e.member_number),
    ]);
  }
  const of = (kind: string) => events.filter((e) => e.kind === kind);
  assertEquals(
    of("became_ineligible").map((e) => [e.member_number, e.details]),
    [
      ["E1", { old_status: "active", new_status: "retired", reason: "status" }],
      ["E2", { old_status: "active", new_status: "inactive", reason: "status" }],
      ["E6", { old_status: "active", new_status: "suspended", reason: "status" }],
      ["E3", { old_status: "active", new_status: "inactive", reason: "missing" }],
    ],
  );
  assertEquals(
    of("profile_changed").map((e) => [e.member_number, e.details]),
    [
      ["E4", {
        changes: {
          facility_code: { old: "ZBW", new: "ZTL" },
          facility_name: { old: "Boston Center", new: "Atlanta Center" },
          region_code: { old: "NEA", new: "NSO" },
          region_name: { old: "New England", new: "Southern" },
        },
      }],
      ["E5", { changes: { first_name: { old: "Eve", new: "Evelyn" } } }],
    ],
  );
  const positions = of("positions_changed");
  assertEquals(positions.map((e) => e.member_number).filter((n) => n !== "E1"), []);
  const listed = (what: string) =>
    positions.flatMap((e) => (e.details[what] ?? []).map((p: { source_id: number }) => p.source_id))
      .sort();
  assertEquals([listed("added"), listed("retired"), listed("changed")], [[5], [2, 3], [1]]);
  const retitled = positions.flatMap((e) => e.details.changed ?? [])[0];
  assertEquals(retitled.changes, { position_title: { old: "Rep", new: "Facility Rep" } });
  assertEquals(
    events.length,
    4 + 2 + positions.length,
    events.map((e) => `${e.kind} ${e.member_number} ${JSON.stringify(e.details)}`).join("\n"),
  );

  // Back to active: became_eligible; a no-op resync after it writes nothing.
  await my.query(`update member set Status = 'Active' where MemberNumber in ('E1', 'E6')`);
  const back = await syncOk();
  const restored = await readAll("discord_dev", events.at(-1)!.id);
  assertEquals(restored.map((e) => [e.kind, e.member_number, e.details, e.sync_id]), [
    [
      "became_eligible",
      "E1",
      { old_status: "retired", new_status: "active", reason: "status" },
      back.sync_id,
    ],
    [
      "became_eligible",
      "E6",
      { old_status: "suspended", new_status: "active", reason: "status" },
      back.sync_id,
    ],
  ]);
  await syncOk();
  assertEquals(await readAll("discord_dev", restored.at(-1)!.id), []);
});

test("sync: a full sync of unlinked members and a no-op resync write no event", async () => {
  await loadSource(300);
  const start = await head("discord_dev");
  const full = await syncOk();
  assertEquals(full.tables.members.inserted, 300);
  // Every unlinked member changes, and one position: still nothing.
  await my.query(`update member set FirstName = 'Changed', Status = 'Retired'`);
  await my.query(`update position set EndDate = '2021-01-01'`);
  const changed = await syncOk();
  assertEquals(changed.tables.members.updated, 300);
  const noop = await syncOk();
  assertEquals([noop.tables.members.updated, noop.tables.positions.updated], [0, 0]);
  assertEquals(await readAll("discord_dev", start), []);
  const [{ count }] =
    await db`select count(*)::int from discord_dev.member_events where id > ${start.toString()}`;
  assertEquals(count, 0);
});

test("link validation agrees with the feed, whichever way the sync made a member ineligible", async () => {
  await loadSource(60);
  await syncOk();
  const numbers = Array.from({ length: 12 }, (_, i) => `E${i + 1}`);
  await linkDirectly(numbers);
  // Every way: each status, an unknown one, vanished (retired by the sync),
  // vanished while already retired, and vanished with the retirement refused
  // by the guard (SYNC_MAX_DEACTIVATE=2 below; E9-E11 vanish in one run).
  await my.query(`update member set Status = 'Retired' where MemberNumber = 'E1'`);
  await my.query(`update member set Status = 'Deceased' where MemberNumber = 'E2'`);
  await my.query(`update member set Status = 'Suspended' where MemberNumber = 'E3'`);
  await my.query(`update member set Status = 'Inactive' where MemberNumber = 'E4'`);
  await my.query(`update member set Status = 'Sabbatical' where MemberNumber = 'E5'`);
  await my.query(`update member set Status = NULL where MemberNumber = 'E6'`);
  await my.query(`update member set Status = 'Retired' where MemberNumber = 'E8'`);
  await syncOk();
  await my.query(`delete from member where MemberNumber in ('E7', 'E8')`);
  await syncOk();
  const guarded = serveFunctions({ ...env, SYNC_MAX_DEACTIVATE: "2" });
  try {
    await my.query(`delete from member where MemberNumber in ('E9', 'E10', 'E11')`);
    const refused = await sync({}, guarded.fn("sync"));
    assertEquals(refused.body.status, "partial", JSON.stringify(refused.body));
    assertEquals(refused.body.tables.members.deactivated, 0);
  } finally {
    await guarded.close();
  }
  const ineligible = await asRequest(
    botToken,
    trust,
    (sql) =>
      sql`select member_number, discord_id, result from discord_dev.ineligible_links
        order by member_number`,
  );
  assertEquals(
    ineligible.map((r) => r.member_number),
    ["E1", "E10", "E11", "E2", "E3", "E4", "E5", "E6", "E7", "E8", "E9"],
  );
  const newest = async () => {
    const all = await readAll("discord_dev", 0n);
    const last = new Map<string, MemberEvent>();
    for (const e of all) {
      if (["linked", "became_eligible", "became_ineligible"].includes(e.kind)) {
        last.set(`${e.member_number} ${e.discord_id}`, e);
      }
    }
    return last;
  };
  const links = new Map(
    (await db`select member_number, discord_id from dev.members where discord_id is not null`)
      .map((r) => [r.member_number, `${r.member_number} ${r.discord_id}`]),
  );
  let last = await newest();
  for (const r of ineligible) {
    const e = last.get(`${r.member_number} ${r.discord_id}`);
    assertEquals([r.member_number, e?.kind, e?.discord_id], [
      r.member_number,
      "became_ineligible",
      r.discord_id,
    ]);
  }
  const e9 = last.get(links.get("E9")!)!;
  assertEquals([e9.details.reason, e9.details.found_by], ["missing", "link_validation"]);
  assertEquals(last.get(links.get("E12")!)?.kind, undefined, "an eligible link needs no event");

  // The refused three come back: validation finds them eligible again, and so does the feed.
  await my.query(
    `insert into member (MemberID, MemberNumber, FirstName, LastName, FacilityID, Status) values
     (9, 'E9', 'Eve', 'Nt9', 1, 'Active'), (10, 'E10', 'Eve', 'Nt10', 1, 'Active'),
     (11, 'E11', 'Eve', 'Nt11', 1, 'Active')`,
  );
  await syncOk();
  last = await newest();
  assertEquals(
    ["E9", "E10", "E11"].map((n) => last.get(links.get(n)!)?.kind),
    ["became_eligible", "became_eligible", "became_eligible"],
  );
  // A second validation with nothing new writes nothing.
  const before = await head("discord_dev");
  await syncOk();
  assertEquals(await readAll("discord_dev", before), []);
});

/** A promise and its resolver, to order steps across connections. */
function signal() {
  let resolve!: () => void;
  const done = new Promise<void>((r) => resolve = r);
  return { done, resolve };
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("a consumer reading the documented way gets every event once, in order, under concurrent writers", async () => {
  await loadSource(400);
  await syncOk();
  const numbers = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => `E${from + i}`);
  await linkDirectly(numbers(1, 140));
  const discordOf = new Map(
    (await db`select member_number, discord_id from dev.members where discord_id is not null`)
      .map((r) => [r.member_number, r.discord_id as string]),
  );
  // The sync in many small transactions: statuses and names of E1-E100 change.
  await my.query(`update member set Status = 'Retired' where MemberID between 1 and 50`);
  await my.query(`update member set FirstName = 'New' where MemberID between 51 and 100`);
  const smallBatches = serveFunctions({ ...env, SYNC_BATCH_SIZE: "5" });
  const start = await head("discord_dev");

  // The consumer stops once it has as many events as the table holds, or
  // 5 s after the writers are done (a skipped event never arrives).
  let expected = Infinity, stopAt = Infinity;
  const received: MemberEvent[] = [];
  const consumer = (async () => {
    // The documented loop: read since the cursor, move it to the last id read.
    let cursor = start;
    while (received.length < expected && Date.now() < stopAt) {
      const page = await since("discord_dev", cursor, 25);
      received.push(...page);
      if (page.length) cursor = page[page.length - 1].id;
      else await sleep(3);
    }
  })();

  const unlinkDirect = (tx: RequestSql, member: string, why: string) =>
    tx`select * from private.discord_dev_unlink_discord(
         null, ${discordOf.get(member)!}, 'service', null, ${why}, null)`;
  // A transaction that commits long after later ones committed theirs.
  const lateCommit = db.begin(async (tx) => {
    await unlinkDirect(tx, "E131", "late commit");
    await sleep(400);
  });
  // A transaction whose id is older but whose event is written after a
  // younger transaction's, which then commits last: an id drawn in
  // statement order would put the younger event first and let a cursor
  // pass it while it is still in flight.
  const olderHasXid = signal(), youngerWrote = signal();
  const older = db.begin(async (tx) => {
    await tx`select pg_current_xact_id()`;
    olderHasXid.resolve();
    await youngerWrote.done;
    await unlinkDirect(tx, "E132", "older transaction");
  });
  const younger = db.begin(async (tx) => {
    await olderHasXid.done;
    await tx`select pg_current_xact_id()`;
    await unlinkDirect(tx, "E133", "younger transaction");
    youngerWrote.resolve();
    await older;
    await sleep(400);
  });
  const http = [
    ...numbers(201, 230).map((m) => link("development", m).then(({ res }) => res.status)),
    ...numbers(101, 130).map((m) =>
      unlink("development", { discord: discordOf.get(m), reason: "concurrent" }).then((r) =>
        r.status
      )
    ),
  ];
  const syncing = sync({}, smallBatches.fn("sync"));
  const [statuses, synced] = await Promise.all([Promise.all(http), syncing]);
  await Promise.all([lateCommit, older, younger]);
  await smallBatches.close();
  const all = await db`select id::text as id, kind from discord_dev.member_events
                       where id > ${start.toString()} order by id`;
  expected = all.length;
  stopAt = Date.now() + 5000;
  await consumer;

  assertEquals(statuses.filter((s) => s !== 200), []);
  assertEquals(synced.body.status, "completed", JSON.stringify(synced.body));
  // 30 linked, 30 + 3 unlinked, 50 became_ineligible, 50 profile_changed.
  assertEquals(all.length, 163);
  const ids = received.map((e) => e.id.toString());
  assertEquals(all.map((r) => r.id).filter((id) => !ids.includes(id)), [], "none missed");
  assertEquals(new Set(ids).size, ids.length, "no event twice");
  assertEquals(ids, all.map((r) => r.id), "every event, in id order");
  assert(received.every((e, i) => i === 0 || e.id > received[i - 1].id), "ascending");
});
