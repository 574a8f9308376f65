"""Screener.check_arrow: Arrow strings in (no copy), a struct of verdicts out."""

import datetime

import pyarrow as pa
import pytest

from conftest import GENESIS, HYDRA, LAZARUS, SOUTHFRONT

# Base58 is case-sensitive: HYDRA lower-cased is another (unlisted) address.
INPUTS = [LAZARUS, None, "hello", GENESIS, "bitcoincash:" + SOUTHFRONT, HYDRA.lower()]


def expected(screener, inputs):
    out = []
    for a in inputs:
        if a is None:
            out.append(None)
            continue
        v = screener.check(a)
        m = v.matches[0] if v.matches else None
        out.append(
            {
                "kind": v.kind,
                "family": v.family,
                "list": m.list if m else None,
                "lists": [x.list for x in v.matches] if m else None,
                "entity": m.entity if m else None,
                "entity_id": m.entity_id if m else None,
                "programs": m.programs if m else None,
                "listed": m.listed if m else None,
                "via": m.via if m else None,
                "address": m.address if m else None,
                "matches": len(v.matches),
                "reason": v.reason,
            }
        )
    return out


@pytest.mark.parametrize("typ", [pa.string(), pa.large_string(), pa.string_view()])
def test_array_types(screener, typ):
    arr = pa.array(INPUTS, type=typ)
    out = screener.check_arrow(arr)
    assert isinstance(out, pa.StructArray)
    # Arrow's own full check: every dictionary key in range, offsets
    # ordered, UTF-8 valid.
    out.validate(full=True)
    assert len(out) == len(INPUTS)
    assert out.null_count == 1 and not out.is_valid()[1].as_py()
    assert out.to_pylist() == expected(screener, INPUTS)
    assert out.type.field("programs").type == pa.list_(pa.string())
    assert out.type.field("kind").type == pa.dictionary(pa.int8(), pa.string())
    assert out.type.field("family").type == pa.dictionary(pa.int8(), pa.string())
    assert out.field("kind").to_pylist() == ["hit", None, "invalid", "clear", "hit", "clear"]


def test_chunked(screener):
    chunked = pa.chunked_array([INPUTS[:2], [], INPUTS[2:]], type=pa.large_string())
    out = screener.check_arrow(chunked)
    assert isinstance(out, pa.ChunkedArray)
    out.validate(full=True)
    assert [len(c) for c in out.chunks] == [2, 0, len(INPUTS) - 2]
    assert out.to_pylist() == expected(screener, INPUTS)


def test_large_input_in_parallel_chunks(screener):
    # More rows than one rayon chunk (16,384), shuffled so that each chunk
    # meets the invalid rows' reasons in its own order: every row as
    # `check` answers it, and each dictionary column's values distinct
    # (the chunks' reasons merged into one dictionary; pandas refuses
    # repeated categories).
    import random

    rng = random.Random(17)
    junk = [f"1{'0' * k}abc" for k in range(1, 30)] + ["x" * k for k in range(1, 12)]
    pool = INPUTS + junk + [GENESIS[:-k] for k in range(1, 6)]
    inputs = [rng.choice(pool) for _ in range(70_001)]
    out = screener.check_arrow(pa.array(inputs))
    out.validate(full=True)
    assert len(out) == len(inputs)
    assert out.null_count == inputs.count(None)
    want = {a: e for a, e in zip(pool, expected(screener, pool))}
    assert out.to_pylist() == [want[a] for a in inputs]
    # Each column on its own (without the struct's validity): a null
    # input's row is null in every one; `family` is valid exactly where
    # `reason` is not.
    for f in out.type:
        column = out.field(f.name).to_pylist()
        assert column == [None if a is None else want[a][f.name] for a in inputs], f.name
    reasons = out.field("reason").dictionary.to_pylist()
    assert len(set(reasons)) == len(reasons) > 10
    for name in ["kind", "family", "list", "entity", "entity_id", "listed", "via", "address"]:
        values = out.field(name).dictionary.to_pylist()
        assert len(set(values)) == len(values), name
    frame = pa.Table.from_arrays(out.flatten(), names=[f.name for f in out.type]).to_pandas()
    assert (frame["kind"] == "invalid").sum() == sum(want[a]["kind"] == "invalid" for a in inputs if a)


def test_hits_at_the_edges(screener):
    # The match's columns are zeroed memory written at the hits' rows only:
    # a hit on the first and the last row, on both sides of a 4 KB page of
    # keys (1,024 rows) and of a chunk (16,384 rows), null inputs between.
    n = 40_000
    inputs = ["hello"] * n
    hits = [0, 1023, 1024, 16_383, 16_384, n - 1]
    for i in hits:
        inputs[i] = LAZARUS
    for i in [1, 1025, n - 2]:
        inputs[i] = None
    out = screener.check_arrow(pa.array(inputs))
    out.validate(full=True)
    kinds = out.field("kind").to_pylist()
    assert [i for i, k in enumerate(kinds) if k == "hit"] == hits
    want = expected(screener, [LAZARUS])[0]
    for name in ["list", "lists", "entity", "entity_id", "programs", "listed", "via", "address",
                 "matches"]:
        column = out.field(name).to_pylist()
        assert [column[i] for i in hits] == [want[name]] * len(hits), name
        others = {column[i] for i in range(n) if i not in hits and inputs[i] is not None}
        assert others == ({0} if name == "matches" else {None}), name
        assert {column[i] for i in [1, 1025, n - 2]} == {None}, name


def test_no_hits(screener):
    # Nothing found: the match's columns are all null over empty
    # dictionaries, and still convert (pandas, Polars).
    out = screener.check_arrow(pa.array(["hello", GENESIS, None] * 1000))
    out.validate(full=True)
    for name in ["list", "entity", "entity_id", "listed", "via", "address"]:
        column = out.field(name)
        assert column.null_count == len(column) and len(column.dictionary) == 0, name
    assert set(out.field("matches").to_pylist()) == {0, None}
    table = pa.Table.from_arrays(out.flatten(), names=[f.name for f in out.type])
    assert table.to_pandas()["address"].isna().all()
    pl = pytest.importorskip("polars")
    assert pl.from_arrow(table)["address"].null_count() == len(out)


def test_sliced_input(screener):
    arr = pa.array(INPUTS)[2:5]
    assert screener.check_arrow(arr).to_pylist() == expected(screener, INPUTS[2:5])


def test_verify_checksum(screener):
    typo = GENESIS[:-1] + "b"
    out = screener.check_arrow(pa.array([typo]), verify_checksum=True)
    assert out.field("kind").to_pylist() == ["invalid"]
    assert screener.check_arrow(pa.array([typo])).field("kind").to_pylist() == ["clear"]


def test_not_strings(screener):
    with pytest.raises(TypeError, match="array of strings"):
        screener.check_arrow(pa.array([1, 2, 3]))
    with pytest.raises(Exception):
        screener.check_arrow("not an array")


def test_empty(screener):
    out = screener.check_arrow(pa.array([], type=pa.string()))
    assert len(out) == 0 and isinstance(out, pa.StructArray)


# FAYZIMATOV's XBT address: listed 2021-07-28, delisted 2026-09-30 (the
# bundled listing history).
DELISTED = "17a5bpKvEp1j1Trs4qTbcNZrby53JbaS9C"


def expected_at(screener, inputs, dates):
    out = []
    for a, d in zip(inputs, dates):
        if a is None:
            out.append(None)
            continue
        v = screener.check(a) if d is None else screener.check(a, as_of=d)
        m = v.matches[0] if v.matches else None
        out.append((v.kind, v.family, m.list if m else None, m.entity if m else None, v.reason))
    return out


def summary(out):
    return [
        None if r is None else (r["kind"], r["family"], r["list"], r["entity"], r["reason"])
        for r in out.to_pylist()
    ]


def test_as_of_one_date(screener):
    inputs = [DELISTED, LAZARUS, None, "hello", GENESIS]
    assert screener.check_arrow(pa.array(inputs)).field("kind").to_pylist()[0] == "clear"
    for day in ["2026-08-01", datetime.date(2026, 8, 1)]:
        out = screener.check_arrow(pa.array(inputs), as_of=day)
        assert summary(out) == expected_at(screener, inputs, ["2026-08-01"] * len(inputs))
        assert out.field("kind").to_pylist()[0] == "hit"
    after = screener.check_arrow(pa.array(inputs), as_of="2026-10-01")
    assert after.field("kind").to_pylist()[0] == "clear"
    with pytest.raises(ValueError):
        screener.check_arrow(pa.array(inputs), as_of="2026-13-01")
    with pytest.raises(TypeError):
        screener.check_arrow(pa.array(inputs), as_of=20260801)


@pytest.mark.parametrize("dates_type", [pa.date32(), pa.string()])
def test_as_of_per_row(screener, dates_type):
    inputs = [DELISTED, DELISTED, DELISTED, DELISTED, LAZARUS, None, "hello"]
    days = ["2026-08-01", "2026-10-01", "2020-01-01", None, "2021-01-01", "2026-08-01", None]
    typed = [None if d is None else datetime.date.fromisoformat(d) for d in days]
    dates = pa.array(typed if dates_type == pa.date32() else days, dates_type)
    out = screener.check_arrow(pa.array(inputs), as_of=dates)
    assert out.field("kind").to_pylist() == [
        "hit", "clear", "clear", "clear", "hit", None, "invalid"
    ]
    assert summary(out) == expected_at(screener, inputs, days)
    # Chunked input, dates cut as the chunks are (the dates chunked too).
    chunked = pa.chunked_array([inputs[:3], inputs[3:]])
    dates_chunked = pa.chunked_array([dates[:5], dates[5:]])
    out = screener.check_arrow(chunked, as_of=dates_chunked)
    assert [len(c) for c in out.chunks] == [3, len(inputs) - 3]
    assert summary(out) == expected_at(screener, inputs, days)


def test_as_of_errors(screener):
    with pytest.raises(ValueError, match="rows"):
        screener.check_arrow(pa.array([DELISTED, GENESIS]), as_of=pa.array(["2026-08-01"]))
    with pytest.raises(ValueError, match="rows"):
        screener.check_arrow(
            pa.chunked_array([[DELISTED], [GENESIS]]), as_of=pa.array(["2026-08-01"])
        )
    with pytest.raises(ValueError, match="as_of row 1"):
        screener.check_arrow(
            pa.array([DELISTED, GENESIS]), as_of=pa.array(["2026-08-01", "yesterday"])
        )
    with pytest.raises(TypeError, match="date32"):
        screener.check_arrow(pa.array([DELISTED]), as_of=pa.array([1]))


def test_many_hits_and_invalids_across_chunks(screener):
    # Every sparse column across many parallel chunks: a hit, an invalid
    # and a clear per three rows.
    inputs = [LAZARUS, "x" * 200, GENESIS] * 30_000
    out = screener.check_arrow(pa.array(inputs))
    small = screener.check_arrow(pa.array(inputs[:3])).to_pylist()
    rows = out.to_pylist()
    assert rows[:3] == small and rows[-3:] == small
    assert rows[3 * 12_345 : 3 * 12_345 + 3] == small
    n = len(screener.check(LAZARUS).matches)
    assert out.field("matches").to_pylist() == [n, 0, 0] * 30_000
