#!/usr/bin/env python3
"""How long each CPU of this machine is taken away from a runnable process.

One process per CPU (pinned with os.sched_setaffinity) reads the monotonic
clock in a tight loop for DURATION seconds and records every gap between two
reads longer than 0.2 ms: time the process was not running although it
never slept (the kernel's own threads, other processes, the hypervisor). The
load generator and the server get the same gaps, so a latency percentile
cannot be better than what these gaps leave (BENCHMARKS.md, "Service under
load"). It also reads the CPU time of the kernel's DAMON thread (kdamond)
before and after, where there is one.

usage: python3 server/bench/cpu_stalls.py [DURATION_SECONDS]   (default 10)
Run it on an otherwise idle machine.
"""
import json
import multiprocessing as mp
import os
import sys
import time


def spin(cpu, duration, out):
    os.sched_setaffinity(0, {cpu})
    clock = time.perf_counter_ns
    start = prev = clock()
    end = start + int(duration * 1e9)
    gaps = []
    while prev < end:
        now = clock()
        if now - prev > 200_000:
            gaps.append(((prev - start) / 1e6, (now - prev) / 1e6))
        prev = now
    out.put((cpu, gaps))


def kdamond_ticks():
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().split()
        except OSError:
            continue
        if fields[1].startswith("(kdamond"):
            total += int(fields[13]) + int(fields[14])
    return total


def main():
    duration = float(sys.argv[1]) if len(sys.argv) > 1 else 10.0
    cpus = sorted(os.sched_getaffinity(0))
    k0 = kdamond_ticks()
    out = mp.Queue()
    procs = [mp.Process(target=spin, args=(c, duration, out)) for c in cpus]
    for p in procs:
        p.start()
    results = dict(out.get() for _ in procs)
    for p in procs:
        p.join()
    k1 = kdamond_ticks()
    tick = os.sysconf("SC_CLK_TCK")
    print(f"# {len(cpus)} CPUs, {duration:.0f} s each, load average {os.getloadavg()[0]:.2f} at the end")
    print("| CPU | gaps > 0.2 ms | > 1 ms | > 2 ms | time taken away | share | longest (ms) |")
    print("|--:|--:|--:|--:|--:|--:|---|")
    for cpu in cpus:
        gaps = results[cpu]
        lengths = sorted(g for _, g in gaps)
        away = sum(lengths)
        print(f"| {cpu} | {len(gaps)} | {sum(g > 1 for g in lengths)} | {sum(g > 2 for g in lengths)} | "
              f"{away:.1f} ms | {away / (duration * 1e3):.2%} | {', '.join(f'{g:.1f}' for g in lengths[-5:][::-1])} |")
    print(f"kdamond CPU time meanwhile: {(k1 - k0) * 1e3 / tick:.0f} ms")
    print("gaps > 1 ms, (start ms, length ms) per CPU:",
          json.dumps({c: [(round(s), round(g, 1)) for s, g in results[c] if g > 1] for c in cpus}))


if __name__ == "__main__":
    main()
