// Discord link validation after a members sync: log rows, summary, the view
// the bot reads, and nobody unlinked.
import { assertEquals } from "./assert.ts";
import { baseEnv, call, db, serveFunctions, SERVICE_KEY, test } from "./helpers.ts";
import { mysqlConnect, recreateSourceDatabase } from "../local/demo_data.ts";

const SOURCE_DB = "mynatca_validation_test";

test("validation classifies linked members and unlinks nobody", async () => {
  const my = await recreateSourceDatabase(SOURCE_DB);
  const server = serveFunctions({ ...baseEnv(), MYSQL_DB: SOURCE_DB });
  try {
    await db`truncate dev.positions, dev.members, dev.sync_logs, dev.sync_cursor,
             discord_dev.validation_logs, discord_dev.validation_summaries cascade`;
    const rows = [["V1", "Active"], ["V2", "Retired"], ["V3", "Active"], ["V4", "Active"]];
    for (let i = 5; i <= 30; i++) rows.push([`V${i}`, "Active"]);
    await my.query(`insert into member (MemberNumber, FirstName, LastName, Status) values ?`, [
      rows.map(([n, s]) => [n, "Val", "Idation", s]),
    ]);
    const sync = () =>
      call(server.fn("sync"), {
        token: SERVICE_KEY,
        body: { environment: "development", tables: ["members"] },
      });
    assertEquals((await sync()).body.status, "completed");
    // V1 active, V2 retired, V3 will vanish, V4 relinked to a new account.
    await db`update dev.members set discord_id = '1000000000000000' || right(member_number, 1),
             discord_verified = true where member_number in ('V1', 'V2', 'V3', 'V4')`;
    await db`update dev.members set discord_id = '200000000000000004' where member_number = 'V4'`;
    await my.query(`delete from member where MemberNumber = 'V3'`);

    const res = await sync();
    assertEquals(res.body.status, "completed");
    const [summary] = await db`select * from discord_dev.validation_summaries
                               where sync_id = ${res.body.sync_id}`;
    assertEquals([summary.checked, summary.eligible, summary.inactive, summary.missing], [
      4,
      2,
      1,
      1,
    ]);
    const logs =
      await db`select member_number, discord_id, result, reason from discord_dev.validation_logs
                          where run_id = ${summary.run_id} order by member_number`;
    assertEquals(logs.map((l) => [l.member_number, l.discord_id, l.result]), [
      ["V1", "10000000000000001", "eligible"],
      ["V2", "10000000000000002", "inactive"],
      ["V3", "10000000000000003", "missing"],
      ["V4", "200000000000000004", "eligible"],
    ]);
    assertEquals(logs[1].reason, "member status is retired");
    const view =
      await db`select member_number, result from discord_dev.ineligible_links order by 1`;
    assertEquals(view.map((v) => [v.member_number, v.result]), [["V2", "inactive"], [
      "V3",
      "missing",
    ]]);
    const linked = await db`select count(*)::int from dev.members where discord_id is not null`;
    assertEquals(linked[0].count, 4);
    // The view is for the service role only.
    const denied = await db.begin(async (tx) => {
      await tx`set local role authenticated`;
      await tx`select 1 from discord_dev.ineligible_links`;
    }).then(() => "allowed", (e) => e.code);
    assertEquals(denied, "42501");
    // A dry run validates nothing (and still answers).
    const validation = () =>
      db`select (select count(*)::int from discord_dev.validation_summaries) as summaries,
                (select count(*)::int from discord_dev.validation_logs) as logs`;
    const before = await validation();
    const dry = await call(server.fn("sync"), {
      token: SERVICE_KEY,
      body: { environment: "development", tables: ["members"], dry_run: true },
    });
    assertEquals(dry.status, 200, JSON.stringify(dry.body));
    assertEquals([dry.body.status, dry.body.dry_run], ["completed", true]);
    assertEquals(dry.body.tables.members.processed, 29);
    assertEquals(await validation(), before);
  } finally {
    await my.end();
    await server.close();
    const admin = await mysqlConnect("mysql");
    await admin.query(`drop database if exists ${SOURCE_DB}`);
    await admin.end();
  }
});
