# Sourced by the shell scripts: the local stack's addresses from
# local/stack.env (process environment first), and the URLs derived from them.
_stack_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
while IFS='=' read -r _k _v; do
  case "$_k" in ''|\#*) continue ;; esac
  [ -n "${!_k:-}" ] || export "$_k=$_v"
done <"$_stack_root/local/stack.env"
export STACK_PG_URL="postgresql://postgres:postgres@127.0.0.1:$STACK_PG_PORT/postgres"
export STACK_FUNCTIONS_URL="http://127.0.0.1:$FUNCTIONS_PORT"
unset _k _v _stack_root
