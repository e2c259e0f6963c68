// cleanup's variables: its database, the service role key and the scheduler's
// key (pg_cron's nightly job), and how long the bot's member events are kept.
import { z } from "zod";
import { scheduledConfig } from "../../../shared/config.ts";

export const configSchema = scheduledConfig.extend({
  /** Days a member event is kept (the bot's change feed). */
  MEMBER_EVENT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** Days a failed verification request is kept. */
  VERIFICATION_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
});
