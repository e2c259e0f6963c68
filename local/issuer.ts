// A local stand-in for the Member Hub's Auth0 tenant, so the member side can
// be tried without one: an RS256 key pair kept in .stack/issuer/ (made on
// first use), its key set served by the local function server, and tokens
// shaped like the Hub's Auth0 access tokens. The functions trust it only
// because the local configuration names it (AUTH0_DOMAIN, AUTH0_JWKS_URL);
// a deployed project never does, and its key set lives on loopback only.
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from "jose";
import { MEMBER_NUMBER_CLAIM } from "../shared/auth.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const DIR = `${ROOT}.stack/issuer`;
const KID = "local-issuer-1";

/** The local issuer's name: AUTH0_DOMAIN in supabase/functions/.env.example. */
export const LOCAL_ISSUER_DOMAIN = "local-issuer.localhost";
/** Where the local function server serves the key set. */
export const LOCAL_JWKS_PATH = "/local-issuer/jwks.json";

interface Keys {
  privateJwk: JWK;
  jwks: { keys: JWK[] };
}

async function keys(): Promise<Keys> {
  try {
    return JSON.parse(await Deno.readTextFile(`${DIR}/keys.json`));
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  const pair = await generateKeyPair("RS256", { extractable: true });
  const made: Keys = {
    privateJwk: { ...await exportJWK(pair.privateKey), kid: KID, alg: "RS256" },
    jwks: { keys: [{ ...await exportJWK(pair.publicKey), kid: KID, alg: "RS256", use: "sig" }] },
  };
  await Deno.mkdir(DIR, { recursive: true });
  await Deno.writeTextFile(`${DIR}/keys.json`, JSON.stringify(made), { mode: 0o600 });
  return made;
}

/** The key set, as a JWKS endpoint answers it. */
export const localJwks = async () => (await keys()).jwks;

export interface MemberTokenOptions {
  memberNumber: string;
  sub?: string;
  /** The claim as a number, as the real Hub types it. */
  numeric?: boolean;
  /**
   * Leave out `role`, as a tenant without the Auth0 Action that adds it would:
   * the functions still accept such a token, the Data API runs it as anon.
   */
  withoutRole?: boolean;
  audience: string;
  domain?: string;
  expiresIn?: string;
}

/**
 * An access token like the Hub's: `sub`, the member-number claim, `role:
 * "authenticated"` (both added by the tenant's Auth0 Action), issuer,
 * audience, 1 h.
 */
export async function mintMemberToken(opts: MemberTokenOptions): Promise<string> {
  const { privateJwk } = await keys();
  const claim = opts.numeric ? Number(opts.memberNumber) : opts.memberNumber;
  const role = opts.withoutRole ? {} : { role: "authenticated" };
  return await new SignJWT({ ...role, [MEMBER_NUMBER_CLAIM]: claim })
    .setProtectedHeader({ alg: "RS256", kid: KID, typ: "JWT" })
    .setSubject(opts.sub ?? `auth0|local-${opts.memberNumber}`)
    .setIssuer(`https://${opts.domain ?? LOCAL_ISSUER_DOMAIN}/`)
    .setAudience(opts.audience)
    .setIssuedAt()
    .setExpirationTime(opts.expiresIn ?? "1h")
    .sign(await importJWK(privateJwk, "RS256"));
}
