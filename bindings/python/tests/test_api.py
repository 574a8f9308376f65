"""The Screener / List / Verdict API, checked against the Rust library's answers."""

import datetime
import json
import pickle

import pytest

import walletscreen
from conftest import GENESIS, HYDRA, LAZARUS, SOUTHFRONT


def test_hit_with_provenance(screener):
    v = screener.check(LAZARUS)
    assert v.kind == "hit" and v.is_hit
    assert v.family == "evm"
    assert v.checksum == "not_checked"
    assert v.reason is None
    [m] = [m for m in v.matches if m.list == "ofac-sdn"]
    assert m.category == "sanctioned"
    assert m.address == LAZARUS
    assert m.via == "listed"
    assert m.entity == "Lazarus Group"
    assert m.entity_id == "27307"
    assert m.programs == ["DPRK3"]
    assert m.listed == "2019-09-13"
    assert m.source.startswith("https://")
    assert v.version == screener.version
    assert v.version.date == "2026-09-30"
    assert len(v.version.sha256) == 64


def test_spellings_hit(screener):
    # Case folded, wrapped in a payment URI, the legacy spelling of a CashAddr.
    assert screener.check(LAZARUS.lower()).is_hit
    hit = screener.check(f"bitcoin:{HYDRA}?amount=0.1")
    assert hit.is_hit and hit.family == "base58"
    assert hit.matches[0].entity == "Hydra Market"
    assert screener.check("bitcoincash:" + SOUTHFRONT).matches[0].entity == "SOUTHFRONT"


def test_clear_and_invalid(screener):
    clear = screener.check(GENESIS)
    assert clear.kind == "clear" and not clear.is_hit
    assert clear.family == "base58" and clear.matches == []
    bad = screener.check("hello")
    assert bad.kind == "invalid"
    assert bad.family is None and bad.checksum is None
    assert "not a known address format" in bad.reason


def test_verify_checksum(screener):
    typo = GENESIS[:-1] + "b"
    assert screener.check(typo).kind == "clear"
    v = screener.check(typo, verify_checksum=True)
    assert v.kind == "invalid" and v.reason
    assert screener.check(GENESIS, verify_checksum=True).checksum == "valid"


def test_to_dict_is_the_library_json(screener):
    v = screener.check(LAZARUS)
    d = v.to_dict()
    assert d == json.loads(v.to_json())
    assert d["verdict"] == "hit"
    assert d["family"] == "evm"
    assert d["version"] == {"date": v.version.date, "sha256": v.version.sha256}
    assert [m["entity"] for m in d["matches"]] == [m.entity for m in v.matches]
    assert screener.check("hello").to_dict() == {
        "verdict": "invalid",
        "reason": "not a known address format",
    }
    assert screener.check(GENESIS).to_dict() == {
        "verdict": "clear",
        "family": "base58",
        "checksum": "not_checked",
    }


def test_as_of(screener):
    # FAYZIMATOV's XBT address: listed 2021-07-28, gone by 2026-09-30.
    addr = "17a5bpKvEp1j1Trs4qTbcNZrby53JbaS9C"
    assert screener.check(addr).kind == "clear"
    then = screener.check(addr, as_of="2026-08-01")
    assert then.is_hit
    assert then.as_of == "2026-08-01"
    [m] = then.matches
    assert m.listed_on == "2021-07-28"
    assert m.delisted_on == "2026-09-30"
    assert screener.check(addr, as_of=datetime.date(2026, 8, 1)).is_hit
    assert screener.check(addr, as_of=datetime.date(2020, 1, 1)).kind == "clear"
    assert then.to_dict()["matches"][0]["delisted_on"] == "2026-09-30"
    with pytest.raises(ValueError):
        screener.check(addr, as_of="2026-13-01")
    with pytest.raises(TypeError):
        screener.check(addr, as_of=20260801)


def test_is_listed(screener):
    assert screener.is_listed(LAZARUS)
    assert screener.is_listed(LAZARUS.lower())
    assert not screener.is_listed(GENESIS)
    assert not screener.is_listed("hello")


def test_scan_spans_are_python_offsets(screener):
    text = f"payée à {LAZARUS}, puis bitcoin:{HYDRA} — et {GENESIS}."
    found = screener.scan(text)
    assert [m.text for m in found] == [LAZARUS, HYDRA]
    for m in found:
        assert text[m.start : m.end] == m.text
        assert m.span == (m.start, m.end)
        assert m.verdict.is_hit
    assert screener.scan("nothing here") == []


def test_check_many_matches_check(screener):
    inputs = [LAZARUS, GENESIS, "hello", None, HYDRA.lower(), SOUTHFRONT] * 5000
    out = screener.check_many(inputs)
    assert len(out) == len(inputs)
    for i, v in zip(inputs[:6], out[:6]):
        if i is None:
            assert v is None
        else:
            assert v.to_dict() == screener.check(i).to_dict()
    assert [v.kind if v else None for v in out[:6]] == [
        "hit", "clear", "invalid", None, "clear", "hit",
    ]
    # Any iterable, e.g. a generator.
    assert [v.kind for v in screener.check_many(a for a in [LAZARUS, GENESIS])] == ["hit", "clear"]


def test_user_list_from_bytes_and_path(tmp_path):
    csv = "id,owner,wallet_2\n7,Ronin thief,0x098B716B8Aaf21512996dC57EB0615e2383E2f96\n"
    lst = walletscreen.List.from_bytes(csv.encode(), id="mine", column="wallet_2")
    assert lst.id == "mine" and lst.category == "custom" and len(lst) == 1
    assert lst.entries()[0]["entity"] == "Ronin thief"
    s = walletscreen.Screener([lst], bundled=False)
    assert [m.list for m in s.check(LAZARUS).matches] == ["mine"]
    assert s.check(HYDRA).kind == "clear"

    p = tmp_path / "blocklist.txt"
    p.write_text(f"{GENESIS} genesis\n")
    lst2 = walletscreen.List.from_path(p, category="attributed")
    assert lst2.id == "blocklist" and lst2.category == "attributed"
    both = walletscreen.Screener(lists=[lst2], bundled=True)
    assert {l["id"] for l in both.lists} == {"ofac-sdn", "fbi-dprk", "blocklist"}
    m = both.check(GENESIS).matches[0]
    assert (m.list, m.category, m.programs) == ("blocklist", "attributed", ["genesis"])
    # Column by number, explicit format.
    lst3 = walletscreen.List.from_bytes(csv, id="n", column=3, format="csv")
    assert len(lst3) == 1


def test_load_options(tmp_path):
    junk = "a\nb\nc\n" + LAZARUS + "\n"
    with pytest.raises(walletscreen.LoadError) as e:
        walletscreen.List.from_bytes(junk, id="junk")
    assert isinstance(e.value, walletscreen.WalletscreenError)
    lst = walletscreen.List.from_bytes(junk, id="junk", allow_non_addresses=True)
    assert len(lst) == 4 and lst.flagged == 3
    with pytest.raises(walletscreen.LoadError):
        walletscreen.List.from_bytes("", id="empty")
    assert len(walletscreen.List.from_bytes("", id="empty", allow_empty=True)) == 0
    with pytest.raises(walletscreen.LoadError, match="reading"):
        walletscreen.List.from_path(tmp_path / "missing.csv")
    with pytest.raises(ValueError, match="unknown list format"):
        walletscreen.List.from_bytes(LAZARUS, format="yaml")
    with pytest.raises(ValueError, match="category"):
        walletscreen.List.from_bytes(LAZARUS, category="bad")
    with pytest.raises(walletscreen.LoadError):
        walletscreen.List.from_bytes("a,b\n1,2\n", column="nope")


def test_build_error():
    a = walletscreen.List.from_bytes(LAZARUS, id="same")
    b = walletscreen.List.from_bytes(GENESIS, id="same")
    with pytest.raises(walletscreen.BuildError, match="same"):
        walletscreen.Screener([a, b], bundled=False)


def test_compiled_round_trip(tmp_path, screener):
    path = tmp_path / "lists.wsidx"
    screener.write_compiled(path)
    back = walletscreen.Screener.from_compiled(path)
    assert back.version == screener.version
    assert back.check(LAZARUS).to_dict() == screener.check(LAZARUS).to_dict()
    raw = screener.compiled_bytes()
    assert raw == path.read_bytes()
    assert walletscreen.Screener.from_compiled(raw).version == screener.version
    assert walletscreen.Screener.from_compiled(bytearray(raw)).version == screener.version
    assert walletscreen.Screener.from_compiled(memoryview(raw)).version == screener.version
    assert walletscreen.Screener.from_compiled(str(path)).entry_count == screener.entry_count
    # Pickled as its compiled image.
    again = pickle.loads(pickle.dumps(screener))
    assert again.check(HYDRA).is_hit and again.version == screener.version
    # The listing history travels with it: as-of answers are the same
    # (a compiled file alone has no history) but for a delisted entry's
    # `line`, a line of the history file rewritten for the pickle.
    delisted = "17a5bpKvEp1j1Trs4qTbcNZrby53JbaS9C"  # listed 2021-07-28 to 2026-09-30

    def without_lines(v):
        d = v.to_dict()
        for m in d.get("matches", []):
            m.pop("line")
        return d

    for day in ["2020-01-01", "2026-08-01", "2026-10-01"]:
        assert without_lines(again.check(delisted, as_of=day)) == without_lines(
            screener.check(delisted, as_of=day)
        )
    assert again.check(delisted, as_of="2026-08-01").is_hit
    bare = walletscreen.Screener.from_compiled(screener.compiled_bytes())
    assert not bare.check(delisted, as_of="2026-08-01").is_hit
    mine = walletscreen.Screener([walletscreen.List.from_bytes(GENESIS)], bundled=False)
    assert pickle.loads(pickle.dumps(mine)).check(GENESIS).is_hit


def test_compiled_errors(tmp_path):
    with pytest.raises(walletscreen.CompiledError):
        walletscreen.Screener.from_compiled(b"not a compiled file")
    with pytest.raises(walletscreen.CompiledError):
        walletscreen.Screener.from_compiled(tmp_path / "missing.wsidx")
    with pytest.raises(TypeError):
        walletscreen.Screener.from_compiled(42)


def test_exception_hierarchy():
    for cls in (
        walletscreen.LoadError,
        walletscreen.BuildError,
        walletscreen.CompiledError,
        walletscreen.UpdateError,
        walletscreen.StaleError,
    ):
        assert issubclass(cls, walletscreen.WalletscreenError)
    assert issubclass(walletscreen.WalletscreenError, Exception)


def test_reprs(screener):
    assert repr(screener.check(LAZARUS)).startswith("Verdict(kind='hit', family='evm'")
    assert "ofac-sdn" in repr(screener)
    assert repr(screener.check("x'y")).startswith("Verdict(kind='invalid'")
