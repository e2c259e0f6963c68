// What the Member Hub shows before the member confirms: who asked for the
// link, and what the member's link is now. Reads only.
import type { Member } from "../../../shared/auth.ts";
import type { Sql } from "../../../shared/db.ts";
import { type Environment, schemasFor } from "../../../shared/environment.ts";

export interface Preview {
  verification_id: string;
  status: string;
  discord_id: string;
  discord_username: string;
  expires_at: string;
  current_link: { discord_id: string; discord_username: string | null } | null;
}

export async function previewRequest(
  sql: Sql,
  environment: Environment,
  verificationId: string,
  member: Member,
): Promise<Preview | undefined> {
  const { shared, discord } = schemasFor(environment);
  // A pending request past its expiry is shown as expired (nothing is
  // written here; cleanup or a completion attempt marks it).
  const [row] = await sql`
    select v.verification_id, v.discord_id, v.discord_username, v.expires_at,
           case when v.status = 'pending' and v.expires_at <= now() then 'expired'
                else v.status end as status,
           m.discord_id as current_discord_id, m.discord_username as current_discord_username
    from ${sql(discord)}.verification_requests v
    left join ${sql(shared)}.members m
      on m.member_number = ${member.memberNumber ?? null} and m.discord_id is not null
    where v.verification_id = ${verificationId}`;
  if (!row) return undefined;
  return {
    verification_id: row.verification_id,
    status: row.status,
    discord_id: row.discord_id,
    discord_username: row.discord_username,
    expires_at: (row.expires_at as Date).toISOString(),
    current_link: row.current_discord_id
      ? { discord_id: row.current_discord_id, discord_username: row.current_discord_username }
      : null,
  };
}
