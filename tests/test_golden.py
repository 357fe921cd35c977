"""Golden reports: the CLI's output on the bundled sample, byte for byte.

These files pin behaviour across refactors of the pipeline: a scan (JSON and CSV), a scan with
cross-lingual matching, the same two scans on the Dask engine (which must give the very same
bytes), and index queries with and without cross-lingual data. They were written by the CLI
from the repository root; when a change is *meant* to alter a report, regenerate the file with
the command in `CASES` and say why in the commit.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from dedup.cli import app
from tests.conftest import ROOT

GOLDEN = Path(__file__).resolve().parent / "golden"
WMT = "tests/fixtures/crosslingual/wmt_translations.jsonl"
SCAN = ["scan", "sample/articles", "-j", "1"]
SCAN_XL = ["scan", "sample/articles", WMT, "--cross-lingual", "-j", "1"]

#: golden file -> the CLI arguments that write it (run from the repository root)
CASES = {
    "scan_sample.json": [*SCAN, "--format", "json"],
    "scan_sample.csv": [*SCAN, "--format", "csv"],
    "scan_sample_wmt_crosslingual.json": [*SCAN_XL, "--format", "json"],
}


def _run(args: list[str]) -> str:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result.stdout


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the reports name sources relative to the working directory


@pytest.mark.parametrize("name", sorted(CASES))
def test_scan_matches_golden(name: str) -> None:
    assert _run(CASES[name]) == (GOLDEN / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["scan_sample.json", "scan_sample_wmt_crosslingual.json"])
def test_dask_scan_matches_golden(name: str) -> None:
    args = [a for a in CASES[name] if a not in ("-j", "1")]
    out = _run([*args, "--engine", "dask", "--workers", "2"])
    assert out == (GOLDEN / name).read_text(encoding="utf-8")


def test_index_query_matches_golden(tmp_path: Path) -> None:
    db = str(tmp_path / "g.db")
    _run(["index", "add", "sample/articles/pages", "-i", db, "-q"])
    out = _run(["index", "query", "sample/articles", "-i", db, "--format", "json", "-q"])
    assert out == (GOLDEN / "index_query_sample.json").read_text(encoding="utf-8")


def test_crosslingual_index_query_matches_golden(tmp_path: Path) -> None:
    db = str(tmp_path / "gx.db")
    _run(["index", "add", "sample/articles", WMT, "-i", db, "--cross-lingual", "-q"])
    args = ["index", "query", WMT, "-i", db, "--cross-lingual", "--format", "json", "-q"]
    out = _run(args)
    assert out == (GOLDEN / "index_query_wmt_crosslingual.json").read_text(encoding="utf-8")
