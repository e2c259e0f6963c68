// The local issuer: `npm run token` prints a member token that the locally
// configured functions accept, with the member-number claim as a string or
// a number; a function configured for another issuer refuses it.
import { assertEquals } from "./assert.ts";
import {
  baseEnv,
  botKey,
  call,
  denoLockArgs,
  insertMember,
  serve,
  serveFunctions,
  test,
} from "./helpers.ts";
import { LOCAL_ISSUER_DOMAIN, localJwks } from "../local/issuer.ts";

const AUDIENCE = "https://api.mynatca.local-test";
const jwks = serve(async () => Response.json(await localJwks()));
const local = serveFunctions({
  ...baseEnv(`${jwks.url}/local-issuer/jwks.json`),
  AUTH0_DOMAIN: LOCAL_ISSUER_DOMAIN,
  AUTH0_AUDIENCE: AUDIENCE,
});

/** `npm run token -- <args>` as a developer runs it. */
async function token(...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", ...denoLockArgs, "scripts/token.ts", ...args],
    env: { AUTH0_DOMAIN: LOCAL_ISSUER_DOMAIN, AUTH0_AUDIENCE: AUDIENCE },
  }).output();
  return { code: out.code, token: new TextDecoder().decode(out.stdout).trim() };
}

test("npm run token: a member token the local functions accept, string or numeric claim, with or without role", async () => {
  for (
    const [numeric, withoutRole] of [[false, false], [true, false], [false, true]] as const
  ) {
    const member = `${Math.floor(Math.random() * 1e9)}`;
    await insertMember("dev", { member_number: member });
    const minted = await token(
      "--member",
      member,
      ...(numeric ? ["--numeric"] : []),
      ...(withoutRole ? ["--without-role"] : []),
    );
    assertEquals(minted.code, 0);
    const claims = JSON.parse(
      atob(minted.token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")),
    );
    assertEquals(typeof claims["https://mynatca.org/member_number"], numeric ? "number" : "string");
    // The Hub's tokens carry the role the Data API runs them as; the
    // functions accept a token with or without it.
    assertEquals(claims.role, withoutRole ? undefined : "authenticated");
    assertEquals(claims.sub, `auth0|local-${member}`);
    const created = await call(local.fn("create-verification"), {
      token: botKey("development"),
      body: {
        discord_id: `5${member.padStart(17, "0")}`,
        discord_username: "local",
        environment: "development",
      },
    });
    assertEquals(created.status, 201);
    const vid = created.body.verification_id;
    const preview = await call(
      `${local.fn("complete-verification")}?verification_id=${vid}&environment=development`,
      { method: "GET", token: minted.token },
    );
    assertEquals(preview.status, 200);
    const done = await call(local.fn("complete-verification"), {
      token: minted.token,
      body: { verification_id: vid, environment: "development" },
    });
    assertEquals([done.status, done.body.member_number], [200, member]);
  }
  const sub = await token("--member", "77", "--sub", "auth0|someone");
  assertEquals(JSON.parse(atob(sub.token.split(".")[1])).sub, "auth0|someone");
  assertEquals((await token()).code, 2);
});

test("functions configured for another issuer refuse the local issuer's tokens", async () => {
  const real = serveFunctions({
    ...baseEnv(`${jwks.url}/local-issuer/jwks.json`),
    AUTH0_AUDIENCE: AUDIENCE,
  });
  try {
    const minted = await token("--member", "12345");
    const res = await call(real.fn("complete-verification"), {
      token: minted.token,
      body: { verification_id: crypto.randomUUID() },
    });
    assertEquals(res.status, 401);
    assertEquals(res.body.error.code, "invalid_token");
  } finally {
    await real.close();
  }
});
