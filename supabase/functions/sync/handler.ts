// POST /sync runs the legacy MySQL import; GET /sync reports its health.
import { requireServiceCaller } from "../../../shared/auth.ts";
import { type EnvSource, loadConfig, syncConfig } from "../../../shared/config.ts";
import { HttpError } from "../../../shared/errors.ts";
import { defineFunction } from "../../../shared/http.ts";

export function syncHandler(env: EnvSource = Deno.env.toObject()) {
  return defineFunction({
    name: "sync",
    methods: ["GET", "POST"],
    config: (e) => loadConfig(syncConfig, e),
    async handle(ctx) {
      await requireServiceCaller(ctx.req, [ctx.config.SUPABASE_SERVICE_ROLE_KEY]);
      throw new HttpError(501 as number, "internal", "Not implemented yet");
    },
  }, env);
}
