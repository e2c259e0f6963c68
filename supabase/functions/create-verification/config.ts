// create-verification's variables: the service and bot keys, and the link it hands out.
import { z } from "zod";
import { botConfig, serviceConfig } from "../../../shared/config.ts";

export const configSchema = serviceConfig.extend({
  ...botConfig,
  VERIFICATION_URL_BASE: z.url(),
  VERIFICATION_TTL_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
  /** New requests one Discord account may get per hour, per environment. */
  VERIFICATION_MAX_PER_HOUR: z.coerce.number().int().min(1).max(1000).default(5),
});
