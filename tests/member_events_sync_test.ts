// The bot's member event feed, written by the sync (on a small source in
// MariaDB and the development schemas) and read the documented way by a
// consumer while other transactions write: nothing missed, nothing twice.
import { assert, assertEquals } from "./assert.ts";
import { db, serveFunctions, test } from "./helpers.ts";
import { asRequest, type RequestSql } from "./support/postgrest.ts";
import { type MemberEvent, memberEventsFixture, signal, sleep } from "./support/member_events.ts";

const {
  env,
  my,
  trust,
  botToken,
  since,
  readAll,
  head,
  sync,
  link,
  unlink,
  loadSource,
  linkDirectly,
  syncOk,
} = await memberEventsFixture("mynatca_events_sync_test");

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
