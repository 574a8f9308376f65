#!/usr/bin/env bash
# Where the time goes at a fixed rate (BENCHMARKS.md, "Latency at half rate,
# measured two ways"): starts walletscreen-server (BIN, pinned to CPU 0,
# RUST_LOG=$LOG), holds RATE requests/s on `/healthz` and a listed
# Chainalysis lookup with openloop (CPU 1) for D seconds each, and prints
# openloop's latencies (from due, from send, its own lag) beside what the
# kernel counted meanwhile: each server thread's CPU time, time spent
# runnable but waiting for the CPU, slices and context switches
# (/proc/PID/task/TID/schedstat and status), every process alive at both
# ends that used 50 ms of CPU or more, and the two CPUs' /proc/stat times.
#
#   server/bench/cpu_at_rate.sh                            # 37,400/s, 10 s, RUST_LOG=info
#   LOG=warn RATE=32000 server/bench/cpu_at_rate.sh        # without the access log
#   BIN=/tmp/other-build server/bench/cpu_at_rate.sh       # another build
set -euo pipefail
cd "$(dirname "$0")/../.."

RATE=${RATE:-37400}
D=${D:-10}
LOG=${LOG:-info}
PORT=${PORT:-18700}
OUT=${OUT:-target/bench-cpu-at-rate}
mkdir -p "$OUT"
if [ -z "${BIN:-}" ]; then
    cargo build --release -p walletscreen-server --bin walletscreen-server --example openloop >&2
    BIN=target/release/walletscreen-server
else
    cargo build --release -p walletscreen-server --example openloop >&2
fi
OL=target/release/examples/openloop
LISTED=0x098B716B8Aaf21512996dC57EB0615e2383E2f96

RUST_LOG=$LOG taskset -c 0 "$BIN" --bind 127.0.0.1:$PORT 2>"$OUT/server.log" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
    grep -q "listening on" "$OUT/server.log" && break
    kill -0 $pid 2>/dev/null || { cat "$OUT/server.log" >&2; exit 1; }
    sleep 0.1
done

# snap FILE: the server's threads (tid comm run_ns wait_ns slices vol invol),
# every process (P pid comm ticks), the two CPUs' /proc/stat lines.
snap() {
    for t in /proc/$pid/task/*; do
        echo "T $(basename "$t") $(tr ' ' _ <"$t/comm") $(cat "$t/schedstat") $(awk '/^(voluntary|nonvoluntary)_ctxt/ {printf "%s ", $2}' "$t/status")"
    done
    for p in /proc/[0-9]*; do
        read -r line <"$p/stat" 2>/dev/null || continue
        echo "P $line"
    done
    grep -E '^cpu[01] ' /proc/stat
} 
echo "# walletscreen-server ($BIN) at $RATE requests/s by openloop, $D s each, RUST_LOG=$LOG, $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
for ep in healthz "api/v1/address/$LISTED"; do
    snap >"$OUT/before"
    taskset -c 1 "$OL" "http://127.0.0.1:$PORT/$ep" --rate "$RATE" --duration "${D}s" --connections 32 \
        --warmup 0s --json >"$OUT/ol.json"
    snap >"$OUT/after"
    python3 - "$OUT" "$ep" "$pid" <<'PY'
import json, os, sys
out, ep, server = sys.argv[1], sys.argv[2], sys.argv[3]
o = json.load(open(f"{out}/ol.json"))
d, s, g = o["latency_from_due"], o["latency_from_send"], o["generator_lag"]
bad = o["non_2xx"] + o["errors"] + o["unfinished"] + o["unsent"]
print(f"{ep[:24]}: {o['completed']:,} answers ({bad} not 2xx or lost); from due p50 {d['p50_ms']:.3f} "
      f"p99 {d['p99_ms']:.3f} p99.9 {d['p999_ms']:.3f} max {d['max_ms']:.3f} ms; from send p99 "
      f"{s['p99_ms']:.3f}; generator lag p99.9 {g['p999_ms']:.3f} max {g['max_ms']:.3f}")
def read(path):
    threads, procs, cpus = {}, {}, {}
    for line in open(path):
        kind, rest = line[0], line[2:]
        if line.startswith("cpu"):
            f = line.split(); cpus[f[0]] = [int(v) for v in f[1:]]
        elif kind == "T":
            f = rest.split(); threads[f[0]] = (f[1], [int(v) for v in f[2:7]])
        elif kind == "P":
            i = rest.rindex(")"); f = rest[i + 2:].split()
            procs[rest.split()[0]] = (rest[rest.index("(") + 1:i], int(f[11]) + int(f[12]))
    return threads, procs, cpus
t0, p0, c0 = read(f"{out}/before")
t1, p1, c1 = read(f"{out}/after")
hz = os.sysconf("SC_CLK_TCK")
for tid, (name, v) in t1.items():
    a = t0.get(tid, (name, [0] * 5))[1]
    dv = [x - y for x, y in zip(v, a)]
    if dv[0] > 0:
        print(f"  thread {name:<18} CPU {dv[0] / 1e6:7.0f} ms, runnable waiting {dv[1] / 1e6:6.0f} ms, "
              f"{dv[2]:7,} slices, {dv[3]:7,} voluntary and {dv[4]:6,} involuntary switches")
for p, (name, ticks) in p1.items():
    used = (ticks - p0.get(p, (name, 0))[1]) / hz
    if used >= 0.05:
        print(f"  process {p} {name}{' (the server)' if p == server else ''}: {used:.2f} s of CPU")
for cpu in ("cpu0", "cpu1"):
    dv = [x - y for x, y in zip(c1[cpu], c0[cpu])]
    print(f"  {cpu}: " + ", ".join(f"{k} {v / hz:.2f} s" for k, v in zip(
        ("user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"), dv)))
PY
done
