// `npm start`'s server: every function at http://127.0.0.1:$FUNCTIONS_PORT/functions/v1/<name>,
// configured from supabase/functions/.env with the process environment on top,
// plus the local pg_net worker that delivers pg_cron's HTTP calls.
import { closePools, getSql } from "../shared/db.ts";
import { localEnv } from "../local/stack.ts";
import { FUNCTIONS, functionsRouter } from "../local/router.ts";
import { runNetWorker } from "../local/net_worker.ts";
import { backgroundSettled } from "../shared/background.ts";
import { LOCAL_JWKS_PATH, localJwks } from "../local/issuer.ts";

const env = await localEnv();
const port = Number(env.FUNCTIONS_PORT);
const stop = new AbortController();

const server = Deno.serve({
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

const worker = env.SUPABASE_DB_URL
  ? runNetWorker(
    getSql({ SUPABASE_DB_URL: env.SUPABASE_DB_URL, DB_POOL_SIZE: 2 }, "local-net-worker"),
    stop.signal,
  )
  : Promise.resolve();

/**
 * How long requests in flight, and the pg_net worker's current round, may
 * take to finish once a stop is asked for. Every answer already sent was
 * committed before it was sent; what is still running after this is cut off,
 * as a crash would (a sync run resumes from its cursor).
 */
const GRACE_MS = 800;
const within = (ms: number, work: Promise<unknown>) =>
  Promise.race([work, new Promise((resolve) => setTimeout(resolve, ms))]);

/**
 * Stops at once rather than when the event loop empties: the Postgres pools'
 * idle connections would keep the process alive for their idle timeout (20 s).
 */
async function shutdown() {
  if (stop.signal.aborted) return;
  stop.abort(); // no new connections, no new pg_net rounds
  // Alert deliveries started after an answer are finished too, or cut off
  // like the rest; a cut-off delivery is leased, and retried by a later pass.
  await within(GRACE_MS, Promise.all([server.finished, worker, backgroundSettled()]));
  await within(150, closePools());
  Deno.exit(0);
}
Deno.addSignalListener("SIGINT", shutdown);
Deno.addSignalListener("SIGTERM", shutdown);
