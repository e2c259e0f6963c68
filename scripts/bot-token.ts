// Mints the Discord bot's JWT for the Data API and Realtime: `role` is
// `discord_bot`, signed with a key the project trusts. The bot sends it as
// its bearer token (with the project's publishable or anon key as `apikey`);
// PostgREST and Realtime then run its queries as discord_bot.
//   SUPABASE_JWT_SECRET=... npm run bot-token -- [--days 90]
//     HS256 with the project's (legacy) JWT secret.
//   npm run bot-token -- --jwk private-key.json [--days 90]
//     ES256 or RS256 with a private key (a JWK with `kid` and `alg`) whose
//     public half the project trusts: one imported as a standby signing key
//     (docs/operations.md, "The Discord bot's credentials").
import { parseArgs } from "node:util";
import { importJWK, type JWK, SignJWT } from "jose";

const { values } = parseArgs({
  args: Deno.args,
  options: { days: { type: "string", default: "90" }, jwk: { type: "string" } },
});
const days = Number(values.days);
if (!Number.isInteger(days) || days < 1 || days > 3650) {
  console.error("--days takes a whole number from 1 to 3650.");
  Deno.exit(2);
}

async function signingKey(): Promise<{ alg: string; kid?: string; key: CryptoKey | Uint8Array }> {
  if (values.jwk) {
    const jwk: JWK = JSON.parse(await Deno.readTextFile(values.jwk));
    if (!jwk.d || !jwk.kid || (jwk.alg !== "ES256" && jwk.alg !== "RS256")) {
      console.error("--jwk takes a private ES256 or RS256 JWK with `kid` and `alg`.");
      Deno.exit(2);
    }
    return { alg: jwk.alg, kid: jwk.kid, key: await importJWK(jwk, jwk.alg) as CryptoKey };
  }
  const secret = Deno.env.get("SUPABASE_JWT_SECRET");
  if (!secret || secret.length < 32) {
    console.error(
      "Set SUPABASE_JWT_SECRET to the project's JWT secret (at least 32 characters), or pass --jwk.",
    );
    Deno.exit(2);
  }
  return { alg: "HS256", key: new TextEncoder().encode(secret) };
}

const { alg, kid, key } = await signingKey();
const token = await new SignJWT({ role: "discord_bot" })
  .setProtectedHeader({ alg, typ: "JWT", ...(kid ? { kid } : {}) })
  .setIssuer("supabase")
  .setIssuedAt()
  .setExpirationTime(`${days}d`)
  .sign(key);
console.log(token);
