// The change-detection property at a larger size than npm test's, on a
// source of its own (bench/sync_bench.ts runs it after the sizes).
import { loadDemoData, recreateSourceDatabase, scaled } from "../local/demo_data.ts";
import { checkIncrementalSync } from "../local/sync_property.ts";
import { loadConfig } from "../shared/config.ts";
import { closePools, getSql } from "../shared/db.ts";
import { syncConfig } from "../shared/sync/config.ts";
import { envNumber } from "./lib.ts";
import { env, progress, resetDev } from "./sync_bench_harness.ts";

/** What the property run says: "skipped" at BENCH_PROPERTY_MEMBERS=0, else what held. */
export async function propertyRun(): Promise<string> {
  const PROPERTY_MEMBERS = envNumber("BENCH_PROPERTY_MEMBERS", 5_000);
  if (PROPERTY_MEMBERS <= 0) return "skipped";
  progress(`change-detection property at ${PROPERTY_MEMBERS} members`);
  const my = await recreateSourceDatabase("mynatca_bench_property");
  await loadDemoData(my, scaled(PROPERTY_MEMBERS));
  const config = loadConfig(syncConfig, {
    ...env,
    MYSQL_DB: "mynatca_bench_property",
    SYNC_MAX_DEACTIVATE_RATIO: "1",
  });
  const rounds = envNumber("BENCH_PROPERTY_ROUNDS", 4);
  const started = performance.now();
  await checkIncrementalSync({
    sql: getSql(config, "sync-property"),
    config,
    my,
    seed: 2026,
    rounds,
    edits: Math.round(PROPERTY_MEMBERS / 20),
    log: progress,
  });
  const property = `held at ${PROPERTY_MEMBERS} members, ${rounds} rounds of ${
    Math.round(PROPERTY_MEMBERS / 20)
  } random edits (${Math.round((performance.now() - started) / 1000)} s)`;
  await my.end();
  await closePools();
  await resetDev();
  return property;
}
