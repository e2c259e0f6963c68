// The local stack's own tools read the configuration the way the function
// server does: supabase/functions/.env (or its example) under the process
// environment. A key overridden in the environment of `npm start` must reach
// Vault too, or every cron call gets 401.
import { assertEquals } from "./assert.ts";
import { db, test } from "./helpers.ts";

const ROOT = new URL("..", import.meta.url).pathname;

/** `npm run stack -- vault` with `env` on top of this process's environment. */
async function writeVault(env: Record<string, string>) {
  const out = await new Deno.Command("bash", {
    args: [`${ROOT}local/stack.sh`, "vault"],
    env,
  }).output();
  assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
}

const vaultKey = async () =>
  (await db`select decrypted_secret as key from vault.decrypted_secrets
            where name = 'scheduler_api_key'`)[0]?.key;

test("the process environment's SCHEDULER_API_KEY reaches Vault, its first key while rotating", async () => {
  const before = await vaultKey();
  try {
    await writeVault({ SCHEDULER_API_KEY: "test-scheduler-key-from-the-environment-1" });
    assertEquals(await vaultKey(), "test-scheduler-key-from-the-environment-1");
    await writeVault({
      SCHEDULER_API_KEY: "test-scheduler-key-from-the-environment-2,test-scheduler-key-old-one-3",
    });
    assertEquals(await vaultKey(), "test-scheduler-key-from-the-environment-2");
  } finally {
    await db`select private.set_vault_secret('scheduler_api_key', ${before ?? null})`;
  }
});
