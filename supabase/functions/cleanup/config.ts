// cleanup's variables: its database, the service role key and the scheduler's
// key (pg_cron's nightly job), nothing of its own.
export { scheduledConfig as configSchema } from "../../../shared/config.ts";
