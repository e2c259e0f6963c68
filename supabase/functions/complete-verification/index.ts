import { completeVerificationHandler } from "./handler.ts";

Deno.serve(completeVerificationHandler());
