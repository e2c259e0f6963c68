#!/usr/bin/env bash
# The project's local stack: PostgreSQL 15 (pg_cron, pgTAP) and MariaDB, each in
# a git-ignored folder of this project, on Supabase's local ports. It never
# touches another cluster on the machine: it owns only what lives in .stack/.
#   npm run stack -- install|up|down|status|reset|env
# (install: only the Debian packages the stack needs; up does it too)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STACK="$ROOT/.stack"
PG_DATA="$STACK/pg"
MY_DATA="$STACK/mysql"
RUN="$STACK/run"
LOGS="$STACK/log"
TLS="$STACK/tls"
# shellcheck source=local/stack-vars.sh
source "$ROOT/local/stack-vars.sh"
PG_PORT=$STACK_PG_PORT
MY_PORT=$STACK_MY_PORT
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
PG_URL=$STACK_PG_URL
# The cluster's superuser, as on hosted Supabase: it owns the platform layer.
# The migrations, the functions and the tests connect as postgres, which is not
# a superuser (local/platform.sql).
ADMIN_URL="postgresql://supabase_admin:postgres@127.0.0.1:$PG_PORT"
MY_DB=mynatca_members

DENO="$ROOT/scripts/deno"

say() { printf 'stack: %s\n' "$*" >&2; }

# PostgreSQL refuses to run as root, so as root the cluster belongs to the
# 'postgres' system user, which the Debian package creates.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# shellcheck source=local/stack-postgres.sh
source "$ROOT/local/stack-postgres.sh"
# shellcheck source=local/stack-mariadb.sh
source "$ROOT/local/stack-mariadb.sh"

install_missing() {
  local missing=()
  command -v psql >/dev/null || missing+=(postgresql-client-15)
  [ -x "$PG_BIN/initdb" ] || missing+=(postgresql-15)
  [ -f /usr/share/postgresql/15/extension/pg_cron.control ] || missing+=(postgresql-15-cron)
  [ -f /usr/share/postgresql/15/extension/pgtap.control ] || missing+=(postgresql-15-pgtap)
  command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || missing+=(mariadb-server)
  command -v mariadb >/dev/null || missing+=(mariadb-client)
  command -v openssl >/dev/null || missing+=(openssl)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    say "missing packages: ${missing[*]}"
    say "install them with: sudo apt-get install ${missing[*]}"
    exit 1
  fi
}

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The Supabase platform layer (roles, auth.*, extensions, net, vault...) that a
# hosted or Docker-based Supabase database already has, applied as the
# superuser. Idempotent.
platform() {
  PGOPTIONS="-c client_min_messages=warning" PGPASSWORD=postgres \
    psql -q -v ON_ERROR_STOP=1 "$ADMIN_URL/postgres" -f "$ROOT/local/platform.sql" >/dev/null
}

# The Vault secrets the pg_cron jobs read, pointing at the local function
# server: its URL and the scheduler's key, from the configuration the server
# itself reads (so an override in the process environment reaches both). On a
# real project the operator, or `npm run deploy`, sets them (docs/operations.md).
vault_secrets() {
  local key
  key=$($DENO run -A "$ROOT/scripts/local-env.ts" SCHEDULER_API_KEY | sed -n 's/^SCHEDULER_API_KEY=//p')
  # The first key of a rotation list is the one the jobs send.
  key=${key%%,*}
  PGPASSWORD=postgres psql -q -v ON_ERROR_STOP=1 "$PG_URL" -v key="$key" -v url="$STACK_FUNCTIONS_URL" >/dev/null <<'SQL'
select private.set_vault_secret('project_url', :'url'),
       private.set_vault_secret('scheduler_api_key', nullif(:'key', ''));
SQL
}

migrate() {
  (cd "$ROOT" && npx --no-install supabase migration up --remote="$PG_URL" --yes >"$LOGS/migrate.log" 2>&1) || {
    cat "$LOGS/migrate.log" >&2; exit 1; }
}

servers_up() {
  install_missing
  mkdir -p "$RUN" "$LOGS"
  [ "$(id -u)" = 0 ] && chown postgres: "$RUN" "$LOGS" 2>/dev/null || true
  chmod 1777 "$RUN" "$LOGS" 2>/dev/null || true
  pg_up
  my_up
}

up() {
  servers_up
  my_schema
  platform
  migrate
  vault_secrets
  say "up: postgres 127.0.0.1:$PG_PORT, mariadb 127.0.0.1:$MY_PORT"
}

down() {
  if [ -f "$PG_DATA/PG_VERSION" ] && pg_running; then
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null
  fi
  my_down
  say "down"
}

status() {
  local rc=0
  if [ -f "$PG_DATA/PG_VERSION" ] && pg_running; then echo "postgres: running on 127.0.0.1:$PG_PORT"; else echo "postgres: stopped"; rc=1; fi
  if my_running; then echo "mariadb: running on 127.0.0.1:$MY_PORT"; else echo "mariadb: stopped"; rc=1; fi
  return $rc
}

# Recreate the Postgres database from the platform layer and migrations; the
# legacy MySQL database is emptied too so demo data can be reloaded.
reset() {
  # Only the servers: the database about to be dropped may hold a migration
  # history that the current migrations no longer match.
  servers_up
  PGPASSWORD=postgres psql -q -v ON_ERROR_STOP=1 "$ADMIN_URL/template1" <<'SQL' >/dev/null
select pg_terminate_backend(pid) from pg_stat_activity where datname = 'postgres' and pid <> pg_backend_pid();
drop database if exists postgres with (force);
create database postgres;
SQL
  # pg_cron's launcher follows its database; restart so it finds the new one.
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$LOGS/postgres.log" -w -m fast restart >/dev/null
  mariadb --protocol=tcp -h127.0.0.1 -P"$MY_PORT" -uroot -e "DROP DATABASE IF EXISTS $MY_DB"
  my_schema
  platform
  migrate
  vault_secrets
  say "reset done"
}

env_vars() {
  cat <<VARS
SUPABASE_DB_URL=$PG_URL
MYSQL_HOST=127.0.0.1
MYSQL_PORT=$MY_PORT
MYSQL_USER=root
MYSQL_PASS=
MYSQL_DB=$MY_DB
MYSQL_SSL=disable
# The CA that signed the local MariaDB's TLS certificate (MYSQL_SSL_CA takes its PEM text): $TLS/ca.pem
VARS
}

case "${1:-status}" in
  install) install_missing ;;
  up) up ;;
  down) down ;;
  status) status ;;
  reset) reset ;;
  env) env_vars ;;
  migrate) migrate ;;
  vault) vault_secrets ;;
  # Fault tests: stop PostgreSQL as a crash would (no checkpoint, connections
  # cut), and start it again.
  pg-kill) as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate -w stop >/dev/null ;;
  pg-start) pg_up ;;
  *) echo "usage: npm run stack -- install|up|down|status|reset|env" >&2; exit 2 ;;
esac
