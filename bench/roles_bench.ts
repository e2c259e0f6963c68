// What the Discord role policy costs the sync, measured against the same runs
// without rules, in the same run of the benchmark, at BENCH_ROLES_MEMBERS
// members (200,000) with BENCH_LINKED_SHARE (10 %) of them linked, and a
// realistic rule set of 30 rules: a member role, a FacRep role for each of 20
// facilities, NEB, and a regional VP role for each of 9 regions, in one guild
// with a nickname template. Each sync runs in its own process, as the
// operator CLI runs it (bench/sync_bench_worker.ts):
//   - first load: empty tables to the whole source (nobody linked yet);
//   - no-op resync: nothing changed in the source;
//   - every member changed: each member's last name is new in the source, so
//     every row is written, and every linked member's nickname changes;
//   - the rule edit: one rule giving a role to every active member, inserted
//     in one statement (the events it writes counted).
// BENCH_REPEATS timed runs after an untimed warm-up, median (min–max).
// Uses mynatca_bench and the development schemas, which it empties.
import { loadDemoData, mysqlConnect, recreateSourceDatabase, scaled } from "../local/demo_data.ts";
import { fmt, type Spread, spread } from "./lib.ts";
import { linkMembers } from "./sync_bench_stats.ts";
import { db, LINKED_SHARE, progress, repeated, resetDev, step } from "./sync_bench_harness.ts";
import { envNumber } from "./lib.ts";
import { applyPolicy, policySchema } from "../scripts/roles_policy.ts";

const MEMBERS = envNumber("BENCH_ROLES_MEMBERS", 200_000);
const GUILD = "700000000000000001";

async function clearPolicy() {
  await db`truncate discord_dev.guilds cascade`;
  await db`truncate private.discord_dev_roles_state, discord_dev.role_grace`;
}

interface Codes {
  facilities: { facility_code: string }[];
  regions: { region_code: string }[];
}
/** The facilities and regions the first load wrote. */
const codesOf = async (): Promise<Codes> => ({
  facilities: [
    ...await db`select facility_code from dev.facilities
                           where active order by facility_code limit 20`,
  ] as Codes["facilities"],
  regions: [
    ...await db`select region_code from dev.regions order by region_code limit 9`,
  ] as Codes["regions"],
});

/** The 30 rules, written as `npm run roles -- apply` writes a policy file. */
async function writePolicy({ facilities, regions }: Codes) {
  let role = 800000000000000000n;
  const next = () => String(++role);
  const policy = policySchema.parse({
    guilds: [{
      guild_id: GUILD,
      name: "Bench",
      nickname_template: "{first_name} {last_name} | {facility_code}",
      rules: [
        { role_id: next(), description: "Member", grace_days: 7 },
        ...facilities.map((f) => ({
          role_id: next(),
          description: `${f.facility_code} FacRep`,
          position_types: ["facrep"],
          facility_codes: [f.facility_code],
        })),
        { role_id: next(), description: "NEB", position_types: ["neb"] },
        ...regions.map((r) => ({
          role_id: next(),
          description: `${r.region_code} RVP`,
          position_types: ["regional"],
          region_codes: [r.region_code],
        })),
      ],
    }],
  });
  await applyPolicy(db, "development", policy, false);
}

let edits = 0;
async function changeEveryLastName() {
  const my = await mysqlConnect("mynatca_bench");
  edits++;
  await my.query(`update member set LastName = concat(substring_index(LastName, '~', 1), '~', ?)`, [
    edits,
  ]);
  await my.end();
}

const events = async () =>
  (await db`select count(*)::int as n from discord_dev.member_events
                                    where kind = 'roles_changed'`)[0].n as number;

interface Variant {
  first_load: Spread;
  noop: Spread;
  every_member_changed: Spread;
  roles_changed_events_per_change: number;
}

async function variant(codes: Codes | undefined): Promise<Variant> {
  const label = codes ? "with rules" : "without rules";
  const load = async () => {
    await resetDev();
    await clearPolicy();
    if (codes) await writePolicy(codes);
  };
  const firstLoad = await repeated(`${label}: first load`, load, () => step("sync"));
  await linkMembers(db, MEMBERS, LINKED_SHARE);
  // Links written directly (setup), so the feed's state is brought in line once.
  if (codes) await db`select private.discord_dev_roles_refresh_all('link', 'role-rules')`;
  const noop = await repeated(`${label}: no-op`, async () => {}, () => step("sync"));
  const before = await events();
  const changed = await repeated(
    `${label}: every member changed`,
    changeEveryLastName,
    () => step("sync"),
  );
  const perChange = Math.round((await events() - before) / (changed.length + 1));
  return {
    first_load: spread(firstLoad.map((s) => s.wall_s)),
    noop: spread(noop.map((s) => s.wall_s)),
    every_member_changed: spread(changed.map((s) => s.wall_s)),
    roles_changed_events_per_change: perChange,
  };
}

progress(`loading ${MEMBERS} members into mynatca_bench`);
const conn = await recreateSourceDatabase("mynatca_bench");
await loadDemoData(conn, scaled(MEMBERS));
await conn.end();

const without = await variant(undefined);
const codes = await codesOf();
const withRules = await variant(codes);

// The rule edit: one rule for every active member, on the state the runs left.
const ruleEdit: number[] = [];
let ruleEvents = 0;
for (let i = 0; i <= Number(Deno.env.get("BENCH_REPEATS") ?? 3); i++) {
  await db`delete from discord_dev.role_rules where description = 'every active member'`;
  const before = await events();
  const t = performance.now();
  await db`insert into discord_dev.role_rules (guild_id, role_id, description)
           values (${GUILD}, '800000000000009999', 'every active member')`;
  if (i > 0) ruleEdit.push((performance.now() - t) / 1000);
  ruleEvents = await events() - before;
  progress(`rule edit ${i === 0 ? "warm-up" : `run ${i}`} done (${ruleEvents} events)`);
}
await clearPolicy();
const [{ linked }] =
  await db`select count(*)::int as linked from dev.members where discord_id is not null`;

const ratio = (a: Spread, b: Spread) => a.median / b.median;
const result = {
  members: MEMBERS,
  linked,
  rules: 30,
  without,
  with_rules: withRules,
  rule_edit: { seconds: spread(ruleEdit), events: ruleEvents },
  ratios: {
    first_load: ratio(withRules.first_load, without.first_load),
    noop: ratio(withRules.noop, without.noop),
    every_member_changed: ratio(withRules.every_member_changed, without.every_member_changed),
  },
};
await Deno.mkdir("bench-results", { recursive: true });
await Deno.writeTextFile("bench-results/roles.json", JSON.stringify(result, null, 2));

const row = (what: string, a: Spread, b: Spread, goal: string) =>
  console.log(`| ${what} | ${fmt(b)} s | ${fmt(a)} s | ${ratio(a, b).toFixed(2)}× | ${goal} |`);
console.log(
  `\nDiscord roles at ${MEMBERS} members, ${linked} linked, 30 rules (one process per sync)\n`,
);
console.log("| run | without rules | with rules | ratio | goal |");
console.log("|---|---|---|---|---|");
row("first load", withRules.first_load, without.first_load, "≤ 1.25×");
row("no-op resync", withRules.noop, without.noop, "≤ 1.10×");
row(
  `every member changed (${withRules.roles_changed_events_per_change} roles_changed events)`,
  withRules.every_member_changed,
  without.every_member_changed,
  "≤ 1.25×",
);
console.log(
  `| rule edit: a role for every active member (${ruleEvents} events) | | ${
    fmt(spread(ruleEdit))
  } s | | < 10 s |`,
);
await db.end();
