// Work that runs after a function has answered. On Supabase's Edge Runtime
// EdgeRuntime.waitUntil keeps the worker alive until the work ends (within
// the wall-time limit); in a plain Deno server (npm start, the tests) the
// process outlives the request anyway. Either way the work is tracked here,
// so a server stopping, or a test, can wait for it.
const running = new Set<Promise<void>>();

interface EdgeRuntimeGlobal {
  EdgeRuntime?: { waitUntil(promise: Promise<unknown>): void };
}

/** Runs `task` without holding up the answer; `task` must catch its own faults. */
export function inBackground(task: () => Promise<void>): void {
  const work = task().catch(() => {}).finally(() => running.delete(work));
  running.add(work);
  (globalThis as EdgeRuntimeGlobal).EdgeRuntime?.waitUntil(work);
}

/** Resolves when every background task started so far has ended. */
export async function backgroundSettled(): Promise<void> {
  while (running.size > 0) await Promise.all([...running]);
}
