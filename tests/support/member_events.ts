// What the member event feed's tests share: a legacy source of their own in
// MariaDB, the functions served over HTTP, and the bot's reads of the feed
// the way the Data API runs them (tests/support/postgrest.ts).
import { SignJWT } from "jose";
import { assertEquals } from "../assert.ts";
import {
  afterAll,
  baseEnv,
  botKey,
  call,
  db,
  discordId,
  fakeAuth0,
  serveFunctions,
  SERVICE_KEY,
} from "../helpers.ts";
import { asRequest, closeAuthenticator, localTrust } from "./postgrest.ts";
import { LOCAL_JWT_SECRET } from "../../local/stack.ts";
import { mysqlConnect, recreateSourceDatabase } from "../../local/demo_data.ts";

export interface MemberEvent {
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

/** The transaction an event was written in: its id's upper bits. */
export const txOf = (e: MemberEvent) => e.id >> 16n;

/** A promise and its resolver, to order steps across connections. */
export function signal() {
  let resolve!: () => void;
  const done = new Promise<void>((r) => resolve = r);
  return { done, resolve };
}
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The fixture of one test file, on the legacy database `sourceDb` (made anew). */
export async function memberEventsFixture(sourceDb: string) {
  const my = await recreateSourceDatabase(sourceDb);
  const auth0 = await fakeAuth0();
  const env = { ...baseEnv(auth0.jwksUrl), MYSQL_DB: sourceDb };
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
    await admin.query(`drop database if exists ${sourceDb}`);
    await admin.end();
    await server.close();
    await auth0.close();
    await closeAuthenticator();
  });

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

  return {
    env,
    my,
    auth0,
    server,
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
  };
}
