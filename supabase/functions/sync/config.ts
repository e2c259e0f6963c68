// The sync's variables live with the sync (the operator CLI reads them too).
export { syncConfig as configSchema } from "../../../shared/sync/config.ts";
