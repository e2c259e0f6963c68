// The sync's variables: read by POST /sync and GET /sync, and by the operator
// CLI and the benchmark, which run the same sync outside the function.
import { z } from "zod";
import { required, scheduledConfig } from "../config.ts";
import { alertConfig } from "../alerts/config.ts";

const ms = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const ratio = (fallback: number) => z.coerce.number().min(0).max(1).default(fallback);

export const syncConfig = scheduledConfig.extend({
  MYSQL_HOST: required,
  MYSQL_PORT: z.coerce.number().int().min(1).max(65535).default(3306),
  MYSQL_USER: required,
  MYSQL_PASS: z.string().default(""),
  MYSQL_DB: required,
  MYSQL_SSL: z.enum(["require", "verify-full", "disable"]).default("require"),
  /** PEM text of the CA that signed the server's certificate (unset: the system store). */
  MYSQL_SSL_CA: z.string().trim().startsWith("-----BEGIN CERTIFICATE-----").optional(),
  SYNC_BATCH_SIZE: z.coerce.number().int().min(1).max(50_000).default(1000),
  SYNC_RETRY_COUNT: z.coerce.number().int().min(0).max(10).default(3),
  SYNC_RETRY_DELAY: ms(1000),
  SYNC_TIMEOUT: ms(300_000),
  MAX_SYNC_AGE: ms(86_400_000),
  MIN_SUCCESS_RATE: ratio(0.95),
  SYNC_MAX_DEACTIVATE_RATIO: ratio(0.10),
  SYNC_MAX_DEACTIVATE: z.coerce.number().int().min(0).default(200),
  SYNC_MAX_RESUME_FAILURES: z.coerce.number().int().min(1).default(5),
  /** Source rows one invocation walks before it saves its cursor (CPU budget). */
  SYNC_ROWS_PER_INVOCATION: z.coerce.number().int().min(1).default(25_000),
  /** Every Nth scheduled run of an environment compares full rows instead of source hashes. */
  SYNC_FULL_COMPARE_EVERY: z.coerce.number().int().min(1).default(28),
  // Where the health check delivers alerts (shared/alerts).
  ...alertConfig,
});

export type SyncConfig = z.infer<typeof syncConfig>;
