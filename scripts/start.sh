#!/usr/bin/env bash
# `npm start`: the local stack, migrations, demo data in the legacy MySQL
# database when it is empty, then every function on 127.0.0.1:$FUNCTIONS_PORT (54321).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash local/stack.sh up
[ -f supabase/functions/.env ] || cp supabase/functions/.env.example supabase/functions/.env
scripts/deno run -A scripts/seed.ts --if-empty
exec scripts/deno run -A scripts/serve.ts
