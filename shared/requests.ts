// What each function accepts, as zod schemas. Unknown fields are rejected.
import { z } from "zod";
import { environmentSchema } from "./environment.ts";
import { SYNC_TABLES } from "./sync/tables.ts";

/** Every body may carry the environment; absent means production. */
const withEnvironment = <T extends z.ZodRawShape>(shape: T) =>
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
const readableText = (max: number) =>
  z.string().trim()
    .min(1, "must not be empty")
    .max(max, `at most ${max} characters`)
    .refine(
      (text) => !/[\p{Cc}\p{Cf}]/u.test(text),
      "must not contain control or format characters",
    );

export const createVerificationBody = withEnvironment({
  discord_id: discordId,
  discord_username: readableText(32),
});

export const completeVerificationBody = withEnvironment({
  verification_id: z.uuid("must be a UUID"),
  /** The member confirms that this account replaces the one linked now. */
  replace_existing_link: z.boolean().default(false),
});

export const previewQuery = withEnvironment({
  verification_id: z.uuid("must be a UUID"),
});

/**
 * A member unlinks their own account (no fields); the bot or an operator
 * names the Discord account, with an optional reason. The handler checks
 * which fields fit the caller.
 */
export const unlinkBody = withEnvironment({
  discord_id: discordId.optional(),
  reason: readableText(200).optional(),
});

export const syncBody = withEnvironment({
  tables: z.array(z.enum(SYNC_TABLES)).min(1).max(SYNC_TABLES.length).optional(),
  dry_run: z.boolean().default(false),
});

/** cleanup's body and GET /sync's query string: just the environment. */
export const environmentOnly = withEnvironment({});
