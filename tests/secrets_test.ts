// Secrets stay out of the repository, and npm run bot-token mints the bot's
// database token.
import { jwtVerify } from "jose";
import { assert, assertEquals } from "./assert.ts";
import { denoLockArgs, test } from "./helpers.ts";

test("the deploy guide's secret files are never committed", async () => {
  const ignored = async (path: string) =>
    (await new Deno.Command("git", { args: ["check-ignore", "-q", path] }).output()).code === 0;
  for (const file of [".env", ".env.production", ".env.local", ".env.development"]) {
    assert(await ignored(`supabase/functions/${file}`), `${file} is ignored`);
  }
  assert(!(await ignored("supabase/functions/.env.example")), ".env.example is tracked");
});

test("npm run bot-token mints a discord_bot JWT signed with the project's secret", async () => {
  const secret = "a-project-jwt-secret-of-at-least-32-characters";
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-env", ...denoLockArgs, "scripts/bot-token.ts", "--days", "30"],
    env: { SUPABASE_JWT_SECRET: secret },
  }).output();
  assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
  const token = new TextDecoder().decode(out.stdout).trim();
  const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(secret), {
    algorithms: ["HS256"],
  });
  assertEquals(protectedHeader.alg, "HS256");
  assertEquals(payload.role, "discord_bot");
  const days = (payload.exp! - payload.iat!) / 86400;
  assertEquals(days, 30);
  const missing = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-env", ...denoLockArgs, "scripts/bot-token.ts"],
    env: { SUPABASE_JWT_SECRET: "" },
  }).output();
  assertEquals(missing.code, 2);
});
