#!/usr/bin/env bash
# The two fixed-rate load generators side by side (BENCHMARKS.md, "Latency at
# half rate, measured two ways"): oha (fixed rate, latency correction, one
# runtime thread) and examples/openloop (constant rate on a spinning thread,
# latency from each request's due time), at the same rates and connections,
# against walletscreen-server (`/healthz` and a listed Chainalysis lookup)
# and, where nginx is installed, nginx answering `return 200` (a reference
# server, one worker). Servers on CPU 0, generators on CPU 1 (taskset).
#
#   server/bench/generators.sh                         # 5 s per run
#   RATES="1000 4000 16000 32000" DURATION=5 server/bench/generators.sh
#
# Prints one table row per target and rate; raw outputs in $OUT
# (default target/bench-generators/).
set -euo pipefail
cd "$(dirname "$0")/../.."

DURATION=${DURATION:-5}
DURATION=${DURATION%s}
CONNS=${CONNS:-32}
RATES=${RATES:-1000 4000 16000 32000}
OUT=${OUT:-target/bench-generators}
PORT=${PORT:-18580}
mkdir -p "$OUT"

command -v oha >/dev/null || { echo "generators.sh: oha not found (cargo install oha --locked)" >&2; exit 2; }
. server/bench/common.sh
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done' EXIT

wait_port() { # PORT PID LOG
    for _ in $(seq 1 300); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        kill -0 "$2" 2>/dev/null || { cat "$3" >&2; exit 1; }
        sleep 0.1
    done
    echo "generators.sh: nothing listens on $1" >&2; exit 1
}

$SERVER_CPU "$BIN" --bind 127.0.0.1:$PORT 2>"$OUT/server.log" &
PIDS+=($!); wait_port $PORT $! "$OUT/server.log"
TARGETS=("walletscreen-server \`/healthz\`|http://127.0.0.1:$PORT/healthz"
         "walletscreen-server Chainalysis, listed|http://127.0.0.1:$PORT/api/v1/address/0x098B716B8Aaf21512996dC57EB0615e2383E2f96")
if command -v nginx >/dev/null; then
    NG=$(realpath "$OUT")/nginx
    nginx_conf "$NG" $((PORT + 1))
    $SERVER_CPU nginx -p "$NG" -c "$NG/nginx.conf" -e "$NG/error.log" &
    PIDS+=($!); wait_port $((PORT + 1)) $! "$NG/error.log"
    TARGETS+=("nginx \`return 200\` (reference)|http://127.0.0.1:$((PORT + 1))/")
else
    echo "# nginx not installed (apt-get install nginx-light): no reference rows" >&2
fi

echo "# generators side by side, $(date -u +%FT%TZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "# $(oha --version) (-q, --latency-correction, ${OHA_THREADS[*]:-default threads}) and openloop (1 s warm-up), $CONNS connections, ${DURATION} s each, servers ${SERVER_CPU:-unpinned}, generators ${CLIENT_CPU:-unpinned}"
echo
echo "| target | requests/s | oha p50 ms | oha p99 ms | oha p99.9 ms | openloop p50 ms (from due) | openloop p99 ms (from due) | openloop p99.9 ms | openloop p99 ms (from send) | openloop generator lag p99.9 ms | answers |"
echo "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|"
i=0
for t in "${TARGETS[@]}"; do
    label=${t%%|*}; url=${t#*|}
    for rate in $RATES; do
        i=$((i + 1))
        $CLIENT_CPU oha -z "${DURATION}s" -c "$CONNS" -q "$rate" --latency-correction --no-tui --output-format json \
            "${OHA_THREADS[@]}" "$url" >"$OUT/$i.oha.json" 2>"$OUT/$i.oha.err"
        $CLIENT_CPU "$OL" "$url" --rate "$rate" --duration "${DURATION}s" --connections "$CONNS" --json \
            >"$OUT/$i.ol.json" 2>"$OUT/$i.ol.err"
        python3 - "$OUT/$i.oha.json" "$OUT/$i.ol.json" "$label" "$rate" <<'PY'
import json, sys
o, l = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
label, rate = sys.argv[3], int(sys.argv[4])
p = o["latencyPercentiles"]
codes = o.get("statusCodeDistribution", {})
on = sum(codes.values())
obad = on - sum(v for k, v in codes.items() if k.startswith("2")) + sum(o.get("errorDistribution", {}).values())
d, s, g = l["latency_from_due"], l["latency_from_send"], l["generator_lag"]
lbad = l["non_2xx"] + l["errors"] + l["unfinished"] + l["unsent"]
print(f"| {label} | {rate:,} | {p['p50']*1e3:.3f} | **{p['p99']*1e3:.3f}** | {p['p99.9']*1e3:.3f} | "
      f"{d['p50_ms']:.3f} | **{d['p99_ms']:.3f}** | {d['p999_ms']:.3f} | {s['p99_ms']:.3f} | {g['p999_ms']:.3f} | "
      f"oha {on:,} ({obad} not 2xx), openloop {l['completed']:,} ({lbad} not 2xx) |")
PY
    done
done
echo "# load average at end $(cut -d' ' -f1-3 /proc/loadavg)"
