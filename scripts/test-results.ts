// The counting behind `npm test`, from the runners' structured output: the
// JUnit report of each `deno test` run, the TAP that psql prints for each
// pgTAP file, and the outcome of each check. Each kind of count gets one line
// naming what it counts; the last line is the sum, `N passed, M failed`.
// Anything that did not pass (a failure, an ignored or filtered-out test, a
// missing assertion, a runner that exited non-zero) counts as failed.
//
//   deno run -A scripts/test-results.ts pgtap <db-url> <out.json> <file.sql>...
//     runs each file through psql and keeps what it printed in <out.json>
//   deno run --allow-read scripts/test-results.ts summary <dir>
//     prints the counts; exit status 1 on any failure
//
// <dir>, as scripts/test.sh writes it:
//   checks               "ok <name>" or "FAIL <name>", one check a line
//   deno-legs            "<deno version> <exit status>", one `deno test` run a line
//   deno-<version>.xml   that run's JUnit report (--junit-path)
//   pgtap.json           the output of `pgtap` above
import {
  Count,
  countChecks,
  countDenoTests,
  countPgTapRuns,
  PsqlRun,
  runPgTap,
} from "./test-counts.ts";

export interface Section {
  /** What the numbers count, in a word or two: "checks", "tests (deno 2.9.6)". */
  label: string;
  count: Count;
}

/** The report's lines: the problems, one count line per section, the sum last. */
export function report(sections: Section[]): { lines: string[]; passed: number; failed: number } {
  const lines: string[] = [];
  for (const { label, count } of sections) {
    for (const problem of count.problems) lines.push(`FAIL ${label}: ${problem}`);
  }
  let passed = 0;
  let failed = 0;
  for (const { label, count } of sections) {
    lines.push(`${label}: ${count.passed} passed, ${count.failed} failed`);
    passed += count.passed;
    failed += count.failed;
  }
  lines.push(`${passed} passed, ${failed} failed`);
  return { lines, passed, failed };
}

/** Reads a results directory as scripts/test.sh writes it (see the top of this file). */
export async function readResults(dir: string): Promise<Section[]> {
  const read = (name: string) => Deno.readTextFile(`${dir}/${name}`).catch(() => undefined);
  const sections: Section[] = [{ label: "checks", count: countChecks(await read("checks") ?? "") }];
  const legs = (await read("deno-legs") ?? "").split("\n").filter((l) => l.trim() !== "");
  for (const leg of legs) {
    const [version, status] = leg.trim().split(/\s+/);
    sections.push({
      label: `tests (deno ${version})`,
      count: countDenoTests(await read(`deno-${version}.xml`), Number(status)),
    });
  }
  if (legs.length === 0) {
    sections.push({
      label: "tests",
      count: { passed: 0, failed: 1, problems: ["no deno test ran"] },
    });
  }
  const pgtap = await read("pgtap.json");
  sections.push({
    label: "assertions",
    count: countPgTapRuns(pgtap === undefined ? [] : JSON.parse(pgtap)),
  });
  return sections;
}

async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (command === "pgtap" && rest.length >= 3) {
    const [dbUrl, out, ...files] = rest;
    const runs: PsqlRun[] = [];
    for (const file of files) runs.push(await runPgTap(dbUrl, file));
    await Deno.writeTextFile(out, JSON.stringify(runs, null, 1));
    return 0;
  }
  if (command === "summary" && rest.length === 1) {
    const { lines, failed } = report(await readResults(rest[0]));
    console.log(lines.join("\n"));
    return failed === 0 ? 0 : 1;
  }
  console.error(
    "usage: test-results.ts pgtap <db-url> <out.json> <file.sql>... | summary <dir>",
  );
  return 2;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
