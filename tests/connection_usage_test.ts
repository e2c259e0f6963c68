// Each function's pool names itself (application_name `mynatca-<function>`),
// so monitoring.connection_usage shows every function's connections apart,
// as service_role reads it.
import { assert, assertEquals } from "./assert.ts";
import {
  baseEnv,
  BOT_KEY,
  call,
  db,
  discordId,
  serveFunctions,
  SERVICE_KEY,
  test,
} from "./helpers.ts";

const server = serveFunctions(baseEnv());

test("monitoring.connection_usage shows each function's pool by its application name", async () => {
  const cleanup = await call(server.fn("cleanup"), {
    token: SERVICE_KEY,
    body: { environment: "development" },
  });
  assertEquals(cleanup.status, 200, JSON.stringify(cleanup.body));
  const created = await call(server.fn("create-verification"), {
    token: BOT_KEY,
    body: { discord_id: discordId(), discord_username: "pool-probe" },
  });
  assertEquals(created.status, 201, JSON.stringify(created.body));

  const rows = await db.begin(async (tx) => {
    await tx`set local role service_role`;
    return await tx<{ application_name: string; connections: number; max_connections: number }[]>`
      select application_name, connections, max_connections from monitoring.connection_usage
      where application_name like 'mynatca-%' and database = current_database()`;
  });
  const names = new Set(rows.map((r) => r.application_name));
  assert(names.has("mynatca-cleanup"), `no mynatca-cleanup row in ${JSON.stringify(rows)}`);
  assert(names.has("mynatca-create-verification"), `no mynatca-create-verification row`);
  assert(!names.has("mynatca-functions"), "no pool goes unnamed");
  const [{ max }] = await db`select current_setting('max_connections')::int as max`;
  assert(rows.every((r) => r.connections >= 1 && r.max_connections === max));
});
