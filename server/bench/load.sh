#!/usr/bin/env bash
# Load figures of walletscreen-server (BENCHMARKS.md, "Service under load"),
# all from one run: a release build of the server on the bundled lists,
# loaded by `wrk` (Debian package wrk) over keep-alive connections, the
# server pinned to CPU 0 and the load generator to CPU 1 (taskset) where
# there are two.
#
#   server/bench/load.sh                  # 10 s per figure
#   DURATION=20s CONNS=32 server/bench/load.sh
#   BIG_COMPILED=/path/10m.wsidx server/bench/load.sh   # + RSS with it
#
# Prints one table row per figure (requests/s, p50, p99, answers, load
# average) and the resident memory; wrk's own output goes to $OUT (default
# target/bench-load/).
set -euo pipefail
cd "$(dirname "$0")/../.."

DURATION=${DURATION:-10s}
CONNS=${CONNS:-32}
OUT=${OUT:-target/bench-load}
PORT=${PORT:-18480}
NDJSON_LINES=${NDJSON_LINES:-2000000}
mkdir -p "$OUT"

command -v wrk >/dev/null || { echo "load.sh: wrk not found (apt-get install wrk)" >&2; exit 2; }
cargo build --release -p walletscreen-server >&2
BIN=target/release/walletscreen-server

SERVER_CPU=""; CLIENT_CPU=""
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
    SERVER_CPU="taskset -c 0"; CLIENT_CPU="taskset -c 1"
fi

LISTED=0x098B716B8Aaf21512996dC57EB0615e2383E2f96
CLEAR=0x52908400098527886E0F7030069857D2E4169EE7
BASE=http://127.0.0.1:$PORT
SERVER_PID=""

start_server() { # args...
    $SERVER_CPU "$BIN" --bind 127.0.0.1:$PORT "$@" 2>"$OUT/server.log" &
    SERVER_PID=$!
    for _ in $(seq 1 600); do
        grep -q "listening on" "$OUT/server.log" 2>/dev/null && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || { cat "$OUT/server.log" >&2; exit 1; }
        sleep 0.1
    done
    echo "load.sh: the server did not start" >&2; exit 1
}
stop_server() {
    [ -n "$SERVER_PID" ] || return 0
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
}
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
trap 'stop_server' EXIT

# The Lua script of a wrk run: method, body, content type, an optional
# delay after each answer (ms; an approximately fixed rate), and a RESULT
# line: requests, seconds, p50 and p99 in microseconds, non-2xx answers,
# socket errors.
lua() { # METHOD BODYFILE CONTENT_TYPE DELAY_MS
    printf 'wrk.method = "%s"\n' "$1"
    printf 'local f = io.open("%s", "rb"); if f then local b = f:read("*a"); f:close(); if #b > 0 then wrk.body = b end end\n' "$2"
    [ -z "$3" ] || printf 'wrk.headers["Content-Type"] = "%s"\n' "$3"
    [ "$4" = 0 ] || printf 'delay = function() return %s end\n' "$4"
    cat <<'LUA'
done = function(s, lat, req)
  local e = s.errors
  io.write(string.format("RESULT %d %.3f %.1f %.1f %d %d\n", s.requests, s.duration / 1e6,
    lat:percentile(50), lat:percentile(99), e.status, e.connect + e.read + e.write + e.timeout))
end
LUA
}

# run NAME URL [METHOD BODYFILE CONTENT_TYPE [DELAY_MS [CONNS]]]: one figure.
run() {
    local name=$1 url=$2 method=${3:-GET} body=${4:-/dev/null} ct=${5:-} delay=${6:-0} conns=${7:-$CONNS}
    lua "$method" "$body" "$ct" "$delay" >"$OUT/$name.lua"
    $CLIENT_CPU wrk -t1 -c"$conns" -d"$DURATION" -s "$OUT/$name.lua" "$url" >"$OUT/$name.txt" 2>&1
    python3 - "$OUT/$name.txt" "$name" "$conns" <<'PY'
import os, sys
line = [l for l in open(sys.argv[1]) if l.startswith("RESULT")][0].split()
n, secs, p50, p99, bad, err = int(line[1]), float(line[2]), float(line[3]), float(line[4]), int(line[5]), int(line[6])
print(f"| {sys.argv[2]} | {sys.argv[3]} | {n/secs:,.0f} | {p50/1e3:.3f} | {p99/1e3:.3f} | "
      f"{n:,} answers, {bad} non-2xx, {err} socket errors | {os.getloadavg()[0]:.2f} |")
open(sys.argv[1] + ".rps", "w").write(str(n / secs))
PY
}
rps() { cat "$OUT/$1.txt.rps"; }

echo "# walletscreen-server load, $(date -u +%FT%TZ), $(nproc) cores, load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2), 1 thread, $CONNS connections, $DURATION per figure, server ${SERVER_CPU:-unpinned}, client ${CLIENT_CPU:-unpinned}"

start_server
echo "RSS with the bundled lists, idle: $(rss_kb "$SERVER_PID") kB"

# Bodies.
printf '[{"address":"%s"}]' "$LISTED" >"$OUT/trm1.json"
python3 - "$OUT/trm100.json" "$LISTED" "$CLEAR" <<'PY'
import json, sys
a = [{"address": sys.argv[2] if i % 10 == 0 else sys.argv[3]} for i in range(100)]
open(sys.argv[1], "w").write(json.dumps(a))
PY

echo
echo "| endpoint | connections | requests/s | p50 ms | p99 ms | answers | load avg |"
echo "|---|--:|--:|--:|--:|---|--:|"
run healthz "$BASE/healthz"
run chainalysis-listed "$BASE/api/v1/address/$LISTED"
run chainalysis-clear "$BASE/api/v1/address/$CLEAR"
run trm-1 "$BASE/public/v1/sanctions/screening" POST "$OUT/trm1.json" application/json
run trm-100 "$BASE/public/v1/sanctions/screening" POST "$OUT/trm100.json" application/json

# p99 at about half the saturating rate: each connection waits 1 ms after
# each answer, with half rate x 1.1 / 1000 connections; the row shows the
# rate reached.
for f in healthz chainalysis-listed; do
    url="$BASE/healthz"; [ "$f" = healthz ] || url="$BASE/api/v1/address/$LISTED"
    conns=$(python3 -c "print(max(1, round(float('$(rps $f)') / 2 * 1.1 / 1000)))")
    run "$f-half-rate" "$url" GET /dev/null "" 1 "$conns"
done
echo
echo "RSS with the bundled lists, after load: $(rss_kb "$SERVER_PID") kB"

# NDJSON streaming: one request of NDJSON_LINES addresses (1 in 10 listed).
python3 - "$OUT/stream.ndjson" "$NDJSON_LINES" "$LISTED" "$CLEAR" <<'PY'
import sys
path, n, listed, clear = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
with open(path, "w") as f:
    for i in range(n):
        f.write('"%s"\n' % (listed if i % 10 == 0 else clear))
PY
for i in 1 2 3; do
    t0=$(date +%s.%N)
    lines=$($CLIENT_CPU curl -sS --fail -H 'Content-Type: application/x-ndjson' \
        --data-binary "@$OUT/stream.ndjson" "$BASE/v1/check" | wc -l)
    t1=$(date +%s.%N)
    python3 -c "
import os
n=$lines; t=$t1-$t0
print(f'NDJSON run $i: {n:,} answers in {t:.2f} s: {n/t:,.0f} addresses/s (load avg {os.getloadavg()[0]:.2f})')"
    [ "$lines" -eq "$NDJSON_LINES" ] || { echo "load.sh: $lines answers for $NDJSON_LINES lines" >&2; exit 1; }
done
echo "RSS after streaming: $(rss_kb "$SERVER_PID") kB"
stop_server
rm -f "$OUT/stream.ndjson"

# The library in process, for reference (criterion, bundled lists).
if [ "${INPROCESS:-1}" = 1 ]; then
    echo
    echo "In-process check (cargo bench --bench check, EVM hit and clear, bundled lists):"
    $SERVER_CPU cargo bench --bench check -- --warm-up-time 1 --measurement-time 3 '^check/evm/.*/check$' 2>/dev/null \
        | grep -E '^check/|time:|thrpt:' | head -20 || true
fi

if [ -n "${BIG_COMPILED:-}" ]; then
    start_server --compiled "$BIG_COMPILED"
    echo
    echo "RSS with $BIG_COMPILED ($(du -h "$BIG_COMPILED" | cut -f1)): $(rss_kb "$SERVER_PID") kB"
    run big-chainalysis-listed "$BASE/api/v1/address/$LISTED"
    echo "RSS with it after load: $(rss_kb "$SERVER_PID") kB"
    stop_server
fi
echo "# load average at end $(cut -d' ' -f1-3 /proc/loadavg)"
