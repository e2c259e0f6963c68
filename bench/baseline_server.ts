// The verification benchmark's baseline: a bare Deno.serve handler doing one
// INSERT into the same table, with the same pool, and nothing else.
import postgres from "postgres";

const sql = postgres(Deno.env.get("SUPABASE_DB_URL")!, {
  prepare: false,
  max: Number(Deno.env.get("DB_POOL_SIZE") ?? 10),
});
const port = Number(Deno.env.get("PORT") ?? 54332);
Deno.serve({ hostname: "127.0.0.1", port, onListen: () => {} }, async (req) => {
  if (req.method === "OPTIONS") return new Response(null, { status: 204 });
  const body = await req.json();
  const [row] = await sql`
    insert into discord_dev.verification_requests (discord_id, discord_username, expires_at)
    values (${body.discord_id}, ${body.discord_username}, now() + interval '30 minutes')
    returning verification_id, expires_at`;
  return Response.json({ verification_id: row.verification_id, expires_at: row.expires_at }, {
    status: 201,
  });
});
