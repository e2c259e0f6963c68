// Operator CLI for alert delivery (docs/operations.md, "Alerts"):
//   npm run alerts -- test [--environment development]
// queues a test alert, asks the deployed sync function's health check to
// deliver (the path every alert takes), and reports what each configured
// webhook answered. SUPABASE_URL, SUPABASE_DB_URL and an operator key come
// from the environment (locally: supabase/functions/.env and the stack).
import { parseArgs } from "node:util";
import { loadConfig, serviceConfig } from "../shared/config.ts";
import { closePools, getSql, type Sql } from "../shared/db.ts";
import { type Environment, environmentSchema } from "../shared/environment.ts";
import { localEnv } from "../local/stack.ts";

const WAIT_MS = 60_000;

const { values, positionals } = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: { environment: { type: "string", default: "production" } },
});
if (positionals[0] !== "test") {
  console.error("usage: npm run alerts -- test [--environment development]");
  Deno.exit(2);
}

interface Delivery {
  target_name: string | null;
  format: string | null;
  state: string | null;
  last_status: number | null;
  last_error: string | null;
}

async function deliveries(sql: Sql, nonce: string): Promise<Delivery[] | undefined> {
  const rows = await sql<Delivery[]>`
    select d.target_name, d.format, d.state, d.last_status, d.last_error
    from private.alerts a left join private.alert_deliveries d on d.alert_id = a.id
    where a.kind = 'test' and a.details ->> 'nonce' = ${nonce}
    order by d.target`;
  return rows.length ? rows : undefined;
}

async function askForDelivery(env: Record<string, string>, environment: Environment) {
  const config = loadConfig(serviceConfig, env);
  const key = config.SUPABASE_SERVICE_ROLE_KEY ?? config.SUPABASE_SECRET_KEYS[0];
  const url = `${
    env.SUPABASE_URL?.replace(/\/$/, "")
  }/functions/v1/sync?environment=${environment}`;
  const res = await fetch(url, { headers: { authorization: `Bearer ${key}`, apikey: key! } });
  await res.body?.cancel();
  if (res.status !== 200 && res.status !== 503) {
    throw new Error(
      `GET /sync answered ${res.status}: is the sync function deployed and the key right?`,
    );
  }
}

const environment = environmentSchema.parse(values.environment);
const env = await localEnv();
const sql = getSql(loadConfig(serviceConfig, env), "alerts-cli");
try {
  const nonce = crypto.randomUUID();
  await sql`insert into private.alert_occurrences (environment, kind, code, details)
            values (${environment}, 'test', 'test', ${sql.json({ nonce })})`;
  await askForDelivery(env, environment);
  const until = Date.now() + WAIT_MS;
  let rows = await deliveries(sql, nonce);
  while (Date.now() < until && (!rows || rows.some((r) => r.state === "pending"))) {
    await new Promise((r) => setTimeout(r, 1000));
    rows = await deliveries(sql, nonce);
  }
  if (!rows) {
    console.error(
      `no test alert was composed within ${WAIT_MS / 1000} s: is ALERT_WEBHOOK_URL` +
        `${environment === "development" ? "_DEVELOPMENT" : ""} set in the functions' secrets?`,
    );
    Deno.exitCode = 1;
  } else {
    for (const r of rows) {
      const answer = r.last_status
        ? ` (HTTP ${r.last_status})`
        : r.last_error
        ? ` (${r.last_error})`
        : "";
      console.log(`${r.target_name} [${r.format}]: ${r.state}${answer}`);
    }
    if (rows.some((r) => r.state !== "delivered")) Deno.exitCode = 1;
  }
} catch (e) {
  console.error(e instanceof Error ? e.message : String(e));
  Deno.exitCode = 1;
} finally {
  await closePools();
}
