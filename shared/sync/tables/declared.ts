// Every synced table's declaration, in the order of a run: what a table
// refers to is synced before it. Adding a table is adding its module here
// (and its Postgres table, in a migration).
import { facilities } from "./facilities.ts";
import { members } from "./members.ts";
import { positions } from "./positions.ts";
import { regions } from "./regions.ts";

export const DECLARED = [regions, facilities, members, positions] as const;
