// shared/retry.ts on its own: which faults are retried, how often, how long
// it waits, and when it gives up.
import { assert, assertEquals } from "./assert.ts";
import { AttemptTimeout, withRetry, withTimeout } from "../shared/retry.ts";

class Transient extends Error {}
const isTransient = (err: unknown) => err instanceof Transient;

/** A function that fails with `errors` in turn, then answers "done"; counts its calls. */
function failing(...errors: Error[]) {
  const fn = () => {
    fn.calls++;
    const err = errors.shift();
    return err ? Promise.reject(err) : Promise.resolve("done");
  };
  fn.calls = 0;
  return fn;
}

const rejection = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error("resolved, expected a rejection");
};

Deno.test("withRetry retries a transient fault, waiting at most base × 2^attempt each time", async () => {
  const fn = failing(new Transient(), new Transient(), new Transient());
  const waits: [number, number][] = [];
  const result = await withRetry(fn, {
    retries: 3,
    baseDelayMs: 2,
    isTransient,
    onRetry: (_err, attempt, delay) => waits.push([attempt, delay]),
  });
  assertEquals([result, fn.calls], ["done", 4]);
  assertEquals(waits.map(([attempt]) => attempt), [1, 2, 3]);
  for (const [attempt, delay] of waits) {
    assert(delay >= 0 && delay <= 2 * 2 ** (attempt - 1), `attempt ${attempt} waited ${delay}`);
  }
});

Deno.test("withRetry gives up after `retries` retries, with the last fault", async () => {
  const last = new Transient("third");
  const fn = failing(new Transient("first"), new Transient("second"), last);
  const err = await rejection(withRetry(fn, { retries: 2, baseDelayMs: 1, isTransient }));
  assertEquals([err, fn.calls], [last, 3]);
});

Deno.test("withRetry never retries a fault that is not transient", async () => {
  const permanent = new Error("permanent");
  const fn = failing(permanent);
  let retried = 0;
  const err = await rejection(
    withRetry(fn, { retries: 5, baseDelayMs: 1, isTransient, onRetry: () => retried++ }),
  );
  assertEquals([err, fn.calls, retried], [permanent, 1, 0]);
});

Deno.test("withRetry stops before a wait that would pass its deadline", async () => {
  const fault = new Transient();
  const fn = failing(fault, new Transient());
  // Any wait at all passes a deadline that is already here.
  const started = Date.now();
  const err = await rejection(
    withRetry(fn, { retries: 5, baseDelayMs: 10_000, isTransient, deadline: Date.now() - 1 }),
  );
  assertEquals([err, fn.calls], [fault, 1]);
  assert(Date.now() - started < 1_000, "it did not wait");
});

Deno.test("an attempt that never settles becomes an AttemptTimeout, retried if the caller says so", async () => {
  let calls = 0;
  const hangsOnce = () => ++calls === 1 ? new Promise<string>(() => {}) : Promise.resolve("late");
  const retried = await withRetry(hangsOnce, {
    retries: 1,
    baseDelayMs: 1,
    attemptTimeoutMs: 20,
    isTransient: (err) => err instanceof AttemptTimeout,
  });
  assertEquals([retried, calls], ["late", 2]);
  const err = await rejection(withTimeout(new Promise(() => {}), 20));
  assert(err instanceof AttemptTimeout, String(err));
  assertEquals((err as AttemptTimeout).code, "ATTEMPT_TIMEOUT");
  // A promise that settles in time is passed through, value or error.
  assertEquals(await withTimeout(Promise.resolve(7), 1_000), 7);
  const own = new Error("own");
  assertEquals(await rejection(withTimeout(Promise.reject(own), 1_000)), own);
});
