// The operator CLI as an operator runs it (`npm run sync -- ...`), against a
// small source database and the development schemas. Its configuration comes
// from the process environment, which wins over supabase/functions/.env.
import { assert, assertEquals } from "./assert.ts";
import { afterAll, db, DB_URL, SERVICE_KEY, test } from "./helpers.ts";
import { mysqlConnect, recreateSourceDatabase } from "../local/demo_data.ts";
import { FUNCTIONS_PORT, STACK_MY_PORT, STACK_PG_PORT } from "../local/stack.ts";
import { SYNC_TABLES } from "../shared/sync/tables.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const SOURCE_DB = "mynatca_cli_test";
const my = await recreateSourceDatabase(SOURCE_DB);

afterAll(async () => {
  await my.end();
  const admin = await mysqlConnect("mysql");
  await admin.query(`drop database if exists ${SOURCE_DB}`);
  await admin.end();
});

/** Runs `npm run sync -- <args>`; the JSON report is the whole of stdout. */
async function cli(...args: string[]) {
  const out = await new Deno.Command("npm", {
    args: ["run", "--silent", "sync", "--", ...args],
    cwd: ROOT,
    env: {
      SUPABASE_DB_URL: DB_URL,
      SUPABASE_SERVICE_ROLE_KEY: SERVICE_KEY,
      MYSQL_HOST: "127.0.0.1",
      MYSQL_PORT: String(STACK_MY_PORT),
      MYSQL_USER: "root",
      MYSQL_PASS: "",
      MYSQL_DB: SOURCE_DB,
      MYSQL_SSL: "disable",
      STACK_PG_PORT: String(STACK_PG_PORT),
      STACK_MY_PORT: String(STACK_MY_PORT),
      FUNCTIONS_PORT: String(FUNCTIONS_PORT),
      LOG_LEVEL: "silent",
      NO_COLOR: "1",
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  const stderr = new TextDecoder().decode(out.stderr);
  // deno-lint-ignore no-explicit-any
  let report: any = undefined;
  try {
    report = JSON.parse(stdout);
  } catch { /* not a report: the test says so below */ }
  return { code: out.code, report, stdout, stderr };
}

test("npm run sync: a dry run, then a real run, of a small source", async () => {
  await db`truncate dev.positions, dev.members, dev.facilities, dev.regions, dev.sync_logs,
           dev.sync_cursor, discord_dev.validation_logs, discord_dev.validation_summaries cascade`;
  await my.query(`insert into region (RegionID, RegionCode, RegionName, Active)
                  values (1, 'NCL', 'Command  Line', 1)`);
  await my.query(`insert into facility (FacilityID, FacilityCode, FacilityName, RegionID, Active)
                  values (1, 'CLI', 'Terminal Center', 1, 1)`);
  await my.query(
    `insert into member (MemberID, MemberNumber, FirstName, LastName, FacilityID, Status) values ?`,
    [Array.from({ length: 5 }, (_, i) => [i + 1, `C${i + 1}`, "Op", "Erator", 1, "Active"])],
  );
  await my.query(`insert into position (PositionID, MemberNumber, PositionType)
                  values (1, 'C1', 'facrep')`);

  const dry = await cli("--environment", "development", "--dry-run", "--tables", "regions,members");
  assertEquals(dry.code, 0, dry.stderr);
  assert(dry.report, `stdout is not a JSON report: ${dry.stdout}`);
  assertEquals([dry.report.status, dry.report.dry_run], ["completed", true]);
  assertEquals(Object.keys(dry.report.tables), ["regions", "members"]);
  assertEquals([dry.report.tables.regions.inserted, dry.report.tables.members.inserted], [1, 5]);
  const [written] = await db`select (select count(*)::int from dev.members) as members,
                                    (select count(*)::int from dev.sync_logs) as logs`;
  assertEquals([written.members, written.logs], [0, 0]);

  const real = await cli("--environment", "development");
  assertEquals(real.code, 0, real.stderr);
  assert(real.report, `stdout is not a JSON report: ${real.stdout}`);
  assertEquals([real.report.status, real.report.dry_run, real.report.resumed], [
    "completed",
    false,
    false,
  ]);
  const inserted = Object.fromEntries(
    Object.entries(real.report.tables).map(([t, r]) => [t, (r as { inserted: number }).inserted]),
  );
  assertEquals(inserted, { regions: 1, facilities: 1, members: 5, positions: 1 });
  // A progress line per table on stderr, the report alone on stdout.
  for (const t of SYNC_TABLES) {
    assert(new RegExp(`${t}: \\d+ rows`).test(real.stderr), `${t} progress in ${real.stderr}`);
  }
  const members = await db`select member_number, facility_code, region_name from dev.members
                           order by member_number`;
  assertEquals(members.map((m) => [m.member_number, m.facility_code, m.region_name]), [
    ["C1", "CLI", "Command Line"],
    ["C2", "CLI", "Command Line"],
    ["C3", "CLI", "Command Line"],
    ["C4", "CLI", "Command Line"],
    ["C5", "CLI", "Command Line"],
  ]);
  // --full-compare: full rows compared, drift reported (none here); without it, hashes.
  assertEquals((await cli("--environment", "development")).report.details.full_compare, false);
  const full = await cli("--environment", "development", "--full-compare");
  assertEquals(full.code, 0, full.stderr);
  assertEquals(full.report.details.full_compare, true);
  assertEquals(full.report.details.full_compare_reason, "requested");
  assertEquals(full.report.details.drift.members, { rows: 0, keys: [] });
  const runRows = await db`select operation, status from dev.sync_logs
                           where sync_id = ${real.report.sync_id} and table_name is null
                           order by id`;
  assertEquals(runRows.map((r) => [r.operation, r.status]), [
    ["sync_start", "started"],
    ["sync_complete", "completed"],
  ]);
  // Production was not touched.
  assertEquals(
    (await db`select count(*)::int from public.sync_logs where sync_id = ${real.report.sync_id}`)[0]
      .count,
    0,
  );
});

test("npm run sync: an unknown table is refused before anything runs", async () => {
  const [{ max }] = await db`select coalesce(max(id), 0)::int as max from dev.sync_logs`;
  const res = await cli("--environment", "development", "--tables", "members,users");
  assert(res.code !== 0, "exit code 0");
  assertEquals(res.report, undefined);
  assert(res.stderr.includes("unknown table users"), res.stderr);
  assertEquals((await db`select count(*)::int from dev.sync_logs where id > ${max}`)[0].count, 0);
});

test("npm run sync --allow-mass-deactivation lets one run past the guard, on record", async () => {
  await db`truncate dev.positions, dev.members, dev.facilities, dev.regions, dev.sync_logs,
           dev.sync_cursor cascade`;
  await my.query(`delete from position`);
  await my.query(`delete from member`);
  await my.query(
    `insert into member (MemberID, MemberNumber, FirstName, LastName, Status) values ?`,
    [Array.from({ length: 10 }, (_, i) => [i + 1, `M${i + 1}`, "Mass", "Leaver", "Active"])],
  );
  assertEquals((await cli("--environment", "development", "--tables", "members")).code, 0);
  await my.query(`delete from member where MemberID > 4`); // 6 of 10 leave
  const guarded = await cli("--environment", "development", "--tables", "members");
  assertEquals(guarded.report.status, "partial");
  assertEquals(guarded.report.tables.members.deactivated, 0);
  const allowed = await cli(
    "--environment",
    "development",
    "--tables",
    "members",
    "--allow-mass-deactivation",
  );
  assertEquals(allowed.code, 0, allowed.stderr);
  assertEquals(allowed.report.status, "completed");
  assertEquals(allowed.report.tables.members.deactivated, 6);
  const [row] = await db`select error_details from dev.sync_logs
                         where sync_id = ${allowed.report.sync_id} and table_name = 'members'`;
  assert(
    String(row.error_details.mass_deactivation_allowed).includes("allowed once by an operator"),
    JSON.stringify(row.error_details),
  );
  // An empty source is never overridden: the four who stayed stay active.
  await my.query(`delete from member`);
  const empty = await cli(
    "--environment",
    "development",
    "--tables",
    "members",
    "--allow-mass-deactivation",
  );
  assertEquals(empty.code, 1, empty.stderr); // any run that did not complete
  assertEquals(empty.report.status, "partial");
  assertEquals(empty.report.tables.members.deactivated, 0);
  const active = await db`select member_number from dev.members where status = 'active'
                          order by member_number`;
  assertEquals(active.map((m) => m.member_number), ["M1", "M2", "M3", "M4"]);
  const [refusal] = await db`select status, error_details from dev.sync_logs
                             where sync_id = ${empty.report.sync_id} and table_name = 'members'`;
  assertEquals(refusal.status, "deactivation_refused");
  assertEquals(
    refusal.error_details.deactivation_refused,
    "the source returned no members; nothing was deactivated",
  );
});
