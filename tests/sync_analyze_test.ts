// A sync that wrote more than 10 % of a table analyzes it (pg_stat_user_tables'
// analyze_count counts ANALYZE by hand, not autovacuum's); a resync that wrote
// nothing, or 10 % or less, leaves the statistics to autovacuum.
import { assert, assertEquals } from "./assert.ts";
import { afterAll, baseEnv, call, db, serveFunctions, SERVICE_KEY, test } from "./helpers.ts";
import { mysqlConnect, recreateSourceDatabase } from "../local/demo_data.ts";

const SOURCE_DB = "mynatca_analyze_test";
const my = await recreateSourceDatabase(SOURCE_DB);
const server = serveFunctions({ ...baseEnv(), MYSQL_DB: SOURCE_DB });
const SYNC = server.fn("sync");
const MEMBERS = 50;

afterAll(async () => {
  await my.end();
  const admin = await mysqlConnect("mysql");
  await admin.query(`drop database if exists ${SOURCE_DB}`);
  await admin.end();
});

async function sync() {
  const res = await call(SYNC, { token: SERVICE_KEY, body: { environment: "development" } });
  assertEquals(res.status, 200, JSON.stringify(res.body));
}

/** Times dev.members (or another table) was analyzed by hand (by the sync) so far. */
async function analyzed(schema = "dev", table = "members"): Promise<number> {
  const [row] = await db`select analyze_count::int as n from pg_stat_user_tables
                         where schemaname = ${schema} and relname = ${table}`;
  return row.n;
}
const hashesAnalyzed = () => analyzed("private", "dev_sync_hashes_members");

/** Renames the first `n` members in the source, so the next sync updates n rows. */
async function changeMembers(n: number, name: string) {
  await my.query(`update member set FirstName = ? where MemberID <= ?`, [name, n]);
}

test("a sync that writes more than 10 % of a table analyzes it; one that writes less does not", async () => {
  await db`truncate dev.positions, dev.members, dev.facilities, dev.regions, dev.sync_logs,
           dev.sync_cursor, discord_dev.validation_logs, discord_dev.validation_summaries cascade`;
  await my.query(
    `insert into region (RegionID, RegionCode, RegionName, Active) values (1, 'NEA', 'New England', 1)`,
  );
  await my.query(
    `insert into facility (FacilityID, FacilityCode, FacilityName, RegionID, FacilityType, Active)
                  values (1, 'ZBW', 'Boston Center', 1, 'ARTCC', 1)`,
  );
  await my.query(`insert into membertype values (6, 'Member')`);
  const rows = Array.from({ length: MEMBERS }, (_, i) => [
    i + 1,
    String(5000 + i),
    "Mem",
    `Ber${i}`,
    null,
    1,
    6,
    "Active",
  ]);
  await my.query(
    `insert into member (MemberID, MemberNumber, FirstName, LastName, Email, FacilityID, MemberTypeID, Status) values ?`,
    [rows],
  );

  // A full load into an emptied table: every row is new.
  const before = await analyzed();
  const hashesBefore = await hashesAnalyzed();
  await sync();
  assertEquals(await analyzed(), before + 1, "the first load is analyzed");
  // With the stored hashes written alongside (members, and the region and
  // facility tables, also new).
  assert(await hashesAnalyzed() > hashesBefore, "the stored hashes are analyzed with it");

  // Nothing changed: nothing written, nothing analyzed.
  const hashesAfterLoad = await hashesAnalyzed();
  await sync();
  assertEquals(await analyzed(), before + 1, "a no-op resync does not analyze");
  assertEquals(await hashesAnalyzed(), hashesAfterLoad, "nor the stored hashes");

  // 5 of 50 rows (10 %): not more than 10 %.
  await changeMembers(MEMBERS / 10, "Five");
  await sync();
  assertEquals(await analyzed(), before + 1, "10 % of the rows is not more than 10 %");

  // 6 of 50 rows: more than 10 %.
  await changeMembers(MEMBERS / 10 + 1, "Six");
  await sync();
  assertEquals(await analyzed(), before + 2, "more than 10 % of the rows is analyzed");
});
