"""One screener shared by threads: the same answers as from one thread."""

from concurrent.futures import ThreadPoolExecutor

from conftest import GENESIS, HYDRA, LAZARUS


def test_threads_share_a_screener(screener):
    inputs = [LAZARUS, GENESIS, "hello", HYDRA] * 2000
    expected = [v.kind for v in screener.check_many(inputs)]

    def work(i):
        if i % 3 == 0:
            return [v.kind for v in screener.check_many(inputs)]
        if i % 3 == 1:
            return [screener.check(a).kind for a in inputs]
        return screener.check_arrow(__import__("pyarrow").array(inputs)).field("kind").to_pylist()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(work, range(24)))
    assert all(r == expected for r in results)
