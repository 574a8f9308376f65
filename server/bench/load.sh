#!/usr/bin/env bash
# Load figures of walletscreen-server (BENCHMARKS.md, "Service under load"),
# all from one run: a release build of the server on the bundled lists, the
# server pinned to CPU 0 and the load generator to CPU 1 (taskset) where
# there are two, keep-alive connections. For each endpoint:
#
#   * the saturating rate: `wrk` (Debian package wrk; one thread, $CONNS
#     connections, as fast as the server answers), with its p50/p99;
#   * p50/p99 at exactly half that rate: `oha` (cargo install oha --locked)
#     at a fixed rate (`-q`), $CONNS connections, with latency correction
#     (a request's latency counts from when it was due, so a stall is not
#     hidden by the requests it delayed);
#   * the same by `openloop` (server/examples/openloop.rs): the same rate and
#     connections, each request due at t0 + k/rate on a spinning thread and
#     its latency counted from its due time (wrk2's correction), where oha
#     releases a millisecond's requests at once on its timer's tick; and
#     from when the generator saw it due (the same, less the generator's own
#     lateness, which is not the server's).
#
# The server's core as one keeps a latency-critical service's: the kernel's
# DAMON proactive reclaim (kdamond), where the kernel has it and we are
# root, is paused for the run and started again at exit. This VM's kernel
# (PREEMPT_NONE, its preemption mode locked) runs kdamond for ~4 ms at a
# time about once a second, unpreempted, on the less busy CPU: the
# server's, beside a generator that spins. That alone took 1.3 % of CPU 0
# (server/bench/cpu_stalls.py) and set every p99 at half rate (BENCHMARKS.md,
# "Service under load"). ISOLATE=0 leaves the machine as it is.
#
# With nginx installed (Debian nginx-light), two reference rows: nginx with
# one worker answering `return 200` (config written to $OUT/nginx/), pinned
# like the server, saturated by wrk and measured by both generators at half
# ITS rate and at the server's half rate (the `/healthz` row's).
#
# Then NDJSON streaming (addresses/s), the resident memory, the library's
# in-process `check` (criterion) and, with BIG_COMPILED, the memory with a
# large compiled file.
#
#   server/bench/load.sh                  # 10 s per figure
#   DURATION=20 CONNS=32 server/bench/load.sh
#   BIG_COMPILED=/path/10m.wsidx server/bench/load.sh   # + RSS with it
#   BIG_ENTRIES=10000000 server/bench/load.sh           # the same, file made here
#
# Prints one table row per endpoint and the other figures; the load
# generators' own output goes to $OUT (default target/bench-load/).
set -euo pipefail
cd "$(dirname "$0")/../.."

DURATION=${DURATION:-10}
DURATION=${DURATION%s}   # seconds
CONNS=${CONNS:-32}
OUT=${OUT:-target/bench-load}
PORT=${PORT:-18480}
NDJSON_LINES=${NDJSON_LINES:-2000000}
mkdir -p "$OUT"

command -v wrk >/dev/null || { echo "load.sh: wrk not found (apt-get install wrk)" >&2; exit 2; }
command -v oha >/dev/null || { echo "load.sh: oha not found (cargo install oha --locked)" >&2; exit 2; }
. server/bench/common.sh

# DAMON paused (see the top), started again at exit.
DAMON_PAUSED=()
if [ "${ISOLATE:-1}" = 1 ]; then
    for d in /sys/kernel/mm/damon/admin/kdamonds/[0-9]*; do
        [ -w "$d/state" ] && [ "$(cat "$d/state" 2>/dev/null)" = on ] || continue
        echo off >"$d/state" 2>/dev/null && DAMON_PAUSED+=("$d")
    done
fi
restore_damon() {
    for d in "${DAMON_PAUSED[@]}"; do
        echo on >"$d/state" 2>/dev/null \
            || echo "load.sh: DAMON not restarted: echo on > $d/state" >&2
    done
    DAMON_PAUSED=()
}
trap 'exit 130' INT TERM
trap restore_damon EXIT

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
trap 'stop_server; [ -z "${NGINX_PID:-}" ] || kill -TERM "$NGINX_PID" 2>/dev/null || true; restore_damon' EXIT

# The Lua script of a wrk run: method, body, content type, and a RESULT
# line: requests, seconds, p50 and p99 in microseconds, non-2xx answers,
# socket errors.
lua() { # METHOD BODYFILE CONTENT_TYPE
    printf 'wrk.method = "%s"\n' "$1"
    printf 'local f = io.open("%s", "rb"); if f then local b = f:read("*a"); f:close(); if #b > 0 then wrk.body = b end end\n' "$2"
    [ -z "$3" ] || printf 'wrk.headers["Content-Type"] = "%s"\n' "$3"
    cat <<'LUA'
done = function(s, lat, req)
  local e = s.errors
  io.write(string.format("RESULT %d %.3f %.1f %.1f %d %d\n", s.requests, s.duration / 1e6,
    lat:percentile(50), lat:percentile(99), e.status, e.connect + e.read + e.write + e.timeout))
end
LUA
}

# saturate NAME URL [METHOD BODYFILE CONTENT_TYPE]: wrk as fast as the
# server answers; writes $OUT/NAME.sat (requests/s p50_ms p99_ms requests
# non2xx errors).
saturate() {
    local name=$1 url=$2 method=${3:-GET} body=${4:-/dev/null} ct=${5:-}
    lua "$method" "$body" "$ct" >"$OUT/$name.lua"
    $CLIENT_CPU wrk -t1 -c"$CONNS" -d"${DURATION}s" -s "$OUT/$name.lua" "$url" >"$OUT/$name.wrk.txt" 2>&1
    python3 - "$OUT/$name.wrk.txt" >"$OUT/$name.sat" <<'PY'
import sys
line = [l for l in open(sys.argv[1]) if l.startswith("RESULT")][0].split()
n, secs, p50, p99, bad, err = int(line[1]), float(line[2]), float(line[3]), float(line[4]), int(line[5]), int(line[6])
print(n / secs, p50 / 1e3, p99 / 1e3, n, bad, err)
PY
}

# half NAME URL [METHOD BODYFILE CONTENT_TYPE]: oha, then openloop, at half
# of the saturating rate of $RATE_OF (default NAME); writes $OUT/NAME.half
# (oha: requests/s p50_ms p99_ms requests non2xx errors; openloop: p50_ms
# p99_ms from due, requests, non2xx+errors+unfinished+unsent).
half() {
    local name=$1 url=$2 method=${3:-GET} body=${4:-} ct=${5:-}
    local rate
    rate=$(python3 -c "print(max(1, round(float(open('$OUT/${RATE_OF:-$name}.sat').read().split()[0]) / 2)))")
    local args=(-z "${DURATION}s" -c "$CONNS" -q "$rate" --latency-correction --no-tui --output-format json -m "$method" "${OHA_THREADS[@]}")
    [ -z "$body" ] || args+=(-D "$body")
    [ -z "$ct" ] || args+=(-T "$ct")
    $CLIENT_CPU oha "${args[@]}" "$url" >"$OUT/$name.oha.json" 2>"$OUT/$name.oha.err"
    local ol=(--rate "$rate" --duration "${DURATION}s" --connections "$CONNS" --method "$method" --json)
    [ -z "$body" ] || ol+=(--body "$body")
    [ -z "$ct" ] || ol+=(--content-type "$ct")
    $CLIENT_CPU "$OL" "$url" "${ol[@]}" >"$OUT/$name.ol.json" 2>"$OUT/$name.ol.err" \
        || { cat "$OUT/$name.ol.err" >&2; exit 1; }
    python3 - "$OUT/$name.oha.json" "$OUT/$name.ol.json" >"$OUT/$name.half" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
codes = d.get("statusCodeDistribution", {})
n = sum(codes.values())
bad = n - sum(v for k, v in codes.items() if k.startswith("2"))
errs = d.get("errorDistribution", {})
# Requests in flight when oha's duration ends are not the server's errors.
cut = errs.get("aborted due to deadline", 0)
err = sum(errs.values()) - cut
p = d["latencyPercentiles"]
o = json.load(open(sys.argv[2]))
due = o["latency_from_due"]
seen = o["latency_from_seen"]
obad = o["non_2xx"] + o["errors"] + o["unfinished"] + o["unsent"]
print(d["summary"]["requestsPerSec"], p["p50"] * 1e3, p["p99"] * 1e3, n, bad, err,
      due["p50_ms"], due["p99_ms"], o["completed"], obad, seen["p99_ms"], cut)
PY
}

# figure NAME LABEL URL [METHOD BODYFILE CONTENT_TYPE]: the three runs, one
# row (with SAT_OF=OTHER, the saturating columns are OTHER's, not re-run).
figure() {
    local name=$1 label=$2
    shift 2
    [ -n "${SAT_OF:-}" ] || saturate "$name" "$@"
    half "$name" "$@"
    python3 - "$OUT" "$name" "$label" "${SAT_OF:-$name}" <<'PY'
import os, sys
out, name, label, sat_of = sys.argv[1:5]
sat = open(f"{out}/{sat_of}.sat").read().split()
half = open(f"{out}/{name}.half").read().split()
floor = float(open(f"{out}/healthz.sat").read().split()[0])
rps, hrps = float(sat[0]), float(half[0])
bad = int(sat[4]) + int(sat[5]) + int(half[4]) + int(half[5]) + int(half[9])
n = int(half[3]) + int(half[8]) + (int(sat[3]) if sat_of == name else 0)
answers = f"{n:,} answers, " + ("all 2xx" if bad == 0 else f"{bad} non-2xx or errors")
if int(half[11]):
    answers += f", {int(half[11])} cut at oha's deadline"
print(f"| {label} | {rps:,.0f} | {rps / floor:.2f} | {float(sat[1]):.3f} | {float(sat[2]):.3f} | "
      f"{hrps:,.0f} ({hrps / rps:.0%}) | {float(half[1]):.3f} | **{float(half[2]):.3f}** | "
      f"{float(half[6]):.3f} | **{float(half[7]):.3f}** | **{float(half[10]):.3f}** | {answers} | {os.getloadavg()[0]:.2f} |")
PY
}

echo "# walletscreen-server load, $(date -u +%FT%TZ), $(nproc) cores, load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2) (1 thread), $(oha --version) (fixed rate, latency correction${OHA_THREADS[*]:+, ${OHA_THREADS[*]}}) and openloop (fixed rate, latency from due, 1 s warm-up), $CONNS connections, ${DURATION} s per run, server ${SERVER_CPU:-unpinned}, client ${CLIENT_CPU:-unpinned}, commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"

if [ ${#DAMON_PAUSED[@]} -gt 0 ]; then
    echo "# DAMON paused for the run (${DAMON_PAUSED[*]}), started again at exit"
else
    echo "# DAMON left as it is (not in this kernel, not root, or ISOLATE=0)"
fi
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
echo "| endpoint | saturating requests/s | × floor | p50 ms | p99 ms | at half rate: requests/s (oha) | oha p50 ms | oha p99 ms | openloop p50 ms | openloop p99 ms, from due | openloop p99 ms, from seen due | answers | load avg |"
echo "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|"
figure healthz '`GET /healthz` (the HTTP floor)' "$BASE/healthz"
figure chainalysis-listed 'Chainalysis `GET /api/v1/address/{a}`, listed' "$BASE/api/v1/address/$LISTED"
figure chainalysis-clear 'Chainalysis, clear' "$BASE/api/v1/address/$CLEAR"
figure trm-1 'TRM `POST /public/v1/sanctions/screening`, 1 address' "$BASE/public/v1/sanctions/screening" POST "$OUT/trm1.json" application/json
figure trm-100 'TRM, 100 addresses (1 in 10 listed)' "$BASE/public/v1/sanctions/screening" POST "$OUT/trm100.json" application/json

# The reference server: nginx, one worker, `return 200`, no access log,
# pinned like the server (which stays up, idle, on the same CPU).
NGINX_PID=""
if command -v nginx >/dev/null; then
    NG=$(realpath "$OUT")/nginx
    nginx_conf "$NG" $((PORT + 1))
    $SERVER_CPU nginx -p "$NG" -c "$NG/nginx.conf" -e "$NG/error.log" &
    NGINX_PID=$!
    for _ in $(seq 1 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$((PORT + 1))") 2>/dev/null && break
        kill -0 "$NGINX_PID" 2>/dev/null || { cat "$NG/error.log" >&2; exit 1; }
        sleep 0.1
    done
    figure nginx 'nginx `return 200` (reference), at half its rate' "http://127.0.0.1:$((PORT + 1))/"
    SAT_OF=nginx RATE_OF=healthz figure nginx-at-floor 'nginx, at the `/healthz` row'"'"'s half rate' "http://127.0.0.1:$((PORT + 1))/"
    kill -TERM "$NGINX_PID" 2>/dev/null || true
    wait "$NGINX_PID" 2>/dev/null || true
    NGINX_PID=""
else
    echo "(nginx not installed: no reference row; apt-get install nginx-light)"
fi
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
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # utime + stime
for i in 1 2 3; do
    c0=$(cpu_ticks "$SERVER_PID")
    t0=$(date +%s.%N)
    lines=$($CLIENT_CPU curl -sS --fail -H 'Content-Type: application/x-ndjson' \
        --data-binary "@$OUT/stream.ndjson" "$BASE/v1/check" | wc -l)
    t1=$(date +%s.%N)
    c1=$(cpu_ticks "$SERVER_PID")
    python3 -c "
import os
n=$lines; t=$t1-$t0; cpu=($c1-$c0)/os.sysconf('SC_CLK_TCK')
print(f'NDJSON run $i: {n:,} answers in {t:.2f} s: {n/t:,.0f} addresses/s; server CPU {cpu:.2f} s ({cpu*1e9/max(n,1):,.0f} ns per address) (load avg {os.getloadavg()[0]:.2f})')"
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

# BIG_ENTRIES=N: a compiled file of N EVM entries made here (once, kept in
# $OUT) for the memory figure.
if [ -n "${BIG_ENTRIES:-}" ] && [ -z "${BIG_COMPILED:-}" ]; then
    BIG_COMPILED=$OUT/big$BIG_ENTRIES.wsidx
    if [ ! -s "$BIG_COMPILED" ]; then
        python3 benches/gen_big_list.py "$BIG_ENTRIES" "$OUT/big$BIG_ENTRIES" >&2
        cargo run --release --quiet --example screen -- --list "$OUT/big$BIG_ENTRIES.txt" \
            --write-compiled "$BIG_COMPILED" </dev/null >&2
        rm -f "$OUT/big$BIG_ENTRIES.txt" "$OUT/big$BIG_ENTRIES.csv"
    fi
fi
if [ -n "${BIG_COMPILED:-}" ]; then
    start_server --compiled "$BIG_COMPILED"
    echo
    echo "RSS with $BIG_COMPILED ($(du -h "$BIG_COMPILED" | cut -f1)): $(rss_kb "$SERVER_PID") kB"
    saturate big-chainalysis-listed "$BASE/api/v1/address/$LISTED"
    echo "Chainalysis listed with it: $(cut -d' ' -f1 "$OUT/big-chainalysis-listed.sat" | python3 -c 'print(f"{float(input()):,.0f}")') requests/s"
    echo "RSS with it after load: $(rss_kb "$SERVER_PID") kB"
    stop_server
fi
echo "# load average at end $(cut -d' ' -f1-3 /proc/loadavg)"
