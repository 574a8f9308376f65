"""Screener.check_arrow: Arrow strings in (no copy), a struct of verdicts out."""

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
    assert len(out) == len(INPUTS)
    assert out.null_count == 1 and not out.is_valid()[1].as_py()
    assert out.to_pylist() == expected(screener, INPUTS)
    assert out.type.field("programs").type == pa.list_(pa.string())
    assert out.field("kind").to_pylist() == ["hit", None, "invalid", "clear", "hit", "clear"]


def test_chunked(screener):
    chunked = pa.chunked_array([INPUTS[:2], [], INPUTS[2:]], type=pa.large_string())
    out = screener.check_arrow(chunked)
    assert isinstance(out, pa.ChunkedArray)
    assert [len(c) for c in out.chunks] == [2, 0, len(INPUTS) - 2]
    assert out.to_pylist() == expected(screener, INPUTS)


def test_large_input_in_parallel_chunks(screener):
    # More rows than one rayon chunk: the parts are concatenated in order.
    inputs = (INPUTS * 20000)[:100_003]
    out = screener.check_arrow(pa.array(inputs))
    assert len(out) == len(inputs)
    kinds = out.field("kind").to_pylist()
    want = [None if a is None else screener.check(a).kind for a in INPUTS]
    assert kinds == [want[i % len(INPUTS)] for i in range(len(inputs))]
    assert out.null_count == inputs.count(None)


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
