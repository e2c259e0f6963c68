// `npm start` as a supervisor, CI or a background job runs it: its own
// process group, output to a file, no terminal. A SIGINT to the group stops
// the function server within 2 s, and every request it answered stands.
import { assert, assertEquals } from "./assert.ts";
import { db, discordId, SERVICE_KEY, test } from "./helpers.ts";
import { FUNCTIONS_PORT } from "../local/stack.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const ENDPOINT = `http://127.0.0.1:${FUNCTIONS_PORT}/functions/v1/create-verification`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether a process of group `pgid` is still running (an unreaped zombie is not). */
async function groupAlive(pgid: number): Promise<boolean> {
  const out = await new Deno.Command("ps", { args: ["-e", "-o", "pgid=,stat="] }).output();
  return new TextDecoder().decode(out.stdout).split("\n").some((line) => {
    const [group, stat] = line.trim().split(/\s+/);
    return Number(group) === pgid && !stat.startsWith("Z");
  });
}

const signal = (name: string, pgid: number) =>
  new Deno.Command("kill", { args: [`-${name}`, "--", `-${pgid}`], stderr: "null" }).output();

test("SIGINT to npm start's process group, output to a file, stops it within 2 s", async () => {
  const log = await Deno.makeTempFile({ prefix: "npm-start-", suffix: ".log" });
  // setsid: a process group of its own, as a supervisor gives it; no terminal.
  const child = new Deno.Command("setsid", {
    args: ["sh", "-c", 'exec npm start >"$0" 2>&1 </dev/null', log],
    cwd: ROOT,
    env: { SUPABASE_SERVICE_ROLE_KEY: SERVICE_KEY, LOG_LEVEL: "error" },
    stdout: "null",
    stderr: "null",
  }).spawn();
  const pgid = child.pid;
  try {
    for (let i = 0; !(await Deno.readTextFile(log)).includes("Serving"); i++) {
      assert(
        i < 600 && await groupAlive(pgid),
        `npm start is not serving (port ${FUNCTIONS_PORT} taken?):\n${await Deno.readTextFile(
          log,
        )}`,
      );
      await sleep(200);
    }
    // Requests keep coming while the signal arrives; each answered one must stand.
    const answered: string[] = [];
    let sending = true;
    const clients = Array.from({ length: 4 }, async () => {
      while (sending) {
        const id = discordId();
        try {
          const res = await fetch(ENDPOINT, {
            method: "POST",
            headers: { authorization: `Bearer ${SERVICE_KEY}`, "content-type": "application/json" },
            body: JSON.stringify({
              discord_id: id,
              discord_username: "stop",
              environment: "development",
            }),
          });
          await res.body?.cancel();
          if (res.status === 201) answered.push(id);
        } catch {
          return; // refused: the server has stopped listening
        }
      }
    });
    await sleep(500);
    const signalled = performance.now();
    await signal("INT", pgid);
    while (await groupAlive(pgid) && performance.now() - signalled < 30_000) await sleep(20);
    const stoppedMs = Math.round(performance.now() - signalled);
    sending = false;
    await Promise.all(clients);

    assert(stoppedMs < 2000, `stopped ${stoppedMs} ms after SIGINT`);
    assert(answered.length > 0, "requests were answered before the signal");
    const [{ n }] = await db`select count(*)::int as n from discord_dev.verification_requests
                             where discord_id = any(${answered})`;
    assertEquals(n, answered.length, "every answered request has its row");
  } finally {
    if (await groupAlive(pgid)) await signal("KILL", pgid);
    await child.status;
    await Deno.remove(log);
  }
});
