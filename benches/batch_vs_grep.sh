#!/usr/bin/env bash
# The batch binary against `grep -F -f LIST` and a straightforward Python
# screener (benches/screen_baseline.py) on one generated file of addresses,
# side by side in one run (issue 4; figures in BENCHMARKS.md). Not run by CI.
#
# usage: benches/batch_vs_grep.sh [LINES] [RUNS]
#   LINES: lines of the generated file (default 10000000, ~400 MB)
#   RUNS:  runs per command, the best (min) and median are reported (default 3)
#
# The file is generated once (benches/gen_batch_input.py, fixed seed) in
# ${TMPDIR:-/tmp}/walletscreen-bench and kept for later runs; nothing is
# written to the repository. Needs python3 and GNU grep; uses hyperfine
# for an extra table when it is installed.
set -euo pipefail
cd "$(dirname "$0")/.."

LINES=${1:-10000000}
RUNS=${2:-3}
DIR=${TMPDIR:-/tmp}/walletscreen-bench
mkdir -p "$DIR"
IN=$DIR/addresses-$LINES.txt
LISTS=(lists/ofac_sdn.csv lists/fbi_dprk.csv)
PATTERNS=$DIR/listed-addresses.txt
BIN=target/release/examples/screen

cargo build --release --quiet --example screen
if [ ! -s "$IN" ]; then
    echo "generating $IN ..." >&2
    python3 benches/gen_batch_input.py "$LINES" "$IN" "$IN.planted" "${LISTS[@]}"
fi
# grep's pattern file: the address column of the bundled lists, as listed.
python3 - "$PATTERNS" "${LISTS[@]}" <<'PY'
import csv, sys
out = open(sys.argv[1], "w")
for path in sys.argv[2:]:
    rows = csv.reader(l for l in open(path, newline="") if not l.startswith("#"))
    col = next(rows).index("address")
    for r in rows:
        if len(r) > col and r[col]:
            out.write(r[col] + "\n")
PY

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "input: $IN: $(wc -l <"$IN") lines, $(du -m "$IN" | cut -f1) MB, $(cat "$IN.planted") planted listed addresses"
echo "patterns: $(wc -l <"$PATTERNS") listed spellings; $(grep --version | head -1); $(python3 --version)"
echo

# Hit counts first: every tool must find the planted lines.
echo "hits: grep $(grep -F -c -f "$PATTERNS" "$IN"), python $(python3 benches/screen_baseline.py "$IN" "${LISTS[@]}" 2>/dev/null | wc -l), screen $("$BIN" --fast --hits-only "$IN" 2>/dev/null | wc -l)"
echo

# name|command
COMMANDS=(
    "grep -F -f LIST|grep -F -f $PATTERNS $IN"
    "python baseline|python3 benches/screen_baseline.py $IN ${LISTS[*]}"
    "screen --fast --hits-only|$BIN --fast --hits-only $IN"
    "screen --fast --hits-only --threads 1|$BIN --fast --hits-only --threads 1 $IN"
    "screen --hits-only (checksums verified)|$BIN --hits-only $IN"
    "screen --fast --format jsonl (every line)|$BIN --fast --format jsonl $IN"
)

printf '| command | best s | median s | lines/s (best) |\n|---|--:|--:|--:|\n'
declare -A BEST
for entry in "${COMMANDS[@]}"; do
    name=${entry%%|*}
    cmd=${entry#*|}
    times=()
    for _ in $(seq "$RUNS"); do
        start=$(date +%s.%N)
        # Into a file, not /dev/null: GNU grep stops at the first match
        # when its output is /dev/null.
        $cmd >"$DIR/out.txt" 2>/dev/null || [ $? -eq 1 ]   # exit 1 = hits
        end=$(date +%s.%N)
        times+=("$(echo "$end - $start" | bc -l)")
    done
    sorted=$(printf '%s\n' "${times[@]}" | sort -g)
    best=$(echo "$sorted" | head -1)
    median=$(echo "$sorted" | sed -n "$(( (RUNS + 1) / 2 ))p")
    BEST[$name]=$best
    printf '| `%s` | %.3f | %.3f | %.2f M |\n' "$name" "$best" "$median" "$(echo "$LINES / $best / 1000000" | bc -l)"
done
echo
ours=${BEST["screen --fast --hits-only"]}
printf 'screen --fast --hits-only vs grep: %.1fx, vs python: %.1fx\n' \
    "$(echo "${BEST["grep -F -f LIST"]} / $ours" | bc -l)" \
    "$(echo "${BEST["python baseline"]} / $ours" | bc -l)"
verified=${BEST["screen --hits-only (checksums verified)"]}
printf 'screen --hits-only (verified) vs grep: %.1fx, vs python: %.1fx\n' \
    "$(echo "${BEST["grep -F -f LIST"]} / $verified" | bc -l)" \
    "$(echo "${BEST["python baseline"]} / $verified" | bc -l)"

if command -v hyperfine >/dev/null 2>&1; then
    echo
    hyperfine --warmup 1 --runs "$RUNS" -i --style basic \
        -n grep "grep -F -f $PATTERNS $IN" \
        -n python "python3 benches/screen_baseline.py $IN ${LISTS[*]}" \
        -n screen-fast "$BIN --fast --hits-only $IN" \
        -n screen-verified "$BIN --hits-only $IN"
fi
