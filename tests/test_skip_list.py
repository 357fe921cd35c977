"""The skip list is bounded: counts exact, at most `max_listed_skips` listed a file and kind of
reason, the others counted ("skipped_not_listed"), in memory bounded while collecting.

Two million junk lines made a 331 MB report and a 3.1 GB peak; the inputs here are written by
the tests (a few thousand to 40,000 lines), the 2,000,000-line figures are in the commit.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

import dedup
from dedup.model import Skip, SkipLog, UnlistedSkips, reason_kind
from dedup.output import render, summary_line
from tests.conftest import FIXTURES, ROOT

GOOD = json.loads((FIXTURES / "hostile" / "records.jsonl").read_text("utf-8").splitlines()[0])


def _junk_file(path: Path, junk: int, *, extra: bool = True) -> Path:
    """`junk` lines that are not JSON (reasons differing in their column), then, with `extra`,
    two records without text, a list and two good records."""
    with path.open("w", encoding="utf-8") as fh:
        for n in range(junk):
            fh.write(f"junk line {n}\n" if n % 3 else f"{n} {n}\n")  # columns 1 and 2+
        if extra:
            fh.write('{"id": "empty-1", "text": ""}\n{"id": "empty-2", "text": ""}\n[1, 2]\n')
            fh.write(json.dumps({**GOOD, "id": "good-1"}) + "\n")
            fh.write(json.dumps({**GOOD, "id": "good-2"}) + "\n")
    return path


def test_reason_kind_drops_the_particulars() -> None:
    assert reason_kind("malformed JSON at column 22: Invalid control character") == (
        "malformed JSON at column N"
    )
    assert reason_kind("field 'id' is not valid Unicode (it holds a lone surrogate)") == (
        "field '…' is not valid Unicode"
    )
    assert reason_kind('duplicate id "it\'s: (x)" (kept the one at f.jsonl:line 3)') == (
        "duplicate id '…'"
    )
    assert reason_kind("HTTP status 404") == reason_kind("HTTP status 500") == "HTTP status N"
    assert reason_kind("not HTML (text/plain)") == reason_kind("not HTML (image/png)")
    assert reason_kind("unusable record: ValueError: boom") == "unusable record"
    assert reason_kind("empty file") == "empty file"


def _skips(n: int, source: str = "f.jsonl") -> list[Skip]:
    return [Skip(source, f"malformed JSON at column {i % 7}: x", f"line {i}") for i in range(n)]


def test_a_log_counts_every_skip_and_lists_the_first_of_each_group() -> None:
    skips = _skips(500) + _skips(3, "g.jsonl")
    skips += [Skip("f.jsonl", "no text", f"line {i}", "failed") for i in range(600, 650)]
    random.Random(1).shuffle(skips)
    log = SkipLog(10)
    log.extend(skips)
    assert (log.skipped, log.failed, len(log)) == (503, 50, 553)
    listed = log.listed()
    assert listed == sorted(listed, key=Skip.sort_key)
    assert [s.location for s in listed if s.source == "g.jsonl"] == ["line 0", "line 1", "line 2"]
    assert [s.location for s in listed if s.source == "f.jsonl" and s.status == "skipped"] == [
        f"line {i}" for i in range(10)
    ]
    assert [s.location for s in listed if s.status == "failed"] == [
        f"line {i}" for i in range(600, 610)
    ]
    assert log.unlisted() == [
        UnlistedSkips("f.jsonl", "malformed JSON at column N", "skipped", 490),
        UnlistedSkips("f.jsonl", "no text", "failed", 40),
    ]


@pytest.mark.parametrize("limit", [0, 1, 20])
def test_logs_merged_from_any_split_equal_one_log(limit: int) -> None:
    skips = _skips(300) + _skips(30, "a.jsonl") + [Skip("b", "empty file")]
    one = SkipLog(limit)
    one.extend(skips)
    rng = random.Random(limit)
    for parts in (2, 3, 7):
        shuffled = skips[:]
        rng.shuffle(shuffled)
        merged = SkipLog(limit)
        for k in range(parts):
            log = SkipLog(limit)
            log.extend(shuffled[k::parts])
            merged.merge(log)
        assert merged.listed() == one.listed() and merged.unlisted() == one.unlisted()
        assert (merged.skipped, merged.failed) == (one.skipped, one.failed) == (331, 0)


def test_a_log_holds_bounded_memory_while_collecting() -> None:
    def many() -> Iterator[Skip]:  # made one at a time, as a reader yields them
        for i in range(200_000):
            yield Skip(
                "f.jsonl", f"malformed JSON at column {i % 50}: Expecting value", f"line {i}"
            )

    tracemalloc.start()
    try:
        log = SkipLog()
        log.extend(many())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # every skip kept would be ~40 MB; 41 at most are held
    assert peak < 2 << 20, peak
    assert len(log) == 200_000 and len(log.listed()) == 20
    assert log.unlisted()[0].count == 199_980


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_scan_of_junk_lists_a_bounded_number_and_counts_all(tmp_path: Path, jobs: int) -> None:
    # 40,000 lines (~0.5 MB): cut into byte ranges that separate workers read with --jobs 2
    src = _junk_file(tmp_path / "junk.jsonl", 40_000)
    report = dedup.scan([src], jobs=jobs)
    s = report.stats
    assert (s.read, s.extracted, s.skipped, s.failed) == (40_005, 2, 40_003, 0)
    kinds = [reason_kind(x.reason) for x in report.skipped]
    assert kinds.count("malformed JSON at column N") == 20
    assert [x.location for x in report.skipped][:20] == [f"line {i}" for i in range(1, 21)]
    assert kinds.count("record has no text") == 2 and kinds.count("not a JSON object but an array")
    assert report.unlisted == (
        UnlistedSkips(str(src), "malformed JSON at column N", "skipped", 39_980),
    )
    d = report.to_dict()
    assert len(d["skipped"]) == 23
    assert d["skipped_not_listed"] == [
        {
            "source": str(src),
            "kind": "malformed JSON at column N",
            "status": "skipped",
            "count": 39_980,
        }
    ]
    assert summary_line(report).endswith("; 39980 skips not listed (--max-listed-skips)")
    table = render(report, "table")
    assert "skipped 40003:" in table
    assert f"  {src}: 39980 more skipped (malformed JSON at column N), not listed" in table


def test_the_report_is_the_same_for_any_split(tmp_path: Path) -> None:
    src = _junk_file(tmp_path / "junk.jsonl", 40_000)
    one = dedup.scan([src], jobs=1).to_dict()
    assert dedup.scan([src], jobs=2).to_dict() == one
    on_dask = dedup.scan([src], engine=dedup.DaskEngine(workers=1, partition_bytes=1 << 17))
    assert on_dask.to_dict() == one


def test_the_limit_is_a_setting(tmp_path: Path) -> None:
    src = _junk_file(tmp_path / "junk.jsonl", 100)
    every = dedup.scan([src], dedup.ScanConfig(report=dedup.ReportConfig(max_listed_skips=1000)))
    assert len(every.skipped) == 103 and not every.unlisted
    assert "skipped_not_listed" not in every.to_dict()  # as a report always read
    none = dedup.scan([src], dedup.ScanConfig(report=dedup.ReportConfig(max_listed_skips=0)))
    assert none.skipped == () and sum(u.count for u in none.unlisted) == 103
    assert none.stats.skipped == every.stats.skipped == 103
    with pytest.raises(dedup.ConfigError, match="max_listed_skips must be at least 0"):
        dedup.ReportConfig(max_listed_skips=-1)


def test_the_index_lists_a_bounded_number_too(tmp_path: Path) -> None:
    src = _junk_file(tmp_path / "junk.jsonl", 300)
    with dedup.Index.open(str(tmp_path / "seen.db")) as index:
        added = index.add([src])
        assert added.to_dict()["stats"]["skipped"] == 303 and len(added.skipped) == 23
        assert [u.count for u in added.unlisted] == [280]
        queried = index.query_many([src])
        assert queried.counts()["skipped"] == 303 and len(queried.skipped) == 23
        assert queried.to_dict()["skipped_not_listed"][0]["count"] == 280


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", "from dedup.cli import main; main()", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def test_cli_max_listed_skips(tmp_path: Path) -> None:
    src = _junk_file(tmp_path / "junk.jsonl", 100)
    proc = _cli("scan", str(src), "--format", "json", "--max-listed-skips", "3", "-j", "1")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["stats"]["skipped"] == 103 and len(report["skipped"]) == 6
    assert report["skipped_not_listed"][0]["count"] == 97
    assert proc.stderr.endswith("; 97 skips not listed (--max-listed-skips)\n")
    db = str(tmp_path / "seen.db")
    proc = _cli("index", "add", str(src), "-i", db, "--max-listed-skips", "3", "-f", "json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["skipped_not_listed"][0]["count"] == 97
    # the text summary lists no skip: it says where they are, and how many are only counted
    again = _cli("index", "add", str(src), "-i", db, "--max-listed-skips", "3")
    assert again.returncode == 0, again.stderr
    assert "; --format json lists the skips, 97 of them only counted (--max-listed-skips)" in (
        again.stdout + again.stderr
    )
    proc = _cli("index", "query", str(src), "-i", db, "--max-listed-skips", "3", "-f", "table")
    assert proc.returncode == 0, proc.stderr
    assert f"skipped {src}: 97 more skipped (malformed JSON at column N), not listed" in (
        proc.stdout
    )
    bad = _cli("scan", str(src), "--max-listed-skips", "-1")
    assert bad.returncode == 2
    assert bad.stderr == "dedup: error: --max-listed-skips must be at least 0, got -1\n"
