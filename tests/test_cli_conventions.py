"""The command line as users expect it from other tools: help without internal names, grouped
in panels, defaults stated; errors that name the flag; plurals; a table that fits the terminal;
one summary line; progress and completion."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import dedup
from dedup.cli import app
from dedup.output import summary_line
from dedup.output.table import render_table
from tests.conftest import ROOT, SAMPLE, assert_one_line_error

runner = CliRunner()
COMMANDS = [["scan"], ["index", "add"], ["index", "query"], ["index", "stats"], ["index", "remove"]]


def help_of(*command: str) -> str:
    result = runner.invoke(app, [*command, "--help"], prog_name="dedup", env={"COLUMNS": "80"})
    assert result.exit_code == 0
    return result.stdout


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_shows_no_internal_names(command: list[str]) -> None:
    text = help_of(*command)
    for internal in ("<bool>", "<int>", "<str>", "<path>", "<float>", "list[", "{", "}"):
        assert internal not in text, internal
    assert all(len(line) <= 80 for line in text.splitlines())


@pytest.mark.parametrize("command", [["index", "add"], ["index", "query"]], ids=" ".join)
def test_index_help_has_the_panels_of_scan(command: list[str]) -> None:
    panels = re.findall(r"╭─ (\w+) ─", help_of(*command))
    assert panels == ["Arguments", "Options", "Input", "Matching", "Output", "Performance"]


def test_scan_help_groups_options_in_panels_and_states_defaults() -> None:
    text = help_of("scan")
    assert "Usage: dedup scan [OPTIONS] PATH..." in text
    panels = re.findall(r"╭─ (\w+) ─", text)
    assert panels == ["Arguments", "Options", "Input", "Matching", "Output", "Performance"]
    flat = " ".join(text.split())
    assert "[default: table on a terminal, else json]" in flat.replace("│ ", "")
    assert "--jobs -j N" in flat or re.search(r"--jobs\s+-j\s+N", text)
    assert "[default: all" in text  # --jobs: not eaten as markup
    assert re.search(r"--quiet\s+-q\s+No summary", text)  # a flag shows no value


@pytest.mark.parametrize("command", [["scan"], ["index", "add"], ["index", "query"]], ids=" ".join)
def test_jobs_means_the_same_in_every_command(command: list[str]) -> None:
    text = " ".join(t.strip("│ ") for t in help_of(*command).splitlines())
    assert "this one and N-1 workers [default: all cores;" in " ".join(text.split())


def test_report_formats_are_the_same_in_scan_and_query() -> None:
    """The report formats a query has are named alike in both; a scan adds its own two."""
    flat = {}
    for command in (("scan",), ("index", "query")):
        text = " ".join(t.strip("│ ") for t in help_of(*command).splitlines())
        flat[command] = " ".join(text.split())
    assert "table, json, jsonl or csv [default: table on a terminal" in flat[("index", "query")]
    assert "table, json, jsonl, csv, sites, or html" in flat[("scan",)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--min-coverage", "2"], "--min-coverage must be in (0, 1], got 2.0"),
        (["--num-perm", "10", "--bands", "3"], "--num-perm (10) must be a multiple of --bands (3)"),
        (["--workers", "3"], "--workers needs --engine dask (for --engine local, see --jobs)"),
        (["--delimiter", ";;"], "--delimiter must be one character"),
    ],
)
def test_errors_name_the_flag(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["scan", str(SAMPLE), *args], prog_name="dedup")
    assert_one_line_error(result, 2, message)


def test_index_errors_name_the_flag(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["index", "add", str(SAMPLE), "-i", str(tmp_path / "i.db"), "--num-perm", "10"],
        prog_name="dedup",
    )
    assert_one_line_error(result, 2, "--num-perm (10) must be a multiple of --bands (85)")


def test_counts_have_correct_plurals() -> None:
    one = dedup.scan(SAMPLE / "articles" / "spotify.jsonl")
    assert summary_line(one) == (
        "read 36 records from 1 file: 36 scanned, 0 skipped, 0 failed; 5 clusters, 14 copies"
    )
    single = dedup.scan(
        [SAMPLE / "articles" / "pages" / p for p in ("census-9990.html", "census-8818.html")]
    )
    assert summary_line(single) == (
        "read 2 records from 2 files: 2 scanned, 0 skipped, 0 failed; 1 cluster, 1 copy"
    )
    assert "2 read (2 files)" in render_table(single) and "1 cluster, 1 copy" in render_table(
        single
    )


def test_the_table_fits_80_columns_and_wraps_titles() -> None:
    report = dedup.scan(SAMPLE / "articles")
    narrow = render_table(report, 80)
    assert max(len(line) for line in narrow.splitlines()) <= 80
    # values are folded, never cut to "…"; a short id and a date are whole on their line
    assert "…" not in narrow
    for m in (m for c in report for m in c if "/" not in m.id):
        assert re.search(rf"{m.date[:10]} .*{m.id}", narrow), m.id
    wide = render_table(report)
    assert max(len(line) for line in wide.splitlines()) > 100  # 160 columns: the full table
    assert "lang" in wide and "lang" not in narrow


def test_cli_table_takes_the_width_of_columns() -> None:
    result = runner.invoke(
        app,
        ["scan", str(SAMPLE / "articles"), "-f", "table", "-j", "1"],
        prog_name="dedup",
        env={"COLUMNS": "80"},
    )
    assert result.exit_code == 0
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


def _on_a_terminal(*args: str, term: str = "dumb") -> str:
    """`dedup ARGS` with stdout and stderr one pseudo-terminal: what it shows (with
    ``TERM=dumb``, no progress bars)."""
    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "100", "TERM": term}
    proc = subprocess.Popen(
        [sys.executable, "-c", "from dedup.cli import main; main()", *args],
        stdout=follower,
        stderr=follower,
        stdin=subprocess.DEVNULL,
        env=env,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=120)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


def test_one_summary_line_when_the_table_is_on_the_terminal() -> None:
    shown = _on_a_terminal("scan", str(SAMPLE / "articles" / "spotify.jsonl"), "-j", "1")
    assert "36 read (1 file)" in shown  # the table's footer gives the counts
    assert "read 36 records from 1 file" not in shown  # not said again on stderr


def test_summary_line_when_the_report_is_not_a_table_on_the_terminal() -> None:
    shown = _on_a_terminal(
        "scan", str(SAMPLE / "articles" / "spotify.jsonl"), "-j", "1", "-f", "json"
    )
    assert "read 36 records from 1 file" in shown


def test_scan_progress_on_a_terminal_shows_the_share_done_and_the_time_left(
    tmp_path: Path,
) -> None:
    out = tmp_path / "r.json"
    shown = _on_a_terminal(
        "scan", str(SAMPLE / "articles"), "-j", "1", "-o", str(out), term="xterm"
    )
    assert re.search(r"prepare \S+ +100% ETA \S*0:00:00", shown)  # the input size is known
    assert "read 68 records from 33 files" in shown
    quiet = _on_a_terminal(
        "scan", str(SAMPLE / "articles"), "-j", "1", "-o", str(out), "-q", term="xterm"
    )
    assert "prepare" not in quiet and "ETA" not in quiet
    cli = [sys.executable, "-c", "from dedup.cli import main; main()"]
    piped = subprocess.run(
        [*cli, "scan", str(SAMPLE / "articles"), "-j", "1", "-o", str(out)],
        env={**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert piped.returncode == 0 and "read 68 records from 33 files" in piped.stderr
    assert "prepare" not in piped.stderr and "ETA" not in piped.stderr  # not a terminal


def test_index_add_and_query_report_progress(tmp_path: Path) -> None:
    calls: list[tuple[str, int, int | None]] = []
    articles = SAMPLE / "articles"
    one = articles / "spotify.jsonl"
    with dedup.Index.open(tmp_path / "i.db") as ix:
        ix.add(articles, progress=lambda *a: calls.append(a))
        ix.query_many(one, progress=lambda *a: calls.append(a))
    # the input's bytes, known from the first call on, read up to the end in steps
    on_disk = sum(f.stat().st_size for f in articles.rglob("*") if f.is_file())
    for stage, total in (("add", on_disk), ("query", one.stat().st_size)):
        got = [(d, t) for s, d, t in calls if s == stage]
        done = [d for d, _ in got]
        assert {t for _, t in got} == {total}
        assert done[0] == 0 and done[-1] == total and done == sorted(done)
    assert len({d for s, d, _ in calls if s == "add"}) > 2  # not only at the start and end


@pytest.mark.parametrize("jobs", [1, 2])
def test_index_progress_of_documents_in_memory_counts_their_characters(
    tmp_path: Path, jobs: int
) -> None:
    # with workers the reader runs ahead of preparation: a batch is counted once prepared
    texts = [f"Story {i}. " + "Words of a sentence here. " * 20 for i in range(600)]
    docs = [dedup.Document(id=f"d{i}", text=t) for i, t in enumerate(texts)]
    calls: list[tuple[str, int, int | None]] = []
    with dedup.Index.open(tmp_path / "i.db") as ix:
        ix.add(docs, jobs=jobs, progress=lambda *a: calls.append(a))
        ix.add(iter(docs[:3]), on_duplicate="replace", progress=lambda *a: calls.append(a))
    total = sum(len(t) for t in texts)
    listed = [c for c in calls if c[2] is not None]
    assert {t for _, _, t in listed} == {total}
    chunks = [0, 256, 512, 600]  # prepared 256 documents a chunk
    done = [d for _, d, _ in listed]
    assert done == sorted(done)
    assert sorted(set(done)) == [sum(len(t) for t in texts[:n]) for n in chunks]
    # a generator's size is not known before it is read: the records prepared so far
    assert {c for c in calls if c[2] is None} == {("add", 0, None), ("add", 3, None)}


@pytest.mark.parametrize("command", ["add", "query"])
def test_index_progress_on_a_terminal_shows_the_share_done_and_the_time_left(
    tmp_path: Path, command: str
) -> None:
    index = str(tmp_path / "i.db")
    articles = str(SAMPLE / "articles")
    if command == "query":
        _on_a_terminal("index", "add", articles, "-i", index, "-q")
    shown = _on_a_terminal("index", command, articles, "-i", index, "-j", "1", term="xterm")
    assert re.search(rf"{command} \S+ +100% ETA \S*0:00:00", shown)  # the input size is known
    assert "68 records" in shown or "68 read" in shown
    quiet = _on_a_terminal("index", command, articles, "-i", index, "-q", term="xterm")
    assert "ETA" not in quiet
    cli = [sys.executable, "-c", "from dedup.cli import main; main()"]
    piped = subprocess.run(
        [*cli, "index", command, articles, "-i", index, "-j", "1"],
        env={**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert piped.returncode == 0 and "ETA" not in piped.stderr  # not a terminal


def test_shell_completion_completes_commands_and_options() -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "COMP_WORDS": "dedup scan --min-c",
        "COMP_CWORD": "2",
        "_DEDUP_COMPLETE": "complete_bash",
    }
    code = "import sys; sys.argv[0] = 'dedup'; from dedup.cli import main; main()"
    proc = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.stdout.split() == ["--min-coverage"]
