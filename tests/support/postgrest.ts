// Reads as Supabase's Data API (PostgREST) and Realtime run them, for tests:
// neither can be installed here, so this does what they do with a request's
// token. Log in as `authenticator` (never a superuser), verify the token,
// switch to the role its `role` claim names (`anon` when it names none) and
// hand the claims to RLS as `request.jwt.claims`, all local to one
// transaction. A role authenticator may not switch to fails the request, as
// it does in PostgREST.
import postgres from "postgres";
import {
  createLocalJWKSet,
  decodeProtectedHeader,
  type JSONWebKeySet,
  type JWTPayload,
  jwtVerify,
} from "jose";
import { STACK_PG_PORT } from "../../local/stack.ts";
import { LOCAL_ISSUER_DOMAIN, localJwks } from "../../local/issuer.ts";
import { LOCAL_JWT_SECRET } from "../../local/stack.ts";

/** The API roles' login, as on hosted Supabase (password `postgres` locally). */
export const AUTHENTICATOR_URL =
  `postgresql://authenticator:postgres@127.0.0.1:${STACK_PG_PORT}/postgres`;

const authenticator = postgres(AUTHENTICATOR_URL, {
  prepare: false,
  max: 2,
  onnotice: () => {},
  connection: { application_name: "postgrest-stand-in" },
});

/** Who the project trusts to sign tokens. */
export interface Trust {
  /** The project's legacy JWT secret: its own keys and the bot's token (HS256). */
  jwtSecret: string;
  /** The project's asymmetric signing keys (current, standby, previously used). */
  projectKeys?: JSONWebKeySet;
  /** A third-party issuer (the Hub's Auth0) and its key set (RS256). */
  thirdParty?: { issuer: string; jwks: JSONWebKeySet };
}

/** The local stack's trust: its project JWT secret and the local issuer. */
export async function localTrust(): Promise<Trust> {
  return {
    jwtSecret: LOCAL_JWT_SECRET,
    thirdParty: { issuer: `https://${LOCAL_ISSUER_DOMAIN}/`, jwks: await localJwks() },
  };
}

/** A token PostgREST would refuse (401), before any SQL runs. */
export class RejectedToken extends Error {}

/** Verifies a token the way the project's API does: HS256 with the secret, or the issuer's keys. */
export async function verifyToken(token: string, trust: Trust): Promise<JWTPayload> {
  let alg: unknown, kid: unknown;
  try {
    ({ alg, kid } = decodeProtectedHeader(token));
  } catch {
    throw new RejectedToken("malformed token");
  }
  try {
    if (alg === "HS256") {
      return (await jwtVerify(token, new TextEncoder().encode(trust.jwtSecret), {
        algorithms: ["HS256"],
      })).payload;
    }
    if (trust.projectKeys?.keys.some((k) => k.kid === kid)) {
      return (await jwtVerify(token, createLocalJWKSet(trust.projectKeys), {
        algorithms: ["ES256", "RS256"],
      })).payload;
    }
    if (alg === "RS256" && trust.thirdParty) {
      return (await jwtVerify(token, createLocalJWKSet(trust.thirdParty.jwks), {
        algorithms: ["RS256"],
        issuer: trust.thirdParty.issuer,
      })).payload;
    }
  } catch (err) {
    throw new RejectedToken((err as Error).message);
  }
  throw new RejectedToken(`no trusted key for alg ${String(alg)}`);
}

export type RequestSql = postgres.TransactionSql;

/**
 * Runs `fn` as PostgREST runs one request carrying `token`: a transaction as
 * authenticator, switched to the token's role with its claims.
 */
export async function asRequest<T>(
  token: string,
  trust: Trust,
  fn: (sql: RequestSql) => Promise<T>,
): Promise<T> {
  const claims = await verifyToken(token, trust);
  const role = typeof claims.role === "string" && claims.role !== "" ? claims.role : "anon";
  return await authenticator.begin(async (sql) => {
    await sql`select set_config('role', ${role}, true),
                     set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`;
    return await fn(sql);
  }) as T;
}

/** Closes the authenticator pool (a file's teardown). */
export const closeAuthenticator = () => authenticator.end();
