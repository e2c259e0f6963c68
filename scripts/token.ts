// Prints a member access token from the local issuer (local/issuer.ts), for
// trying complete-verification and unlink-discord against `npm start`.
//   npm run token -- --member <number> [--sub <id>] [--numeric] [--without-role]
import { parseArgs } from "node:util";
import { mintMemberToken } from "../local/issuer.ts";
import { localEnv } from "../local/stack.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    member: { type: "string" },
    sub: { type: "string" },
    numeric: { type: "boolean", default: false },
    "without-role": { type: "boolean", default: false },
  },
});
if (!values.member) {
  console.error(
    "usage: npm run token -- --member <number> [--sub <id>] [--numeric] [--without-role]",
  );
  Deno.exit(2);
}
if (values.numeric && !/^[0-9]+$/.test(values.member)) {
  console.error("--numeric needs a member number made of digits");
  Deno.exit(2);
}
const vars = await localEnv();
console.log(
  await mintMemberToken({
    memberNumber: values.member,
    sub: values.sub,
    numeric: values.numeric,
    withoutRole: values["without-role"],
    audience: vars.AUTH0_AUDIENCE ?? "https://api.mynatca.org",
    domain: vars.AUTH0_DOMAIN,
  }),
);
