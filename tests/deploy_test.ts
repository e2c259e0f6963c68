// `npm run deploy` against a fake project ref, with a stub `supabase` that
// records every call (its arguments, in order, and the SQL file it is given)
// and answers `secrets list` and the Vault digest query from files the test
// writes. So: the dry run calls only read-only commands; a deploy runs the
// steps in order; a second run with nothing changed writes no secret; a
// failing step stops the deploy; each pre-flight failure stops it before any
// call, saying what to fix.
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { vaultSecrets } from "../scripts/deploy.ts";
import { parseDotenv } from "../local/dotenv.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const REF = "abcdefghijklmnopqrst";
const TOKEN = "sbp_0123456789abcdef0123456789abcdef01234567";
const PASSWORD = "db-password-not-on-any-command-line";

const FUNCTIONS = [...Deno.readDirSync(`${ROOT}supabase/functions`)]
  .filter((e) => e.isDirectory).map((e) => e.name).sort();

const SECRETS: Record<string, string> = {
  AUTH0_DOMAIN: "mynatca.us.auth0.com",
  AUTH0_AUDIENCE: "https://api.mynatca.org",
  VERIFICATION_URL_BASE: "https://hub.mynatca.org/verify",
  HUB_ORIGINS: "https://hub.mynatca.org",
  DISCORD_BOT_API_KEY: "b".repeat(40),
  DISCORD_BOT_API_KEY_DEVELOPMENT: "d".repeat(40),
  MYSQL_HOST: "mysql.mynatca.org",
  MYSQL_USER: "sync",
  MYSQL_PASS: "it's a secret",
  MYSQL_DB: "mynatca_members",
  MYSQL_SSL: "verify-full",
  SCHEDULER_API_KEY: "s".repeat(48),
};

const STUB = `#!/usr/bin/env bash
# Records one call: its arguments separated by NUL, then RS; a --file's content after FS.
{ for a in "$@"; do printf '%s\\0' "$a"; done
  prev=""; for a in "$@"; do
    if [ "$prev" = "--file" ]; then printf '\\034%s' "$(cat "$a")"; fi; prev=$a; done
  printf '\\036'; } >>"$STUB_DIR/calls"
[ -n "$SUPABASE_ACCESS_TOKEN" ] && [ -n "$SUPABASE_DB_PASSWORD" ] || { echo "no credentials" >&2; exit 9; }
case "$1 $2" in
  "$STUB_FAIL") echo "stub: $1 $2 failed" >&2; exit 1 ;;
  "secrets list") cat "$STUB_DIR/secrets.json" 2>/dev/null || echo '[]' ;;
  "db query") case " $* " in *" --read-only "*) cat "$STUB_DIR/vault.json" 2>/dev/null || echo '[]' ;; esac ;;
esac
exit 0
`;

interface Run {
  code: number;
  out: string;
  err: string;
  /** Each call's arguments; a --file's content appended as `file:<content>`. */
  calls: string[][];
  envFile: string;
  dir: string;
}

async function sha256(text: string) {
  const d = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** A stub CLI and a secrets file in a fresh folder. */
async function setup(secrets: Record<string, string> = SECRETS) {
  const dir = await Deno.makeTempDir({ prefix: "deploy-test-" });
  await Deno.writeTextFile(`${dir}/supabase`, STUB, { mode: 0o755 });
  const envFile = `${dir}/.env.production`;
  await Deno.writeTextFile(
    envFile,
    "# the project's function secrets\n" +
      Object.entries(secrets).map(([k, v]) => `${k}="${v.replaceAll('"', '\\"')}"`).join("\n") +
      "\n",
  );
  return { dir, envFile };
}

async function deploy(
  where: { dir: string; envFile: string },
  args: string[],
  env: Record<string, string> = {},
): Promise<Run> {
  const out = await new Deno.Command("npm", {
    args: ["run", "--silent", "deploy", "--", "--secrets-file", where.envFile, ...args],
    cwd: ROOT,
    env: {
      SUPABASE_CLI: `${where.dir}/supabase`,
      STUB_DIR: where.dir,
      STUB_FAIL: "",
      SUPABASE_ACCESS_TOKEN: TOKEN,
      SUPABASE_DB_PASSWORD: PASSWORD,
      NO_COLOR: "1",
      ...env,
    },
    clearEnv: false,
    stdout: "piped",
    stderr: "piped",
  }).output();
  let raw = "";
  try {
    raw = await Deno.readTextFile(`${where.dir}/calls`);
    await Deno.remove(`${where.dir}/calls`);
  } catch { /* no call */ }
  const calls = raw.split("\x1e").filter((c) => c !== "").map((call) => {
    const [args, file] = call.split("\x1c");
    const list = args.split("\0").slice(0, -1);
    return file === undefined ? list : [...list, `file:${file}`];
  });
  const text = new TextDecoder();
  return {
    code: out.code,
    out: text.decode(out.stdout),
    err: text.decode(out.stderr),
    calls,
    ...where,
  };
}

const deployCalls = FUNCTIONS.map((fn) => ["functions", "deploy", fn, "--use-api"]);

Deno.test("--dry-run checks, prints the plan in order, and calls only read-only commands", async () => {
  const where = await setup();
  const run = await deploy(where, ["--project-ref", REF, "--dry-run"]);
  assertEquals(run.code, 0, run.err);
  assertEquals(run.calls.length, 4);
  const vaultQuery = run.calls[3];
  assertEquals([...run.calls.slice(0, 3), vaultQuery.slice(0, -1)], [
    ["db", "push", "--dry-run", `--remote=${REF}`],
    ["config", "diff", `--remote=${REF}`],
    ["secrets", "list", `--remote=${REF}`, "-o", "json"],
    ["db", "query", `--remote=${REF}`, "--read-only", "--output-format", "json"],
  ]);
  assertMatch(
    vaultQuery.at(-1)!,
    /from vault\.decrypted_secrets where name in \('project_url', 'scheduler_api_key'\)/,
  );
  // The plan: every step, in order, each function by name.
  const steps = [
    `supabase link --project-ref ${REF}`,
    "supabase db push --remote --yes",
    "supabase config push --yes",
    `supabase secrets set --env-file ${where.envFile}`,
    "Vault secrets (only when one differs): project_url, scheduler_api_key",
    ...FUNCTIONS.map((fn) => `supabase functions deploy ${fn} --use-api`),
  ];
  let at = -1;
  for (const step of steps) {
    const found = run.out.indexOf(step, at + 1);
    assert(found > at, `plan step "${step}" missing or out of order:\n${run.out}`);
    at = found;
  }
  assertMatch(
    run.out,
    new RegExp(`function secrets that would be set: ${Object.keys(SECRETS).join(", ")}`),
  );
  assertMatch(run.out, /Vault secrets that would be written: project_url, scheduler_api_key/);
  assertMatch(run.out, /dry run: nothing was changed/);
  for (const secret of [TOKEN, PASSWORD, SECRETS.SCHEDULER_API_KEY, SECRETS.MYSQL_PASS]) {
    assert(!JSON.stringify(run.calls).includes(secret), "no secret on a command line");
    assert(!run.out.includes(secret), "no secret in the output");
  }
  await Deno.remove(where.dir, { recursive: true });
});

Deno.test("a deploy runs link, db push, config push, secrets, Vault and each function, in order", async () => {
  const where = await setup();
  const run = await deploy(where, ["--project-ref", REF]);
  assertEquals(run.code, 0, run.err);
  const vaultRead = run.calls[5];
  const vaultWrite = run.calls[6];
  assertEquals(run.calls, [
    ["link", "--project-ref", REF],
    ["db", "push", "--remote", "--yes"],
    ["config", "push", "--yes"],
    ["secrets", "list", "-o", "json"],
    ["secrets", "set", "--env-file", where.envFile],
    vaultRead,
    vaultWrite,
    ...deployCalls,
  ]);
  assertEquals(vaultRead.slice(0, 6), [
    "db",
    "query",
    "--remote",
    "--read-only",
    "--output-format",
    "json",
  ]);
  assertEquals(vaultWrite.slice(0, 3), ["db", "query", "--remote"]);
  assertEquals(vaultWrite.slice(5, 6), ["--yes"]);
  const [, , , flag, file] = vaultWrite;
  assertEquals(flag, "--file");
  const sql = vaultWrite.at(-1)!;
  assertMatch(sql, new RegExp(`\\('project_url', 'https://${REF}\\.supabase\\.co'\\)`));
  assertMatch(sql, new RegExp(`\\('scheduler_api_key', '${SECRETS.SCHEDULER_API_KEY}'\\)`));
  assertMatch(sql, /vault\.create_secret\(v\.secret, v\.name\)[^;]*where not exists/);
  assertMatch(sql, /vault\.update_secret\(s\.id, v\.secret\)[^;]*is distinct from v\.secret/);
  let left = true;
  try {
    await Deno.stat(file);
  } catch {
    left = false;
  }
  assert(!left, "the file with the Vault values is removed");
  await Deno.remove(where.dir, { recursive: true });
});

Deno.test("a second deploy with nothing changed writes no function or Vault secret", async () => {
  const where = await setup();
  await Deno.writeTextFile(
    `${where.dir}/secrets.json`,
    JSON.stringify(
      await Promise.all(
        Object.entries(SECRETS).map(async ([name, value]) => ({
          name,
          value: await sha256(value),
        })),
      ),
    ),
  );
  await Deno.writeTextFile(
    `${where.dir}/vault.json`,
    JSON.stringify([
      { name: "project_url", digest: await sha256(`https://${REF}.supabase.co`) },
      { name: "scheduler_api_key", digest: await sha256(SECRETS.SCHEDULER_API_KEY) },
    ]),
  );
  const run = await deploy(where, ["--project-ref", REF]);
  assertEquals(run.code, 0, run.err);
  assertEquals(run.calls.map((c) => c.slice(0, 2)), [
    ["link", "--project-ref"],
    ["db", "push"],
    ["config", "push"],
    ["secrets", "list"],
    ["db", "query"],
    ...deployCalls.map((c) => c.slice(0, 2)),
  ]);
  assert(run.calls[4].includes("--read-only"), "the only query reads the Vault digests");
  assertMatch(run.out, /function secrets: unchanged/);
  assertMatch(run.out, /Vault secrets: unchanged/);

  // One value changed: only then are the secrets set again.
  const changed = await setup({ ...SECRETS, HUB_ORIGINS: "https://hub2.mynatca.org" });
  await Deno.copyFile(`${where.dir}/secrets.json`, `${changed.dir}/secrets.json`);
  await Deno.copyFile(`${where.dir}/vault.json`, `${changed.dir}/vault.json`);
  const again = await deploy(changed, ["--project-ref", REF]);
  assertEquals(again.code, 0, again.err);
  assertEquals(again.calls[4], ["secrets", "set", "--env-file", changed.envFile]);
  assert(again.calls[5].includes("--read-only") && again.calls[6][0] === "functions");
  await Deno.remove(where.dir, { recursive: true });
  await Deno.remove(changed.dir, { recursive: true });
});

Deno.test("a failing step stops the deploy there", async () => {
  const where = await setup();
  const run = await deploy(where, ["--project-ref", REF], { STUB_FAIL: "db push" });
  assertEquals(run.code, 1);
  assertEquals(run.calls, [["link", "--project-ref", REF], ["db", "push", "--remote", "--yes"]]);
  assertMatch(run.err, /supabase db push failed \(exit 1\); stopped there/);
  await Deno.remove(where.dir, { recursive: true });
});

const preflightCases: {
  name: string;
  secrets?: Record<string, string | undefined>;
  env?: Record<string, string>;
  args?: string[];
  says: RegExp;
}[] = [
  {
    name: "a malformed project ref",
    args: ["--project-ref", "Not-A-Ref"],
    says: /--project-ref must be a project ref/,
  },
  {
    name: "no access token",
    env: { SUPABASE_ACCESS_TOKEN: "" },
    says: /SUPABASE_ACCESS_TOKEN is not set/,
  },
  {
    name: "a malformed access token",
    env: { SUPABASE_ACCESS_TOKEN: "abc" },
    says: /not an access token/,
  },
  {
    name: "no database password",
    env: { SUPABASE_DB_PASSWORD: "" },
    says: /SUPABASE_DB_PASSWORD is not set/,
  },
  {
    name: "a missing secrets file",
    args: ["--project-ref", REF, "--secrets-file", "/nonexistent/.env.production"],
    says: /secrets file \/nonexistent\/\.env\.production cannot be read/,
  },
  {
    name: "a committed secrets file",
    args: ["--project-ref", REF, "--secrets-file", `${ROOT}supabase/functions/.env.example`],
    says: /\.env\.example is committed to git/,
  },
  {
    name: "the local issuer",
    secrets: { AUTH0_DOMAIN: "local-issuer.localhost" },
    says: /names the local issuer/,
  },
  {
    name: "a local key set",
    secrets: { AUTH0_JWKS_URL: "http://127.0.0.1:54321/local-issuer/jwks.json" },
    says: /names the local issuer/,
  },
  {
    name: "a missing required secret",
    secrets: { SCHEDULER_API_KEY: undefined, HUB_ORIGINS: undefined },
    says: /lacks HUB_ORIGINS, SCHEDULER_API_KEY/,
  },
  {
    name: "an invalid secret",
    secrets: { VERIFICATION_URL_BASE: "not a url" },
    says: /create-verification would refuse VERIFICATION_URL_BASE/,
  },
  {
    name: "a short bot key",
    secrets: { DISCORD_BOT_API_KEY: "short" },
    says: /would refuse DISCORD_BOT_API_KEY/,
  },
  {
    name: "a short scheduler key",
    secrets: { SCHEDULER_API_KEY: "short" },
    says: /would refuse SCHEDULER_API_KEY/,
  },
  {
    name: "MySQL without TLS",
    secrets: { MYSQL_SSL: "disable" },
    says: /MYSQL_SSL=disable is for the local stack only/,
  },
  {
    name: "a platform variable",
    secrets: { SUPABASE_SERVICE_ROLE_KEY: "x" },
    says: /sets SUPABASE_SERVICE_ROLE_KEY: Supabase sets these itself/,
  },
];

for (const c of preflightCases) {
  Deno.test(`pre-flight: ${c.name} stops the deploy before any call, saying what to fix`, async () => {
    const secrets = { ...SECRETS, ...c.secrets };
    for (const [k, v] of Object.entries(secrets)) if (v === undefined) delete secrets[k];
    const where = await setup(secrets as Record<string, string>);
    const run = await deploy(where, c.args ?? ["--project-ref", REF, "--dry-run"], c.env);
    assertEquals(run.code, 1, run.out);
    assertMatch(run.err, c.says);
    assertEquals(run.calls, []);
    await Deno.remove(where.dir, { recursive: true });
  });
}

Deno.test("the secrets file is read as the CLI reads a .env file", () => {
  assertEquals(
    parseDotenv(
      [
        "# comment",
        "export A=1",
        "B = two # trailing comment",
        "C='single # kept'",
        'D="double \\"quoted\\""',
        'MYSQL_SSL_CA="-----BEGIN CERTIFICATE-----',
        "MIIB",
        '-----END CERTIFICATE-----"',
        "E=",
      ].join("\n"),
    ),
    {
      A: "1",
      B: "two",
      C: "single # kept",
      D: 'double "quoted"',
      MYSQL_SSL_CA: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
      E: "",
    },
  );
});

Deno.test("Vault gets the first key of a rotation list, which the functions accept", () => {
  const list = {
    SCHEDULER_API_KEY: "new-scheduler-key-0000000000000001, old-scheduler-key-00000000000002",
  };
  assertEquals(vaultSecrets("abcdefghijklmnopqrst", list), [
    ["project_url", "https://abcdefghijklmnopqrst.supabase.co"],
    ["scheduler_api_key", "new-scheduler-key-0000000000000001"],
  ]);
});
