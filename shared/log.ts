// One structured JSON line per event. Callers pass only fields that are safe
// to keep: never a token, key, password or email address.
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export const LOG_LEVELS = ["silent", "error", "warn", "info"] as const;
export type LogLevel = typeof LOG_LEVELS[number];
type LineLevel = Exclude<LogLevel, "silent">;

// Set from the validated configuration (LOG_LEVEL) when a function or tool
// starts; until then everything is written, so a start-up fault is never lost.
let threshold = LOG_LEVELS.indexOf("info");

export function setLogLevel(level: LogLevel) {
  threshold = LOG_LEVELS.indexOf(level);
}

export function log(level: LineLevel, event: string, fields: LogFields = {}) {
  if (LOG_LEVELS.indexOf(level) > threshold) return;
  const line = JSON.stringify({ level, event, time: new Date().toISOString(), ...fields });
  if (level === "error") console.error(line);
  else console.log(line);
}
