// The scheduler's credential: what pg_cron's jobs send instead of
// SCHEDULER_API_KEY. Their requests wait in pg_net's queue, which every
// database role can read on hosted Supabase, so what is queued must be
// worthless soon after: `sched1.<t>.<sig>`, where <sig> is the hex
// HMAC-SHA256, keyed with the scheduler's key, of `sched1.<t>.<METHOD>.<fn>`.
// It names one function and one method, and is taken for 300 seconds after
// <t> (60 ahead, for clocks). private.scheduler_credential makes it in SQL.

const PREFIX = "sched1";
/** How long after its time a credential is taken: pg_net sends within seconds. */
export const CREDENTIAL_MAX_AGE_S = 300;
/** How far ahead of this clock a credential's time may be. */
export const CREDENTIAL_MAX_AHEAD_S = 60;

const encoder = new TextEncoder();
const SHAPE = /^sched1\.([0-9]{1,12})\.([0-9a-f]{64})$/;

export const isSchedulerCredential = (token: string) => token.startsWith(`${PREFIX}.`);

const signed = (t: number, method: string, fn: string) =>
  encoder.encode(`${PREFIX}.${t}.${method}.${fn}`);

const hmacKey = (key: string, usage: "sign" | "verify") =>
  crypto.subtle.importKey("raw", encoder.encode(key), { name: "HMAC", hash: "SHA-256" }, false, [
    usage,
  ]);

/** A credential for `method fn` at Unix time `t` (tests and the operator's tools; SQL makes the jobs'). */
export async function signSchedulerCredential(
  key: string,
  method: string,
  fn: string,
  t = Math.floor(Date.now() / 1000),
): Promise<string> {
  const sig = await crypto.subtle.sign("HMAC", await hmacKey(key, "sign"), signed(t, method, fn));
  const hex = [...new Uint8Array(sig)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${PREFIX}.${t}.${hex}`;
}

/**
 * Checks credentials for the function `fn` against every scheduler key (a
 * rotation holds two). The signature is checked by Web Crypto's verify, in
 * constant time; every key is tried, so timing does not say which matched.
 */
export function schedulerCredentialVerifier(keys: string[], fn: string) {
  const imported = Promise.all(keys.map((key) => hmacKey(key, "verify")));
  return async (token: string, method: string, nowMs = Date.now()): Promise<boolean> => {
    const match = SHAPE.exec(token);
    if (!match) return false;
    const t = Number(match[1]);
    const age = Math.floor(nowMs / 1000) - t;
    if (age > CREDENTIAL_MAX_AGE_S || age < -CREDENTIAL_MAX_AHEAD_S) return false;
    const sig = Uint8Array.from(match[2].match(/../g)!, (byte) => parseInt(byte, 16));
    const data = signed(t, method, fn);
    const results = await Promise.all(
      (await imported).map((key) => crypto.subtle.verify("HMAC", key, sig, data)),
    );
    return results.includes(true);
  };
}
