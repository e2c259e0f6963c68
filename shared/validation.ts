// The body of every function, as zod schemas. Unknown fields are rejected.
import { z } from "zod";
import { environmentSchema } from "./environment.ts";

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

export const SYNC_TABLES = ["regions", "facilities", "members", "positions"] as const;
export type SyncTable = typeof SYNC_TABLES[number];

export const syncBody = withEnvironment({
  tables: z.array(z.enum(SYNC_TABLES)).min(1).max(4).optional(),
  dry_run: z.boolean().default(false),
});

export const environmentOnlyBody = withEnvironment({});

export const healthQuery = z.strictObject({ environment: environmentSchema });
