// The project's import graph as Deno resolves it (`deno info --json`).
import { assertEquals } from "../assert.ts";

const ROOT = new URL("../..", import.meta.url).pathname;

interface Module {
  specifier: string;
  dependencies?: { code?: { specifier: string }; type?: { specifier: string } }[];
}

/** The project's own modules reachable from `entry`, each with the project modules it imports. */
export async function moduleGraph(entry: string): Promise<Map<string, string[]>> {
  const out = await new Deno.Command("node", {
    args: [`${ROOT}node_modules/deno/bin.cjs`, "info", "--json", `./${entry}`],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
  }).output();
  assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
  const { modules } = JSON.parse(new TextDecoder().decode(out.stdout)) as { modules: Module[] };
  const local = (s: string) =>
    s.startsWith(`file://${ROOT}`) ? s.slice(`file://${ROOT}`.length) : "";
  const graph = new Map<string, string[]>();
  for (const m of modules) {
    if (!local(m.specifier)) continue;
    const deps = (m.dependencies ?? []).flatMap((d) => [d.code?.specifier, d.type?.specifier])
      .filter((s): s is string => !!s && !!local(s)).map(local);
    graph.set(local(m.specifier), [...new Set(deps)]);
  }
  return graph;
}

/** Every cycle found by a depth-first walk, as the path that closes it. */
export function cycles(graph: Map<string, string[]>): string[] {
  const found: string[] = [];
  const state = new Map<string, "open" | "done">();
  const visit = (node: string, path: string[]) => {
    state.set(node, "open");
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === "open") {
        found.push([...path.slice(path.indexOf(next)), node, next].join(" -> "));
      } else if (!state.has(next)) visit(next, [...path, node]);
    }
    state.set(node, "done");
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node, []);
  return found;
}

export async function entryPoints(): Promise<string[]> {
  const entries: string[] = [];
  for await (const fn of Deno.readDir(`${ROOT}supabase/functions`)) {
    if (fn.isDirectory) entries.push(`supabase/functions/${fn.name}/index.ts`);
  }
  // The operator CLI and the local server load the sync and every function.
  return [
    ...entries.sort(),
    "scripts/sync_cli.ts",
    "scripts/serve.ts",
    "bench/sync_bench_worker.ts",
  ];
}
