// unlink-discord's variables: service and bot keys, Auth0 for members, the Hub's origins.
import { auth0Config, botConfig, hubConfig, serviceConfig } from "../../../shared/config.ts";

export const configSchema = serviceConfig.extend({ ...botConfig, ...auth0Config, ...hubConfig });
