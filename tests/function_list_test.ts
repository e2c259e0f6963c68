// The functions are named in four places: their folders, the local router,
// supabase/config.toml (a function without its section would get the
// gateway's verify_jwt, which refuses every Auth0 token and service key) and
// the functions `npm run deploy` finds and docs/api.md's endpoint table.
// They must name the same set.
import { assert, assertEquals } from "./assert.ts";
import { test } from "./helpers.ts";
import { FUNCTIONS } from "../local/router.ts";
import { functionNames } from "../scripts/deploy.ts";

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

  // npm run deploy deploys what it finds; docs/api.md lists every endpoint.
  const deployed = await functionNames();
  const api = await Deno.readTextFile(`${ROOT}docs/api.md`);
  const documented = [...api.matchAll(/^\| \[`([a-z-]+)`\]\(#/gm)].map((m) => m[1]);

  assertEquals(Object.keys(FUNCTIONS).sort(), folderNames, "local/router.ts");
  assertEquals(sections.map((s) => s[1]).sort(), folderNames, "[functions.*] in config.toml");
  assertEquals(withoutJwt.sort(), folderNames, "verify_jwt = false in each section");
  assertEquals(deployed, folderNames, "npm run deploy");
  assertEquals(documented.sort(), folderNames, "docs/api.md's endpoint table");
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
