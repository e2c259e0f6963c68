import { syncHandler } from "./handler.ts";

Deno.serve(syncHandler());
