#!/usr/bin/env bash
# `npm test`: format, lint and type checks, the Deno tests (unit and
# integration, against the local stack over real HTTP) and the pgTAP tests.
# Ends with one line of totals and exits non-zero on any failure.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export NO_COLOR=1 LOG_LEVEL="${LOG_LEVEL:-silent}"
DENO="npx --no-install deno"
source scripts/stack-vars.sh
PG_URL=$STACK_PG_URL
passed=0
failed=0
out="$(mktemp)"
trap 'rm -f "$out"' EXIT

check() { # name, command...: one pass or one fail
  local name=$1; shift
  if "$@" >"$out" 2>&1; then
    passed=$((passed + 1)); echo "ok   $name"
  else
    failed=$((failed + 1)); echo "FAIL $name"; tail -n 60 "$out"
  fi
}

bash scripts/stack.sh up || { echo "0 passed, 1 failed (the local stack did not start)"; exit 1; }

# The database itself: built from zero by the migrations, stable on a second
# `migration up`, clean for Supabase's advisors, and matching the committed types.
reapply_is_noop() {
  local log
  log=$(npx --no-install supabase migration up --remote="$PG_URL" --yes 2>&1) || { echo "$log"; return 1; }
  echo "$log"
  grep -q "up to date" <<<"$log" && ! grep -q "Applying" <<<"$log"
}
check "migrations apply from zero (stack reset)" bash scripts/stack.sh reset
check "a second migration up is a no-op" reapply_is_noop
check "supabase db advisors (warn)" npx --no-install supabase db advisors --remote="$PG_URL" --level warn --fail-on warn
check "generated types match the migrations" bash scripts/gen-types.sh --check

check "deno fmt --check" $DENO fmt --check
check "deno lint" $DENO lint
check "deno check" $DENO check supabase/functions/*/index.ts scripts/*.ts local/*.ts tests/*.ts

# Deno tests: counts come from the runner's own summary line.
$DENO test -A --no-check tests/ 2>&1 | tee "$out" | grep -E "^(.* \.\.\. (FAILED|ok)|ERRORS|FAILURES)" | grep -v " ok" || true
summary=$(grep -E "^(ok|FAILED) \| [0-9]+ passed" "$out" | tail -1)
if [ -z "$summary" ]; then
  failed=$((failed + 1)); echo "FAIL deno test did not finish"; tail -n 80 "$out"
else
  passed=$((passed + $(sed -E 's/.*\| ([0-9]+) passed.*/\1/' <<<"$summary")))
  failed=$((failed + $(sed -E 's/.*\| ([0-9]+) failed.*/\1/' <<<"$summary")))
  grep -q "^FAILED" <<<"$summary" && sed -n '/ERRORS/,$p' "$out" | head -n 120
  echo "deno test: $summary"
fi

# pgTAP: every assertion counts.
if PGPASSWORD=postgres pg_prove -d "$PG_URL" tests/db/*.sql >"$out" 2>&1; then :; fi
tests=$(grep -oE "Tests=[0-9]+" "$out" | tail -1 | cut -d= -f2)
bad=$(grep -oE "Failed [0-9]+/[0-9]+ subtests" "$out" | awk '{split($2,a,"/"); s+=a[1]} END {print s+0}')
if [ -z "$tests" ]; then
  failed=$((failed + 1)); echo "FAIL pg_prove did not run"; tail -n 40 "$out"
else
  grep -q "Result: PASS" "$out" || { sed -n '1,120p' "$out"; [ "$bad" -gt 0 ] || bad=1; }
  passed=$((passed + tests - bad)); failed=$((failed + bad))
  echo "pg_prove: $tests assertions, $bad failed"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
