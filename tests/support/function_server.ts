// Every function on a free loopback port, configured from the process
// environment only, in a process of its own: a fault test can then see
// whether a fault ends the process (the test runner's own process would
// hide that). Prints `listening <port>` once it serves.
import { functionsRouter } from "../../local/router.ts";

Deno.serve({
  hostname: "127.0.0.1",
  port: 0,
  onListen: ({ port }) => console.log(`listening ${port}`),
}, functionsRouter(Deno.env.toObject()));
