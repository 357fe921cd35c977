"""Hostile input: one bad record or file is a located skip, never the end of the run.

Fixtures in `tests/fixtures/hostile/` (each small; inputs too large to keep, such as JSON nested
100,000 deep, are written by the test): a JSON integer of 5,000 digits in a text and in an id
(Python's integer-string limit), lone surrogates in a text and in an id, dates that overflow
when converted to UTC (JSONL, CSV, WARC-Date), a WARC response without WARC-Target-URI (warcio
raised AttributeError on it and lost the rest of the crawl) and a WARC cut inside a record's
headers. The boundaries themselves are tested with faults injected into a stage: the next bug
of that kind is contained too.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

import dedup
import dedup.prepare
import dedup.sources
import dedup.sources.jsonl
from dedup.cli import app
from dedup.output import render
from tests.conftest import FIXTURES, SAMPLE

HOSTILE = FIXTURES / "hostile"
runner = CliRunner()


def _skips(report: dedup.Report) -> list[tuple[str | None, str, str]]:
    return [(s.location, s.reason, s.status) for s in report.skipped]


def test_jsonl_records_past_pythons_limits_are_skips() -> None:
    report = dedup.scan([HOSTILE / "records.jsonl"])
    assert report.stats.read == 8 and report.stats.extracted == 4
    skips = _skips(report)
    assert [loc for loc, _, _ in skips] == ["line 2", "line 3", "line 4", "line 5"]
    assert all("integer string conversion" in why for _, why, _ in skips[:2])
    assert skips[2][1] == "field 'text' is not valid Unicode (it holds a lone surrogate)"
    assert skips[3][1] == "field 'id' is not valid Unicode (it holds a lone surrogate)"
    # dates that overflow once in UTC are unknown, and the documents are kept
    members = {m.id: m for c in report.clusters for m in c.members}
    assert {"late-date", "early-date", "good-1", "good-2"} == set(members)
    assert members["late-date"].date is None and members["early-date"].date is None
    # the report can be written: no field of a listed document holds what UTF-8 cannot encode
    for fmt in ("json", "csv", "table"):
        render(report, fmt).encode("utf-8")


def test_deep_json_is_a_skip(tmp_path: Path) -> None:
    good = (HOSTILE / "records.jsonl").read_text(encoding="utf-8").splitlines()[0]
    deep = '{"id": "deep", "text": "x", "extra": ' + "[" * 100_000 + "]" * 100_000 + "}"
    src = tmp_path / "deep.jsonl"
    src.write_text(f"{deep}\n{good}\n", encoding="utf-8")
    report = dedup.scan([src])
    assert report.stats.read == 2 and report.stats.extracted == 1
    (loc, why, status) = _skips(report)[0]
    assert (
        loc == "line 1"
        and why == "JSON nested too deeply (too many levels of [ ] or { } to read)"
        and status == "skipped"
    )


def test_csv_dates_that_overflow_are_unknown() -> None:
    report = dedup.scan([HOSTILE / "dates.csv"])
    assert report.stats.extracted == 2 and not report.skipped
    assert [m.date for c in report.clusters for m in c.members] == [None, None]


def test_warc_without_target_uri_keeps_the_rest_of_the_crawl() -> None:
    report = dedup.scan([HOSTILE / "no_uri.warc"])
    assert report.stats.read == 3 and report.stats.extracted == 2
    assert _skips(report) == [("record 2", "response without HTTP headers", "skipped")]
    assert report.stats.clusters == 1  # records 1 and 3 are the same story
    # record 3's WARC-Date overflows in UTC: its date is unknown, not fatal
    dates = sorted((m.date or "") for c in report.clusters for m in c.members)
    assert dates[0] == ""


def test_warc_cut_inside_headers_is_a_located_skip() -> None:
    report = dedup.scan([HOSTILE / "cut_headers.warc"])
    assert report.stats.read == 3 and report.stats.extracted == 1
    assert [loc for loc, _, _ in _skips(report)] == ["record 2", "record 3"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_cli_scan_index_add_and_query_go_on(tmp_path: Path, jobs: int) -> None:
    inputs = [str(HOSTILE / name) for name in sorted(p.name for p in HOSTILE.iterdir())]
    out = runner.invoke(app, ["scan", *inputs, "-f", "json", "-q", "-j", str(jobs)])
    assert out.exit_code == 0, out.stderr
    stats = json.loads(out.stdout)["stats"]
    # 16 usable documents, two of them second copies of a WARC record id (the WARC fixtures
    # share a record); the reader-side fixtures (test_hostile_input.py) give 6, the fuzzing
    # finding (test_fuzz.py) 1
    assert (stats["read"], stats["extracted"], stats["failed"]) == (26, 14, 0)
    db = str(tmp_path / "h.db")
    added = runner.invoke(app, ["index", "add", *inputs, "-i", db, "-j", str(jobs)])
    assert added.exit_code == 0, added.stderr
    assert "14 added" in added.stderr and "0 failed" in added.stderr
    queried = runner.invoke(app, ["index", "query", *inputs, "-i", db, "-f", "json", "-q"])
    assert queried.exit_code == 0, queried.stderr
    assert json.loads(queried.stdout)["stats"]["queried"] == 16


def test_dask_gives_the_same_report_on_hostile_input() -> None:
    inputs = sorted(HOSTILE.iterdir())
    local = dedup.scan(inputs)
    on_dask = dedup.scan(inputs, engine=dedup.DaskEngine(workers=1))
    assert on_dask.to_dict() == local.to_dict()


# --- the boundaries, with faults injected into a stage -----------------------------------------


def test_a_stage_that_raises_on_one_text_loses_that_document_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clues = dedup.prepare.credit_clues

    def fragile(text: str) -> object:
        if "BOOM" in text:
            raise KeyError("a bug met by this text only")
        return clues(text)

    monkeypatch.setattr(dedup.prepare, "credit_clues", fragile)
    docs = [dedup.Document(f"d{i}", f"a plain text number {i} with a few words") for i in range(5)]
    docs[2] = dedup.Document("bad", "this text says BOOM and the stage raises on it")
    report = dedup.scan(docs)
    assert report.stats.extracted == 4 and report.stats.failed == 1
    (skip,) = report.skipped
    assert skip.status == "failed" and skip.source == "(api)"
    assert skip.reason == "preparation failed: KeyError: 'a bug met by this text only'"


def test_a_reader_bug_on_one_record_is_that_records_skip(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    real = dedup.sources.records.from_mapping

    def fragile(obj: dict[str, object], *args: object) -> object:
        if obj.get("id") == "two":
            raise IndexError("reader bug")
        return real(obj, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(dedup.sources.records, "from_mapping", fragile)
    src = tmp_path / "r.jsonl"
    rows = [{"id": i, "text": f"text {i} with words enough"} for i in ("one", "two", "three")]
    src.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    report = dedup.scan([src])
    assert report.stats.extracted == 2
    assert _skips(report) == [("line 2", "unusable record: IndexError: reader bug", "failed")]


def test_a_file_whose_reader_raises_ends_that_file_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(path: Path, shown: str, cfg: object) -> object:
        raise MemoryError("out of memory in a reader")
        yield  # a generator, as the readers are

    monkeypatch.setattr(dedup.sources, "read_html", broken)
    report = dedup.scan([SAMPLE / "articles"], jobs=1)
    assert report.stats.read == 36 + 32 and report.stats.extracted == 36
    assert report.stats.failed == 32
    assert {s.reason for s in report.skipped} == {
        "reading failed, rest of file not read: MemoryError: out of memory in a reader"
    }


# --- output that cannot fail or hurt the reader -------------------------------------------------


def test_a_file_name_that_is_not_utf8_is_scanned_and_printed(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    page = (SAMPLE / "articles" / "pages" / "census-9990.html").read_bytes()
    bad = os.path.join(os.fsencode(folder), b"caf\xe9.html")
    with open(bad, "wb") as fh:
        fh.write(page)
    (folder / "b.html").write_bytes(page)
    for args in (["-f", "json"], ["-f", "csv"], ["-f", "table"]):
        out = runner.invoke(app, ["scan", str(folder), "-q", "-j", "1", *args])
        assert out.exit_code == 0, out.stderr
        assert "caf\\udce9.html" in out.stdout.replace("\\\\", "\\")  # JSON doubles it
    report = json.loads(runner.invoke(app, ["scan", str(folder), "-q", "-f", "json"]).stdout)
    assert report["stats"]["extracted"] == 2 and report["stats"]["clusters"] == 1
    target = tmp_path / "report.json"
    written = runner.invoke(app, ["scan", str(folder), "-q", "-f", "json", "-o", str(target)])
    assert written.exit_code == 0 and json.loads(target.read_text(encoding="utf-8")) == report


def test_csv_cells_are_not_spreadsheet_formulas(tmp_path: Path) -> None:
    text = (HOSTILE / "records.jsonl").read_text(encoding="utf-8").splitlines()[0]
    story = json.loads(text)["text"]
    rows = [
        {"id": '=HYPERLINK("http://evil.example")', "title": "+1 555", "text": story},
        {"id": "@sum(a1)", "title": "-2", "site": "-x.example", "text": story},
    ]
    src = tmp_path / "f.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    out = runner.invoke(app, ["scan", str(src), "-f", "csv", "-q"])
    assert out.exit_code == 0, out.stderr
    cells = [c for line in csv.reader(io.StringIO(out.stdout)) for c in line]
    assert '\'=HYPERLINK("http://evil.example")' in cells and "'@sum(a1)" in cells
    assert "'+1 555" in cells and "'-2" in cells and "'-x.example" in cells
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
    assert "1.0" in cells  # numbers are written as they are


# --- what a folder holds besides files ----------------------------------------------------------


def test_links_loops_pipes_and_dangling_links_are_listed_skips(tmp_path: Path) -> None:
    root = tmp_path / "w"
    (root / "real").mkdir(parents=True)
    page = SAMPLE / "articles" / "pages" / "census-9990.html"
    (root / "real" / "p.html").write_bytes(page.read_bytes())
    (root / "link").symlink_to("real")  # the same directory again: read once, as real/
    (root / "loop").mkdir()
    (root / "loop" / "up").symlink_to("..")
    (root / "a1").symlink_to("a2")
    (root / "a2").symlink_to("a1")
    (root / "dangling").symlink_to("nowhere")
    os.mkfifo(root / "pipe")
    report = dedup.scan([root])
    assert report.stats.read == 7 and report.stats.extracted == 1
    assert report.skipped[0].source.endswith("a1")
    reasons = {Path(s.source).name: s.reason for s in report.skipped}
    assert reasons == {
        "a1": "symbolic link loop, not followed",
        "a2": "symbolic link loop, not followed",
        "dangling": "dangling symbolic link (its target does not exist)",
        "link": "directory already read through another path (symbolic link), not read again",
        "up": "directory already read through another path (symbolic link), not read again",
        "pipe": "named pipe, not a regular file (not read)",
    }
    # a named pipe given as an argument is a skip too, not a read that waits forever
    alone = dedup.scan([root / "pipe"])
    assert [s.reason for s in alone.skipped] == ["named pipe, not a regular file (not read)"]
