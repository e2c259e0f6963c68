// The alerts' variables (docs/operations.md, "Alerts"). The webhook lists are
// read leniently: a malformed URL must not make the sync misconfigured (an
// alert setting never stops a sync), so it becomes a target whose deliveries
// are refused, visibly, in monitoring.alert_deliveries.
import { z } from "zod";

export const alertConfig = {
  /** Production's webhooks, comma-separated (unset: alerts stay rows only). */
  ALERT_WEBHOOK_URL: z.string().optional(),
  /** Development's webhooks (unset: development's alerts stay rows only). */
  ALERT_WEBHOOK_URL_DEVELOPMENT: z.string().optional(),
  /** A repeated alert is sent at most once per this many minutes (fractions allowed). */
  ALERT_REPEAT_MINUTES: z.coerce.number().positive().max(7 * 24 * 60).default(60),
  /** An undeliverable alert is retried this long (hours, fractions allowed). */
  ALERT_MAX_AGE_HOURS: z.coerce.number().positive().max(30 * 24).default(24),
};

const alertSchema = z.object(alertConfig);
export type AlertConfig = z.infer<typeof alertSchema>;
