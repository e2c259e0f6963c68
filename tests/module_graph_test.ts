// The import graph, as Deno resolves it: no module imports itself through
// others (a type-only edge counts too: a cycle that loads only because one
// edge is a type is one refactor away from failing).
import { assert, assertEquals } from "./assert.ts";
import { test } from "./helpers.ts";
import { cycles, entryPoints, moduleGraph } from "./support/module_graph.ts";

test("no module of the project imports itself through others", async () => {
  const found = new Set<string>();
  for (const entry of await entryPoints()) {
    for (const cycle of cycles(await moduleGraph(entry))) found.add(cycle);
  }
  assertEquals([...found], []);
});

test("a function loads its own folder and shared code, and only the sync loads the sync", async () => {
  for (const entry of await entryPoints()) {
    const folder = /^supabase\/functions\/([^/]+)\//.exec(entry)?.[1];
    if (!folder) continue;
    const modules = [...(await moduleGraph(entry)).keys()];
    assert(modules.length > 3, `${entry}: ${modules}`);
    const foreign = modules.filter((m) =>
      !m.startsWith(`supabase/functions/${folder}/`) && !m.startsWith("shared/") ||
      (folder !== "sync" && m.startsWith("shared/sync/"))
    );
    assertEquals(foreign, [], entry);
  }
});
