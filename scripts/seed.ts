// Loads deterministic demo data into the local legacy MySQL database.
//   deno run -A scripts/seed.ts [--if-empty] [--members N] [--database NAME]
//   deno run -A scripts/seed.ts --schema-only [--database NAME]: the database
//   and its legacy tables where missing, no data (what the stack's `up` needs)
import { parseArgs } from "node:util";
import {
  createSourceDatabase,
  DEFAULT_SIZE,
  loadDemoData,
  mysqlConnect,
  recreateSourceDatabase,
  scaled,
} from "../local/demo_data.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    "if-empty": { type: "boolean", default: false },
    "schema-only": { type: "boolean", default: false },
    members: { type: "string" },
    database: { type: "string", default: "mynatca_members" },
  },
});

if (values["schema-only"]) {
  await (await createSourceDatabase(values.database!)).end();
  Deno.exit(0);
}
if (values["if-empty"]) {
  const conn = await mysqlConnect(values.database!);
  const [rows] = await conn.query("select count(*) as n from member");
  await conn.end();
  if ((rows as { n: number }[])[0].n > 0) Deno.exit(0);
}
const size = values.members ? scaled(Number(values.members)) : DEFAULT_SIZE;
const conn = await recreateSourceDatabase(values.database!);
await loadDemoData(conn, size);
await conn.end();
console.log(
  `demo data: ${size.regions} regions, ${size.facilities} facilities, ${size.members} members, ` +
    `${size.positions} positions in ${values.database}`,
);
