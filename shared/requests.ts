// What each function accepts, as zod schemas. Unknown fields are rejected.
import { z } from "zod";
import { environmentSchema } from "./environment.ts";
import { SYNC_TABLES } from "./sync/tables.ts";

/** Every body may carry the environment; absent means production. */
const withEnvironment = <T extends z.ZodRawShape>(shape: T) =>
  z.strictObject({ ...shape, environment: environmentSchema });

export const discordId = z.string().regex(/^[0-9]{17,20}$/, "must be a string of 17-20 digits");

export const createVerificationBody = withEnvironment({
  discord_id: discordId,
  discord_username: z.string().trim().min(1, "must not be empty").max(32, "at most 32 characters"),
});

export const completeVerificationBody = withEnvironment({
  verification_id: z.uuid("must be a UUID"),
});

export const syncBody = withEnvironment({
  tables: z.array(z.enum(SYNC_TABLES)).min(1).max(4).optional(),
  dry_run: z.boolean().default(false),
});

/** cleanup's body and GET /sync's query string: just the environment. */
export const environmentOnly = withEnvironment({});
