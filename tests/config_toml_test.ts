// supabase/config.toml as the pinned Supabase CLI reads it: every key known,
// every value accepted (the CLI warns about unknown keys and refuses bad values).
import { assertEquals, assertMatch } from "./assert.ts";
import { STACK_PG_URL } from "../local/stack.ts";

const ROOT = new URL("..", import.meta.url).pathname;

Deno.test("the pinned CLI reads supabase/config.toml without a warning or an error", async () => {
  const out = await new Deno.Command("npx", {
    args: ["--no-install", "supabase", "migration", "list", `--remote=${STACK_PG_URL}`],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assertEquals(out.code, 0, text);
  assertEquals(text.match(/does not recognize|invalid|failed reading config/i), null, text);
  assertMatch(text, /20261129000300/);
});

Deno.test("config.toml declares the edge runtime, the seed and the row limit", async () => {
  const toml = await Deno.readTextFile(`${ROOT}supabase/config.toml`);
  assertMatch(
    toml,
    /\n\[edge_runtime\]\nenabled = true\npolicy = "per_worker"\ndeno_version = 2\n/,
  );
  assertMatch(toml, /\n\[db\.seed\]\nenabled = false\n/);
  assertMatch(toml, /\n\[api\]\n(?:(?!\[)[^\n]*\n)*max_rows = 1000\n/);
});
