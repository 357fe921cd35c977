"""The cost of the integrity check an SQLite index runs before its first write (SQLite's
``PRAGMA quick_check``, `dedup.index.sqlite.SQLiteStore._refuse_damaged`).

Usage::

    python -m benchmarks.bench_index_check [--workdir DIR] [--repeats 5]

Builds an index of the Reuters-21578 bodies and the BBC articles (`benchmarks.corpora.news_corpus`,
~21k documents),
then times, each the median of ``--repeats`` runs in this process: the quick check alone, with
the file in the page cache (what a second `dedup index add` meets), and adding one new
document through `Index.add` (open, check, write, close) with and without the check.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.corpora import Text, news_corpus, write_jsonl
from dedup.index import Index
from dedup.index.sqlite import SQLiteStore


def _median(fn: object, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        texts = news_corpus()
        corpus = write_jsonl(texts, work / "reuters.jsonl")
        index = work / "reuters.db"
        if index.exists():
            index.unlink()
        t = time.perf_counter()
        with Index.open(index) as ix:
            ix.add([corpus], jobs=1)
            docs = ix.stats().documents
        build = time.perf_counter() - t
        size = index.stat().st_size

        def check() -> None:
            store = SQLiteStore(index, create=False, cache_mb=64)
            assert store.check() == []
            store.close()

        check_s = _median(check, args.repeats)
        n = [0]

        def add_one(checked: bool) -> None:
            n[0] += 1
            one = write_jsonl(
                [Text(f"new-{n[0]}", "", texts[n[0]].text + f" extra {n[0]}")],
                work / "one.jsonl",
            )
            with Index.open(index) as ix:
                if not checked:  # as if the check had already passed
                    ix._store._sound = True  # type: ignore[attr-defined]
                ix.add([one], jobs=1)

        add_s = _median(lambda: add_one(True), args.repeats)
        unchecked_s = _median(lambda: add_one(False), args.repeats)
        print(f"index: {docs} documents, {size / 1e6:.1f} MB (built in {build:.0f} s)")
        print(f"quick_check: {check_s * 1000:.0f} ms (median of {args.repeats})")
        print(f"open + add one document + close: {add_s * 1000:.0f} ms with the check,")
        print(f"  {unchecked_s * 1000:.0f} ms without it")


if __name__ == "__main__":
    main()
