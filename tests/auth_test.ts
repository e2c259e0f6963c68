// Tokens complete-verification must refuse, and what happens when the
// identity provider's key set cannot be fetched.
import { generateKeyPair, SignJWT } from "jose";
import { assertEquals } from "./assert.ts";
import {
  AUDIENCE,
  baseEnv,
  botKey,
  call,
  db,
  discordId,
  ENVIRONMENTS,
  fakeAuth0,
  insertMember,
  ISSUER,
  serve,
  serveFunctions,
  SERVICE_KEY,
  test,
} from "./helpers.ts";

const auth0 = await fakeAuth0();
const server = serveFunctions(baseEnv(auth0.jwksUrl));
const COMPLETE = server.fn("complete-verification");
const claim = "https://mynatca.org/member_number";
const member = await insertMember("public");
const body = { verification_id: crypto.randomUUID() };
const b64 = (v: unknown) =>
  btoa(JSON.stringify(v)).replace(/=+$/, "").replace(/\+/g, "-")
    .replace(/\//g, "_");
const now = () => Math.floor(Date.now() / 1000);
const goodClaims = () => ({
  sub: `auth0|${member}`,
  [claim]: member,
  iss: ISSUER,
  aud: AUDIENCE,
  iat: now(),
  exp: now() + 300,
});

async function hs256(secret: Uint8Array) {
  return await new SignJWT(goodClaims()).setProtectedHeader({ alg: "HS256", kid: "test-key-1" })
    .sign(secret);
}

test("a valid token reaches the handler (404 for an unknown request)", async () => {
  const res = await call(COMPLETE, { token: await auth0.memberToken(member), body });
  assertEquals(res.status, 404);
});

test("complete-verification refuses bad tokens with 401 invalid_token", async () => {
  const other = await generateKeyPair("RS256");
  const valid = await auth0.memberToken(member);
  const [h, p, s] = valid.split(".");
  const tampered = `${h}.${
    b64({ ...JSON.parse(atob(p.replace(/-/g, "+").replace(/_/g, "/"))), [claim]: "OTHER" })
  }.${s}`;
  const publicPem = JSON.stringify(auth0.jwk);
  const cases: Record<string, string | undefined> = {
    "no token": undefined,
    "garbage": "not-a-jwt",
    "alg none": `${b64({ alg: "none", typ: "JWT" })}.${b64(goodClaims())}.`,
    "HS256 with the service key": await hs256(new TextEncoder().encode(SERVICE_KEY)),
    "HS256 with the public key": await hs256(new TextEncoder().encode(publicPem)),
    "key outside the JWKS with a trusted kid": await auth0.sign(
      { sub: `auth0|${member}`, [claim]: member },
      { key: other.privateKey },
    ),
    "expired": await auth0.sign({ sub: `auth0|${member}`, [claim]: member }, {
      expiresIn: now() - 60,
    }),
    "not yet valid": await auth0.sign({ sub: `auth0|${member}`, [claim]: member }, {
      notBefore: now() + 120,
    }),
    "wrong issuer": await auth0.sign({ sub: "auth0|x", [claim]: member }, {
      iss: "https://evil.example/",
    }),
    "wrong audience": await auth0.sign({ sub: "auth0|x", [claim]: member }, {
      aud: "https://other.api",
    }),
    "tampered payload": tampered,
    "no sub": await auth0.sign({ [claim]: member }),
  };
  for (const [name, token] of Object.entries(cases)) {
    const res = await call(COMPLETE, { token, body });
    assertEquals(res.status, 401, name);
    assertEquals(res.body.error.code, "invalid_token", name);
  }
});

test("a signed token whose sub or member number holds a control character is 401 invalid_token", async () => {
  const UNLINK = server.fn("unlink-discord");
  for (const bad of ["\u0000", "\u0007", "\n", "\u007f", "\u009b"]) {
    const tokens = {
      sub: await auth0.sign({ sub: `auth0|${member}${bad}x`, [claim]: member }),
      "member number": await auth0.sign({ sub: `auth0|${member}`, [claim]: `${member}${bad}` }),
    };
    for (const [what, token] of Object.entries(tokens)) {
      const name = `${what} with U+${bad.codePointAt(0)!.toString(16).padStart(4, "0")}`;
      for (
        const res of [
          await call(COMPLETE, { token, body }),
          await call(`${COMPLETE}?verification_id=${body.verification_id}`, {
            method: "GET",
            token,
          }),
          await call(UNLINK, { token, body: {} }),
        ]
      ) {
        assertEquals([res.status, res.body.error?.code], [401, "invalid_token"], name);
      }
    }
  }
});

test("a JWKS endpoint that is down gives 503, never a pass", async () => {
  const down = serveFunctions(baseEnv("http://127.0.0.1:9/.well-known/jwks.json"));
  const broken = serve(() => new Response("oops", { status: 500 }));
  const erroring = serveFunctions(baseEnv(`${broken.url}/.well-known/jwks.json`));
  try {
    for (const fn of [down.fn("complete-verification"), erroring.fn("complete-verification")]) {
      const res = await call(fn, { token: await auth0.memberToken(member), body });
      assertEquals(res.status, 503);
      assertEquals(res.body.error.code, "unavailable");
    }
  } finally {
    await Promise.all([down.close(), broken.close(), erroring.close()]);
  }
});

test("the environment selects the request and member tables", async () => {
  // Each member exists in one environment only, and so does each request:
  // only the matching environment can complete it.
  const create = (environment: string) =>
    call(server.fn("create-verification"), {
      token: botKey(environment),
      body: { discord_id: discordId(), discord_username: "env", environment },
    });
  for (const { environment, shared, discord } of ENVIRONMENTS) {
    const other = ENVIRONMENTS.find((e) => e.environment !== environment)!;
    const only = await insertMember(shared);
    const created = await create(environment);
    assertEquals(created.status, 201, environment);
    const vid = created.body.verification_id;
    const token = await auth0.memberToken(only);
    const elsewhere = await call(COMPLETE, {
      token,
      body: { verification_id: vid, environment: other.environment },
    });
    assertEquals(elsewhere.status, 404, `${environment} request from ${other.environment}`);
    assertEquals(elsewhere.body.error.code, "not_found");
    const here = await call(COMPLETE, { token, body: { verification_id: vid, environment } });
    assertEquals(here.status, 200, `${environment}: ${JSON.stringify(here.body)}`);
    assertEquals([here.body.member_number, here.body.verification_id], [only, vid]);
    const [row] = await db`select discord_id from ${db(`${shared}.members`)}
                           where member_number = ${only}`;
    assertEquals(row.discord_id, here.body.discord_id);

    // A request of this environment, by a member who exists only in the other
    // one: the member is looked up here, so it is unknown (403), not linked.
    const stranger = await insertMember(other.shared);
    const foreign = await create(environment);
    const refused = await call(COMPLETE, {
      token: await auth0.memberToken(stranger),
      body: { verification_id: foreign.body.verification_id, environment },
    });
    assertEquals(refused.status, 403, `${environment}: member only in ${other.environment}`);
    const [req] = await db`select status, failure_reason
                           from ${db(`${discord}.verification_requests`)}
                           where verification_id = ${foreign.body.verification_id}`;
    assertEquals([req.status, req.failure_reason], ["failed", "member not found"]);
  }
});
