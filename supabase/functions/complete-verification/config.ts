// complete-verification's variables: Auth0 for member tokens, the Hub's origins for CORS.
import { z } from "zod";
import { auth0Config, baseConfig, hubConfig } from "../../../shared/config.ts";

export const configSchema = baseConfig.extend({
  ...auth0Config,
  ...hubConfig,
  /** Failed completions one Auth0 `sub` may make in 10 minutes, per environment. */
  VERIFICATION_MAX_FAILED_ATTEMPTS: z.coerce.number().int().min(1).max(1000).default(10),
});
