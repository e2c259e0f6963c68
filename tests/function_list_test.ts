// The functions are named in four places: their folders, the local router,
// supabase/config.toml (a function without its section would get the
// gateway's verify_jwt, which refuses every Auth0 token and service key) and
// the deploy command in docs/operations.md. They must name the same set.
import { assert, assertEquals } from "./assert.ts";
import { test } from "./helpers.ts";
import { FUNCTIONS } from "../local/router.ts";

const ROOT = new URL("..", import.meta.url).pathname;

async function folders(): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(`${ROOT}supabase/functions`)) {
    if (entry.isDirectory) names.push(entry.name);
  }
  return names.sort();
}

test("function folders, the local router, config.toml and the deploy command name one set", async () => {
  const folderNames = await folders();
  assert(folderNames.length >= 5, `folders: ${folderNames}`);

  const toml = await Deno.readTextFile(`${ROOT}supabase/config.toml`);
  const sections = [...toml.matchAll(/^\[functions\.([^\]]+)\]\n((?:[^\[\n].*\n?)*)/gm)];
  const withoutJwt = sections.filter((s) => /^verify_jwt = false$/m.test(s[2])).map((s) => s[1]);

  const operations = await Deno.readTextFile(`${ROOT}docs/operations.md`);
  const deploy = /functions deploy --use-api \\\n\s+([a-z -]+)\n/.exec(operations)?.[1];
  assert(deploy, "docs/operations.md has a `supabase functions deploy --use-api` command");

  assertEquals(Object.keys(FUNCTIONS).sort(), folderNames, "local/router.ts");
  assertEquals(sections.map((s) => s[1]).sort(), folderNames, "[functions.*] in config.toml");
  assertEquals(withoutJwt.sort(), folderNames, "verify_jwt = false in each section");
  assertEquals(deploy.trim().split(/\s+/).sort(), folderNames, "the deploy command");
});

test("each function folder holds its entry point, handler, configuration and input", async () => {
  for (const name of await folders()) {
    const files: string[] = [];
    for await (const f of Deno.readDir(`${ROOT}supabase/functions/${name}`)) files.push(f.name);
    for (const file of ["index.ts", "handler.ts", "config.ts", "input.ts"]) {
      assert(files.includes(file), `supabase/functions/${name}/${file}`);
    }
    const config = await import(`../supabase/functions/${name}/config.ts`);
    assert("shape" in config.configSchema, `${name}/config.ts exports configSchema (a zod object)`);
  }
});
