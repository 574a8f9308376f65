#!/usr/bin/env python3
"""Generates the big user lists of BENCHMARKS.md's "Loading a user list of
2 M entries": N random EVM addresses (0x + 40 lower-case hex digits, fixed
seed), written twice, as a plain-text list (one per line) and as a
two-column CSV (`address,entity`, entity `Internal 0` .. `Internal 49`).

usage: gen_big_list.py N OUT_PREFIX     (writes OUT_PREFIX.txt, OUT_PREFIX.csv)
"""
import random
import sys

n, prefix = int(sys.argv[1]), sys.argv[2]
random.seed(13)
with open(prefix + ".csv", "w") as csv, open(prefix + ".txt", "w") as txt:
    csv.write("address,entity\n")
    for i in range(n):
        a = "0x%040x" % random.getrandbits(160)
        csv.write(f"{a},Internal {i % 50}\n")
        txt.write(a + "\n")
