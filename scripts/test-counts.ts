// How `npm test` counts each runner's structured output: checks, the JUnit
// report of a `deno test` run, and the TAP psql prints for a pgTAP file.
// scripts/test-results.ts reads the results directory and reports.

export interface Count {
  passed: number;
  failed: number;
  /** Why anything failed, one line each. */
  problems: string[];
}

const count = (): Count => ({ passed: 0, failed: 0, problems: [] });

/** The checks: one line each, `ok <name>` or `FAIL <name>`. */
export function countChecks(text: string): Count {
  const c = count();
  for (const line of text.split("\n").filter((l) => l.trim() !== "")) {
    if (line.startsWith("ok ")) c.passed++;
    else {
      c.failed++;
      c.problems.push(line.replace(/^FAIL\s+/, ""));
    }
  }
  if (c.passed + c.failed === 0) {
    c.failed = 1;
    c.problems.push("no check ran");
  }
  return c;
}

/**
 * One `deno test` run: its JUnit report and its exit status. Deno reports a
 * test marked `ignore` as skipped with a time, and the tests that
 * `Deno.test.only` filtered out as skipped without one.
 */
export function countDenoTests(junit: string | undefined, exitStatus: number): Count {
  const c = count();
  const root = junit === undefined ? null : /<testsuites\b([^>]*)>/.exec(junit);
  if (!junit || !root) {
    c.failed = 1;
    c.problems.push(`no JUnit report (deno test exited ${exitStatus})`);
    return c;
  }
  const ignored: string[] = [];
  const filtered: string[] = [];
  let failing = 0;
  for (const m of junit.matchAll(/<testcase\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const attrs = attributes(m[1]);
    const body = m[2] ?? "";
    const name = `${attrs.classname} > ${attrs.name}`;
    const failure = /<(failure|error)\b([^>]*)/.exec(body);
    if (failure) {
      failing++;
      c.failed++;
      c.problems.push(`${name}: ${firstLine(attributes(failure[2]).message ?? failure[1])}`);
    } else if (/<skipped\b/.test(body)) {
      c.failed++;
      (attrs.time === undefined ? filtered : ignored).push(name);
    } else {
      c.passed++;
    }
  }
  if (filtered.length) {
    c.problems.push(
      `${filtered.length} filtered out, so a test uses Deno.test.only: ${list(filtered)}`,
    );
  }
  if (ignored.length) c.problems.push(`${ignored.length} ignored: ${list(ignored)}`);
  // The report's own totals must agree with its test cases.
  const totals = attributes(root[1]);
  const cases = c.passed + c.failed;
  if (
    Number(totals.tests) !== cases ||
    Number(totals.failures) + Number(totals.errors) !== failing
  ) {
    c.failed++;
    c.problems.push(
      `the report's totals (tests ${totals.tests}, failures ${totals.failures}, ` +
        `errors ${totals.errors}) disagree with its ${cases} test cases`,
    );
  }
  if (exitStatus !== 0 && c.failed === 0) {
    c.failed = 1;
    c.problems.push(
      `deno test exited ${exitStatus} with no failing test (a module that does not load is not in the report)`,
    );
  }
  if (c.passed + c.failed === 0) {
    c.failed = 1;
    c.problems.push("no test ran");
  }
  return c;
}

/** What psql printed for one pgTAP file, and its exit status. */
export interface PsqlRun {
  file: string;
  stdout: string;
  stderr: string;
  status: number;
}

/**
 * One pgTAP file: every planned assertion that did not print `ok` counts as
 * failed (so a file that dies after 20 of 68 adds 48), a skipped one too, and
 * a file without a plan, with a plan it overran, or on which psql failed
 * counts one failure more.
 */
export function countPgTap(run: PsqlRun): Count {
  const c = count();
  const plans: number[] = [];
  let ran = 0;
  let outOfOrder = false;
  let bailedOut = false;
  for (const line of run.stdout.split("\n")) {
    const plan = /^1\.\.(\d+)\b/.exec(line);
    const test = /^(not )?ok\b\s*(\d+)?(.*)$/.exec(line);
    if (plan) plans.push(Number(plan[1]));
    else if (/^Bail out!/.test(line)) bailedOut = true;
    else if (test) {
      ran++;
      if (test[2] !== undefined && Number(test[2]) !== ran) outOfOrder = true;
      const skipped = /#\s*skip\b/i.test(test[3]);
      if (test[1] || skipped) {
        c.failed++;
        c.problems.push(
          `${run.file}: ${skipped ? "skipped" : "not ok"}${test[2] ? ` ${test[2]}` : ""}${test[3]}`,
        );
      } else {
        c.passed++;
      }
    }
  }
  const planned = plans.length === 1 ? plans[0] : undefined;
  let explained = false;
  if (planned === undefined || planned === 0) {
    c.failed++;
    c.problems.push(`${run.file}: ${plans.length > 1 ? "more than one plan" : "no plan"}`);
    explained = true;
  } else if (ran < planned) {
    c.failed += planned - ran;
    c.problems.push(`${run.file}: planned ${planned}, ran ${ran}`);
    explained = true;
  } else if (ran > planned) {
    c.failed++;
    c.problems.push(`${run.file}: planned ${planned}, ran ${ran}`);
    explained = true;
  }
  if (outOfOrder) {
    c.failed++;
    c.problems.push(`${run.file}: test numbers out of order`);
  }
  if (bailedOut) {
    c.failed++;
    c.problems.push(`${run.file}: bailed out`);
  }
  if (run.status !== 0) {
    if (!explained) c.failed++;
    const error = run.stderr.split("\n").filter((l) => l.trim() !== "").slice(0, 3).join(" | ");
    c.problems.push(`${run.file}: psql exited ${run.status}${error ? `: ${error}` : ""}`);
  }
  return c;
}

/** Runs one pgTAP file through psql, as pg_prove does, and keeps its output. */
export async function runPgTap(dbUrl: string, file: string): Promise<PsqlRun> {
  const out = await new Deno.Command("psql", {
    args: [
      "--no-psqlrc",
      "--quiet",
      "--no-align",
      "--tuples-only",
      "--pset=pager=off",
      "--set=ON_ERROR_STOP=1",
      `--dbname=${dbUrl}`,
      `--file=${file}`,
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return {
    file,
    stdout: text.decode(out.stdout),
    stderr: text.decode(out.stderr),
    status: out.code,
  };
}

/** Sums the pgTAP files' counts; no file at all is a failure. */
export function countPgTapRuns(runs: PsqlRun[]): Count {
  const c = count();
  for (const one of runs.map(countPgTap)) {
    c.passed += one.passed;
    c.failed += one.failed;
    c.problems.push(...one.problems);
  }
  if (runs.length === 0) {
    c.failed = 1;
    c.problems.push("no pgTAP file ran");
  }
  return c;
}

function attributes(tag: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const m of tag.matchAll(/([\w:-]+)="([^"]*)"/g)) attrs[m[1]] = unescapeXml(m[2]);
  return attrs;
}

const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, entity: string) => {
    if (entity.startsWith("#x") || entity.startsWith("#X")) {
      return String.fromCodePoint(parseInt(entity.slice(2), 16));
    }
    if (entity.startsWith("#")) return String.fromCodePoint(Number(entity.slice(1)));
    return ENTITIES[entity] ?? whole;
  });
}

const firstLine = (text: string) => text.split("\n")[0];

function list(names: string[], shown = 5): string {
  const more = names.length - shown;
  return names.slice(0, shown).join(", ") + (more > 0 ? `, and ${more} more` : "");
}
