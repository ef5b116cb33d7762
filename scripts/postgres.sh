#!/usr/bin/env bash
# Runs a throw-away PostgreSQL server (Debian's package) on 127.0.0.1 and a free port, for the tests
# of ovi's shared store. Sourced by test.sh:
#   pg_start  -> exports OVI_TEST_PG_URL, OVI_TEST_PG_USER, OVI_TEST_PG_PASSWORD
#   pg_stop
set -euo pipefail

pg_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

pg_install() {
  if [ -n "$(pg_bin)" ] && [ -x "$(pg_bin)/initdb" ]; then
    return 0
  fi
  echo "ovi: installing PostgreSQL (Debian's package) for the shared-store tests" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
}

# Runs a command as the database's owner: postgres refuses to run as root.
pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pg_start() {
  pg_install
  local bin port pwfile
  bin=$(pg_bin)
  PG_DIR=$(mktemp -d -t ovi-pg.XXXXXX)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  OVI_TEST_PG_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
  pwfile="$PG_DIR/pw"
  printf '%s\n' "$OVI_TEST_PG_PASSWORD" > "$pwfile"
  [ "$(id -u)" -ne 0 ] || chown -R postgres "$PG_DIR"
  pg_as_owner "$bin/initdb" -D "$PG_DIR/data" -U ovi --pwfile="$pwfile" -A scram-sha-256 >/dev/null
  rm -f "$pwfile"
  pg_as_owner "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -t 60 \
    -o "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1" start >/dev/null
  export PG_DIR OVI_TEST_PG_PASSWORD
  export OVI_TEST_PG_URL="jdbc:postgresql://127.0.0.1:$port/postgres"
  export OVI_TEST_PG_USER=ovi
  echo "ovi: PostgreSQL on 127.0.0.1:$port" >&2
}

pg_stop() {
  if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ]; then
    pg_as_owner "$(pg_bin)/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}
