"""walletscreen.spark.screen on a real local Spark (local[2]): a Parquet
dataset of transactions with listed addresses planted in many spellings;
exactly the planted rows hit. Skipped without pyspark or Java."""

import os
import random
import shutil
import sys

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import walletscreen
from conftest import GENESIS, HYDRA, LAZARUS, SOUTHFRONT

# CI (.ci/run) installs Java and sets WALLETSCREEN_REQUIRE_SPARK=1: there a
# missing pyspark or Java fails instead of skipping.
_REQUIRED = os.environ.get("WALLETSCREEN_REQUIRE_SPARK") == "1"
if not _REQUIRED:
    pytest.importorskip("pyspark")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("Spark needs Java", allow_module_level=True)

# A listed address in the spellings people and systems write it in.
PLANTED = [
    (LAZARUS, "ofac-sdn"),
    (LAZARUS.lower(), "ofac-sdn"),
    ("0x" + LAZARUS[2:].upper(), "ofac-sdn"),
    (f"ethereum:{LAZARUS}@1", "ofac-sdn"),
    (f"  {LAZARUS}\t", "ofac-sdn"),
    (f"bitcoin:{HYDRA}?amount=0.1", "ofac-sdn"),
    (HYDRA, "ofac-sdn"),
    ("bitcoincash:" + SOUTHFRONT, "ofac-sdn"),
    ("BITCOINCASH:" + SOUTHFRONT.upper(), "ofac-sdn"),
    (SOUTHFRONT, "ofac-sdn"),
]


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("walletscreen-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "500")
        .getOrCreate()
    )
    yield session
    session.stop()


def transactions(n: int, seed: int = 17):
    """n rows (id, address, amount); the planted spellings at random rows,
    the rest unlisted EVM and base58 addresses, junk and nulls."""
    rng = random.Random(seed)
    addresses = []
    for i in range(n):
        r = rng.random()
        if r < 0.6:
            addresses.append("0x" + "".join(rng.choice("0123456789abcdef") for _ in range(40)))
        elif r < 0.8:
            addresses.append(GENESIS)
        elif r < 0.95:
            addresses.append(f"not an address {i}")
        else:
            addresses.append(None)
    rows = rng.sample(range(n), len(PLANTED))
    for row, (spelling, _) in zip(rows, PLANTED):
        addresses[row] = spelling
    table = pa.table(
        {
            "id": pa.array(range(n), pa.int64()),
            "address": pa.array(addresses, pa.string()),
            "amount": pa.array([rng.random() * 100 for _ in range(n)]),
        }
    )
    return table, dict(zip(rows, PLANTED))


def test_exactly_the_planted_rows_hit(spark, tmp_path):
    from walletscreen.spark import screen

    table, planted = transactions(5000)
    path = str(tmp_path / "tx.parquet")
    pq.write_table(table, path, row_group_size=1000)
    df = spark.read.parquet(path).repartition(3)

    screened = screen(df, "address")
    assert screened.columns == ["id", "address", "amount", "screen"]
    hits = {
        r["id"]: (r["address"], r["list"], r["entity"])
        for r in screened.where("screen.kind = 'hit'")
        .select("id", "address", "screen.list", "screen.entity")
        .collect()
    }
    assert set(hits) == set(planted)
    for row, (spelling, list_id) in planted.items():
        assert hits[row][0] == spelling and hits[row][1] == list_id
    # Every row is there once; null addresses give null verdicts.
    assert screened.count() == table.num_rows
    nulls = table.column("address").null_count
    assert screened.where("screen IS NULL").count() == nulls
    assert screened.where("screen.kind = 'invalid'").count() > 0


def test_user_lists_and_errors(spark):
    mine = walletscreen.List.from_bytes(f"{GENESIS} genesis\n", id="mine")
    df = spark.createDataFrame([(1, GENESIS), (2, LAZARUS)], "id long, address string")
    from walletscreen.spark import screen

    rows = screen(df, "address", lists=[mine], bundled=False, output="v").orderBy("id").collect()
    assert [(r["v"]["kind"], r["v"]["list"]) for r in rows] == [("hit", "mine"), ("clear", None)]
    with pytest.raises(ValueError):
        screen(df, "nope")
    with pytest.raises(ValueError):
        screen(df, "address", output="id")


def test_as_of_column(spark):
    import datetime

    from walletscreen.spark import screen

    # FAYZIMATOV's XBT address: listed 2021-07-28, delisted 2026-09-30.
    addr = "17a5bpKvEp1j1Trs4qTbcNZrby53JbaS9C"
    rows = [
        (1, addr, datetime.date(2026, 8, 1)),  # listed that day
        (2, addr, datetime.date(2026, 10, 1)),  # delisted by then
        (3, addr, datetime.date(2020, 1, 1)),  # not listed yet
        (4, addr, None),  # no date: the current lists
        (5, LAZARUS, datetime.date(2026, 8, 1)),
    ]
    df = spark.createDataFrame(rows, "id long, address string, day date")
    out = screen(df, "address", as_of_column="day").orderBy("id").collect()
    assert [r["screen"]["kind"] for r in out] == ["hit", "clear", "clear", "clear", "hit"]
    assert out[0]["screen"]["entity"] == walletscreen.Screener.bundled().check(
        addr, as_of="2026-08-01"
    ).matches[0].entity
    # A timestamp column is taken at its date.
    ts = df.selectExpr("id", "address", "cast(day as timestamp) as at")
    kinds = [r["screen"]["kind"] for r in screen(ts, "address", as_of_column="at").orderBy("id").collect()]
    assert kinds == ["hit", "clear", "clear", "clear", "hit"]
    with pytest.raises(ValueError):
        screen(df, "address", as_of_column="nope")
