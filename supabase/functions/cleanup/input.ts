// What POST /cleanup accepts: only the environment.
export { environmentOnly as cleanupBody } from "../../../shared/requests.ts";
