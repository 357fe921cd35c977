"""The index under real processes: a writer killed with SIGKILL in the middle of an add, readers
querying while a writer adds, two writers at once. On SQLite and on a real Redis server.

Children run `tests/index_workers.py`; documents come in pairs written in the same batch, so
a reader that finds one of a pair without the other has seen a torn batch.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import dedup
from tests.conftest import ROOT
from tests.index_workers import pair_texts

BATCH_PAIRS = 50  # 100 documents a transaction


@pytest.fixture(params=["sqlite", "redis"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "index.db")
    return str(request.getfixturevalue("redis_index"))


def worker(*args: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.index_workers", *map(str, args)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def count(location: str) -> int:
    """Documents in the index as another process sees it; 0 while it does not exist yet."""
    try:
        with dedup.Index.open(location, create=False) as index:
            return len(index)
    except dedup.IndexStoreError:
        return 0


def wait_for(location: str, at_least: int, child: subprocess.Popen[str]) -> int:
    deadline = time.monotonic() + 120
    while (n := count(location)) < at_least:
        assert child.poll() is None, child.communicate()
        assert time.monotonic() < deadline, "the writer made no progress"
        time.sleep(0.01)
    return n


def assert_sound(location: str, pairs: range) -> None:
    """Every document findable through its buckets, no id twice, nothing torn."""
    with dedup.Index.open(location, create=False) as index:
        assert index.check() == []
        n = len(index)
        for k in pairs:
            a, b = pair_texts(k)
            assert {m.id for m in index.query(a)} == {f"p{k}-a", f"p{k}-b"}
            assert {m.id for m in index.query(b)} == {f"p{k}-a", f"p{k}-b"}
    if not location.startswith("redis://"):
        with sqlite3.connect(location) as con:
            docs, ids = con.execute("SELECT count(*), count(DISTINCT id) FROM docs").fetchone()
            (rows,) = con.execute("SELECT count(*) FROM buckets").fetchone()
        con.close()
        assert docs == ids == n and rows == n * 85


def test_kill_9_in_the_middle_of_an_add_loses_nothing_committed(location: str) -> None:
    pairs = 800
    child = worker("add", location, 0, pairs, BATCH_PAIRS, 0.004)
    wait_for(location, 3 * 2 * BATCH_PAIRS, child)
    os.kill(child.pid, signal.SIGKILL)
    child.communicate()
    assert child.returncode == -signal.SIGKILL
    # the index opens and answers; it holds whole batches, every one complete
    n = count(location)
    assert 0 < n < 2 * pairs and n % (2 * BATCH_PAIRS) == 0
    assert_sound(location, range(0, n // 2, 37))
    # the same add again: what was committed is refused as already there, the rest added
    rerun = worker("add", location, 0, pairs, BATCH_PAIRS, 0)
    _, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    assert count(location) == 2 * pairs
    assert_sound(location, range(0, pairs, 97))


def test_readers_never_fail_or_see_a_torn_batch_while_a_writer_adds(
    location: str, tmp_path: Path
) -> None:
    pairs = 600
    gate = tmp_path / "go"
    writer = worker("add", location, 0, pairs, BATCH_PAIRS, 0.004, gate)
    wait_for(location, 2 * BATCH_PAIRS, writer)  # one batch in, the writer waits at the gate
    ready = [tmp_path / f"ready-{i}" for i in range(3)]
    readers = [worker("read", location, pairs, 120, r) for r in ready]
    deadline = time.monotonic() + 120
    while not all(r.exists() for r in ready):
        assert all(r.poll() is None for r in readers), [r.communicate() for r in readers]
        assert time.monotonic() < deadline, "the readers did not start"
        time.sleep(0.01)
    gate.touch()  # the other batches are written while the readers query
    sizes_seen = []
    for r in readers:
        out, err = r.communicate(timeout=300)
        assert r.returncode == 0, err
        queries, sizes = map(int, out.split())
        assert queries > 0
        sizes_seen.append(sizes)
    _, err = writer.communicate(timeout=300)
    assert writer.returncode == 0, err
    assert count(location) == 2 * pairs
    assert min(sizes_seen) > 1  # every reader saw the index grow while it queried


def test_two_writers_at_once_add_everything_once(location: str) -> None:
    """Two processes create and fill the same new index at the same time."""
    a = worker("add", location, 0, 300, BATCH_PAIRS, 0)
    b = worker("add", location, 300, 300, BATCH_PAIRS, 0)
    for w in (a, b):
        _, err = w.communicate(timeout=300)
        assert w.returncode == 0, err
    assert count(location) == 1200
    assert_sound(location, range(0, 600, 41))
