// POST /cleanup: nightly housekeeping of one environment. Safe to repeat.
import { serviceRoleOrScheduler } from "../../../shared/auth.ts";
import { cleanupConfig, type EnvSource } from "../../../shared/config.ts";
import { getSql } from "../../../shared/db.ts";
import { body, defineFunction, json } from "../../../shared/http.ts";
import { environmentOnly } from "../../../shared/requests.ts";
import { runCleanup } from "./cleanup.ts";

export function cleanupHandler(vars: EnvSource = Deno.env.toObject()) {
  return defineFunction({
    name: "cleanup",
    config: cleanupConfig,
    auth: serviceRoleOrScheduler,
    routes: {
      POST: {
        input: body(environmentOnly),
        async handle({ config, environment }) {
          const counts = await runCleanup(
            getSql(config),
            environment,
            config.MEMBER_EVENT_RETENTION_DAYS,
          );
          return json(200, { environment, ...counts });
        },
      },
    },
  }, vars);
}
