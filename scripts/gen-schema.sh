#!/usr/bin/env bash
# Writes supabase/schema.sql: the project's schemas as they stand after every
# migration, for a reader who wants the present rather than the history.
#   npm run gen:schema            write the file
#   npm run gen:schema -- --check fail when the committed file differs
# pg_dump --schema-only of the project's six schemas, without owners (the
# platform's roles own things differently per machine) but with the grants,
# which are the design. What varies from run to run or machine to machine is
# dropped: the dump's random \restrict key and its version lines.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source local/stack-vars.sh
OUT=supabase/schema.sql
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
{
  echo "-- The project's schemas after every migration in supabase/migrations, written"
  echo "-- by npm run gen:schema (pg_dump 15, --schema-only --no-owner). Do not edit:"
  echo "-- change the database with a new migration, then regenerate this file."
  "$PG_BIN/pg_dump" --schema-only --no-owner \
    -n public -n dev -n discord -n discord_dev -n private -n monitoring \
    "$STACK_PG_URL?sslmode=disable" |
    grep -Ev '^\\(un)?restrict |^-- Dumped (from|by) '
} >"$tmp"
if [ "${1:-}" = "--check" ]; then
  if ! diff -u "$OUT" "$tmp" >/dev/null; then
    echo "$OUT differs from the migrations; run: npm run gen:schema" >&2
    diff -u "$OUT" "$tmp" | head -40 >&2
    exit 1
  fi
else
  cp "$tmp" "$OUT"
  echo "wrote $OUT"
fi
