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
# shellcheck source=scripts/stack-vars.sh
source "$ROOT/scripts/stack-vars.sh"
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

# Running means accepting connections: a postmaster killed without being
# reaped (a zombie) still passes `pg_ctl status`.
pg_running() {
  [ -f "$PG_DATA/postmaster.pid" ] && pid_alive "$(head -1 "$PG_DATA/postmaster.pid")" &&
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 2 >/dev/null 2>&1
}
pid_alive() { # a live, non-zombie process
  [ -n "$1" ] && kill -0 "$1" 2>/dev/null && ! grep -q '^[0-9]* ([^)]*) Z' "/proc/$1/stat" 2>/dev/null
}
my_running() {
  mariadb-admin --protocol=tcp -h127.0.0.1 -P"$MY_PORT" -uroot ping >/dev/null 2>&1
}

pg_init() {
  [ -f "$PG_DATA/PG_VERSION" ] && return 0
  say "initialising PostgreSQL cluster in .stack/pg"
  mkdir -p "$PG_DATA"
  local pwfile="$STACK/.pgpass-init"
  echo postgres >"$pwfile"
  if [ "$(id -u)" = 0 ]; then chown -R postgres: "$STACK/pg" "$pwfile" "$RUN" "$LOGS"; fi
  as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U supabase_admin --pwfile="$pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pwfile"
  cat >>"$PG_DATA/postgresql.conf" <<CONF
# --- local stack ---
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$RUN'
shared_preload_libraries = 'pg_stat_statements, pg_cron'
cron.database_name = 'postgres'
cron.use_background_workers = on
max_worker_processes = 20
max_connections = 200
wal_level = logical
# Speed without lying to the code under test: an OS crash may lose data
# (fsync off), but a crash of PostgreSQL itself never loses a commit it
# acknowledged, as on Supabase; the fault tests stop it as a crash would.
fsync = off
synchronous_commit = on
full_page_writes = off
log_min_messages = warning
CONF
}

pg_up() {
  pg_init
  if pg_running; then pg_legacy_cluster_check; return 0; fi
  # A crash leaves a stale postmaster.pid; pg_ctl copes with it, but a pid
  # that now belongs to an unrelated process would not, so remove it first.
  if [ -f "$PG_DATA/postmaster.pid" ]; then
    local pid; pid=$(head -1 "$PG_DATA/postmaster.pid")
    if pid_alive "$pid" && grep -q postgres "/proc/$pid/comm" 2>/dev/null; then
      # Alive but not answering: still starting up or shutting down.
      for _ in $(seq 1 60); do pg_running && return 0; pid_alive "$pid" || break; sleep 0.5; done
    fi
    if ! pid_alive "$pid"; then
      # Left over from a crash; wait for orphaned backends to notice and exit.
      for _ in $(seq 1 40); do pgrep -f -- "-D $PG_DATA" >/dev/null || break; sleep 0.25; done
      rm -f "$PG_DATA/postmaster.pid"
    fi
  fi
  if port_taken "$PG_PORT"; then
    say "port $PG_PORT is taken by another program; stop it (or another checkout's stack) first"
    exit 1
  fi
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$LOGS/postgres.log" -w -t 60 start >/dev/null
  pg_legacy_cluster_check
}

# A cluster made before postgres stopped being a superuser has postgres as its
# bootstrap superuser, which PostgreSQL cannot demote: make it anew (the local
# database is rebuilt from the migrations anyway).
pg_legacy_cluster_check() {
  local bootstrap
  bootstrap=$(PGPASSWORD=postgres psql -qAt "postgresql://postgres:postgres@127.0.0.1:$PG_PORT/template1" \
    -c "select rolname from pg_roles where oid = 10" 2>/dev/null) || return 0
  [ "$bootstrap" = postgres ] || return 0
  say "re-initialising .stack/pg: its superuser is postgres, which hosted Supabase's is not"
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null
  rm -rf "$PG_DATA"
  pg_init
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$LOGS/postgres.log" -w -t 60 start >/dev/null
}

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The production source is reached over TLS, so the local MariaDB offers it
# too, with a certificate from a CA of its own (made once, kept in .stack/tls)
# valid for 127.0.0.1 and localhost. Plain connections stay allowed.
tls_certs() {
  local log="$LOGS/openssl.log"
  if [ ! -f "$TLS/ca.pem" ] || [ ! -f "$TLS/ca.key" ]; then
    say "creating the local MariaDB's TLS CA in .stack/tls"
    mkdir -p "$TLS"
    rm -f "$TLS/server.pem"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=MyNATCA local stack CA" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
      -keyout "$TLS/ca.key" -out "$TLS/ca.pem" 2>>"$log" || { say "openssl failed; see $log"; exit 1; }
  fi
  [ -f "$TLS/server.pem" ] && [ -f "$TLS/server.key" ] && return 0
  openssl req -new -newkey rsa:2048 -nodes -subj "/CN=localhost" \
    -keyout "$TLS/server.key" -out "$TLS/server.csr" 2>>"$log" &&
    openssl x509 -req -in "$TLS/server.csr" -CA "$TLS/ca.pem" -CAkey "$TLS/ca.key" \
      -CAcreateserial -days 3650 -sha256 -out "$TLS/server.pem" -extfile <(
        printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" "basicConstraints=critical,CA:FALSE" \
          "keyUsage=critical,digitalSignature,keyEncipherment" "extendedKeyUsage=serverAuth"
      ) 2>>"$log" || { rm -f "$TLS/server.pem"; say "openssl failed; see $log"; exit 1; }
  rm -f "$TLS/server.csr"
}

my_tls_on() {
  [ "$(mariadb --protocol=tcp -h127.0.0.1 -P"$MY_PORT" -uroot -N -e 'select @@have_ssl')" = YES ]
}

my_up() {
  tls_certs
  if my_running; then
    # Someone answers on our port: make sure it is this project's server.
    if [ -f "$RUN/mysqld.pid" ] && pid_alive "$(cat "$RUN/mysqld.pid")"; then
      my_tls_on && return 0
      # Started by an older version of this script, without TLS.
      say "restarting MariaDB to turn TLS on"
      my_down
    else
      say "port $MY_PORT answers but not from .stack/mysql; stop the other server first"
      exit 1
    fi
  fi
  if [ ! -d "$MY_DATA/mysql" ]; then
    say "initialising MariaDB in .stack/mysql"
    mkdir -p "$MY_DATA"
    mariadb-install-db --no-defaults --datadir="$MY_DATA" --user="$(id -un)" \
      --auth-root-authentication-method=normal --skip-test-db >"$LOGS/mariadb-init.log" 2>&1
  fi
  rm -f "$RUN/mysqld.sock" "$RUN/mysqld.pid"
  local mariadbd; mariadbd=$(command -v mariadbd || echo /usr/sbin/mariadbd)
  nohup "$mariadbd" --no-defaults --datadir="$MY_DATA" --user="$(id -un)" \
    --bind-address=127.0.0.1 --port="$MY_PORT" --socket="$RUN/mysqld.sock" \
    --pid-file="$RUN/mysqld.pid" --log-error="$LOGS/mariadb.log" \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
    --innodb-buffer-pool-size=256M --innodb-flush-log-at-trx-commit=2 \
    --ssl-ca="$TLS/ca.pem" --ssl-cert="$TLS/server.pem" --ssl-key="$TLS/server.key" \
    --skip-name-resolve=0 >/dev/null 2>&1 &
  for _ in $(seq 1 120); do my_running && break; sleep 0.25; done
  my_running || { say "MariaDB did not start; see .stack/log/mariadb.log"; exit 1; }
}

# The legacy schema, created where missing by the one piece of code that makes
# it (local/demo_data.ts, through the seed script).
my_schema() {
  $DENO run -A "$ROOT/scripts/seed.ts" --schema-only --database "$MY_DB" >/dev/null
}

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

my_down() {
  if [ -f "$RUN/mysqld.pid" ]; then
    local pid; pid=$(cat "$RUN/mysqld.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    rm -f "$RUN/mysqld.pid"
  fi
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
