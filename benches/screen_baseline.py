#!/usr/bin/env python3
"""The straightforward Python screener that benches/batch_vs_grep.sh compares
the batch binary with: the listed addresses of walletscreen CSV lists,
normalized into a set of strings, and one normalization and set lookup per
input line. Prints each hit (line number and input) and the hit count on
stderr.

usage: screen_baseline.py FILE LIST.csv...

Normalization, the same rules as walletscreen's key path minus the rarer
ones (Unicode invisibles, full-width letters, cross-encoding equivalences):
strip whitespace; strip a URI scheme (`bitcoin:ADDR?amount=`), keeping a
CashAddr prefix; lower-case the case-insensitive formats (EVM hex with or
without 0x, bech32, CashAddr); keep base58 as is.
"""
import csv
import re
import sys

HEX40 = re.compile(r"(?:0[xX])?([0-9a-fA-F]{40})")
BECH32 = re.compile(r"(bc|tb|bcrt|ltc|tltc|bnb)1[02-9ac-hj-np-z]{6,87}", re.I)
CASHADDR = re.compile(r"[qp][02-9ac-hj-np-z]{41}", re.I)
CASH_PREFIXES = ("bitcoincash", "bchtest", "bchreg")


def normalize(s: str) -> str:
    s = s.strip()
    prefix = ""
    if ":" in s:
        scheme, rest = s.split(":", 1)
        if scheme.lower() in CASH_PREFIXES:
            prefix = scheme.lower() + ":"
        else:
            rest = rest[2:] if rest.startswith("//") else rest
        for stop in "?#@/":
            rest = rest.split(stop, 1)[0]
        s = rest
    m = HEX40.fullmatch(s)
    if m:
        return "evm:" + m.group(1).lower()
    if BECH32.fullmatch(s):
        return s.lower()
    if CASHADDR.fullmatch(s):
        return (prefix or "bitcoincash:") + s.lower()
    return prefix + s


def main():
    path, lists = sys.argv[1], sys.argv[2:]
    listed = set()
    for lp in lists:
        with open(lp, newline="") as f:
            rows = csv.reader(line for line in f if not line.startswith("#"))
            header = next(rows)
            col = header.index("address")
            for r in rows:
                if len(r) > col and r[col]:
                    listed.add(normalize(r[col]))
    hits = 0
    out = sys.stdout
    with open(path, encoding="utf-8", errors="replace") as f:
        for n, line in enumerate(f, 1):
            if normalize(line) in listed:
                hits += 1
                out.write(f"{n}\t{line.rstrip()}\n")
    print(f"baseline: {hits} hits", file=sys.stderr)


if __name__ == "__main__":
    main()
