// The documentation names everything a maintainer or operator looks up: a
// migration file, a function of the private schema, a configuration
// variable, an error code, a synced table, an npm script. Each test lists
// what docs/ leaves out.
import { assert, assertEquals } from "./assert.ts";
import { db, test } from "./helpers.ts";
import { syncConfig } from "../shared/sync/config.ts";
import { SYNC_TABLES } from "../shared/sync/tables.ts";

const ROOT = new URL("..", import.meta.url).pathname;

async function docs(): Promise<string> {
  const texts: string[] = [];
  for await (const entry of Deno.readDir(`${ROOT}docs`)) {
    if (entry.name.endsWith(".md")) {
      texts.push(await Deno.readTextFile(`${ROOT}docs/${entry.name}`));
    }
  }
  return texts.join("\n");
}

/** `name` as a whole identifier (not part of a longer one). */
const names = (text: string, name: string) =>
  new RegExp(`(^|[^A-Za-z0-9_])${name.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&")}($|[^A-Za-z0-9_])`)
    .test(text);

const missing = async (all: string[], isNamed: (text: string, item: string) => boolean) => {
  const text = await docs();
  assert(all.length > 0, "something to look for");
  return all.filter((item) => !isNamed(text, item));
};

test("every migration file is named in docs/", async () => {
  const files: string[] = [];
  for await (const f of Deno.readDir(`${ROOT}supabase/migrations`)) files.push(f.name);
  assertEquals(await missing(files.sort(), names), []);
});

test("every function of the private schema is named in docs/", async () => {
  const rows = await db<{ proname: string }[]>`
    select distinct proname from pg_proc where pronamespace = 'private'::regnamespace
    order by 1`;
  assertEquals(await missing(rows.map((r) => r.proname), names), []);
});

test("every configuration variable is named in docs/", async () => {
  const variables = new Set(Object.keys(syncConfig.shape));
  for await (const fn of Deno.readDir(`${ROOT}supabase/functions`)) {
    if (!fn.isDirectory) continue;
    const { configSchema } = await import(`../supabase/functions/${fn.name}/config.ts`);
    for (const name of Object.keys(configSchema.shape)) variables.add(name);
  }
  assertEquals(await missing([...variables].sort(), names), []);
});

test("every error code is named in docs/", async () => {
  const source = await Deno.readTextFile(`${ROOT}shared/errors.ts`);
  const union = /export type ErrorCode =([^;]+);/.exec(source)?.[1] ?? "";
  const codes = [...union.matchAll(/"([a-z_]+)"/g)].map((m) => m[1]);
  assert(codes.length >= 10, `codes parsed from shared/errors.ts: ${codes}`);
  assertEquals(await missing(codes, (text, code) => text.includes(`\`${code}\``)), []);
});

test("every synced table has its mapping section in docs/", async () => {
  assertEquals(
    await missing([...SYNC_TABLES], (text, table) => text.includes(`### ${table} (from `)),
    [],
  );
});

test("every npm script is named in docs/", async () => {
  const { scripts } = JSON.parse(await Deno.readTextFile(`${ROOT}package.json`));
  const run = (text: string, name: string) =>
    names(text, `npm run ${name}`) ||
    (["start", "test"].includes(name) && names(text, `npm ${name}`));
  assertEquals(await missing(Object.keys(scripts), run), []);
});
