import { cleanupHandler } from "./handler.ts";

Deno.serve(cleanupHandler());
