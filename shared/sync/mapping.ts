// The cleaning rules every table's mapping uses (docs/sync.md), and the shape
// of a mapped record. Each table's own rules are in tables/<name>.ts. A record
// that breaks a rule is rejected with a reason; the caller counts it and goes on.
import { z } from "zod";

/** A record as the source's page query returns it. */
export type SourceRow = Record<string, unknown>;

/** Trims and collapses inner runs of white space; empty becomes null. */
export function cleanText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  let text = String(value).trim();
  // Most values are clean already: only rebuild those with runs of white
  // space or white space other than a single blank.
  if (/\s\s|[^\S ]/.test(text)) text = text.replace(/\s+/g, " ");
  return text === "" ? null : text;
}

export const cleanCode = (value: unknown) => cleanText(value)?.toUpperCase() ?? null;

/** MySQL zero dates and empty values are NULL; dates stay `YYYY-MM-DD`. */
export function cleanDate(value: unknown): string | null {
  const text = cleanText(value);
  if (!text || /^0000-00-00/.test(text)) return null;
  return /^\d{4}-\d{2}-\d{2}/.test(text) ? text.slice(0, 10) : null;
}

export const bool = (value: unknown) => value === 1 || value === true || value === "1";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const email = (value: unknown) => {
  const text = cleanText(value)?.toLowerCase() ?? null;
  return text && EMAIL.test(text) ? text : null;
};

/** A source text column that must not be empty once cleaned. */
export const requiredText = (what: string) => z.string({ error: `${what} is empty` });

/**
 * A mapped record, or why it was rejected. `notice` reports a value the
 * mapping had to replace (an unknown member status) on a record it kept.
 */
export type Mapped<T> =
  | { ok: true; row: T; notice?: Notice }
  | { ok: false; reason: string };

export interface Notice {
  /** What was replaced, e.g. `unknown_status`. */
  kind: string;
  /** The raw source value. */
  value: string;
}

/** `candidate` checked against `schema`: the row, or every rule it breaks. */
export function check<T>(schema: z.ZodType<T>, candidate: unknown): Mapped<T> {
  const parsed = schema.safeParse(candidate);
  if (parsed.success) return { ok: true, row: parsed.data };
  return { ok: false, reason: parsed.error.issues.map((i) => i.message).join("; ") };
}
