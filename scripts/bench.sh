#!/usr/bin/env bash
# `npm run bench`: the verification and sync benchmarks against the local
# stack. They reset the development schemas; results also land in bench-results/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/stack.sh up
export LOG_LEVEL=silent
npx --no-install deno run -A bench/verification.ts
npx --no-install deno run -A bench/sync.ts
