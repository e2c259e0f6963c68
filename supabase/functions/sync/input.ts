// What POST /sync accepts; GET /sync takes only the environment.
import { z } from "zod";
import { environmentOnly, withEnvironment } from "../../../shared/requests.ts";
import { SYNC_TABLES } from "../../../shared/sync/tables.ts";

export const syncBody = withEnvironment({
  tables: z.array(z.enum(SYNC_TABLES)).min(1).max(SYNC_TABLES.length).optional(),
  dry_run: z.boolean().default(false),
  /** Compare full rows instead of source hashes; report and repair drift. */
  full_compare: z.boolean().default(false),
});

export const healthQuery = environmentOnly;
