// The pieces the functions' input schemas (supabase/functions/<name>/input.ts)
// are built from. Unknown fields are rejected.
import { z } from "zod";
import { environmentSchema } from "./environment.ts";

/** Every body may carry the environment; absent means production. */
export const withEnvironment = <T extends z.ZodRawShape>(shape: T) =>
  z.strictObject({ ...shape, environment: environmentSchema });

/** The largest Discord snowflake: an unsigned 64-bit integer. */
const MAX_SNOWFLAKE = 18446744073709551615n;

/** A Discord snowflake as a string: 17-20 digits, no leading zero, within 64 bits. */
export const discordId = z.string()
  .regex(/^[1-9][0-9]{16,19}$/, "must be a string of 17-20 digits without a leading zero")
  .refine((id) => !/^[0-9]+$/.test(id) || BigInt(id) <= MAX_SNOWFLAKE, {
    message: "must be at most 18446744073709551615",
  });

/**
 * Text a person will read: no control or format characters (Unicode Cc, Cf).
 * Bidi overrides would disguise the name a member is asked to confirm, and
 * Postgres cannot store NUL at all.
 */
export const readableText = (max: number) =>
  z.string().trim()
    .min(1, "must not be empty")
    .max(max, `at most ${max} characters`)
    .refine(
      (text) => !/[\p{Cc}\p{Cf}]/u.test(text),
      "must not contain control or format characters",
    );

/** cleanup's body and GET /sync's query string: just the environment. */
export const environmentOnly = withEnvironment({});
