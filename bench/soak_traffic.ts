// The soak's traffic (bench/soak.ts): the bot creating verification requests
// (some for the same account again), the Hub previewing and completing them
// (some for an inactive member, some for an expired request), unlinks by
// members and by the bot, the bot reading its feed as the Data API runs it,
// and the legacy source changing between syncs. Every call goes over real
// HTTP to the function server; every answer is kept in the ledger so the
// soak can check, at the end, that each answered write left its row.
import type postgres from "postgres";
import { SignJWT } from "jose";
import { mintMemberToken } from "../local/issuer.ts";
import { LOCAL_JWT_SECRET } from "../local/stack.ts";
import { mysqlConnect } from "../local/demo_data.ts";
import { asRequest, localTrust, type Trust } from "../tests/support/postgrest.ts";

export interface Call {
  fn: string;
  status: number;
  ms: number;
  at: number;
}

/** What the soak asked for and what it was told. */
export interface Ledger {
  calls: Call[];
  /** Unanswered calls (a connection fault): none may have left a row. */
  unanswered: { fn: string; at: number }[];
  created: Set<string>;
  linked: { member: string; discord: string }[];
  unlinked: { member: string; discord: string }[];
  /** Every member event id the bot read, in order, duplicates kept. */
  read: bigint[];
}

export const newLedger = (): Ledger => ({
  calls: [],
  unanswered: [],
  created: new Set(),
  linked: [],
  unlinked: [],
  read: [],
});

export interface Keys {
  base: string;
  bot: string;
  audience: string;
}

export async function call(
  ledger: Ledger,
  keys: Keys,
  fn: string,
  opts: { method?: string; token: string; body?: unknown; query?: string },
) {
  const started = performance.now();
  try {
    const res = await fetch(`${keys.base}/functions/v1/${fn}${opts.query ?? ""}`, {
      method: opts.method ?? "POST",
      headers: { authorization: `Bearer ${opts.token}`, "content-type": "application/json" },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    const body = await res.json().catch(() => ({}));
    ledger.calls.push({
      fn: `${opts.method ?? "POST"} ${fn}`,
      status: res.status,
      ms: performance.now() - started,
      at: Date.now(),
    });
    return { status: res.status, body };
  } catch {
    ledger.unanswered.push({ fn, at: Date.now() });
    return { status: 0, body: {} };
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `step` every `everyMs` until `until`, never two at once. */
export async function every(everyMs: number, until: number, step: () => Promise<unknown>) {
  while (Date.now() < until) {
    const started = Date.now();
    await step().catch((err) => console.error(`soak: step failed: ${(err as Error).message}`));
    await sleep(Math.max(0, everyMs - (Date.now() - started)));
  }
}

let accounts = 0;
const newAccount = () => `7${String(Date.now()).slice(-9)}${String(++accounts).padStart(8, "0")}`;

/** The actors, sharing one ledger and the pools of members they draw from. */
export async function actors(sql: postgres.Sql, ledger: Ledger, keys: Keys, sourceDb: string) {
  const active = (await sql<{ member_number: string }[]>`
    select member_number from public.members
    where status = 'active' and discord_id is null order by md5(member_number)`)
    .map((r) => r.member_number);
  const inactive = (await sql<{ member_number: string }[]>`
    select member_number from public.members where status = 'inactive' limit 200`)
    .map((r) => r.member_number);
  const pending: { id: string; discord: string; at: number }[] = [];
  const recent: string[] = [];
  const links: { member: string; discord: string }[] = [];
  const token = (member: string) =>
    mintMemberToken({ memberNumber: member, audience: keys.audience, sub: `auth0|soak-${member}` });

  /** The bot asks for a link: a new account, or (one time in five) a recent one again. */
  const create = async () => {
    const again = recent.length > 0 && Math.random() < 0.2;
    const discord = again ? recent[Math.floor(Math.random() * recent.length)] : newAccount();
    const res = await call(ledger, keys, "create-verification", {
      token: keys.bot,
      body: { discord_id: discord, discord_username: `soak${discord.slice(-6)}` },
    });
    if ((res.status === 200 || res.status === 201) && res.body.verification_id) {
      ledger.created.add(res.body.verification_id);
      if (!again) {
        pending.push({ id: res.body.verification_id, discord, at: Date.now() });
        recent.push(discord);
        if (recent.length > 50) recent.shift();
      }
    }
  };

  /** The Hub: a preview, then a completion; some for an inactive member or an expired request. */
  const complete = async () => {
    const request = pending.shift();
    if (!request) return;
    const roll = Math.random();
    const member = roll < 0.1 && inactive.length
      ? inactive[Math.floor(Math.random() * inactive.length)]
      : active.pop();
    if (!member) {
      pending.unshift(request);
      return;
    }
    const t = await token(member);
    await call(ledger, keys, "complete-verification", {
      method: "GET",
      token: t,
      query: `?verification_id=${request.id}`,
    });
    const res = await call(ledger, keys, "complete-verification", {
      token: t,
      body: { verification_id: request.id },
    });
    if (res.status === 200) {
      ledger.linked.push({ member, discord: request.discord });
      links.push({ member, discord: request.discord });
    }
  };

  /** An unlink: by the member (Hub) or by the bot, alternately. */
  let byBot = false;
  const unlink = async () => {
    const link = links.shift();
    if (!link) return;
    byBot = !byBot;
    const res = byBot
      ? await call(ledger, keys, "unlink-discord", {
        token: keys.bot,
        body: { discord_id: link.discord, reason: "soak" },
      })
      : await call(ledger, keys, "unlink-discord", { token: await token(link.member), body: {} });
    if (res.status === 200) {
      ledger.unlinked.push(link);
      // Unlinked, the member can link again: an hour of completions never
      // runs out of members (the demo data has about 7,500 active ones).
      active.unshift(link.member);
    }
  };

  /** The bot's feed, read as the Data API runs `rpc('member_events_since')`. */
  const trust: Trust = await localTrust();
  const botToken = await new SignJWT({ role: "discord_bot" })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer("supabase")
    .setIssuedAt()
    .setExpirationTime("3h")
    .sign(new TextEncoder().encode(LOCAL_JWT_SECRET));
  let cursor = BigInt(
    (await sql`select coalesce(max(id), 0)::text as id
                                  from discord.member_events`)[0].id,
  );
  const consume = async () => {
    for (;;) {
      const rows = await asRequest(botToken, trust, (tx) =>
        tx.unsafe(
          `select id::text from discord.member_events_since(after_id => $1, max_rows => 500)`,
          [cursor.toString()],
        ));
      for (const r of rows) ledger.read.push(BigInt(r.id));
      if (rows.length === 0) return;
      cursor = BigInt(rows[rows.length - 1].id);
      if (rows.length < 500) return;
    }
  };
  const start = cursor;

  /** The legacy source: 0.5 % of its members change (names, and some statuses). */
  const changeSource = async () => {
    const my = await mysqlConnect(sourceDb);
    try {
      const [[{ n }]] = await my.query("select count(*) as n from member") as unknown as [
        { n: number }[],
      ];
      const k = Math.max(1, Math.round(Number(n) * 0.005));
      await my.query(
        `update member set LastName = concat(substring_index(LastName, '~', 1), '~', ?),
                           Status = case when rand() < 0.1 then 'Inactive' else Status end
         order by rand() limit ?`,
        [Date.now() % 100000, k],
      );
    } finally {
      await my.end();
    }
  };

  return { create, complete, unlink, consume, changeSource, start };
}
