// The alerts' variables (docs/operations.md, "Alerts"), read leniently: an
// alert setting never makes the sync misconfigured. A malformed URL becomes a
// target whose deliveries are refused, visibly, in monitoring.alert_deliveries;
// a malformed number is its default.
import { z } from "zod";

export const alertConfig = {
  /** Production's webhooks, comma-separated (unset: alerts stay rows only). */
  ALERT_WEBHOOK_URL: z.string().optional(),
  /** Development's webhooks (unset: development's alerts stay rows only). */
  ALERT_WEBHOOK_URL_DEVELOPMENT: z.string().optional(),
  /**
   * A repeated alert is sent at most once per this many minutes (fractions
   * allowed). Like every alert setting, a malformed value never stops a sync:
   * it falls back to the default.
   */
  ALERT_REPEAT_MINUTES: z.coerce.number().positive().max(7 * 24 * 60).catch(60),
  /** An undeliverable alert is retried this long (hours, fractions allowed; cleanup keeps alerts 7 days). */
  ALERT_MAX_AGE_HOURS: z.coerce.number().positive().max(7 * 24).catch(24),
};

const alertSchema = z.object(alertConfig);
export type AlertConfig = z.infer<typeof alertSchema>;
