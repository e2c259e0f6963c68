# Sourced by local/stack.sh: the local MariaDB in .stack/mysql, standing in
# for the legacy MySQL source, with TLS from a CA of its own.

my_running() {
  mariadb-admin --protocol=tcp -h127.0.0.1 -P"$MY_PORT" -uroot ping >/dev/null 2>&1
}

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

my_down() {
  if [ -f "$RUN/mysqld.pid" ]; then
    local pid; pid=$(cat "$RUN/mysqld.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    rm -f "$RUN/mysqld.pid"
  fi
}
