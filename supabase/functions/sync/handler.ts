// POST /sync runs the legacy MySQL import; GET /sync reports its health.
import { serviceRoleOrScheduler } from "../../../shared/auth.ts";
import type { EnvSource } from "../../../shared/config.ts";
import { dbCall, getSql } from "../../../shared/db.ts";
import { body, defineFunction, json, query } from "../../../shared/http.ts";
import { syncHealth } from "../../../shared/sync/health.ts";
import { deliverAlertsSafely } from "../../../shared/alerts/deliver.ts";
import { undeliveredCount } from "../../../shared/alerts/store.ts";
import { alertTargets } from "../../../shared/alerts/targets.ts";
import { inBackground } from "../../../shared/background.ts";
import { runSync } from "../../../shared/sync/run.ts";
import { configSchema } from "./config.ts";
import { healthQuery, syncBody } from "./input.ts";

/** Edge Functions get 150 s of wall time; leave room to log and answer. */
const EDGE_WALL_BUDGET_MS = 140_000;

export function syncHandler(vars: EnvSource = Deno.env.toObject()) {
  return defineFunction({
    name: "sync",
    config: configSchema,
    auth: serviceRoleOrScheduler("sync"),
    routes: {
      GET: {
        input: query(healthQuery),
        async handle({ config, environment }) {
          const sql = getSql(config, "sync");
          const routed = alertTargets(config, environment).length > 0;
          const [health, undelivered] = await dbCall(() =>
            Promise.all([
              syncHealth(sql, environment, config.MAX_SYNC_AGE, config.MIN_SUCCESS_RATE),
              routed ? undeliveredCount(sql, environment) : 0,
            ])
          );
          // The health job is also the alerts' courier: after answering, so
          // a slow webhook never delays (or fails) the check.
          if (routed) inBackground(() => deliverAlertsSafely(sql, config, environment));
          return json(health.healthy ? 200 : 503, { ...health, alerts_undelivered: undelivered });
        },
      },
      POST: {
        input: body(syncBody),
        async handle({ config, input, environment, caller }) {
          // Never retried as a whole: the run retries its own steps, and its
          // deadline, computed once here, bounds them all.
          const report = await runSync(getSql(config, "sync"), config, {
            environment,
            tables: input.tables,
            dryRun: input.dry_run,
            fullCompare: input.full_compare,
            // pg_cron's calls carry the scheduler's key: they count towards
            // SYNC_FULL_COMPARE_EVERY.
            scheduled: caller.kind === "service" && caller.role === "scheduler",
            deadline: Date.now() + Math.min(config.SYNC_TIMEOUT, EDGE_WALL_BUDGET_MS),
            rowBudget: config.SYNC_ROWS_PER_INVOCATION,
          });
          return json(200, report);
        },
      },
    },
  }, vars);
}
