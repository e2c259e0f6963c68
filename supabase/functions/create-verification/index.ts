import { createVerificationHandler } from "./handler.ts";

Deno.serve(createVerificationHandler());
