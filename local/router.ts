// Serves every function under /functions/v1/<name>, as the Supabase gateway
// does, from one process. Used by `npm start` and by the tests.
import type { EnvSource } from "../shared/config.ts";
import { errorBody, HttpError } from "../shared/errors.ts";
import { type Handler, json } from "../shared/http.ts";
import { cleanupHandler } from "../supabase/functions/cleanup/handler.ts";
import { completeVerificationHandler } from "../supabase/functions/complete-verification/handler.ts";
import { createVerificationHandler } from "../supabase/functions/create-verification/handler.ts";
import { syncHandler } from "../supabase/functions/sync/handler.ts";
import { unlinkDiscordHandler } from "../supabase/functions/unlink-discord/handler.ts";

export const FUNCTIONS: Record<string, (env: EnvSource) => Handler> = {
  "create-verification": createVerificationHandler,
  "complete-verification": completeVerificationHandler,
  "sync": syncHandler,
  "cleanup": cleanupHandler,
  "unlink-discord": unlinkDiscordHandler,
};

export function functionsRouter(env: EnvSource): Handler {
  const handlers = new Map(Object.entries(FUNCTIONS).map(([name, make]) => [name, make(env)]));
  return (req) => {
    const match = /^\/functions\/v1\/([a-z-]+)\/?$/.exec(new URL(req.url).pathname);
    const handler = match && handlers.get(match[1]);
    if (!handler) {
      return Promise.resolve(
        json(404, errorBody(new HttpError(404, "not_found", "No such function"))),
      );
    }
    return handler(req);
  };
}
