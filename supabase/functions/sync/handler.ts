// POST /sync runs the legacy MySQL import; GET /sync reports its health.
import { serviceCallerCheck } from "../../../shared/auth.ts";
import { type EnvSource, loadConfig, syncConfig } from "../../../shared/config.ts";
import { dbCall, getSql } from "../../../shared/db.ts";
import { defineFunction, json, parseInput, readJson } from "../../../shared/http.ts";
import { syncHealth } from "../../../shared/sync/health.ts";
import { runSync } from "../../../shared/sync/run.ts";
import { healthQuery, syncBody } from "../../../shared/validation.ts";

/** Edge Functions get 150 s of wall time; leave room to log and answer. */
export const EDGE_WALL_BUDGET_MS = 140_000;

export function syncHandler(env: EnvSource = Deno.env.toObject()) {
  return defineFunction({
    name: "sync",
    methods: ["GET", "POST"],
    config: (e) => {
      const config = loadConfig(syncConfig, e);
      return { ...config, authorize: serviceCallerCheck([config.SUPABASE_SERVICE_ROLE_KEY]) };
    },
    async handle(ctx) {
      const { config, req } = ctx;
      await config.authorize(req);
      const sql = getSql(config.SUPABASE_DB_URL);

      if (req.method === "GET") {
        const query = parseInput(
          healthQuery,
          Object.fromEntries(new URL(req.url).searchParams),
        );
        ctx.environment = query.environment;
        const health = await dbCall(() =>
          syncHealth(sql, query.environment, config.MAX_SYNC_AGE, config.MIN_SUCCESS_RATE)
        );
        return json(health.healthy ? 200 : 503, health);
      }

      const body = parseInput(syncBody, await readJson(req));
      ctx.environment = body.environment;
      const report = await dbCall(() =>
        runSync(sql, config, {
          environment: body.environment,
          tables: body.tables,
          dryRun: body.dry_run,
          deadline: Date.now() + Math.min(config.SYNC_TIMEOUT, EDGE_WALL_BUDGET_MS),
          rowBudget: config.SYNC_ROWS_PER_INVOCATION,
        })
      );
      return json(200, report);
    },
  }, env);
}
