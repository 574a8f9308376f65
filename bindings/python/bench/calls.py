#!/usr/bin/env python3
"""check_arrow call by call: the column of bench.py (the same input file,
made by it if missing), N calls in a row (default 7), each output kept until
the next call returns (as bench.py's best-of does), every call's seconds
printed, then each call's minor page faults (the process's, from
getrusage). It shows the allocator's warm-up: the first calls get fresh
memory, the later ones reuse the earlier outputs' pages (BENCHMARKS.md,
"Fifth session" and "Seventh session").

usage: python bindings/python/bench/calls.py [N] [LINES]
       (run it under `flock -x -w 900 /work/notes/machine.lock`)
"""
import os
import resource
import sys
import time

import pyarrow as pa

import walletscreen

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import input_file, read_lines  # noqa: E402


def main():
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000_000
    column = pa.array(read_lines(input_file(n)), pa.string())
    s = walletscreen.Screener.bundled()
    times, faults = [], []
    out = None
    for _ in range(calls):
        before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        t = time.perf_counter()
        out = s.check_arrow(column)
        times.append(time.perf_counter() - t)
        faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
    assert len(out) == n
    print(" ".join(f"{t:.3f}" for t in times), f"best {min(times):.3f}")
    print("page faults:", " ".join(str(f) for f in faults))


if __name__ == "__main__":
    main()
