#!/usr/bin/env bash
# A private PostgreSQL server for the tests and `make demo-postgres`: its data folder under
# build/postgres (in /tmp when the server's user cannot reach the checkout), bound to 127.0.0.1
# only, trust authentication for the local user `relintel`. Durability is traded for speed
# (fsync off): it holds test and demo data, nothing else.
#
#   scripts/postgres_server.sh start    initialise (first time) and start; prints the RI_PG_* settings
#   scripts/postgres_server.sh stop
#
# Needs PostgreSQL 15 or newer's server programs (Debian: apt-get install postgresql). As root the
# server runs as the `postgres` system user, since PostgreSQL refuses to run as root.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD/build/postgres"
PORT="${RI_PG_PORT:-54329}"

bindir() {
    if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
        pg_config --bindir; return
    fi
    local newest
    newest="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
    [ -n "$newest" ] || { echo "PostgreSQL server programs not found (Debian: apt-get install postgresql)" >&2; exit 3; }
    echo "$newest"
}

as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

BIN="$(bindir)"
if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$PWD" 2>/dev/null; then
    # The server's user cannot reach a checkout under a private home: keep its files in /tmp.
    ROOT="/tmp/relintel-postgres-$(printf '%s' "$PWD" | sha256sum | cut -c1-12)"
fi
case "${1:-}" in
start)
    mkdir -p "$ROOT"
    if [ "$(id -u)" = 0 ]; then chown postgres "$ROOT"; fi
    if [ ! -f "$ROOT/data/PG_VERSION" ]; then
        as_owner "$BIN/initdb" --pgdata="$ROOT/data" --username=relintel --auth=trust \
            --encoding=UTF8 --locale=C.UTF-8 >"$ROOT/initdb.log"
    fi
    if ! as_owner "$BIN/pg_ctl" --pgdata="$ROOT/data" status >/dev/null 2>&1; then
        as_owner "$BIN/pg_ctl" --pgdata="$ROOT/data" --log="$ROOT/server.log" --wait \
            -o "-c listen_addresses=127.0.0.1 -p $PORT -k $ROOT -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
    fi
    "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U relintel -d postgres -tAc "select 1 from pg_database where datname = 'relintel'" | grep -q 1 \
        || "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U relintel relintel
    echo "RI_PG_HOST=127.0.0.1 RI_PG_PORT=$PORT RI_PG_USER=relintel RI_PG_DATABASE=relintel"
    ;;
stop)
    as_owner "$BIN/pg_ctl" --pgdata="$ROOT/data" --wait --mode=fast stop >/dev/null 2>&1 || true
    ;;
*)
    echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
