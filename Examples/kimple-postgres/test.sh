#!/usr/bin/env bash
# Runs the KimplePostgres tests (or, with --exec, any command) against a throwaway PostgreSQL cluster: initdb in a temporary
# directory, a server on a Unix socket there (no TCP port), `swift test`, then the server is
# stopped and the directory removed whatever happened. The server refuses to run as root, so the
# cluster belongs to the `postgres` user (created if missing).
#
# The tests find the server through KIMPLE_PG_SOCKET_DIR / KIMPLE_PG_PORT / KIMPLE_PG_USER, and
# restart it through KIMPLE_PG_CTL / KIMPLE_PG_DATA (the fault tests). A test that needs the
# server and cannot reach it fails.
set -euo pipefail
cd "$(dirname "$0")"

PG_VERSION="${KIMPLE_PG_VERSION:-15}"
BIN="/usr/lib/postgresql/$PG_VERSION/bin"
if [ ! -x "$BIN/initdb" ]; then
    apt-get update
    apt-get install -y "postgresql-$PG_VERSION" || apt-get install -y postgresql
fi
command -v python3 >/dev/null || { apt-get update && apt-get install -y python3; }
command -v sudo >/dev/null || command -v runuser >/dev/null || { apt-get update && apt-get install -y util-linux; }
id postgres >/dev/null 2>&1 || useradd --system --create-home --shell /bin/bash postgres

as_postgres() {
    if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi
}

WORK="$(mktemp -d)"
chmod 755 "$WORK"
DATA="$WORK/data"
SOCKET="$WORK/socket"
mkdir -p "$DATA" "$SOCKET"
chown postgres "$DATA" "$SOCKET"
touch "$WORK/server.log" && chown postgres "$WORK/server.log"
PORT="${KIMPLE_PG_PORT:-54329}"

cleanup() {
    as_postgres "$BIN/pg_ctl" -D "$DATA" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

as_postgres "$BIN/initdb" -D "$DATA" -U postgres --auth=trust --no-sync -E UTF8 >/dev/null
cat >>"$DATA/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$SOCKET'
port = $PORT
max_connections = 200
shared_buffers = 256MB
CONF
as_postgres "$BIN/pg_ctl" -D "$DATA" -l "$WORK/server.log" -w start >/dev/null

# The fault tests restart the server as the cluster's owner through this wrapper.
cat >"$WORK/pg_ctl" <<CTL
#!/usr/bin/env bash
if [ "\$(id -un)" = postgres ]; then exec "$BIN/pg_ctl" -D "$DATA" -l "$WORK/server.log" "\$@"; fi
exec runuser -u postgres -- "$BIN/pg_ctl" -D "$DATA" -l "$WORK/server.log" "\$@"
CTL
chmod 755 "$WORK/pg_ctl"

export KIMPLE_PG_SOCKET_DIR="$SOCKET" KIMPLE_PG_PORT="$PORT" KIMPLE_PG_USER=postgres KIMPLE_PG_CTL="$WORK/pg_ctl"
export KIMPLE_PG_BIN="$BIN"
if [ "${1:-}" = "--exec" ]; then
    # `test.sh --exec COMMAND...` runs COMMAND against the throwaway server instead of the tests
    # (the bench, say: it reads the same KIMPLE_PG_* variables).
    shift
    "$@"
else
    # One test at a time: the fault tests restart the shared server.
    swift test --no-parallel "$@"
fi
