#!/usr/bin/env bash
# `npm run bench`: the verification, sync and Discord role benchmarks against the local
# stack, then the goals checked against their results. They reset the
# development schemas; raw results land in bench-results/.
# Shorter runs: BENCH_SECONDS, BENCH_REPEATS, BENCH_SYNC_SIZES (see bench/*.ts).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash local/stack.sh up
export LOG_LEVEL=silent

# The figures depend on what else runs on the machine, so each phase reports
# how much CPU the rest of the machine took meanwhile: all busy CPU time
# (/proc/stat) minus ours, which is this script's finished children (the
# benchmarks and every process they started), and Postgres and MariaDB of
# this stack (a finished backend's time is in the postmaster's children total).
CORES=$(nproc)
TICK=$(getconf CLK_TCK)
busy() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
ticks() { awk '{print $14 + $15 + $16 + $17}' "/proc/$1/stat" 2>/dev/null || echo 0; }
ours() {
  local pm my t pid
  pm=$(head -1 .stack/pg/postmaster.pid) my=$(cat .stack/run/mysqld.pid)
  t=$(($(ticks $$) + $(ticks "$pm") + $(ticks "$my")))
  for pid in $(pgrep -P "$pm"); do t=$((t + $(ticks "$pid"))); done
  echo "$t"
}
MACHINE=()
phase() { # name, command...: runs it, then says how busy the rest of the machine was
  local name=$1 b0 o0 w0 b1 o1 w1 figures; shift
  b0=$(busy) o0=$(ours) w0=$(date +%s.%N)
  "$@"
  b1=$(busy) o1=$(ours) w1=$(date +%s.%N)
  figures=$(awk -v b=$((b1 - b0)) -v o=$((o1 - o0)) -v w="$w0" -v x="$w1" -v t="$TICK" \
    'BEGIN { s = x - w; other = (b - o) / t / s; if (other < 0) other = 0;
             printf "%.0f %.2f", s, other }')
  set -- $figures
  echo "bench: $name took $1 s; other processes used $2 of the $CORES cores meanwhile"
  MACHINE+=("\"$name\": {\"seconds\": $1, \"other_processes_cores\": $2}")
}

started=$SECONDS
echo "bench: $CORES cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start"
phase "verification" scripts/deno run -A bench/verification.ts
phase "sync" scripts/deno run -A bench/sync_bench.ts
phase "roles" scripts/deno run -A bench/roles_bench.ts
phase "alerts" scripts/deno run -A bench/alerts_bench.ts
mkdir -p bench-results
(IFS=,; echo "{\"cores\": $CORES, ${MACHINE[*]}}") >bench-results/machine.json
scripts/deno run -A bench/summary.ts
echo "bench: done in $(((SECONDS - started) / 60)) min $(((SECONDS - started) % 60)) s"
