// `supabase functions deploy --use-api` uploads deno.json, the function's
// folder under supabase/functions and the files it imports. Every function's
// import graph must therefore stay inside supabase/functions, shared and
// deno.json: copied alone into an empty folder, each entry still type-checks.
import { assert, assertEquals } from "./assert.ts";
import { test } from "./helpers.ts";

const ROOT = new URL("..", import.meta.url).pathname;

test("each function type-checks from deno.json, supabase/functions and shared alone", async () => {
  const dir = await Deno.makeTempDir({ prefix: "deploy-bundle-" });
  try {
    const copy = await new Deno.Command("cp", {
      args: ["-r", `${ROOT}deno.json`, `${ROOT}shared`, `${ROOT}supabase`, dir],
    }).output();
    assertEquals(copy.code, 0);
    const entries: string[] = [];
    for await (const fn of Deno.readDir(`${dir}/supabase/functions`)) {
      if (fn.isDirectory) entries.push(`supabase/functions/${fn.name}/index.ts`);
    }
    assert(entries.length >= 5, `functions found: ${entries}`);
    // The project's own Deno type-checks (the Edge leg's Deno 2.1 checker
    // disagrees with mysql2's types; it runs the same code fine).
    const out = await new Deno.Command("node", {
      args: [`${ROOT}node_modules/deno/bin.cjs`, "check", "--no-lock", ...entries],
      cwd: dir,
      env: { NO_COLOR: "1" },
    }).output();
    assertEquals(out.code, 0, new TextDecoder().decode(out.stderr).slice(-3000));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

test("every relative import names its .ts file (the CLI's upload skips bare specifiers)", async () => {
  const bad: string[] = [];
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(dir)) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) await walk(path);
      else if (entry.name.endsWith(".ts")) {
        const text = await Deno.readTextFile(path);
        for (const m of text.matchAll(/from\s+"(\.{1,2}\/[^"]+)"/g)) {
          if (!m[1].endsWith(".ts")) bad.push(`${path}: ${m[1]}`);
        }
      }
    }
  };
  await walk(`${ROOT}shared`);
  await walk(`${ROOT}supabase/functions`);
  assertEquals(bad, []);
});
