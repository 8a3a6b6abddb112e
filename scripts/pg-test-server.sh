#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests: temp data dir, 127.0.0.1 only, trust auth,
# fsync off, database cartox_test.
#
#   bash scripts/pg-test-server.sh start    # (re)starts a fresh, empty server; prints its URL
#   bash scripts/pg-test-server.sh url      # postgresql+psycopg://postgres@127.0.0.1:PORT/cartox_test
#   bash scripts/pg-test-server.sh status   # exit 0 when running
#   bash scripts/pg-test-server.sh stop     # stops it and removes the data dir
#
# Environment:
#   CARTOX_PG_INSTANCE  name of the instance (default "default"); scripts/run-tests.sh uses
#                       "run-<its pid>" so that concurrent test runs do not meet
#   CARTOX_PG_PORT      first port to try (default 54329; the next free one is taken)
#   PG_BIN              directory with initdb/pg_ctl (default: newest /usr/lib/postgresql/*/bin)
# `start` also removes servers of earlier runs whose owner process is gone (stale servers).
set -euo pipefail

INSTANCE="${CARTOX_PG_INSTANCE:-default}"
[[ "$INSTANCE" =~ ^[A-Za-z0-9_.-]+$ ]] || { echo "pg-test-server: bad CARTOX_PG_INSTANCE" >&2; exit 2; }
BASE="${TMPDIR:-/tmp}/cartox-pg-test-$(id -u)"
DIR="$BASE/$INSTANCE"
DB=cartox_test

say() { printf 'pg-test-server: %s\n' "$*" >&2; }
die() { printf 'pg-test-server: ERROR: %s\n' "$*" >&2; exit 1; }

find_bin() {
    if [[ -n "${PG_BIN:-}" ]]; then
        [[ -x "$PG_BIN/pg_ctl" ]] || die "PG_BIN=$PG_BIN has no pg_ctl"
        echo "$PG_BIN"; return
    fi
    local d
    d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [[ -n "$d" && -x "$d/pg_ctl" && -x "$d/initdb" ]]; then echo "$d"; return; fi
    if command -v pg_ctl >/dev/null 2>&1; then dirname "$(command -v pg_ctl)"; return; fi
    die "no PostgreSQL server found (looked in /usr/lib/postgresql/*/bin); run scripts/bootstrap.sh or apt-get install postgresql"
}

# Runs a command as the server's owner: user postgres when we are root (PostgreSQL refuses root).
as_owner() {
    if [[ "$(id -u)" == 0 ]]; then
        if command -v runuser >/dev/null 2>&1; then
            (cd / && runuser -u postgres -- "$@")
        else
            (cd / && su -s /bin/sh postgres -c "$(printf '%q ' "$@")")
        fi
    else
        (cd / && "$@")
    fi
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The postmaster pid of the instance in directory $1 when it is alive, else nothing.
live_pid() {
    local pidfile="$1/data/postmaster.pid" pid
    [[ -f "$pidfile" ]] || return 1
    pid="$(head -n 1 "$pidfile" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
    echo "$pid"
}

# Stops the server in directory $1 (if any) and removes the directory.
stop_dir() {
    local dir="$1" bin pid i
    [[ -d "$dir" ]] || return 0
    if pid="$(live_pid "$dir")"; then
        bin="$(cat "$dir/bin" 2>/dev/null || find_bin)"
        as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
        for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$pid" 2>/dev/null; then
            say "server pid $pid did not stop, killing it"
            kill -9 "$pid" 2>/dev/null || true
            sleep 0.5
        fi
    fi
    rm -rf "$dir"
}

# Servers of test runs (instance run-<pid>) whose run is gone, and dirs without a live server.
cleanup_stale() {
    local d name owner
    [[ -d "$BASE" ]] || return 0
    for d in "$BASE"/*/; do
        [[ -d "$d" ]] || continue
        d="${d%/}"; name="${d##*/}"
        [[ "$name" == "$INSTANCE" ]] && continue
        if [[ "$name" =~ ^run-([0-9]+)$ ]]; then
            owner="${BASH_REMATCH[1]}"
            if ! kill -0 "$owner" 2>/dev/null; then
                say "removing stale server $name (its test run is gone)"
                stop_dir "$d"
            fi
        elif ! live_pid "$d" >/dev/null && [[ ! -f "$d/starting" ]]; then
            rm -rf "$d"
        fi
    done
}

url_of() { echo "postgresql+psycopg://postgres@127.0.0.1:$(cat "$DIR/port")/$DB"; }

cmd_start() {
    local bin port tries=0
    bin="$(find_bin)"
    mkdir -p "$BASE"
    chmod 755 "$BASE"
    cleanup_stale
    if [[ -d "$DIR" ]]; then
        say "replacing the earlier '$INSTANCE' server"
        stop_dir "$DIR"
    fi
    port="${CARTOX_PG_PORT:-54329}"
    while :; do
        while port_busy "$port"; do port=$((port + 1)); done
        rm -rf "$DIR"
        mkdir -p "$DIR/data"
        touch "$DIR/starting"
        echo "$bin" >"$DIR/bin"
        echo "$port" >"$DIR/port"
        [[ "$(id -u)" == 0 ]] && chown -R postgres: "$DIR"
        as_owner "$bin/initdb" -D "$DIR/data" -A trust -U postgres -E UTF8 --no-locale --no-sync \
            >"$DIR/initdb.log" 2>&1 || { cat "$DIR/initdb.log" >&2; die "initdb failed"; }
        if as_owner "$bin/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
            -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            start >/dev/null 2>&1; then
            break
        fi
        tries=$((tries + 1))
        if ((tries >= 5)); then
            tail -n 20 "$DIR/server.log" >&2 || true
            stop_dir "$DIR"
            die "the server did not start (last port tried: $port)"
        fi
        say "port $port was taken meanwhile, trying the next one"
        stop_dir "$DIR"
        port=$((port + 1))
    done
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres "$DB" ||
        { stop_dir "$DIR"; die "createdb $DB failed"; }
    rm -f "$DIR/starting"
    say "started PostgreSQL $("$bin/pg_ctl" --version | awk '{print $3}') on 127.0.0.1:$port (data in $DIR)"
    url_of
}

cmd_url() {
    [[ -d "$DIR" ]] && live_pid "$DIR" >/dev/null || die "no '$INSTANCE' server running; run: $0 start"
    url_of
}

cmd_status() {
    if [[ -d "$DIR" ]] && live_pid "$DIR" >/dev/null; then
        say "running: $(url_of)"
    else
        say "not running"; return 1
    fi
}

cmd_stop() {
    if [[ -d "$DIR" ]]; then
        stop_dir "$DIR"
        say "stopped '$INSTANCE' and removed its data"
    else
        say "no '$INSTANCE' server to stop"
    fi
    rmdir "$BASE" 2>/dev/null || true
}

case "${1:-}" in
start) cmd_start ;;
stop) cmd_stop ;;
url) cmd_url ;;
status) cmd_status ;;
*) echo "usage: $0 start|stop|url|status" >&2; exit 2 ;;
esac
