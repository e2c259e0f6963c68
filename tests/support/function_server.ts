// Every function on FUNCTIONS_PORT, configured from the process environment
// only, in a process of its own: a fault test can then see whether a fault
// ends the process (the test runner's own process would hide that).
import { functionsRouter } from "../../local/router.ts";

Deno.serve({
  hostname: "127.0.0.1",
  port: Number(Deno.env.get("FUNCTIONS_PORT")),
  onListen: () => console.log("listening"),
}, functionsRouter(Deno.env.toObject()));
