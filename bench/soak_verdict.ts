// The soak's judgement (bench/soak.ts) and its summary: what must hold after
// an hour of traffic, each rule checked against the database and the ledger
// of what the traffic was told, never against what it merely expected.
import type postgres from "postgres";
import type { Ledger } from "./soak_traffic.ts";

export interface Sample {
  minute: number;
  rss_mb: number;
  connections: Record<string, number>;
  sizes: Record<string, number>;
  dead: Record<string, number>;
  requests: number;
  p50_ms: number;
  p99_ms: number;
}

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface Verdict {
  passed: boolean;
  checks: Check[];
  syncs: { sync_id: string; seconds: number; status: string }[];
}

/** Each function's pool (DB_POOL_SIZE, 10 by default); the pg_net worker's 2. */
const POOL_SIZE = 10;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

export async function judge(
  sql: postgres.Sql,
  ledger: Ledger,
  samples: Sample[],
  from: { since_log: number; start: bigint; startedAt: number },
): Promise<Verdict> {
  const checks: Check[] = [];
  const check = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });

  const fivexx = ledger.calls.filter((c) => c.status >= 500);
  check("no 5xx", fivexx.length === 0, `${fivexx.length} of ${ledger.calls.length} calls`);
  check(
    "every call answered",
    ledger.unanswered.length === 0,
    `${ledger.unanswered.length} unanswered`,
  );

  const created = [...ledger.created];
  const [{ found }] = await sql`select count(*)::int as found from discord.verification_requests
                                where verification_id = any(${created}::uuid[])`;
  check(
    "every answered create has its request",
    found === created.length,
    `${found} of ${created.length}`,
  );
  const audits = async (
    action: string,
    pairs: { member: string; discord: string }[],
    column: string,
  ) => {
    if (pairs.length === 0) return 0;
    const [{ n }] = await sql`
      select count(*)::int as n from (
        select distinct a.member_number, ${sql(`a.${column}`)}
        from discord.discord_link_audit a
        join jsonb_to_recordset(${sql.json(pairs)}) p(member text, discord text)
          on a.member_number = p.member and ${sql(`a.${column}`)} = p.discord
        where a.action = ${action} and a.changed_at >= ${new Date(from.startedAt)}) x`;
    return n as number;
  };
  const links = await audits("link", ledger.linked, "new_discord_id");
  check(
    "every answered link is recorded",
    links === ledger.linked.length,
    `${links} of ${ledger.linked.length}`,
  );
  const unlinks = await audits("unlink", ledger.unlinked, "old_discord_id");
  check(
    "every answered unlink is recorded",
    unlinks === ledger.unlinked.length,
    `${unlinks} of ${ledger.unlinked.length}`,
  );

  const table = await sql<
    { id: string; kind: string; member_number: string; discord_id: string }[]
  >`
    select id::text, kind, member_number, discord_id from discord.member_events
    where id > ${from.start.toString()}::bigint`;
  const read = new Set(ledger.read.map(String));
  const missing = table.filter((e) => !read.has(e.id)).length;
  check(
    "the bot read every event once",
    missing === 0 && read.size === ledger.read.length,
    `${ledger.read.length} read, ${
      ledger.read.length - read.size
    } twice, ${missing} missed of ${table.length}`,
  );
  const has = (kind: string, p: { member: string; discord: string }) =>
    table.some((e) =>
      e.kind === kind && e.member_number === p.member && e.discord_id === p.discord
    );
  const noLinked = ledger.linked.filter((p) => !has("linked", p)).length;
  const noUnlinked = ledger.unlinked.filter((p) => !has("unlinked", p)).length;
  check(
    "each link and unlink has its event",
    noLinked === 0 && noUnlinked === 0,
    `${noLinked} links and ${noUnlinked} unlinks without one`,
  );

  const third = Math.floor(samples.length / 3);
  if (third >= 1) {
    const middle = mean(samples.slice(third, 2 * third).map((s) => s.rss_mb));
    const last = mean(samples.slice(2 * third).map((s) => s.rss_mb));
    check(
      "RSS flat: last third within 10 % of the middle third",
      Math.abs(last - middle) <= 0.1 * middle,
      `${middle.toFixed(0)} MB, then ${last.toFixed(0)} MB`,
    );
  } else check("RSS flat: last third within 10 % of the middle third", false, "too few samples");

  const over = samples.flatMap((s) =>
    Object.entries(s.connections).filter(([app, n]) => app.startsWith("mynatca-") && n > POOL_SIZE)
      .map(([app, n]) => `${app} ${n} at minute ${s.minute}`)
  );
  check(
    "connections within the pools",
    over.length === 0,
    over.join(", ") || `each ≤ ${POOL_SIZE}`,
  );

  const queue = Math.max(0, ...samples.map((s) => s.sizes.net_queue));
  check("pg_net's queue stays short", queue <= 10, `at most ${queue} queued`);
  const first = samples[0]?.sizes, last = samples.at(-1)?.sizes;
  const grew = first && last ? last.verification_requests - first.verification_requests : 0;
  check(
    "verification_requests grows by no more than what was created",
    grew <= created.length,
    `${grew} rows for ${created.length} created`,
  );

  const runs = await sql<
    { id: number; sync_id: string; operation: string; status: string; at: Date }[]
  >`
    select id, sync_id, operation, status, created_at as at from public.sync_logs
    where id > ${from.since_log} and table_name is null order by id`;
  const syncs: Verdict["syncs"] = [];
  let open: { sync_id: string; at: Date } | undefined;
  const problems: string[] = [];
  for (const r of runs) {
    if (r.operation === "sync_start") {
      if (open) problems.push(`${r.sync_id} started while ${open.sync_id} ran`);
      open = { sync_id: r.sync_id, at: r.at };
    } else if (r.status !== "partial" && open?.sync_id === r.sync_id) {
      syncs.push({
        sync_id: r.sync_id,
        seconds: (r.at.getTime() - open.at.getTime()) / 1000,
        status: r.status,
      });
      open = undefined;
    }
  }
  if (open) problems.push(`${open.sync_id} never finished`);
  check(
    "no sync overlapped another or was left unfinished",
    problems.length === 0 && syncs.length > 0,
    problems.join("; ") || `${syncs.length} runs`,
  );
  return { passed: checks.every((c) => c.ok), checks, syncs };
}

export function summarize(
  minutes: number,
  ledger: Ledger,
  samples: Sample[],
  verdict: Verdict,
  serverErrors: string[],
) {
  const byFn = new Map<string, Map<number, number>>();
  for (const c of ledger.calls) {
    const m = byFn.get(c.fn) ?? new Map();
    m.set(c.status, (m.get(c.status) ?? 0) + 1);
    byFn.set(c.fn, m);
  }
  const ms = ledger.calls.map((c) => c.ms).sort((a, b) => a - b);
  const q = (p: number) => ms.length ? ms[Math.min(ms.length - 1, Math.floor(p * ms.length))] : 0;
  const apps = [...new Set(samples.flatMap((s) => Object.keys(s.connections)))].sort();
  const sizes = Object.keys(samples[0]?.sizes ?? {});
  const tables = Object.keys(samples[0]?.dead ?? {});
  const durations = verdict.syncs.map((s) => s.seconds).sort((a, b) => a - b);
  const lines = [
    `Soak of ${minutes} min (\`npm run soak -- --minutes ${minutes}\`): ${
      verdict.passed ? "**passed**" : "**failed**"
    }. ${ledger.calls.length} calls, p50 ${q(0.5).toFixed(0)} ms, p99 ${q(0.99).toFixed(0)} ms; ` +
    `plot of RSS, connections and p99 per minute: [soak.svg](soak.svg).`,
    "",
    "| check | result | detail |",
    "|---|---|---|",
    ...verdict.checks.map((c) => `| ${c.name} | ${c.ok ? "held" : "**failed**"} | ${c.detail} |`),
    "",
    "| function | answers |",
    "|---|---|",
    ...[...byFn].sort().map(([fn, m]) =>
      `| \`${fn}\` | ${[...m].sort().map(([s, n]) => `${n} × ${s}`).join(", ")} |`
    ),
    "",
    `| minute | RSS MB | p50 ms | p99 ms | ${apps.join(" | ")} | ${sizes.join(" | ")} |`,
    `|${"---|".repeat(4 + apps.length + sizes.length)}`,
    ...samples.filter((_s, i) =>
      i % Math.max(1, Math.floor(samples.length / 12)) === 0 || i === samples.length - 1
    )
      .map((s) =>
        `| ${s.minute} | ${s.rss_mb} | ${s.p50_ms} | ${s.p99_ms} | ${
          apps.map((a) => s.connections[a] ?? 0).join(" | ")
        } | ${sizes.map((k) => s.sizes[k]).join(" | ")} |`
      ),
    "",
    `Syncs: ${durations.length} runs, median ${
      (durations[Math.floor(durations.length / 2)] ?? 0).toFixed(1)
    } s, ` +
    `longest ${(durations.at(-1) ?? 0).toFixed(1)} s. Most dead tuples seen: ${
      tables.map((t) => `${t} ${Math.max(...samples.map((s) => s.dead[t] ?? 0))}`).join(", ")
    }. Error lines from the function server: ${serverErrors.length}.`,
  ];
  return {
    minutes,
    passed: verdict.passed,
    checks: verdict.checks,
    syncs: verdict.syncs,
    calls: ledger.calls.length,
    p50_ms: q(0.5),
    p99_ms: q(0.99),
    samples,
    server_errors: serverErrors.slice(0, 50),
    markdown: lines.join("\n"),
  };
}
