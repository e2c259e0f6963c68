// The sync's change detection as a property (docs/sync.md#change-detection):
// after any seeded round of random edits to the legacy source, the hash path
// leaves the development tables exactly as a full comparison would (which
// then finds no drift and writes nothing), and as a fresh full sync of the
// same source into empty tables would, platform-owned columns aside. Run by
// tests/sync_property_test.ts at a small size and by the benchmark at a
// larger one (bench/sync_bench.ts, BENCH_PROPERTY_MEMBERS).
import type mysql from "mysql2/promise";
import { prng } from "./demo_data.ts";
import { editSource } from "./sync_property_edits.ts";
import type { Sql } from "../shared/db.ts";
import type { SyncConfig } from "../shared/sync/config.ts";
import type { SyncReport } from "../shared/sync/report.ts";
import { runSync } from "../shared/sync/run.ts";
import { SYNC_TABLES, TABLE_SPECS } from "../shared/sync/tables.ts";
import { hashTable } from "../shared/sync/change_detection/stored_hashes.ts";

export interface PropertyOptions {
  sql: Sql;
  config: SyncConfig;
  /** A connection to the source database `config.MYSQL_DB` (already loaded). */
  my: mysql.Connection;
  seed: number;
  rounds: number;
  /** Random edits per round (besides one facility rename, region move and member type rename). */
  edits: number;
  log?: (line: string) => void;
}

class PropertyFailure extends Error {}

function expect(cond: boolean, what: string): asserts cond {
  if (!cond) throw new PropertyFailure(what);
}

const SCHEMA = "dev";

const sync = (o: PropertyOptions, fullCompare: boolean) =>
  runSync(o.sql, o.config, {
    environment: "development",
    deadline: Date.now() + 600_000,
    fullCompare,
  });

/** The synced columns of every row, by key, as JSON text. */
async function snapshot(sql: Sql) {
  const out: Record<string, Map<string, string>> = {};
  for (const table of SYNC_TABLES) {
    const spec = TABLE_SPECS[table];
    const cols = Object.keys(spec.columns).map((c) => `'${c}', "${c}"`).join(", ");
    const rows = await sql.unsafe(
      `select "${spec.key}"::text as k, json_build_object(${cols})::text as v
       from ${SCHEMA}."${table}"`,
    );
    out[table] = new Map(rows.map((r) => [r.k as string, r.v as string]));
  }
  return out;
}

const STORED = [
  ...SYNC_TABLES.map((t) => `${SCHEMA}."${t}"`),
  ...SYNC_TABLES.map((t) => hashTable(SCHEMA, t)),
];

async function saveAll(sql: Sql) {
  const saved: Record<string, string> = {};
  for (const t of STORED) {
    const [r] = await sql.unsafe(`select coalesce(json_agg(x), '[]')::text as j from ${t} x`);
    saved[t] = r.j as string;
  }
  return saved;
}

async function emptyAll(sql: Sql) {
  await sql.unsafe(`truncate ${[...STORED].reverse().join(", ")} cascade`);
}

async function restoreAll(sql: Sql, saved: Record<string, string>) {
  await emptyAll(sql);
  for (const t of STORED) {
    await sql.unsafe(
      `insert into ${t} overriding system value
       select * from json_populate_recordset(null::${t}, $1::text::json)`,
      [saved[t]],
    );
  }
}

/** Values each table's run replaced with a notice (an unknown status), from its sync_logs row. */
async function notices(sql: Sql, report: SyncReport) {
  const rows = await sql.unsafe(
    `select table_name, coalesce((error_details->>'replaced_total')::int, 0) as n
     from ${SCHEMA}.sync_logs where sync_id = $1 and table_name is not null`,
    [report.sync_id],
  );
  return Object.fromEntries(rows.map((r) => [r.table_name as string, r.n as number]));
}

const written = (r: SyncReport) =>
  Object.values(r.tables).reduce((n, t) => n + (t?.inserted ?? 0) + (t?.updated ?? 0), 0);

/** One hash-path run: completed, and it wrote exactly the rows whose synced columns changed. */
async function checkedIncremental(o: PropertyOptions, round: number): Promise<SyncReport> {
  const before = await snapshot(o.sql);
  const incremental = await sync(o, false);
  expect(
    incremental.status === "completed" && !incremental.details.full_compare,
    `round ${round}: the hash path ran and completed: ${JSON.stringify(incremental)}`,
  );
  // It wrote exactly the rows whose synced columns changed (retired ones aside).
  const after = await snapshot(o.sql);
  for (const t of SYNC_TABLES) {
    const changed = [...after[t]].filter(([k, v]) => before[t].get(k) !== v).length;
    const report = incremental.tables[t]!;
    expect(
      report.inserted + report.updated + report.deactivated === changed,
      `round ${round}: ${t}: ${changed} rows changed, the report says ` +
        `${report.inserted} inserted, ${report.updated} updated, ${report.deactivated} retired`,
    );
  }
  return incremental;
}

/** Runs the property; throws PropertyFailure with what differs. */
export async function checkIncrementalSync(o: PropertyOptions) {
  const rand = prng(o.seed);
  const log = o.log ?? (() => {});
  // Deleted members are kept aside, so a later round can bring one back unchanged.
  await o.my.query(`drop table if exists member_gone`);
  await o.my.query(`create table member_gone like member`);
  await o.my.query(`alter table member_gone add column GoneRound int not null`);
  await emptyAll(o.sql);
  const first = await sync(o, true);
  expect(first.status === "completed", `the first full sync: ${JSON.stringify(first)}`);

  for (let round = 1; round <= o.rounds; round++) {
    // Two hash-path runs before the full comparison: the second one starts
    // from what the first left (the stored hashes it forgot and wrote).
    let incremental!: SyncReport;
    for (const pass of [1, 2]) {
      await editSource(o.my, rand, round * 2 + pass, pass === 1 ? o.edits : Math.ceil(o.edits / 2));
      incremental = await checkedIncremental(o, round);
    }
    const full = await sync(o, true);
    const drift = Object.entries(full.details.drift ?? {}).filter(([, d]) => d.rows > 0);
    expect(drift.length === 0, `round ${round}: drift ${JSON.stringify(drift)}`);
    expect(
      written(full) === 0 && SYNC_TABLES.every((t) => full.tables[t]?.deactivated === 0),
      `round ${round}: the full comparison wrote nothing: ${JSON.stringify(full.tables)}`,
    );
    const noticed = [await notices(o.sql, incremental), await notices(o.sql, full)];
    for (const t of SYNC_TABLES) {
      // Rejected records, and values replaced with a notice, are reported by
      // the hash path as by a full comparison.
      expect(
        incremental.tables[t]?.failed === full.tables[t]?.failed,
        `round ${round}: ${t} rejected ${incremental.tables[t]?.failed} by hashes, ` +
          `${full.tables[t]?.failed} by full rows`,
      );
      expect(
        noticed[0][t] === noticed[1][t],
        `round ${round}: ${t} noticed ${noticed[0][t]} by hashes, ${noticed[1][t]} by full rows`,
      );
    }
    await equalsFreshSync(o, round);
    log(
      `round ${round}: ${written(incremental)} rows written by the hash path, ` +
        `${SYNC_TABLES.map((t) => `${t} ${incremental.tables[t]?.failed} rejected`).join(", ")}`,
    );
  }
  await o.my.query(`drop table if exists member_gone`);
}

/**
 * The tables equal a fresh full sync of the same source into empty tables:
 * every row the fresh sync writes is there, column for column; any other row
 * is one whose key left the source (then retired) or whose record is now
 * rejected (then kept as it was, as every run does).
 */
async function equalsFreshSync(o: PropertyOptions, round: number) {
  const kept = await snapshot(o.sql);
  const saved = await saveAll(o.sql);
  let expected: typeof kept;
  try {
    await emptyAll(o.sql);
    const fresh = await sync(o, true);
    expect(fresh.status === "completed", `round ${round}: fresh sync ${JSON.stringify(fresh)}`);
    expected = await snapshot(o.sql);
  } finally {
    await restoreAll(o.sql, saved);
  }
  for (const table of SYNC_TABLES) {
    const spec = TABLE_SPECS[table];
    for (const [k, v] of expected[table]) {
      expect(
        kept[table].get(k) === v,
        `round ${round}: ${table} ${k} is ${kept[table].get(k)}, a fresh sync writes ${v}`,
      );
    }
    const others = [...kept[table].keys()].filter((k) => !expected[table].has(k));
    if (others.length === 0) continue;
    const [source] = await o.my.query(
      `select ${spec.sourceKey} as k from \`${spec.source.table}\``,
    ) as unknown as [{ k: unknown }[]];
    const present = new Set(source.map((r) => String(spec.normalizeKey(r.k))));
    const gone = others.filter((k) => !present.has(k));
    if (gone.length === 0) continue;
    const active = await o.sql.unsafe(
      `select "${spec.key}"::text as k from ${SCHEMA}."${table}"
       where "${spec.key}"::text = any($1::text[]) and ${spec.activeWhere}`,
      [gone],
    );
    expect(
      active.length === 0,
      `round ${round}: ${table} ${active.map((r) => r.k)} left the source but are active`,
    );
  }
}
