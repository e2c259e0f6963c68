// The local stack's addresses for TypeScript tools and tests: local/stack.env,
// with the process environment overriding it (as local/stack-vars.sh does).
import { readDotenv } from "./dotenv.ts";
import { LOCAL_ISSUER_DOMAIN, LOCAL_JWKS_PATH } from "./issuer.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const vars = { ...await readDotenv(`${ROOT}local/stack.env`), ...Deno.env.toObject() };

export const STACK_PG_PORT = Number(vars.STACK_PG_PORT);
export const STACK_MY_PORT = Number(vars.STACK_MY_PORT);
export const FUNCTIONS_PORT = Number(vars.FUNCTIONS_PORT);
export const STACK_PG_URL = `postgresql://postgres:postgres@127.0.0.1:${STACK_PG_PORT}/postgres`;
/**
 * The local project's JWT secret (Supabase's own keys and the bot's token are
 * HS256 tokens signed with a project's secret): what `npm run bot-token`
 * signs with for the local stack, and what the tests' Data API stand-in
 * (tests/support/postgrest.ts) verifies with.
 */
export const LOCAL_JWT_SECRET = "local-project-jwt-secret-for-the-local-stack-only";
/** The CA that signed the local MariaDB's TLS certificate (made by local/stack.sh). */
export const STACK_MYSQL_CA_FILE = `${ROOT}.stack/tls/ca.pem`;

/**
 * supabase/functions/.env, or before `npm start` has copied it there, the
 * example it is copied from.
 */
async function functionsDotenv(): Promise<Record<string, string>> {
  const dir = `${ROOT}supabase/functions/`;
  try {
    await Deno.stat(`${dir}.env`);
    return await readDotenv(`${dir}.env`);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
    return await readDotenv(`${dir}.env.example`);
  }
}

/**
 * The local tools' configuration: the stack's addresses, under
 * supabase/functions/.env (or its example), under the process environment.
 */
export async function localEnv(): Promise<Record<string, string>> {
  const vars: Record<string, string> = {
    SUPABASE_URL: `http://127.0.0.1:${FUNCTIONS_PORT}`,
    SUPABASE_DB_URL: STACK_PG_URL,
    MYSQL_HOST: "127.0.0.1",
    MYSQL_PORT: String(STACK_MY_PORT),
    FUNCTIONS_PORT: String(FUNCTIONS_PORT),
    ...await functionsDotenv(),
    ...Deno.env.toObject(),
  };
  // The local issuer's key set is served by this checkout's function server.
  if (vars.AUTH0_DOMAIN === LOCAL_ISSUER_DOMAIN && !vars.AUTH0_JWKS_URL) {
    vars.AUTH0_JWKS_URL = `http://127.0.0.1:${vars.FUNCTIONS_PORT}${LOCAL_JWKS_PATH}`;
  }
  return vars;
}
