// POST /cleanup: nightly housekeeping of one environment. Safe to repeat.
import { serviceRoleOrScheduler } from "../../../shared/auth.ts";
import type { EnvSource } from "../../../shared/config.ts";
import { getSql } from "../../../shared/db.ts";
import { body, defineFunction, json } from "../../../shared/http.ts";
import { runCleanup } from "./cleanup.ts";
import { configSchema } from "./config.ts";
import { cleanupBody } from "./input.ts";

export function cleanupHandler(vars: EnvSource = Deno.env.toObject()) {
  return defineFunction({
    name: "cleanup",
    config: configSchema,
    auth: serviceRoleOrScheduler("cleanup"),
    routes: {
      POST: {
        input: body(cleanupBody),
        async handle({ config, environment }) {
          const counts = await runCleanup(
            getSql(config, "cleanup"),
            environment,
            {
              memberEventDays: config.MEMBER_EVENT_RETENTION_DAYS,
              failedRequestDays: config.VERIFICATION_RETENTION_DAYS,
            },
          );
          return json(200, { environment, ...counts });
        },
      },
    },
  }, vars);
}
