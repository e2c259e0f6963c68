// Operator CLI: the same sync as the Edge Function, outside the edge runtime,
// without the per-invocation row budget, with a progress line per table.
//   npm run sync -- --environment development [--dry-run] [--tables members,positions]
//                   [--allow-mass-deactivation] [--full-compare]
import { parseArgs } from "node:util";
import { loadConfig } from "../shared/config.ts";
import { syncConfig } from "../shared/sync/config.ts";
import { closePools, getSql } from "../shared/db.ts";
import { localEnv } from "../local/stack.ts";
import { setLogLevel } from "../shared/log.ts";
import { environmentSchema } from "../shared/environment.ts";
import { runSync } from "../shared/sync/run.ts";
import { SYNC_TABLES, type SyncTable } from "../shared/sync/tables.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    environment: { type: "string", default: "production" },
    "dry-run": { type: "boolean", default: false },
    tables: { type: "string" },
    // One-off: retire rows past SYNC_MAX_DEACTIVATE(_RATIO), after the
    // operator checked that the source really lost them. Logged as such.
    "allow-mass-deactivation": { type: "boolean", default: false },
    // Compare full rows instead of source hashes; reports and repairs drift.
    "full-compare": { type: "boolean", default: false },
  },
});

const environment = environmentSchema.parse(values.environment);
const tables = values.tables?.split(",").map((t) => t.trim()) as SyncTable[] | undefined;
for (const t of tables ?? []) {
  if (!SYNC_TABLES.includes(t)) throw new Error(`unknown table ${t}; use ${SYNC_TABLES.join(",")}`);
}
const env = await localEnv();
const config = loadConfig(syncConfig, env);
setLogLevel(config.LOG_LEVEL);
const sql = getSql(config, "sync-cli");
const encoder = new TextEncoder();
let current = "";
try {
  const report = await runSync(sql, config, {
    environment,
    tables,
    dryRun: values["dry-run"],
    allowMassDeactivation: values["allow-mass-deactivation"],
    fullCompare: values["full-compare"],
    deadline: Date.now() + config.SYNC_TIMEOUT,
    onProgress: (table, rows, rate) => {
      if (current && current !== table) Deno.stderr.writeSync(encoder.encode("\n"));
      current = table;
      Deno.stderr.writeSync(encoder.encode(`\r${table}: ${rows} rows, ${rate} rows/s   `));
    },
  });
  if (current) Deno.stderr.writeSync(encoder.encode("\n"));
  console.log(JSON.stringify(report, null, 2));
  if (report.status !== "completed") Deno.exitCode = 1;
} finally {
  await closePools();
}
