"""LiveScreener over local path sources (no network)."""

import datetime

import pytest

import walletscreen
from conftest import GENESIS, LAZARUS


def test_refresh_from_a_path(tmp_path):
    src = tmp_path / "feed.txt"
    src.write_text(f"{GENESIS} first\n")
    live = walletscreen.LiveScreener(sources=[str(src)], bundled=False, cache_dir=tmp_path / "cache")
    # Built, not fetched yet.
    assert live.check(GENESIS).kind == "clear"
    before = live.version
    r = live.refresh()
    assert r["swapped"] is True and r["added"] == 1 and r["removed"] == 0
    assert r["sources"][0]["list"] == "feed" and r["sources"][0]["status"] == "fetched"
    assert r["version"]["sha256"] == live.version.sha256 != before.sha256
    v = live.check(GENESIS)
    assert v.is_hit and v.matches[0].list == "feed" and v.stale is False
    # Unchanged file: nothing swapped.
    assert live.refresh()["swapped"] is False
    # The screener snapshot serves batch paths.
    assert live.screener().check_many([GENESIS])[0].is_hit
    assert live.status()["attempts"] == 2


def test_refresh_guards_keep_the_old_lists(tmp_path):
    src = tmp_path / "feed.txt"
    src.write_text(f"{GENESIS}\n{LAZARUS}\n")
    live = walletscreen.LiveScreener(sources=[str(src)], bundled=False)
    live.refresh()
    src.write_text("")
    with pytest.raises(walletscreen.UpdateError):
        live.refresh()
    assert live.check(GENESIS).is_hit
    assert live.status()["failures"] == 1


def test_strict_stale(tmp_path):
    live = walletscreen.LiveScreener(sources=[], max_age=datetime.timedelta(hours=1), strict=True)
    assert live.is_stale
    # A hit is still a hit; a clear from stale lists is refused.
    assert live.check(LAZARUS).is_hit and live.check(LAZARUS).stale is True
    with pytest.raises(walletscreen.StaleError):
        live.check(GENESIS)
    lax = walletscreen.LiveScreener(sources=[], max_age=3600)
    assert lax.check(GENESIS).stale is True


def test_missing_source_is_an_update_error(tmp_path):
    live = walletscreen.LiveScreener(sources=[str(tmp_path / "nope.csv")])
    with pytest.raises(walletscreen.UpdateError):
        live.refresh()


def test_bad_duration():
    with pytest.raises(TypeError):
        walletscreen.LiveScreener(max_age="1h")


def test_url_source_failure_is_an_update_error():
    # Nothing listens on port 9 of the loopback (or the package was built
    # without HTTP): either way an UpdateError, and the lists still serve.
    live = walletscreen.LiveScreener(sources=["http://127.0.0.1:9/list.csv"], connect_timeout=2)
    with pytest.raises(walletscreen.UpdateError):
        live.refresh()
    assert live.check(LAZARUS).is_hit


@pytest.mark.skipif(not walletscreen.HTTP, reason="built without HTTP sources")
def test_refresh_over_http(tmp_path):
    # URL sources work out of the box (the default build has the HTTP
    # stack): a list served by a local HTTP server.
    import functools
    import http.server
    import threading

    (tmp_path / "feed.txt").write_text(f"{GENESIS} served\n")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/feed.txt"
        # Plain HTTP is accepted on the loopback interface only.
        live = walletscreen.LiveScreener(sources=[url], bundled=False, system_proxy=False)
        r = live.refresh()
        assert r["swapped"] is True and r["sources"][0]["status"] == "fetched"
        assert live.check(GENESIS).is_hit
        # A source that cannot be reached is an UpdateError, not a crash.
        dead = walletscreen.LiveScreener(
            sources=["https://127.0.0.1:1/feed.txt"], bundled=False, system_proxy=False
        )
        with pytest.raises(walletscreen.UpdateError):
            dead.refresh()
    finally:
        server.shutdown()
