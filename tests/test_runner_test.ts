// The counting behind `npm test` (scripts/test-results.ts), fed with what the
// real runners report for the fixture suites in tests/fixtures/: whatever
// goes wrong in a suite must count as failed, and a clean suite must count
// exactly. The fixtures are run by the Deno running this file, so each leg
// of `npm test` checks its own Deno's reports.
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { STACK_PG_URL } from "../local/stack.ts";
import { type Count, countDenoTests, countPgTap, runPgTap } from "../scripts/test-counts.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const FIXTURES = `${ROOT}tests/fixtures/`;

// --no-lock: Deno 2.1 cannot read this repository's deno.lock, and the
// fixtures import nothing.
const DENO_FLAGS = ["--no-lock"];

/** Runs one fixture suite as scripts/test.sh runs tests/, and counts its report. */
async function denoSuite(fixture: string, junit?: string): Promise<Count> {
  const path = junit ?? await Deno.makeTempFile({ suffix: ".xml" });
  try {
    const { code } = await new Deno.Command(Deno.execPath(), {
      args: ["test", "-A", "--no-check", ...DENO_FLAGS, `--junit-path=${path}`, FIXTURES + fixture],
      cwd: ROOT,
      env: { NO_COLOR: "1" },
      stdout: "null",
      stderr: "null",
    }).output();
    return countDenoTests(await Deno.readTextFile(path).catch(() => undefined), code);
  } finally {
    if (!junit) await Deno.remove(path);
  }
}

const pgTapFile = async (fixture: string) =>
  countPgTap(await runPgTap(STACK_PG_URL, FIXTURES + fixture));

function assertProblem(count: Count, pattern: RegExp) {
  assert(
    count.problems.some((p) => pattern.test(p)),
    `no problem matches ${pattern}: ${JSON.stringify(count.problems)}`,
  );
}

Deno.test("a clean Deno suite counts exactly", async () => {
  assertEquals(await denoSuite("clean.fixture.ts"), { passed: 2, failed: 0, problems: [] });
});

Deno.test("Deno.test.only fails the run: the filtered-out tests count as failed", async () => {
  const count = await denoSuite("only.fixture.ts");
  assertEquals([count.passed, count.failed], [1, 2]);
  assertProblem(count, /^2 filtered out, so a test uses Deno\.test\.only: .*left out/);
});

Deno.test("an ignored test counts as failed", async () => {
  const count = await denoSuite("ignored.fixture.ts");
  assertEquals([count.passed, count.failed], [1, 1]);
  assertProblem(count, /^1 ignored: .*is ignored$/);
});

Deno.test("a failing test counts as failed, with its message", async () => {
  const count = await denoSuite("failing.fixture.ts");
  assertEquals([count.passed, count.failed], [1, 1]);
  assertProblem(count, /failing\.fixture\.ts > fails: .*this fixture fails on purpose/);
});

Deno.test("a module that does not load fails the run through the exit status", async () => {
  const count = await denoSuite("broken.fixture.ts");
  assertEquals([count.passed, count.failed], [0, 1]);
  assertProblem(count, /^deno test exited 1 with no failing test/);
});

Deno.test("a report whose totals disagree with its test cases counts as failed", () => {
  // Two passing test cases, under totals that say otherwise (a truncated or
  // hand-edited report).
  const junit = (tests: number, failures: number) =>
    `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="deno test" tests="${tests}" failures="${failures}" errors="0" time="0.002">
  <testsuite name="./a_test.ts" tests="2" disabled="0" errors="0" failures="0">
    <testcase name="one" classname="./a_test.ts" time="0.001" line="1" col="6">
    </testcase>
    <testcase name="two" classname="./a_test.ts" time="0.001" line="2" col="6">
    </testcase>
  </testsuite>
</testsuites>`;
  assertEquals(countDenoTests(junit(2, 0), 0), { passed: 2, failed: 0, problems: [] });
  for (const [tests, failures] of [[3, 0], [2, 1]]) {
    const count = countDenoTests(junit(tests, failures), 0);
    assertEquals([count.passed, count.failed], [2, 1], `tests ${tests}, failures ${failures}`);
    assertProblem(
      count,
      new RegExp(
        `^the report's totals \\(tests ${tests}, failures ${failures}, errors 0\\) ` +
          "disagree with its 2 test cases$",
      ),
    );
  }
});

Deno.test("a pgTAP file that dies midway counts its missing assertions as failed", async () => {
  const count = await pgTapFile("dies.fixture.sql");
  assertEquals([count.passed, count.failed], [1, 4]);
  assertProblem(count, /dies\.fixture\.sql: not ok 2 - fails$/);
  assertProblem(count, /dies\.fixture\.sql: planned 5, ran 2$/);
  assertProblem(count, /dies\.fixture\.sql: psql exited 3: .*division by zero/);
});

Deno.test("a pgTAP file without a plan fails", async () => {
  const count = await pgTapFile("noplan.fixture.sql");
  assertEquals([count.passed, count.failed], [2, 1]);
  assertProblem(count, /noplan\.fixture\.sql: no plan$/);
});

Deno.test("a clean pgTAP file counts exactly", async () => {
  assertEquals(await pgTapFile("clean.fixture.sql"), { passed: 3, failed: 0, problems: [] });
});

/** Runs scripts/test-results.ts as scripts/test.sh does. */
async function results(...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", ...DENO_FLAGS, `${ROOT}scripts/test-results.ts`, ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "inherit",
  }).output();
  return { code: out.code, lines: new TextDecoder().decode(out.stdout).trimEnd().split("\n") };
}

Deno.test("the summary says what each number counts and ends with the sum", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/checks`, "ok   deno lint\nok   deno check\n");
    await Deno.writeTextFile(`${dir}/deno-legs`, "9.9.9 0\n");
    await denoSuite("clean.fixture.ts", `${dir}/deno-9.9.9.xml`);
    const pgtap = await results(
      "pgtap",
      STACK_PG_URL,
      `${dir}/pgtap.json`,
      FIXTURES + "clean.fixture.sql",
    );
    assertEquals(pgtap.code, 0);

    const clean = await results("summary", dir);
    assertEquals(clean.lines, [
      "checks: 2 passed, 0 failed",
      "tests (deno 9.9.9): 2 passed, 0 failed",
      "assertions: 3 passed, 0 failed",
      "7 passed, 0 failed",
    ]);
    assertEquals(clean.code, 0);

    // One leg that used `only`: the run fails and says why.
    await Deno.writeTextFile(`${dir}/deno-legs`, "9.9.9 0\n1.1.1 1\n");
    await denoSuite("only.fixture.ts", `${dir}/deno-1.1.1.xml`);
    const only = await results("summary", dir);
    assertMatch(only.lines[0], /^FAIL tests \(deno 1\.1\.1\): 2 filtered out/);
    assertEquals(only.lines.slice(-5), [
      "checks: 2 passed, 0 failed",
      "tests (deno 9.9.9): 2 passed, 0 failed",
      "tests (deno 1.1.1): 1 passed, 2 failed",
      "assertions: 3 passed, 0 failed",
      "8 passed, 2 failed",
    ]);
    assertEquals(only.code, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a results directory with nothing in it is a failure, not a green zero", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const empty = await results("summary", dir);
    assertEquals(empty.lines.at(-1), "0 passed, 3 failed");
    assertEquals(empty.code, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
