// One structured JSON line per event. Callers pass only fields that are safe
// to keep: never a token, key, password or email address.
export type LogFields = Record<string, string | number | boolean | null | undefined>;

const silent = (() => {
  try {
    return Deno.env.get("LOG_LEVEL") === "silent";
  } catch {
    return false; // no env permission: log
  }
})();

export function log(level: "info" | "warn" | "error", event: string, fields: LogFields = {}) {
  if (silent) return;
  const line = JSON.stringify({ level, event, time: new Date().toISOString(), ...fields });
  if (level === "error") console.error(line);
  else console.log(line);
}
