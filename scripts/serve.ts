// `npm start`'s server: every function at http://127.0.0.1:$FUNCTIONS_PORT/functions/v1/<name>,
// configured from supabase/functions/.env with the process environment on top,
// plus the local pg_net worker that delivers pg_cron's HTTP calls.
import { getSql } from "../shared/db.ts";
import { localEnv } from "../local/stack.ts";
import { FUNCTIONS, functionsRouter } from "../local/router.ts";
import { runNetWorker } from "../local/net_worker.ts";
import { LOCAL_JWKS_PATH, localJwks } from "../local/issuer.ts";

const env = await localEnv();
const port = Number(env.FUNCTIONS_PORT);
const stop = new AbortController();

Deno.serve({
  hostname: "127.0.0.1",
  port,
  signal: stop.signal,
  onListen: ({ port }) => {
    for (const name of Object.keys(FUNCTIONS)) {
      console.log(`  http://127.0.0.1:${port}/functions/v1/${name}`);
    }
    console.log("Serving; Ctrl-C stops.");
  },
}, withLocalIssuer(functionsRouter(env)));

/** The local issuer's key set beside the functions (see local/issuer.ts). */
function withLocalIssuer(router: (req: Request) => Promise<Response>) {
  return async (req: Request) =>
    new URL(req.url).pathname === LOCAL_JWKS_PATH
      ? Response.json(await localJwks())
      : await router(req);
}

if (env.SUPABASE_DB_URL) {
  runNetWorker(
    getSql({ SUPABASE_DB_URL: env.SUPABASE_DB_URL, DB_POOL_SIZE: 2 }, "local-net-worker"),
    stop.signal,
  );
}
Deno.addSignalListener("SIGINT", () => stop.abort());
Deno.addSignalListener("SIGTERM", () => stop.abort());
