import { unlinkDiscordHandler } from "./handler.ts";

Deno.serve(unlinkDiscordHandler());
