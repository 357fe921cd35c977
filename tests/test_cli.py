"""The `dedup` command line: formats, --output, exit codes, error messages, no tracebacks.

Exit codes: 0 the scan ran (bad records are skips, not errors), 1 a fatal error (a missing path),
2 a usage error (bad option or value). Errors are one line, ``dedup: error: ...``, on stderr.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from dedup.cli import app
from tests.conftest import assert_one_line_error

IO = Path(__file__).resolve().parent / "fixtures" / "io"
CORPUS_IDS = ["corpus/original.html", "wire-willis"]  # the copy pair in fixtures/io/corpus
SUMMARY = "read 3 records from 2 files: 3 scanned, 0 skipped, 0 failed; 1 cluster, 1 copy\n"

runner = CliRunner()


def run(*args: str) -> Result:
    """`dedup ARGS`; one worker process unless the test says otherwise (starting a pool per
    invocation would make these tests slow; the output does not depend on --jobs)."""
    argv = list(args)
    if argv[:1] == ["scan"] and "--jobs" not in argv and "-j" not in argv:
        argv += ["--jobs", "1"]
    result = runner.invoke(app, argv, prog_name="dedup")
    for stream in (result.stdout, result.stderr):
        assert "Traceback" not in stream
    return result


@pytest.fixture(autouse=True)
def _in_fixture_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(IO)


@pytest.fixture
def messy(tmp_path: Path) -> Path:
    """The corpus plus bad records: 2 bad JSONL lines, an empty file, a binary page."""
    root = tmp_path / "messy"
    shutil.copytree(IO / "corpus", root)
    (root / "bad.jsonl").write_text(
        '{"id": "broken", "text": "unterminated\n[1, 2]\n{"id": "ok-but-empty", "text": ""}\n',
        encoding="utf-8",
    )
    (root / "empty.txt").write_bytes(b"")
    (root / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    return root


# --- success ---------------------------------------------------------------------------------


def test_scan_json() -> None:
    result = run("scan", "corpus", "--format", "json")
    assert result.exit_code == 0 and result.exception is None
    data = json.loads(result.stdout)
    assert list(data) == ["stats", "clusters", "matches", "sites", "skipped"]
    assert data["stats"]["files"] == 2 and data["stats"]["read"] == 3
    assert [[m["id"] for m in c["members"]] for c in data["clusters"]] == [CORPUS_IDS]
    copy = data["clusters"][0]["members"][1]
    assert copy["site"] == "dailywire-example.com" and copy["credit"] == "BBC News"
    assert data["skipped"] == []
    assert result.stderr == SUMMARY


def test_scan_jsonl() -> None:
    result = run("scan", "corpus", "-f", "jsonl")
    assert result.exit_code == 0 and result.exception is None
    (line,) = result.stdout.splitlines()
    cluster = json.loads(line)
    assert cluster["id"] == "c1" and cluster["origin"] == "corpus/original.html"
    assert [m["id"] for m in cluster["members"]] == CORPUS_IDS


def test_scan_csv() -> None:
    result = run("scan", "corpus", "--format", "csv")
    assert result.exit_code == 0 and result.exception is None
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["cluster"], r["role"], r["id"]) for r in rows] == [
        ("c1", "origin", "corpus/original.html"),
        ("c1", "copy", "wire-willis"),
    ]
    assert rows[0]["site"] == "bbc.co.uk" and rows[0]["date"] == "2005-02-03T09:15:00Z"


def test_scan_table() -> None:
    result = run("scan", "corpus", "--format", "table")
    assert result.exit_code == 0 and result.exception is None
    out = result.stdout
    assert "c1: 2 articles, origin bbc.co.uk 2005-02-03T09:15:00Z" in out
    assert "wire-willis" in out and "dailywire-example.com" in out
    assert "3 read (2 files), 3 scanned, 0 skipped, 0 failed" in out
    assert "1 cluster, 1 copy" in out


def test_default_format_off_a_terminal_is_json() -> None:
    result = run("scan", "corpus")
    assert result.exit_code == 0 and result.exception is None
    assert json.loads(result.stdout)["stats"]["clusters"] == 1


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "table"])
def test_output_file_holds_what_stdout_would(tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"report.{fmt}"
    result = run("scan", "corpus", "--format", fmt, "--output", str(target))
    assert result.exit_code == 0 and result.exception is None
    assert result.stdout == "" and result.stderr == SUMMARY
    assert target.read_text(encoding="utf-8") == run("scan", "corpus", "-f", fmt).stdout
    assert os.listdir(tmp_path) == [target.name]  # no temporary file left behind


def test_output_file_is_replaced(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old report", encoding="utf-8")
    result = run("scan", "corpus", "-o", str(target), "-q")
    assert result.exit_code == 0 and result.exception is None
    assert json.loads(target.read_text(encoding="utf-8"))["stats"]["clusters"] == 1


def test_output_does_not_depend_on_the_number_of_jobs(messy: Path) -> None:
    one = run("scan", str(messy), "corpus", "-f", "json", "--jobs", "1")
    two = run("scan", str(messy), "corpus", "-f", "json", "--jobs", "2")
    assert one.exit_code == two.exit_code == 0 and two.exception is None
    assert one.stdout == two.stdout and json.loads(one.stdout)["stats"]["read"] == 11


def test_quiet_prints_no_summary() -> None:
    result = run("scan", "corpus", "-f", "jsonl", "--quiet")
    assert result.exit_code == 0 and result.stderr == "" and result.stdout


def test_field_names_from_options(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    rows = [{"guid": "a", "body": (IO / "willis.txt").read_text(encoding="utf-8")}]
    rows.append({"guid": "b", "body": rows[0]["body"] + "\nSource: BBC News"})
    feed.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = run("scan", str(feed), "--id-field", "guid", "--text-field", "body", "-f", "json")
    assert result.exit_code == 0 and result.exception is None
    data = json.loads(result.stdout)
    assert [sorted(m["id"] for m in c["members"]) for c in data["clusters"]] == [["a", "b"]]
    default = run("scan", str(feed), "-f", "json")
    # no record has text: one skip for the file's 2 records, one warning naming the option
    assert json.loads(default.stdout)["stats"]["skipped"] == 2
    assert json.loads(default.stdout)["skipped"][0]["records"] == 2
    assert json.loads(default.stdout)["clusters"] == []
    assert default.stderr.startswith(f"dedup: warning: {feed}:lines 1-2: no record has text")
    assert "try --text-field body --id-field guid\n" in default.stderr


def test_bad_records_are_counted_skips_and_the_scan_succeeds(messy: Path) -> None:
    result = run("scan", str(messy), "--format", "json")
    assert result.exit_code == 0 and result.exception is None
    data = json.loads(result.stdout)
    stats = data["stats"]
    assert (stats["files"], stats["read"], stats["extracted"]) == (5, 8, 3)
    assert (stats["skipped"], stats["failed"]) == (5, 0)
    assert stats["skipped"] == len(data["skipped"])
    assert [(Path(s["source"]).name, s["location"]) for s in data["skipped"]] == [
        ("bad.jsonl", "line 1"),
        ("bad.jsonl", "line 2"),
        ("bad.jsonl", "line 3"),
        ("empty.txt", None),
        ("image.html", None),
    ]
    assert all(s["reason"] for s in data["skipped"])
    assert len(data["clusters"]) == 1  # the copies are still found
    assert "5 skipped" in result.stderr


# --- errors ------------------------------------------------------------------------------------


def test_missing_path_is_exit_1_with_a_one_line_error() -> None:
    result = run("scan", "corpus", "no/such/crawl.warc.gz")
    line = assert_one_line_error(result, 1, "no/such/crawl.warc.gz", "no such file or directory")
    assert line == "dedup: error: no/such/crawl.warc.gz: no such file or directory"


def test_missing_output_directory_is_exit_1(tmp_path: Path) -> None:
    target = tmp_path / "no-such-dir" / "report.json"
    result = run("scan", "corpus", "--output", str(target))
    assert_one_line_error(result, 1, str(target), "does not exist")
    assert not target.parent.exists()


def test_bad_format_is_exit_2() -> None:
    result = run("scan", "corpus", "--format", "xml")
    assert_one_line_error(result, 2, "unknown --format 'xml'", "table, json, jsonl, csv")


@pytest.mark.parametrize("value", ["1.5", "0", "-0.2"])
def test_out_of_range_min_coverage_is_exit_2(value: str) -> None:
    result = run("scan", "corpus", "--min-coverage", value)
    assert_one_line_error(result, 2, "--min-coverage must be in (0, 1]")


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--min-coverage", "abc"], "--min-coverage"),
        (["--bogus"], "No such option: --bogus"),
        (["--shingle-size", "many"], "--shingle-size"),
    ],
)
def test_usage_errors_are_exit_2(args: list[str], needle: str) -> None:
    result = run("scan", "corpus", *args)
    assert result.exit_code == 2 and result.stdout == ""
    assert needle in result.stderr and "Usage: dedup scan" in result.stderr


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--num-perm", "256", "--bands", "85"], "--num-perm (256) must be a multiple of --bands"),
        (["--input-format", "pdf"], "unknown --input-format 'pdf'"),
        (["--shingle-size", "0"], "--shingle-size must be between 1 and 32"),
        (["--text-field", ""], "--text-field must not be empty"),
        (["--jobs", "0"], "--jobs must be at least 1"),
        (["--delimiter", ";;"], "--delimiter must be one character"),
        (["--max-file-bytes", "0"], "--max-file-bytes and --max-record-bytes must be at least 1"),
        (["--workers", "3"], "--workers needs --engine dask"),
    ],
)
def test_invalid_settings_are_exit_2(args: list[str], needle: str) -> None:
    assert_one_line_error(run("scan", "corpus", *args), 2, needle)


def _console_script() -> str:
    exe = shutil.which("dedup") or shutil.which("dedup", path=os.path.dirname(sys.executable))
    if exe is None:
        pytest.skip("the dedup console script is not installed (pip install -e .)")
    return exe


def test_console_script_shows_no_traceback_for_a_bad_path(tmp_path: Path) -> None:
    missing = tmp_path / "missing-dir"
    proc = subprocess.run(
        [_console_script(), "scan", str(missing), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr == f"dedup: error: {missing}: no such file or directory\n"
    assert "Traceback" not in proc.stderr


def test_version_and_short_help() -> None:
    from typer.testing import CliRunner

    from dedup import __version__
    from dedup.cli import app

    done = CliRunner().invoke(app, ["--version"])
    assert done.exit_code == 0 and done.stdout.strip() == f"dedup {__version__}"
    for args in (["-h"], ["scan", "-h"], ["index", "add", "-h"]):
        shown = CliRunner().invoke(app, args)
        assert shown.exit_code == 0 and "Usage:" in shown.stdout, args
