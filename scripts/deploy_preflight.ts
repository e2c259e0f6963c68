// The deploy's pre-flight (`npm run deploy`, scripts/deploy.ts): every check
// that runs before anything touches the project, each failure saying what to
// fix, and the project's list of functions.
import { ConfigError, type EnvSource, loadConfig } from "../shared/config.ts";
import { parseDotenv } from "../local/dotenv.ts";

export const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
export const DEFAULT_ENV_FILE = "supabase/functions/.env.production";
/** The local issuer of `npm run token`; a deployed project never trusts it. */
export const LOCAL_ISSUER = "local-issuer.localhost";

/** Function secrets a deployed project must have (beyond each function's own checks). */
export const REQUIRED_SECRETS = [
  "AUTH0_DOMAIN",
  "AUTH0_AUDIENCE",
  "VERIFICATION_URL_BASE",
  "HUB_ORIGINS",
  "DISCORD_BOT_API_KEY",
  "MYSQL_HOST",
  "MYSQL_USER",
  "MYSQL_DB",
  "SCHEDULER_API_KEY",
];

/**
 * The Vault secrets the pg_cron jobs read (private.invoke_function). The jobs
 * send one key: the first of SCHEDULER_API_KEY's list, as the local stack
 * does, so a rotation lists the new key first (docs/operations.md).
 */
export function vaultSecrets(ref: string, secrets: EnvSource): [string, string][] {
  return [
    ["project_url", `https://${ref}.supabase.co`],
    ["scheduler_api_key", (secrets.SCHEDULER_API_KEY ?? "").split(",")[0].trim()],
  ];
}

/**
 * What Supabase itself gives deployed functions; stand-ins so the functions'
 * schemas parse. The secret keys only, not the legacy service role key: the
 * functions must run on a project whose legacy keys are switched off.
 */
const PLATFORM_PROVIDED: EnvSource = {
  SUPABASE_DB_URL: "postgresql://postgres@db.invalid:5432/postgres",
  SUPABASE_SECRET_KEYS: '{"default":"sb_secret_set_by_supabase"}',
};

export class PreflightError extends Error {}

export interface Options {
  ref: string;
  envFile: string;
  dryRun: boolean;
}

/** The checks before anything runs, in order; the first failure stops the deploy. */
export async function preflight(opts: Options, env: EnvSource): Promise<Record<string, string>> {
  const fail = (msg: string): never => {
    throw new PreflightError(msg);
  };
  if (!/^[a-z]{20}$/.test(opts.ref)) {
    fail(`--project-ref must be a project ref (20 lowercase letters), not "${opts.ref}"`);
  }
  if (!env.SUPABASE_ACCESS_TOKEN) {
    fail(
      "SUPABASE_ACCESS_TOKEN is not set: create a personal access token (Dashboard → Account → Access Tokens) and export it",
    );
  }
  if (!/^sbp_[A-Za-z0-9_]{20,}$/.test(env.SUPABASE_ACCESS_TOKEN!)) {
    fail("SUPABASE_ACCESS_TOKEN is not an access token (sbp_…)");
  }
  if (!env.SUPABASE_DB_PASSWORD) {
    fail(
      "SUPABASE_DB_PASSWORD is not set: export the project's database password (Dashboard → Project Settings → Database)",
    );
  }
  let text: string;
  try {
    text = await Deno.readTextFile(opts.envFile);
  } catch {
    return fail(
      `the secrets file ${opts.envFile} cannot be read: create it from supabase/functions/.env.example with the project's values (--secrets-file names another)`,
    );
  }
  if (await isTracked(opts.envFile)) {
    fail(`the secrets file ${opts.envFile} is committed to git: use an ignored file`);
  }
  const secrets = parseDotenv(text);
  const platform = Object.keys(secrets).filter((name) => name.startsWith("SUPABASE_"));
  if (platform.length) {
    fail(`${opts.envFile} sets ${platform.join(", ")}: Supabase sets these itself; remove them`);
  }
  const issuer = secrets.AUTH0_DOMAIN ?? "";
  const jwks = secrets.AUTH0_JWKS_URL ?? "";
  if (issuer === LOCAL_ISSUER || jwks.includes(LOCAL_ISSUER) || /^http:/.test(jwks)) {
    fail(
      `${opts.envFile} names the local issuer: set AUTH0_DOMAIN to the Auth0 tenant and leave AUTH0_JWKS_URL unset`,
    );
  }
  const missing = REQUIRED_SECRETS.filter((name) => !secrets[name]?.trim());
  if (missing.length) fail(`${opts.envFile} lacks ${missing.join(", ")}`);
  // Each function's own configuration schema (its folder's config.ts): the
  // secrets must pass every one.
  for (const fn of await functionNames()) {
    const { configSchema: schema } = await import(`../supabase/functions/${fn}/config.ts`);
    try {
      loadConfig(schema, { ...secrets, ...PLATFORM_PROVIDED });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      fail(
        `${opts.envFile}: ${fn} would refuse ${
          err.variables.join(", ")
        } (docs/operations.md#configuration)`,
      );
    }
  }
  if (secrets.MYSQL_SSL === "disable") {
    fail(`${opts.envFile}: MYSQL_SSL=disable is for the local stack only`);
  }
  return secrets;
}

async function isTracked(path: string): Promise<boolean> {
  const out = await new Deno.Command("git", {
    args: ["ls-files", "--error-unmatch", "--", path],
    cwd: ROOT,
    stdout: "null",
    stderr: "null",
  }).output().catch(() => undefined);
  return out?.success ?? false;
}

/** The functions the project declares: each folder of supabase/functions with an index.ts. */
export async function functionNames(): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(`${ROOT}/supabase/functions`)) {
    if (!entry.isDirectory) continue;
    try {
      await Deno.stat(`${ROOT}/supabase/functions/${entry.name}/index.ts`);
      names.push(entry.name);
    } catch { /* not a function */ }
  }
  return names.sort();
}
