// The sync's engine knows no table by name: what is specific to a table is a
// property of its declaration (shared/sync/tables/<name>.ts, typed by
// TableSpec) that the engine asks for. Pure: reads the engine's modules.
import { assert, assertEquals } from "./assert.ts";
import { SYNC_TABLES } from "../shared/sync/tables.ts";

const SYNC = new URL("../shared/sync/", import.meta.url).pathname;

/** Every .ts file under shared/sync except the declarations' folder, relative to it. */
async function engineModules(dir = ""): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(`${SYNC}${dir}`)) {
    const path = `${dir}${entry.name}`;
    if (entry.isDirectory && path !== "tables") found.push(...await engineModules(`${path}/`));
    else if (entry.isFile && path.endsWith(".ts")) found.push(path);
  }
  return found.sort();
}

Deno.test("no module of the sync outside tables/ names a synced table or MemberNumber", async () => {
  assert(SYNC_TABLES.length > 0, "tables to look for");
  // Whole words, comments included: `membership` or `memberNumber` are not names.
  const table = new RegExp(`\\b(${SYNC_TABLES.join("|")})\\b`, "i");
  const column = /\bMemberNumber\b/;
  const modules = await engineModules();
  assert(modules.length > 10, `modules found: ${modules}`);
  const named: string[] = [];
  for (const path of modules) {
    const lines = (await Deno.readTextFile(`${SYNC}${path}`)).split("\n");
    lines.forEach((line, i) => {
      if (table.test(line) || column.test(line)) named.push(`${path}:${i + 1}: ${line.trim()}`);
    });
  }
  assertEquals(named, []);
});
