#!/usr/bin/env bash
# `npm run bench`: the verification and sync benchmarks against the local
# stack. They reset the development schemas; results also land in bench-results/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/stack.sh up
export LOG_LEVEL=silent
# Deno by its package: node_modules/.bin/deno may be the deno-edge alias's.
node node_modules/deno/bin.cjs run -A bench/verification.ts
node node_modules/deno/bin.cjs run -A bench/sync.ts
