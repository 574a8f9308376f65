#!/usr/bin/env python3
"""Speed of the Python package, in one run, on one input: the batch
benchmark's lines (benches/gen_batch_input.py, fixed seed; generated once
into the temporary directory), the bundled lists.

usage: python bindings/python/bench/bench.py [N] [--many M]
       (default N = 10,000,000 lines; check_many over the first M lines,
       default 1,000,000: it makes one Python object per line)

Reports, best of RUNS = 7 for check_arrow and the Rust check_many (the
first call is reported too: it meets a cold allocator and fresh pages; both
sides are at their best after a few calls), best of 3 for the others (the
baseline: best of 2):
  - Screener.check_arrow over the whole column (a pyarrow string array);
  - the Rust library's check_many over the same lines (examples/
    check_many_rate.rs, built and run by this script): on one thread, and
    on every core in chunks of 16,384 as the package does;
  - the pure-Python baseline (benches/screen_baseline.py's normalize and
    a set of the lists' normalized addresses, one loop);
  - Screener.check_many over a list of str;
  - per call, over 200,000 lines: a Python loop of Screener.check, of
    Screener.is_listed, and of a set membership test of pre-normalized
    strings;
and the ratios issue 17 sets targets for. Every path must find the same
hits. Run it on an idle machine (the repository's benchmarks take
`flock -x -w 900 /work/notes/machine.lock` around it).
"""
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import pyarrow as pa

import walletscreen

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "benches"))
import screen_baseline  # noqa: E402

LISTS = [os.path.join(ROOT, "lists", f) for f in ("ofac_sdn.csv", "fbi_dprk.csv")]


# Calls of check_arrow and of the Rust check_many: both sides warm up
# their allocator over the first calls (BENCHMARKS.md, "Fifth session").
RUNS = 7


def best(f, runs=3, calls=None):
    times = []
    out = None
    for _ in range(runs):
        t = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t)
    if calls is not None:
        calls.extend(times)
    return min(times), out


def input_file(n):
    path = os.path.join(tempfile.gettempdir(), f"walletscreen-py-bench-{n}.txt")
    if not os.path.exists(path):
        subprocess.run(
            [sys.executable, os.path.join(ROOT, "benches", "gen_batch_input.py"), str(n),
             path + ".tmp", path + ".planted", *LISTS],
            check=True,
        )
        os.replace(path + ".tmp", path)
    return path


def read_lines(path):
    # As Rust's `str::lines` after a lossy UTF-8 decode, so that both sides
    # see the same strings.
    with open(path, "rb") as f:
        text = f.read().decode("utf-8", errors="replace")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [x[:-1] if x.endswith("\r") else x for x in lines]


def rust_check_many(path):
    subprocess.run(
        ["cargo", "build", "--quiet", "--release", "--example", "check_many_rate"],
        cwd=ROOT, check=True,
    )
    exe = os.path.join(ROOT, "target", "release", "examples", "check_many_rate")
    out = subprocess.run([exe, path, str(RUNS)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def listed_set():
    listed = set()
    for lp in LISTS:
        with open(lp, newline="") as f:
            rows = csv.reader(line for line in f if not line.startswith("#"))
            col = next(rows).index("address")
            for r in rows:
                if len(r) > col and r[col]:
                    listed.add(screen_baseline.normalize(r[col]))
    return listed


def main():
    args = sys.argv[1:]
    many = 1_000_000
    if "--many" in args:
        i = args.index("--many")
        many = int(args[i + 1])
        del args[i : i + 2]
    n = int(args[0]) if args else 10_000_000
    path = input_file(n)

    rust = rust_check_many(path)
    lines = read_lines(path)
    assert len(lines) == rust["lines"], (len(lines), rust["lines"])
    column = pa.array(lines, pa.string())
    s = walletscreen.Screener.bundled()
    listed = listed_set()

    calls = []
    t_arrow, out = best(lambda: s.check_arrow(column), runs=RUNS, calls=calls)
    first, mid = calls[0], statistics.median(calls)
    hits_arrow = out.field("kind").to_pylist().count("hit")
    del out
    norm = screen_baseline.normalize
    t_base, hits_base = best(lambda: sum(norm(x) in listed for x in lines), runs=2)
    head = lines[:many]
    t_many, verdicts = best(lambda: s.check_many(head))
    hits_many = sum(v.is_hit for v in verdicts)
    del verdicts

    k = min(n, 200_000)
    sub = lines[:k]
    pre = [norm(x) for x in sub]
    t_check, _ = best(lambda: [s.check(x) for x in sub])
    t_listed, _ = best(lambda: [s.is_listed(x) for x in sub])
    t_set, _ = best(lambda: [x in listed for x in pre])

    t_rs1, t_rsn = rust["serial_s"], rust["parallel_s"]
    rate = lambda rows, t: rows / t / 1e6  # noqa: E731
    print(f"{n:,} lines, {os.cpu_count()} CPUs; hits: check_arrow {hits_arrow}, Rust check_many "
          f"{rust['hits']}/{rust['hits_parallel']}, baseline {hits_base}, "
          f"check_many {hits_many} (first {len(head):,})")
    print(f"check_arrow (whole column)          {t_arrow:8.3f} s {rate(n, t_arrow):7.2f} M/s  "
          f"(first call {first:.3f} s)")
    print(f"  first calls: check_arrow {first:.3f} s, Rust check_many all cores "
          f"{rust['parallel_first_s']:.3f} s (check_arrow: "
          f"{rust['parallel_first_s'] / first:4.2f}x its throughput), baseline "
          f"{t_base:.3f} s (check_arrow: {t_base / first:5.1f}x)")
    print(f"  medians of {RUNS}: check_arrow {mid:.3f} s, Rust check_many all cores "
          f"{rust['parallel_median_s']:.3f} s (check_arrow: "
          f"{rust['parallel_median_s'] / mid:4.2f}x its throughput), baseline "
          f"{t_base:.3f} s (check_arrow: {t_base / mid:5.1f}x)")
    print(f"Rust check_many, all cores          {t_rsn:8.3f} s {rate(n, t_rsn):7.2f} M/s  "
          f"(check_arrow: {t_rsn / t_arrow:4.2f}x its throughput)")
    print(f"Rust check_many, one thread         {t_rs1:8.3f} s {rate(n, t_rs1):7.2f} M/s  "
          f"(check_arrow: {t_rs1 / t_arrow:4.2f}x)")
    print(f"baseline (normalize + set, Python)  {t_base:8.3f} s {rate(n, t_base):7.2f} M/s  "
          f"(check_arrow: {t_base / t_arrow:5.1f}x)")
    print(f"check_many (list of str), {len(head):,}  {t_many:8.3f} s "
          f"{rate(len(head), t_many):7.2f} M/s")
    print(f"per call, over {k:,}: check {t_check / k * 1e9:4.0f} ns, is_listed "
          f"{t_listed / k * 1e9:4.0f} ns, set membership of a pre-normalized str "
          f"{t_set / k * 1e9:4.0f} ns; check / set = {t_check / t_set:4.1f}, "
          f"is_listed / set = {t_listed / t_set:4.1f}")
    assert hits_arrow == rust["hits"] == rust["hits_parallel"] == hits_base, "hits differ"


if __name__ == "__main__":
    main()
