#!/usr/bin/env python3
"""Generates the input of benches/batch_vs_grep.sh: N lines of addresses.

usage: gen_batch_input.py N OUT PLANTED_OUT [LIST.csv ...]

Lines are drawn (fixed seed) from a pool of 200,000 well-formed, unlisted
addresses with valid checksums: 40 % EVM (0x + lower-case hex), 25 % Bitcoin
P2PKH/P2SH (base58check), 20 % bech32 P2WPKH, 10 % TRON, and 5 % garbage
lines. Every 10,000th line is instead a listed address taken in turn from
the address column of the given walletscreen CSV lists; the number of
planted lines is written to PLANTED_OUT.
"""
import csv
import hashlib
import random
import sys

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def b58check(payload: bytes) -> str:
    data = payload + hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    n = int.from_bytes(data, "big")
    out = []
    while n:
        n, r = divmod(n, 58)
        out.append(B58[r])
    pad = len(data) - len(data.lstrip(b"\0"))
    return "1" * pad + "".join(reversed(out))


def bech32_polymod(values):
    gen = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    chk = 1
    for v in values:
        b = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if ((b >> i) & 1) else 0
    return chk


def segwit_v0(hrp: str, prog: bytes) -> str:
    acc, bits, data = 0, 0, [0]
    for b in prog:
        acc = (acc << 8) | b
        bits += 8
        while bits >= 5:
            bits -= 5
            data.append((acc >> bits) & 31)
    if bits:
        data.append((acc << (5 - bits)) & 31)
    hrp_exp = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    pm = bech32_polymod(hrp_exp + data + [0] * 6) ^ 1
    chk = [(pm >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(BECH32[d] for d in data + chk)


def main():
    n, out_path, planted_path, lists = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
    rng = random.Random(20260808)
    listed = []
    for path in lists:
        with open(path, newline="") as f:
            rows = csv.reader(line for line in f if not line.startswith("#"))
            header = next(rows)
            col = header.index("address")
            listed += [r[col] for r in rows if len(r) > col and r[col]]
    pool = []
    for i in range(200_000):
        k = rng.random()
        h = rng.randbytes(20)
        if k < 0.40:
            pool.append("0x" + h.hex())
        elif k < 0.65:
            pool.append(b58check(bytes([0 if i % 2 else 5]) + h))
        elif k < 0.85:
            pool.append(segwit_v0("bc", h))
        elif k < 0.95:
            pool.append(b58check(b"\x41" + h))
        else:
            pool.append("not an address " + h.hex()[: rng.randrange(4, 30)])
    listed_set = set(listed)
    pool = [p for p in pool if p not in listed_set]
    planted = 0
    with open(out_path, "w") as out:
        buf = []
        for i in range(n):
            if listed and i % 10_000 == 5_000:
                buf.append(listed[planted % len(listed)])
                planted += 1
            else:
                buf.append(pool[rng.randrange(len(pool))])
            if len(buf) == 100_000:
                out.write("\n".join(buf) + "\n")
                buf = []
        if buf:
            out.write("\n".join(buf) + "\n")
    with open(planted_path, "w") as f:
        f.write(f"{planted}\n")


if __name__ == "__main__":
    main()
