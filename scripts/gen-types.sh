#!/usr/bin/env bash
# Generates shared/database.types.ts from the local database with the real CLI.
#   npm run gen:types            write the file
#   npm run gen:types -- --check fail when the committed file differs (drift)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source local/stack-vars.sh
OUT=shared/database.types.ts
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
# The local stack has no TLS. On a port other than supabase/config.toml's
# [db] port (a second checkout's stack), the CLI tries TLS first and prints a
# notice about the plaintext fallback on stdout, into the generated file.
npx --no-install supabase gen types typescript \
  --remote="$STACK_PG_URL?sslmode=disable" \
  --schema public,dev,discord,discord_dev >"$tmp" 2>/dev/null
if [ "${1:-}" = "--check" ]; then
  if ! diff -u "$OUT" "$tmp" >/dev/null; then
    echo "shared/database.types.ts differs from the migrations; run: npm run gen:types" >&2
    diff -u "$OUT" "$tmp" | head -40 >&2
    exit 1
  fi
else
  cp "$tmp" "$OUT"
  echo "wrote $OUT"
fi
