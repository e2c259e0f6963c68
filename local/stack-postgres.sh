# Sourced by local/stack.sh: the local PostgreSQL 15 cluster in .stack/pg,
# its superuser supabase_admin, as hosted Supabase's (docs/operations.md,
# "The local platform layer").

# Running means accepting connections: a postmaster killed without being
# reaped (a zombie) still passes `pg_ctl status`.
pg_running() {
  [ -f "$PG_DATA/postmaster.pid" ] && pid_alive "$(head -1 "$PG_DATA/postmaster.pid")" &&
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 2 >/dev/null 2>&1
}
pid_alive() { # a live, non-zombie process
  [ -n "$1" ] && kill -0 "$1" 2>/dev/null && ! grep -q '^[0-9]* ([^)]*) Z' "/proc/$1/stat" 2>/dev/null
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

# Hosted Supabase's Postgres is reached over TLS too, so the local one offers
# it (plain connections stay allowed), with a certificate from the stack's CA
# (tls_certs, stack-mariadb.sh) copied where only the postgres user reads it.
pg_tls_files() {
  tls_certs
  install -m 0644 "$TLS/server.pem" "$PG_DATA/server.crt"
  install -m 0600 "$TLS/server.key" "$PG_DATA/server.key"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$PG_DATA/server.crt" "$PG_DATA/server.key"; fi
}
pg_start() {
  pg_tls_files
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$LOGS/postgres.log" -w -t 60 \
    -o "-c ssl=on -c ssl_cert_file=server.crt -c ssl_key_file=server.key" start >/dev/null
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
  pg_start
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
  pg_start
}
