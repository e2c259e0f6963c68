// Prints variables of the local tools' configuration (local/stack.ts: the
// stack's addresses, under supabase/functions/.env, under the process
// environment), one KEY=value line each, so shell scripts read the env files
// the way the function server does instead of parsing them again.
//   scripts/deno run -A scripts/local-env.ts NAME...
import { localEnv } from "../local/stack.ts";

const vars = await localEnv();
for (const name of Deno.args) console.log(`${name}=${vars[name] ?? ""}`);
