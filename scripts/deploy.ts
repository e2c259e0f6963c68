// `npm run deploy -- --project-ref <ref> [--secrets-file <file>] [--dry-run]`:
// the whole deploy of the project to one Supabase project, as CI and a person
// run it (docs/operations.md#deploying-to-a-supabase-project).
//
// First the pre-flight checks (deploy_preflight.ts), which stop at the first
// failure and say what to fix; then, in order: link, db push, config push, the function secrets
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
import type { EnvSource } from "../shared/config.ts";
import {
  DEFAULT_ENV_FILE,
  functionNames,
  type Options,
  preflight,
  PreflightError,
  ROOT,
  vaultSecrets,
} from "./deploy_preflight.ts";

export { functionNames, vaultSecrets };

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
