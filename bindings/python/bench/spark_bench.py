#!/usr/bin/env python3
"""walletscreen.spark.screen next to the conventional Spark approach (a
broadcast join of lower(trim(address)) against the listed addresses), on
the same 10 M-row Parquet file, in the same Spark session (local[2]).

usage: python bindings/python/bench/spark_bench.py [N]   (default 10,000,000 rows)

The file (made once, in the temporary directory): the batch benchmark's
lines (benches/gen_batch_input.py, fixed seed: EVM, base58, bech32, TRON
addresses, 5 % junk, one listed address as listed every 10,000 rows) as
the `address` column, with listed addresses of the bundled lists planted in
the spellings people and systems write them in (label in the `spelling`
column, null elsewhere), and an `id` and an `amount`. A decoy kind is
planted too: listed base58 addresses lower-cased, which are other
(unlisted) addresses; a correct screener must not flag them.

Each approach finds its hit rows and counts them by `spelling` (a full
scan of the file each time); best of 2 runs after one warm-up, Spark's
start not timed. Needs pyspark and Java 17 or newer; PYSPARK_PYTHON is set
to this interpreter.
"""
import csv
import os
import random
import sys
import tempfile
import time

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

import walletscreen

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, HERE)
import bench  # noqa: E402  (the input file and its reader)

DECOY = "decoy: base58 lower-cased (another address)"


def listed_addresses():
    out = []
    for lp in bench.LISTS:
        with open(lp, newline="") as f:
            rows = csv.reader(line for line in f if not line.startswith("#"))
            col = next(rows).index("address")
            out += [r[col] for r in rows if len(r) > col and r[col]]
    return out


def spellings(addr, family):
    """(label, spelling) of a listed address, by family."""
    out = [("as listed", addr), ("padded with spaces", f"  {addr}  "), ("tab before", f"\t{addr}")]
    if family == "evm":
        if addr != addr.lower():
            out.append(("EVM lower-cased (listed EIP-55)", addr.lower()))
        out.append(("EVM 0x + upper-case hex", "0x" + addr[2:].upper()))
        out.append(("URI ethereum:ADDR@1", f"ethereum:{addr}@1"))
    elif family == "base58" and addr[0] in "13":
        out.append(("URI bitcoin:ADDR?amount=", f"bitcoin:{addr}?amount=0.1"))
        if addr.lower() != addr:
            out.append((DECOY, addr.lower()))
    elif family == "bech32":
        out.append(("bech32 upper-cased", addr.upper()))
        if addr.lower().startswith("bc1"):
            out.append(("URI bitcoin:ADDR?amount=", f"bitcoin:{addr}?amount=0.1"))
    elif family == "cashaddr" and ":" not in addr:
        out.append(("CashAddr with bitcoincash: prefix", f"bitcoincash:{addr}"))
        out.append(("CashAddr upper-cased, prefixed", "BITCOINCASH:" + addr.upper()))
    return out


def make_file(n, path):
    lines = bench.read_lines(bench.input_file(n))
    s = walletscreen.Screener.bundled()
    listed = sorted(set(listed_addresses()))
    variants = []
    for a in listed:
        v = s.check(a)
        if v.is_hit:
            variants += spellings(a, v.family)
    rng = random.Random(17)
    rows = rng.sample(range(n), min(n // 2, 2 * len(variants)))
    labels = [None] * n
    # The generator's own listed rows (as listed, one every 10,000).
    exact = pc.indices_nonzero(pc.is_in(pa.array(lines), value_set=pa.array(listed))).to_pylist()
    for i in exact:
        labels[i] = "as listed"
    for row, (label, spelling) in zip(rows, variants + variants):
        lines[row] = spelling
        labels[row] = label
    table = pa.table(
        {
            "id": pa.array(range(n), pa.int64()),
            "address": pa.array(lines, pa.string()),
            "spelling": pa.array(labels, pa.string()),
            "amount": pc.multiply(pa.array(range(n), pa.float64()), 0.01),
        }
    )
    pq.write_table(table, path + ".tmp", row_group_size=1 << 20)
    os.replace(path + ".tmp", path)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    path = os.path.join(tempfile.gettempdir(), f"walletscreen-spark-bench-{n}.parquet")
    if not os.path.exists(path):
        make_file(n, path)

    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    from walletscreen.spark import screen

    spark = (
        SparkSession.builder.master("local[2]")
        .appName("walletscreen-spark-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "4g")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    df = spark.read.parquet(path)
    planted = dict(
        (r["spelling"], r["count"])
        for r in df.where("spelling IS NOT NULL").groupBy("spelling").count().collect()
    )

    def walletscreen_hits():
        hits = screen(df, "address").where("screen.kind = 'hit'")
        return hits.groupBy("spelling").count().collect()

    listed = spark.createDataFrame([(a,) for a in listed_addresses()], "listed string")
    keys = listed.select(F.lower(F.trim("listed")).alias("key")).distinct()

    def join_hits():
        hits = df.join(F.broadcast(keys), F.lower(F.trim(df["address"])) == keys["key"])
        return hits.groupBy("spelling").count().collect()

    results = {}
    for name, f in [("walletscreen", walletscreen_hits), ("join", join_hits)]:
        f()  # warm-up
        times = []
        for _ in range(2):
            t = time.perf_counter()
            out = f()
            times.append(time.perf_counter() - t)
        results[name] = (min(times), {r["spelling"]: r["count"] for r in out})
    spark.stop()

    (t_ws, found_ws), (t_join, found_join) = results["walletscreen"], results["join"]
    print(f"{n:,} rows ({os.path.getsize(path) / 1e6:.0f} MB Parquet), local[2]; best of 2")
    print(f"walletscreen.spark.screen   {t_ws:7.2f} s  {n / t_ws / 1e6:5.2f} M rows/s")
    print(f"broadcast join lower(trim)  {t_join:7.2f} s  {n / t_join / 1e6:5.2f} M rows/s")
    print(f"time ratio (screen / join)  {t_ws / t_join:7.2f}")
    print()
    print(f"{'spelling':45} {'planted':>8} {'screen':>8} {'join':>8}")
    total = [0, 0, 0]
    for label in sorted(planted, key=lambda x: (x == DECOY, x)):
        row = [planted[label], found_ws.get(label, 0), found_join.get(label, 0)]
        print(f"{label:45} {row[0]:8} {row[1]:8} {row[2]:8}")
        if label != DECOY:
            total = [a + b for a, b in zip(total, row)]
    print(f"{'all listed spellings':45} {total[0]:8} {total[1]:8} {total[2]:8}")
    other_ws, other_join = found_ws.get(None, 0), found_join.get(None, 0)
    print(f"{'unplanted rows flagged':45} {'':8} {other_ws:8} {other_join:8}")


if __name__ == "__main__":
    main()
