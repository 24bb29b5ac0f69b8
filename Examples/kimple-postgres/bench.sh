#!/usr/bin/env bash
# The PostgreSQL figures of Documentation/Performance.md, in one run on one throwaway server:
# pgbench's raw ceiling (one INSERT ... ON CONFLICT DO NOTHING per transaction, 32 clients), then
# the SDK's intake through KimplePostgres at 8 x 32 in flight, one process and two processes.
# Usage: bash Examples/kimple-postgres/bench.sh [COUNT]   (submissions per case, 100000 by default)
set -euo pipefail
cd "$(dirname "$0")"
COUNT="${1:-100000}"
swift build -c release --product kimple-postgres-bench
BENCH="$(swift build -c release --show-bin-path)/kimple-postgres-bench"
exec bash test.sh --exec bash -c '
set -euo pipefail
SOCKET="$KIMPLE_PG_SOCKET_DIR/.s.PGSQL.$KIMPLE_PG_PORT"
PSQL=("$KIMPLE_PG_BIN/psql" -q -h "$KIMPLE_PG_SOCKET_DIR" -p "$KIMPLE_PG_PORT" -U "$KIMPLE_PG_USER" postgres)
"${PSQL[@]}" -c "CREATE TABLE pgbench_kimple (id bigint PRIMARY KEY, payload text)"
SCRIPT="$(mktemp)"
echo "\set id random(1, 1000000000)" >"$SCRIPT"
echo "INSERT INTO pgbench_kimple VALUES (:id, repeat(chr(120), 200)) ON CONFLICT DO NOTHING;" >>"$SCRIPT"
echo "== pgbench, one INSERT ... ON CONFLICT DO NOTHING per transaction, 32 clients, 20 s"
"$KIMPLE_PG_BIN/pgbench" -n -c 32 -j 2 -T 20 -f "$SCRIPT" -h "$KIMPLE_PG_SOCKET_DIR" -p "$KIMPLE_PG_PORT" \
    -U "$KIMPLE_PG_USER" postgres | grep -E "tps|latency average|number of transactions"
rm -f "$SCRIPT"
echo "== SDK intake through KimplePostgres, one process"
"$0" "$SOCKET" "$KIMPLE_PG_USER" bench1 "$1"
echo "== SDK intake through KimplePostgres, two processes on one schema"
"$0" "$SOCKET" "$KIMPLE_PG_USER" bench2 "$1" 0 2 & FIRST=$!
"$0" "$SOCKET" "$KIMPLE_PG_USER" bench2 "$1" 1 2
wait "$FIRST"
' "$BENCH" "$COUNT"
