// complete-verification's variables: Auth0 for member tokens, the Hub's origins for CORS.
import { auth0Config, baseConfig, hubConfig } from "../../../shared/config.ts";

export const configSchema = baseConfig.extend({ ...auth0Config, ...hubConfig });
