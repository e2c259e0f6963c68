// Who is calling: service callers (the bot, operators, pg_cron) by shared
// key, members by Auth0 access token. Each function declares which it takes
// (see defineFunction in http.ts); an Authenticate turns a request into a
// Caller or throws the 401 of docs/api.md.
import {
  createRemoteJWKSet,
  errors,
  type FlattenedJWSInput,
  type JWSHeaderParameters,
  type JWTPayload,
  jwtVerify,
} from "jose";
import type { Environment } from "./environment.ts";
import { HttpError, unavailable } from "./errors.ts";
import { isSchedulerCredential, schedulerCredentialVerifier } from "./scheduler_credentials.ts";

const encoder = new TextEncoder();

function bearer(req: Request): string | undefined {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(req.headers.get("authorization") ?? "");
  return match?.[1];
}

/**
 * Constant-time equality: every byte of the expected key is compared,
 * whatever the presented value, so timing reveals neither a matching prefix
 * nor the key's content (only the presented value's own length matters).
 */
function constantTimeEqual(presented: Uint8Array, expected: Uint8Array): boolean {
  let diff = presented.length ^ expected.length;
  for (let i = 0; i < expected.length; i++) diff |= (presented[i] ?? 0) ^ expected[i];
  return diff === 0;
}

/**
 * A service caller: operators and pg_cron hold the service role key, valid
 * for both environments; the Discord bot holds a key of one environment.
 */
export interface ServiceCaller {
  kind: "service";
  /** Operators (service_role), the Discord bot, or pg_cron's jobs (scheduler). */
  role: "service_role" | "bot" | "scheduler";
  /** The only environment this caller may act on; unset: both. */
  environment?: Environment;
}

/** A member signed in on the Member Hub. */
export interface Member {
  kind: "member";
  /** Auth0 user id (`sub`). */
  userId: string;
  /** From the member-number claim; absent when the token carries none. */
  memberNumber?: string;
}

export type Caller = ServiceCaller | Member;
export type Authenticate<C extends Caller = Caller> = (req: Request) => Promise<C>;

export interface ServiceKey {
  key: string | undefined;
  role: ServiceCaller["role"];
  environment?: Environment;
}

/**
 * Accepts requests whose bearer key equals one of `keys` (unset keys are
 * skipped), comparing with every key so that timing does not reveal which
 * one matched.
 */
export function serviceKeys(keys: ServiceKey[]): Authenticate<ServiceCaller> {
  const expected = keys.filter((k) => !!k.key).map((k) => ({
    bytes: encoder.encode(k.key),
    caller: { kind: "service", role: k.role, environment: k.environment } as ServiceCaller,
  }));
  return (req) => {
    const token = bearer(req);
    if (token) {
      const presented = encoder.encode(token);
      let match: ServiceCaller | undefined;
      for (const key of expected) {
        if (constantTimeEqual(presented, key.bytes)) match ??= key.caller;
      }
      if (match) return Promise.resolve(match);
    }
    return Promise.reject(unauthorizedService());
  };
}

const unauthorizedService = () =>
  new HttpError(401, "unauthorized", "A valid service key is required");

/** Operators: the legacy service role key while it exists, and every secret key. */
export const operatorKeys = (config: {
  SUPABASE_SERVICE_ROLE_KEY?: string;
  SUPABASE_SECRET_KEYS: string[];
}): ServiceKey[] =>
  [config.SUPABASE_SERVICE_ROLE_KEY, ...config.SUPABASE_SECRET_KEYS].map((key) => ({
    key,
    role: "service_role",
  }));

/**
 * Operators, and pg_cron's jobs for the function `fn`. A job's request
 * waits in pg_net's queue, which every database role can read on hosted
 * Supabase, so it carries a short-lived credential signed with the
 * scheduler's key (scheduler_credentials.ts), never the key. The key itself
 * stays valid for a person calling by hand, and only here: the functions
 * the jobs call.
 */
export const serviceRoleOrScheduler = (fn: string) =>
(config: {
  SUPABASE_SERVICE_ROLE_KEY?: string;
  SUPABASE_SECRET_KEYS: string[];
  SCHEDULER_API_KEY: string[];
}): Authenticate<ServiceCaller> => {
  const keys = serviceKeys([
    ...operatorKeys(config),
    ...config.SCHEDULER_API_KEY.map((key): ServiceKey => ({ key, role: "scheduler" })),
  ]);
  const verify = schedulerCredentialVerifier(config.SCHEDULER_API_KEY, fn);
  return async (req) => {
    const token = bearer(req);
    if (!token || !isSchedulerCredential(token)) return await keys(req);
    if (await verify(token, req.method)) return { kind: "service", role: "scheduler" };
    throw unauthorizedService();
  };
};

/** Operators, and the Discord bot with a key of the environment it acts on. */
export const serviceRoleOrBot = (config: {
  SUPABASE_SERVICE_ROLE_KEY?: string;
  SUPABASE_SECRET_KEYS: string[];
  DISCORD_BOT_API_KEY: string[];
  DISCORD_BOT_API_KEY_DEVELOPMENT: string[];
}) =>
  serviceKeys([
    ...operatorKeys(config),
    ...config.DISCORD_BOT_API_KEY.map((key) => botKey(key, "production")),
    ...config.DISCORD_BOT_API_KEY_DEVELOPMENT.map((key) => botKey(key, "development")),
  ]);

const botKey = (key: string, environment: Environment): ServiceKey => ({
  key,
  role: "bot",
  environment,
});

/** Either kind of caller: a service key is tried first, anything else must be a member token. */
export function serviceOrMember(
  service: Authenticate<ServiceCaller>,
  member: Authenticate<Member>,
): Authenticate {
  return (req) => service(req).catch(() => member(req));
}

export const MEMBER_NUMBER_CLAIM = "https://mynatca.org/member_number";

export interface MemberVerifierOptions {
  domain: string;
  audience: string;
  jwksUrl?: string;
  clockToleranceSeconds?: number;
}

class JwksUnavailable extends Error {}

/**
 * Verifies Auth0 access tokens: RS256 only (so neither `none` nor an HMAC
 * keyed with a public key can pass), signature from the tenant's JWKS
 * (cached, refetched on an unknown `kid`), issuer, audience, exp and nbf.
 */
/** Auth0's settings as the configuration names them. */
export const auth0FromConfig = (config: {
  AUTH0_DOMAIN: string;
  AUTH0_AUDIENCE: string;
  AUTH0_JWKS_URL?: string;
}) =>
  auth0Members({
    domain: config.AUTH0_DOMAIN,
    audience: config.AUTH0_AUDIENCE,
    jwksUrl: config.AUTH0_JWKS_URL,
  });

export function auth0Members(opts: MemberVerifierOptions): Authenticate<Member> {
  const issuer = `https://${opts.domain}/`;
  const remote = createRemoteJWKSet(
    new URL(opts.jwksUrl ?? `${issuer}.well-known/jwks.json`),
    { timeoutDuration: 3000, cooldownDuration: 30_000, cacheMaxAge: 600_000 },
  );
  // A JWKS that cannot be fetched is our fault, not the caller's: 503.
  const keys = async (header: JWSHeaderParameters, token: FlattenedJWSInput) => {
    try {
      return await remote(header, token);
    } catch (err) {
      if (err instanceof errors.JWKSNoMatchingKey) throw err;
      if (err instanceof errors.JWKSMultipleMatchingKeys) throw err;
      throw new JwksUnavailable("JWKS unavailable", { cause: err });
    }
  };

  return async (req) => {
    const token = bearer(req);
    if (!token) throw invalidToken("A bearer access token is required");
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        algorithms: ["RS256"],
        issuer,
        audience: opts.audience,
        clockTolerance: opts.clockToleranceSeconds ?? 5,
        requiredClaims: ["exp", "sub"],
      }));
    } catch (err) {
      if (err instanceof JwksUnavailable) throw unavailable("The identity provider's key set");
      if (err instanceof errors.JOSEError || err instanceof TypeError) {
        throw invalidToken("The access token is not valid");
      }
      throw err;
    }
    const claim = payload[MEMBER_NUMBER_CLAIM];
    const userId = String(payload.sub);
    const memberNumber = (typeof claim === "string" || typeof claim === "number") &&
        String(claim).trim()
      ? String(claim).trim()
      : undefined;
    // Signed, but not an identity: Postgres refuses a NUL in text (22021),
    // and no user id or member number holds a control character.
    if (CONTROL.test(userId) || (memberNumber !== undefined && CONTROL.test(String(claim)))) {
      throw invalidToken("The access token is not valid");
    }
    return { kind: "member", userId, memberNumber };
  };
}

const CONTROL = /\p{Cc}/u;

const invalidToken = (message: string) => new HttpError(401, "invalid_token", message);
