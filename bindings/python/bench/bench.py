#!/usr/bin/env python3
"""Speed of the Python package against the pure-Python baseline
(benches/screen_baseline.py: normalization and a set), on the input of
benches/batch_vs_grep.sh (benches/gen_batch_input.py, fixed seed).

usage: python bindings/python/bench/bench.py [N]     (default 1,000,000 lines)

Prints, best of 3: check_arrow over the whole column, check_many over a
list of str, the baseline loop over the same strings; and per call: a
Python loop of Screener.check, of Screener.is_listed, and of a set
membership test of pre-normalized strings.
"""
import os
import subprocess
import sys
import tempfile
import time

import pyarrow as pa

import walletscreen

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "benches"))
import screen_baseline  # noqa: E402


def best(f, runs=3):
    times = []
    out = None
    for _ in range(runs):
        t = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t)
    return min(times), out


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    lists = [os.path.join(ROOT, "lists", f) for f in ("ofac_sdn.csv", "fbi_dprk.csv")]
    path = os.path.join(tempfile.gettempdir(), f"walletscreen-py-bench-{n}.txt")
    if not os.path.exists(path):
        subprocess.run(
            [sys.executable, os.path.join(ROOT, "benches", "gen_batch_input.py"), str(n), path,
             path + ".planted", *lists],
            check=True,
        )
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().splitlines()
    column = pa.array(lines, pa.string())
    s = walletscreen.Screener.bundled()

    listed = set()
    import csv

    for lp in lists:
        with open(lp, newline="") as f:
            rows = csv.reader(line for line in f if not line.startswith("#"))
            col = next(rows).index("address")
            for r in rows:
                if len(r) > col and r[col]:
                    listed.add(screen_baseline.normalize(r[col]))

    t_arrow, out = best(lambda: s.check_arrow(column))
    hits_arrow = out.field("kind").to_pylist().count("hit")
    t_many, verdicts = best(lambda: s.check_many(lines))
    hits_many = sum(v.is_hit for v in verdicts)
    del verdicts
    norm = screen_baseline.normalize
    t_base, hits_base = best(lambda: sum(norm(x) in listed for x in lines))

    k = min(n, 200_000)
    sub = lines[:k]
    pre = [norm(x) for x in sub]
    t_check, _ = best(lambda: [s.check(x) for x in sub])
    t_listed, _ = best(lambda: [s.is_listed(x) for x in sub])
    t_set, _ = best(lambda: [x in listed for x in pre])

    print(f"{n:,} lines; hits: check_arrow {hits_arrow}, check_many {hits_many}, baseline {hits_base}")
    print(f"check_arrow (whole column)    {t_arrow:8.3f} s  {n / t_arrow / 1e6:7.2f} M/s  "
          f"{t_base / t_arrow:5.1f}x the baseline")
    print(f"check_many (list of str)      {t_many:8.3f} s  {n / t_many / 1e6:7.2f} M/s  "
          f"{t_base / t_many:5.1f}x the baseline")
    print(f"baseline (normalize + set)    {t_base:8.3f} s  {n / t_base / 1e6:7.2f} M/s")
    print(f"per call, over {k:,}: check {t_check / k * 1e9:6.0f} ns, is_listed "
          f"{t_listed / k * 1e9:6.0f} ns, set membership (pre-normalized) {t_set / k * 1e9:6.0f} ns; "
          f"check / set = {t_check / t_set:4.1f}, is_listed / set = {t_listed / t_set:4.1f}")


if __name__ == "__main__":
    main()
