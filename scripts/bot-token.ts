// Mints the Discord bot's JWT for the Data API and Realtime: `role` is
// `discord_bot`, signed (HS256) with the project's JWT secret, as Supabase's
// own anon and service_role keys are. The bot sends it as its apikey and
// bearer token; PostgREST and Realtime then run its queries as discord_bot.
//   SUPABASE_JWT_SECRET=... npm run bot-token -- [--days 90]
import { parseArgs } from "node:util";
import { SignJWT } from "jose";

const { values } = parseArgs({
  args: Deno.args,
  options: { days: { type: "string", default: "90" } },
});
const secret = Deno.env.get("SUPABASE_JWT_SECRET");
if (!secret || secret.length < 32) {
  console.error("Set SUPABASE_JWT_SECRET to the project's JWT secret (at least 32 characters).");
  Deno.exit(2);
}
const days = Number(values.days);
if (!Number.isInteger(days) || days < 1 || days > 3650) {
  console.error("--days takes a whole number from 1 to 3650.");
  Deno.exit(2);
}
const token = await new SignJWT({ role: "discord_bot" })
  .setProtectedHeader({ alg: "HS256", typ: "JWT" })
  .setIssuer("supabase")
  .setIssuedAt()
  .setExpirationTime(`${days}d`)
  .sign(new TextEncoder().encode(secret));
console.log(token);
