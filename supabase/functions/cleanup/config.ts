// cleanup's variables: its database and the service key, nothing of its own.
export { serviceConfig as configSchema } from "../../../shared/config.ts";
