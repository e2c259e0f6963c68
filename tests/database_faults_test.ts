// Postgres faults seen from every function, over real HTTP: a database that
// cannot be reached is 503 unavailable; connections the server drops (here
// ended with pg_terminate_backend, between calls or while a statement waits)
// are retried, so the caller never sees them.
import { assert, assertEquals } from "./assert.ts";
import {
  afterAll,
  baseEnv,
  BOT_KEY,
  call,
  db,
  DB_URL,
  discordId,
  fakeAuth0,
  insertMember,
  serveFunctions,
  SERVICE_KEY,
  test,
} from "./helpers.ts";
import { mysqlConnect, recreateSourceDatabase } from "../local/demo_data.ts";

const auth0 = await fakeAuth0();
const SOURCE_DB = "mynatca_faults_test";
const my = await recreateSourceDatabase(SOURCE_DB);
const server = serveFunctions({ ...baseEnv(auth0.jwksUrl), MYSQL_DB: SOURCE_DB });

afterAll(async () => {
  await server.close();
  await auth0.close();
  await my.end();
  const admin = await mysqlConnect("mysql");
  await admin.query(`drop database if exists ${SOURCE_DB}`);
  await admin.end();
});

const create = (fn = server.fn("create-verification"), discord_id = discordId()) =>
  call(fn, { token: BOT_KEY, body: { discord_id, discord_username: "fault" } });
const complete = async (
  verification_id: string,
  member: string,
  fn = server.fn("complete-verification"),
) => call(fn, { token: await auth0.memberToken(member), body: { verification_id } });

/**
 * Ends the functions' own connections (they identify themselves by
 * application_name), except those in `spare`.
 */
async function terminateFunctionBackends(
  opts: { onlyWaiting?: boolean; spare?: number[] } = {},
): Promise<number> {
  const rows = await db`
    select pg_terminate_backend(pid) as done from pg_stat_activity
    where application_name like 'mynatca-%' and datname = current_database()
      and pid <> pg_backend_pid() and pid <> all(${opts.spare ?? []}::int[])
      and (not ${opts.onlyWaiting ?? false} or wait_event_type = 'Lock')`;
  return rows.filter((r) => r.done).length;
}

const functionBackends = async () =>
  (await db`select pid from pg_stat_activity where application_name like 'mynatca-%'`)
    .map((r) => r.pid as number);

/** Waits until a function's statement is blocked on a lock, then ends its backend. */
async function terminateWhenWaiting(): Promise<number> {
  for (let i = 0; i < 250; i++) {
    const n = await terminateFunctionBackends({ onlyWaiting: true });
    if (n > 0) return n;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("no function statement ever waited on the lock");
}

test("an unreachable database is 503 unavailable for every function", async () => {
  // One unreachable URL per call: pools are kept per URL, and a pool that has
  // failed before waits longer before it tries again (the driver's backoff).
  const downs: ReturnType<typeof serveFunctions>[] = [];
  const down = (what: string) => {
    const s = serveFunctions({
      ...baseEnv(auth0.jwksUrl),
      MYSQL_DB: SOURCE_DB,
      SUPABASE_DB_URL: `postgresql://postgres:postgres@127.0.0.1:9/${what}`,
    });
    downs.push(s);
    return s;
  };
  try {
    const member = await insertMember("public");
    const answers: [string, Awaited<ReturnType<typeof call>>][] = [
      ["create-verification", await create(down("create").fn("create-verification"))],
      [
        "complete-verification",
        await complete(crypto.randomUUID(), member, down("complete").fn("complete-verification")),
      ],
      ["sync POST", await call(down("sync_post").fn("sync"), { token: SERVICE_KEY, body: {} })],
      [
        "sync GET",
        await call(down("sync_get").fn("sync"), { method: "GET", token: SERVICE_KEY }),
      ],
      ["cleanup", await call(down("cleanup").fn("cleanup"), { token: SERVICE_KEY, body: {} })],
    ];
    for (const [what, res] of answers) {
      assertEquals(res.status, 503, `${what}: ${JSON.stringify(res.body)}`);
      assertEquals(Object.keys(res.body), ["error"], what);
      assertEquals(res.body.error.code, "unavailable", what);
    }
  } finally {
    await Promise.all(downs.map((s) => s.close()));
  }
});

test("create-verification: a connection ended while its statement waits is retried", async () => {
  const id = discordId();
  // An uncommitted pending request for the same account makes the function wait.
  const holder = await db.reserve();
  try {
    await holder`begin`;
    await holder`insert into discord.verification_requests (discord_id, discord_username, expires_at)
                  values (${id}, 'holder', now() + interval '5 minutes')`;
    const pending = create(undefined, id);
    assertEquals(await terminateWhenWaiting(), 1);
    await holder`rollback`;
    const res = await pending;
    assertEquals(res.status, 201, JSON.stringify(res.body));
  } finally {
    await holder`rollback`.catch(() => {});
    holder.release();
  }
  const rows = await db`select discord_username from discord.verification_requests
                        where discord_id = ${id}`;
  assertEquals(rows.map((r) => r.discord_username), ["fault"]);
});

test("complete-verification: a connection ended while its statement waits is retried", async () => {
  const member = await insertMember("public");
  const created = await create();
  const vid = created.body.verification_id;
  const holder = await db.reserve();
  try {
    await holder`begin`;
    await holder`select 1 from discord.verification_requests where verification_id = ${vid} for update`;
    const pending = complete(vid, member);
    assertEquals(await terminateWhenWaiting(), 1);
    await holder`commit`;
    const res = await pending;
    assertEquals(res.status, 200, JSON.stringify(res.body));
    assertEquals(res.body.member_number, member);
  } finally {
    await holder`rollback`.catch(() => {});
    holder.release();
  }
  const audit = await db`select count(*)::int from discord.discord_link_audit
                         where verification_id = ${vid}`;
  assertEquals(audit[0].count, 1);
});

test("sync: a write whose connection is ended mid-run is retried; the run completes", async () => {
  await db`truncate dev.positions, dev.members, dev.sync_logs, dev.sync_cursor cascade`;
  await my.query(`insert into member (MemberID, MemberNumber, FirstName, LastName, Status)
                  values (1, 'F1', 'Fa', 'Ult', 'Active'), (2, 'F2', 'Fa', 'Ult', 'Active')`);
  const sync = () =>
    call(server.fn("sync"), {
      token: SERVICE_KEY,
      body: { environment: "development", tables: ["members"] },
    });
  assertEquals((await sync()).body.tables.members.inserted, 2);
  await my.query(`update member set LastName = 'Changed' where MemberID = 1`);
  // The sync's update of F1 waits for this lock; its backend is ended meanwhile.
  const holder = await db.reserve();
  try {
    await holder`begin`;
    await holder`select 1 from dev.members where member_number = 'F1' for update`;
    const pending = sync();
    assertEquals(await terminateWhenWaiting(), 1);
    await holder`commit`;
    const res = await pending;
    assertEquals(res.status, 200, JSON.stringify(res.body));
    assertEquals(res.body.status, "completed");
    assertEquals([res.body.tables.members.updated, res.body.tables.members.unchanged], [1, 1]);
  } finally {
    await holder`rollback`.catch(() => {});
    holder.release();
  }
  const [f1] = await db`select last_name from dev.members where member_number = 'F1'`;
  assertEquals(f1.last_name, "Changed");
  await my.query(`delete from member`);
});

test("connections ended between calls are replaced: the functions still answer", async () => {
  // A pool of its own (pools are kept per URL), and only its connections are
  // ended: the other tests here never see a pool whose idle connections died.
  const spare = await functionBackends();
  const own = serveFunctions({
    ...baseEnv(auth0.jwksUrl),
    MYSQL_DB: SOURCE_DB,
    SUPABASE_DB_URL: DB_URL.replace(/^postgresql:/, "postgres:"),
  });
  const calls: [string, () => ReturnType<typeof call>, number | "health"][] = [
    ["create-verification", () => create(own.fn("create-verification")), 201],
    ["complete-verification", async () => {
      const created = await create(own.fn("create-verification"));
      const member = await insertMember("public");
      return complete(created.body.verification_id, member, own.fn("complete-verification"));
    }, 200],
    [
      "sync POST",
      () =>
        call(own.fn("sync"), {
          token: SERVICE_KEY,
          body: { environment: "development", tables: ["regions"], dry_run: true },
        }),
      200,
    ],
    [
      "sync GET",
      () =>
        call(`${own.fn("sync")}?environment=development`, { method: "GET", token: SERVICE_KEY }),
      "health",
    ],
    ["cleanup", () => call(own.fn("cleanup"), { token: SERVICE_KEY, body: {} }), 200],
  ];
  try {
    for (const [what, fn, expected] of calls) {
      const first = await fn();
      assert(first.status < 500 || expected === "health", `${what} before: ${first.status}`);
      assert(await terminateFunctionBackends({ spare }) > 0, `${what}: no connection to end`);
      const res = await fn();
      if (expected === "health") {
        // 200 or 503 by the logs; either way a health report, not an error.
        assertEquals(typeof res.body.healthy, "boolean", `${what}: ${JSON.stringify(res.body)}`);
      } else {
        assertEquals(res.status, expected, `${what}: ${JSON.stringify(res.body)}`);
      }
    }
  } finally {
    await own.close();
  }
});
