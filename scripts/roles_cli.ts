// Operator CLI for the Discord role policy (docs/operations.md, "Discord role
// policy"):
//   npm run roles -- preview --environment <env> --rules <file.json>
//       how many members each role would gain and lose; changes nothing
//   npm run roles -- apply --environment <env> --rules <file.json>
//       writes the file's guilds and rules in one transaction
//   npm run roles -- export --environment <env>
//       prints the environment's policy in the file's shape
import { parseArgs } from "node:util";
import { baseConfig, loadConfig } from "../shared/config.ts";
import { closePools, getSql } from "../shared/db.ts";
import { environmentSchema } from "../shared/environment.ts";
import { localEnv } from "../local/stack.ts";
import { applyPolicy, currentPolicy, type PolicyOutcome, readPolicy } from "./roles_policy.ts";

const { values, positionals } = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: {
    environment: { type: "string", default: "production" },
    rules: { type: "string" },
  },
});
const command = positionals[0];
if (!["preview", "apply", "export"].includes(command ?? "")) {
  console.error("usage: npm run roles -- preview|apply --environment <env> --rules <file.json>");
  console.error("       npm run roles -- export --environment <env>");
  Deno.exit(2);
}
if (command !== "export" && !values.rules) {
  console.error(`${command} needs --rules <file.json>`);
  Deno.exit(2);
}

function print(outcome: PolicyOutcome, applied: boolean) {
  const verb = applied ? "changed" : "would change";
  console.log(
    `${outcome.events} roles_changed event(s) ${applied ? "written" : "would be written"}; ` +
      `${outcome.nicknames} nickname(s) ${verb}`,
  );
  if (outcome.roles.length === 0) console.log("no member gains or loses a role");
  for (const r of outcome.roles) {
    console.log(`guild ${r.guild_id} role ${r.role_id}: +${r.gained} -${r.lost}`);
  }
}

const environment = environmentSchema.parse(values.environment);
const config = loadConfig(baseConfig, await localEnv());
const sql = getSql(config, "roles-cli");
try {
  if (command === "export") {
    console.log(JSON.stringify(await currentPolicy(sql, environment), null, 2));
  } else {
    const policy = await readPolicy(values.rules!);
    const applied = command === "apply";
    print(await applyPolicy(sql, environment, policy, !applied), applied);
  }
} catch (e) {
  console.error(e instanceof Error ? e.message : String(e));
  Deno.exitCode = 1;
} finally {
  await closePools();
}
