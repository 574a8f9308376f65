"""The dataframe recipes of the README: pandas, Polars and DuckDB, through
Screener.check_arrow. Each is skipped when its package is not installed."""

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from conftest import GENESIS, HYDRA, LAZARUS

ADDRESSES = [LAZARUS.lower(), GENESIS, None, f"bitcoin:{HYDRA}?amount=1", "hello"]
KINDS = ["hit", "clear", None, "hit", "invalid"]


def test_pandas_series(screener):
    pd = pytest.importorskip("pandas")
    series = pd.Series(ADDRESSES, dtype="string")
    # A pandas Series into Arrow (no copy for Arrow-backed strings), then
    # the verdicts back as a DataFrame of columns.
    verdicts = screener.check_arrow(pa.array(series))
    assert verdicts.field("kind").to_pylist() == KINDS
    # The verdicts as a DataFrame of columns, beside the input.
    df = pa.Table.from_struct_array(verdicts).to_pandas()
    df.insert(0, "input", series)
    assert len(df) == len(ADDRESSES)
    hits = df[df["kind"] == "hit"]
    assert list(hits.index) == [0, 3]
    assert hits["entity"].tolist() == ["Lazarus Group", "Hydra Market"]


def test_polars_map_batches(screener):
    pl = pytest.importorskip("polars")
    df = pl.DataFrame({"address": ADDRESSES})
    out = df.with_columns(
        pl.col("address")
        .map_batches(lambda s: pl.from_arrow(screener.check_arrow(s.to_arrow())))
        .alias("verdict")
    )
    assert out["verdict"].struct.field("kind").to_list() == KINDS
    hits = out.filter(pl.col("verdict").struct.field("kind") == "hit")
    assert hits["verdict"].struct.field("list").to_list() == ["ofac-sdn", "ofac-sdn"]
    assert hits["verdict"].struct.field("entity").to_list() == ["Lazarus Group", "Hydra Market"]


def test_duckdb_select_over_the_arrow_result(screener):
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    payments = pa.table({"id": list(range(len(ADDRESSES))), "address": ADDRESSES})
    # Screen the column, then query the verdicts in SQL beside the input.
    screened = payments.append_column("verdict", screener.check_arrow(payments["address"]))
    rows = con.execute(
        "SELECT id, verdict.entity FROM screened WHERE verdict.kind = 'hit' ORDER BY id"
    ).fetchall()
    assert rows == [(0, "Lazarus Group"), (3, "Hydra Market")]


def test_duckdb_arrow_udf(screener):
    duckdb = pytest.importorskip("duckdb")
    from duckdb.sqltypes import VARCHAR

    con = duckdb.connect()

    def screen_kind(col):
        # DuckDB passes a ChunkedArray: the answer is one too.
        return pc.struct_field(screener.check_arrow(col), "kind")

    con.create_function("screen_kind", screen_kind, [VARCHAR], VARCHAR, type="arrow")
    payments = pa.table({"address": ADDRESSES})
    got = con.execute("SELECT screen_kind(address) FROM payments").fetchall()
    assert [r[0] for r in got] == KINDS
