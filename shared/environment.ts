// The two environments of the one Supabase project and their schemas.
import { z } from "zod";

export const environmentSchema = z.enum(["production", "development"]).default("production");
export type Environment = z.infer<typeof environmentSchema>;

export interface Schemas {
  /** members, positions, facilities, regions, sync_logs */
  shared: string;
  /** verification_requests, discord_link_audit, validation_* */
  discord: string;
}

const SCHEMAS: Record<Environment, Schemas> = {
  production: { shared: "public", discord: "discord" },
  development: { shared: "dev", discord: "discord_dev" },
};

export const schemasFor = (environment: Environment): Schemas => SCHEMAS[environment];
