// The functions as the verification benchmark serves them: every function
// under /functions/v1/<name> on PORT, through the same router as `npm start`,
// and nothing else (scripts/serve.ts also runs the pg_net stand-in, which
// polls the database and would add its queries to the measurement).
import { functionsRouter } from "../local/router.ts";

Deno.serve(
  { hostname: "127.0.0.1", port: Number(Deno.env.get("PORT")), onListen: () => {} },
  functionsRouter(Deno.env.toObject()),
);
