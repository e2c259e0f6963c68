// `npm run deploy -- --project-ref <ref> [--secrets-file <file>] [--dry-run]`:
// the whole deploy of the project to one Supabase project, as CI and a person
// run it (docs/operations.md#deploying-to-a-supabase-project).
//
// First the pre-flight checks, which stop at the first failure and say what
// to fix; then, in order: link, db push, config push, the function secrets
// (from an env file that is never committed), the Vault secrets the cron jobs
// read, and every function under supabase/functions, deployed with --use-api.
// A second run with nothing changed changes nothing: migrations and config
// are pushed as differences, and the function and Vault secrets are written
// only when their digests differ from what the project holds. Deploying the
// functions again uploads the same code (a new version, the same behaviour).
//
// --dry-run runs the checks, prints the plan, and calls only the CLI's
// read-only commands (db push --dry-run, config diff, secrets list, a
// read-only query of the Vault digests).
//
// `db push` and `db query` target the local database unless told
// `--remote` (the linked project); the other commands are remote only.
//
// The CLI is $SUPABASE_CLI, else the pinned one in node_modules, else
// `supabase` on the PATH. The access token and the database password reach it
// through the environment (SUPABASE_ACCESS_TOKEN, SUPABASE_DB_PASSWORD), never
// on its command line.
import { parseArgs } from "node:util";
import { ConfigError, type EnvSource, loadConfig } from "../shared/config.ts";
import { parseDotenv } from "../local/dotenv.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
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

async function cliPath(env: EnvSource): Promise<string> {
  if (env.SUPABASE_CLI) return env.SUPABASE_CLI;
  const pinned = `${ROOT}/node_modules/.bin/supabase`;
  try {
    await Deno.stat(pinned);
    return pinned;
  } catch {
    return "supabase";
  }
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** Writes the Vault secrets: creates a missing one, updates one whose value differs. */
export function vaultSql(pairs: [string, string][]): string {
  const values = pairs.map(([name, value]) => `(${quote(name)}, ${quote(value)})`).join(", ");
  return `select vault.create_secret(v.secret, v.name)
from (values ${values}) as v(name, secret)
where not exists (select 1 from vault.secrets s where s.name = v.name);
select vault.update_secret(s.id, v.secret)
from vault.decrypted_secrets s join (values ${values}) as v(name, secret) on v.name = s.name
where s.decrypted_secret is distinct from v.secret;
`;
}

/** The digests of the Vault secrets the project holds, read without reading the secrets. */
export function vaultDigestSql(names: string[]): string {
  return `select name, encode(sha256(convert_to(decrypted_secret, 'UTF8')), 'hex') as digest
from vault.decrypted_secrets where name in (${names.map(quote).join(", ")})`;
}

/** Name → digest from a CLI's JSON answer: [{name, value|digest}]. Unreadable: nothing. */
function digests(json: string): Map<string, string> {
  try {
    const rows = JSON.parse(json) as { name?: string; value?: string; digest?: string }[];
    return new Map(
      rows.filter((r) => r.name).map((r) => [r.name!, String(r.digest ?? r.value ?? "")]),
    );
  } catch {
    return new Map();
  }
}

/** Names whose value's SHA-256 differs from the digest held. */
async function changed(wanted: [string, string][], held: Map<string, string>) {
  const out: string[] = [];
  for (const [name, value] of wanted) {
    if (held.get(name)?.toLowerCase() !== await sha256Hex(value)) out.push(name);
  }
  return out;
}

export async function deploy(opts: Options, env: EnvSource): Promise<number> {
  let secrets: Record<string, string>;
  try {
    secrets = await preflight(opts, env);
  } catch (err) {
    if (!(err instanceof PreflightError)) throw err;
    console.error(`deploy: ${err.message}`);
    return 1;
  }
  const cli = await cliPath(env);
  const fns = await functionNames();
  const vault = vaultSecrets(opts.ref, secrets);
  const remote = `--remote=${opts.ref}`;
  const run = async (args: string[], stdin?: string) => {
    console.log(`$ supabase ${args.join(" ")}`);
    const child = new Deno.Command(cli, {
      args,
      cwd: ROOT,
      stdin: stdin === undefined ? "null" : "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    if (stdin !== undefined) {
      const w = child.stdin.getWriter();
      await w.write(new TextEncoder().encode(stdin));
      await w.close();
    }
    const out = await child.output();
    const text = new TextDecoder().decode(out.stdout);
    if (!out.success) {
      if (text) console.log(text);
      throw new Error(`supabase ${args[0]} ${args[1] ?? ""} failed (exit ${out.code})`);
    }
    return text;
  };
  const secretsList = (args: string[]) => run(["secrets", "list", ...args, "-o", "json"]);
  const vaultDigests = (args: string[]) =>
    run([
      "db",
      "query",
      ...args,
      "--read-only",
      "--output-format",
      "json",
      vaultDigestSql(vault.map(([n]) => n)),
    ]);
  const fileSecrets = Object.entries(secrets);

  console.log(
    `deploy to ${opts.ref}${opts.dryRun ? " (dry run: nothing changes)" : ""}, in order:
  1. supabase link --project-ref ${opts.ref}
  2. supabase db push --remote --yes
  3. supabase config push --yes
  4. supabase secrets set --env-file ${opts.envFile} (only when a secret differs): ${
      Object.keys(secrets).join(", ")
    }
  5. Vault secrets (only when one differs): ${vault.map(([n]) => n).join(", ")}
${fns.map((fn, i) => `  ${6 + i}. supabase functions deploy ${fn} --use-api`).join("\n")}`,
  );
  try {
    if (opts.dryRun) {
      await run(["db", "push", "--dry-run", remote]);
      console.log(await run(["config", "diff", remote]));
      const secretChanges = await changed(fileSecrets, digests(await secretsList([remote])));
      console.log(`function secrets that would be set: ${secretChanges.join(", ") || "none"}`);
      const vaultChanges = await changed(vault, digests(await vaultDigests([remote])));
      console.log(`Vault secrets that would be written: ${vaultChanges.join(", ") || "none"}`);
      console.log("dry run: nothing was changed");
      return 0;
    }
    await run(["link", "--project-ref", opts.ref]);
    await run(["db", "push", "--remote", "--yes"]);
    await run(["config", "push", "--yes"]);
    const secretChanges = await changed(fileSecrets, digests(await secretsList([])));
    if (secretChanges.length) {
      await run(["secrets", "set", "--env-file", opts.envFile]);
    } else console.log("function secrets: unchanged");
    const vaultChanges = await changed(vault, digests(await vaultDigests(["--remote"])));
    if (vaultChanges.length) {
      // The values go through a file only the CLI reads, never its command line.
      const dir = await Deno.makeTempDir({ prefix: "mynatca-deploy-" });
      const file = `${dir}/vault.sql`;
      try {
        await Deno.writeTextFile(file, vaultSql(vault), { mode: 0o600 });
        await run(["db", "query", "--remote", "--file", file, "--yes"]);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    } else console.log("Vault secrets: unchanged");
    for (const fn of fns) await run(["functions", "deploy", fn, "--use-api"]);
    console.log(`deployed to ${opts.ref}`);
    return 0;
  } catch (err) {
    console.error(`deploy: ${(err as Error).message}; stopped there`);
    return 1;
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      "project-ref": { type: "string" },
      "secrets-file": { type: "string", default: DEFAULT_ENV_FILE },
      "dry-run": { type: "boolean", default: false },
    },
  });
  if (!values["project-ref"]) {
    console.error(
      "usage: npm run deploy -- --project-ref <ref> [--secrets-file <file>] [--dry-run]",
    );
    Deno.exit(2);
  }
  const envFile = values["secrets-file"]!.startsWith("/")
    ? values["secrets-file"]!
    : `${Deno.cwd()}/${values["secrets-file"]}`;
  Deno.exit(
    await deploy(
      { ref: values["project-ref"], envFile, dryRun: values["dry-run"]! },
      Deno.env.toObject(),
    ),
  );
}
