// Minimal assertions (jsr's @std/assert is not reachable from here).
export class AssertionError extends Error {}

export function assert(cond: unknown, message = "assertion failed"): asserts cond {
  if (!cond) throw new AssertionError(message);
}

const show = (v: unknown) =>
  JSON.stringify(v, (_, x) => typeof x === "bigint" ? `${x}n` : x) ?? String(v);

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (typeof a !== "object" || typeof b !== "object" || !a || !b) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a), kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) =>
    deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])
  );
}

export function assertEquals(actual: unknown, expected: unknown, message?: string) {
  if (!deepEqual(actual, expected)) {
    throw new AssertionError(
      `${message ? message + ": " : ""}expected ${show(expected)}, got ${show(actual)}`,
    );
  }
}

export function assertNotEquals(actual: unknown, expected: unknown, message?: string) {
  if (deepEqual(actual, expected)) {
    throw new AssertionError(`${message ? message + ": " : ""}did not expect ${show(actual)}`);
  }
}

export function assertMatch(actual: string, pattern: RegExp, message?: string) {
  if (!pattern.test(actual)) {
    throw new AssertionError(`${message ? message + ": " : ""}${show(actual)} !~ ${pattern}`);
  }
}

/** `fn` rejects, with an error whose message includes `includes`. */
export async function assertRejects(fn: () => Promise<unknown>, includes: string) {
  let error: unknown;
  try {
    await fn();
  } catch (err) {
    error = err;
  }
  if (error === undefined) throw new AssertionError(`expected a rejection (${includes})`);
  const message = (error as Error).message ?? String(error);
  if (!message.includes(includes)) {
    throw new AssertionError(`expected a rejection with "${includes}", got "${message}"`);
  }
}
