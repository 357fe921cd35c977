"""Output that cannot hurt the reader.

`tests/fixtures/output/terminal.jsonl` (not under `hostile/`, whose files
`tests/test_hostile.py` scans all together): three copies of one story whose ids, titles,
sites and URLs hold what a terminal acts on (ESC[2J, an OSC 52 clipboard write, an OSC 8
hyperlink, a C1 CSI), bidi controls (U+202E, U+2066, U+200F), line breaks, Rich markup
(``[link=http://evil.example/]trusted-id[/link]``, ``m[/]``, ``[bold]``) and an emoji code.
A table and every line on stderr show them literally, escaped; JSON and CSV keep the data
exactly. A full disk while the report goes to stdout is exit 1 with one line on stderr.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.text import Text

from dedup.output.literal import literal, printable
from tests.conftest import FIXTURES, ROOT

TERMINAL = FIXTURES / "output" / "terminal.jsonl"
RECORDS = [json.loads(line) for line in TERMINAL.read_text(encoding="utf-8").splitlines()]
IDS = [r["id"] for r in RECORDS]

#: what must never reach a terminal raw: C0 controls but the newline ending each line, DEL, C1,
#: bidi controls, line and paragraph separators
RAW = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)


def cli(*args: str, stdout: int | None = None) -> subprocess.CompletedProcess[bytes]:
    """`dedup ARGS` in a process of its own, on this tree (not an installed copy)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-c", "from dedup.cli import main; main()", *args],
        stdout=subprocess.PIPE if stdout is None else stdout,
        stderr=subprocess.PIPE,
        env=env,
        timeout=300,
        check=False,
    )


def test_printable_escapes_what_a_terminal_acts_on() -> None:
    assert printable("\x1b[2J") == "\\x1b[2J"
    assert printable("\x1b]52;c;ZXZpbA==\x07") == "\\x1b]52;c;ZXZpbA==\\x07"
    assert printable("a\u202eb\u2066c\u2069d\u200fe") == "a\\u202eb\\u2066c\\u2069d\\u200fe"
    assert printable("\x9b31m\x7f\x00") == "\\x9b31m\\x7f\\x00"
    assert printable("one\ntwo\tthree\rfour\u2028") == "one\\ntwo\\tthree\\rfour\\u2028"
    assert printable("caf\udce9.html") == "caf\\udce9.html"  # a file name that was not UTF-8
    # what is not a control is left alone: accents, CJK, emoji, markup-looking text
    kept = "Zelensky Зеленский 泽连斯基 café 👍 [link=x]y[/link] \\x1b"
    assert printable(kept) == kept
    shown = literal("[bold]m[/]")
    assert isinstance(shown, Text) and shown.plain == "[bold]m[/]" and not shown.spans


def _assert_literal(text: str) -> None:
    """Nothing raw in `text`, and every hostile value of the fixture shown as written."""
    assert not RAW.search(text), repr(RAW.search(text))
    for value in ("[link=http://evil.example/]trusted-id[/link]", "m[/]", "[bold]third.example"):
        assert value in text
    assert "c1\\x9b31m\\u200f:smile:" in text  # C1 and bidi escaped, the emoji code kept
    assert "news\\u202eexample.com" in text


def test_scan_table_shows_every_value_literally() -> None:
    proc = cli("scan", str(TERMINAL), "--format", "table", "-j", "1")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.decode("utf-8")
    _assert_literal(out)
    assert "\\x1b[2J\\x1b[Hcleared" in out  # the origin's title, in the cluster's heading
    assert "3 read (1 file), 3 scanned" in out and "1 cluster, 2 copies" in out
    assert proc.stderr.decode("utf-8").count("\n") == 1  # the summary line


def test_index_query_table_shows_every_value_literally(tmp_path: Path) -> None:
    db = tmp_path / "seen.db"
    added = cli("index", "add", str(TERMINAL), "--index", str(db), "-j", "1")
    assert added.returncode == 0, added.stderr
    proc = cli("index", "query", str(TERMINAL), "--index", str(db), "--format", "table", "-j", "1")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.decode("utf-8")
    _assert_literal(out)
    # the queried document's title in a heading: its line break, tab and U+2028 escaped
    assert "line\\nbreak\\ttab\\u2028sep" in out
    assert "\\x1b]52;c;ZXZpbA==\\x07clipboard" in out


def test_json_and_csv_keep_the_exact_data() -> None:
    proc = cli("scan", str(TERMINAL), "--format", "json", "-q", "-j", "1")
    assert proc.returncode == 0, proc.stderr
    members = [m for c in json.loads(proc.stdout)["clusters"] for m in c["members"]]
    assert sorted(m["id"] for m in members) == sorted(IDS)
    by_id = {m["id"]: m for m in members}
    for r in RECORDS:
        assert by_id[r["id"]]["title"] == r["title"] and by_id[r["id"]]["site"] == r["site"]
    proc = cli("scan", str(TERMINAL), "--format", "csv", "-q", "-j", "1")
    rows = list(csv.DictReader(io.StringIO(proc.stdout.decode("utf-8"))))
    assert sorted(r["id"] for r in rows) == sorted(IDS)
    assert {r["title"] for r in rows} == {r["title"] for r in RECORDS}


def test_error_lines_on_stderr_show_file_names_literally(tmp_path: Path) -> None:
    bad = tmp_path / "missing\x1b[2J\u202e[link=mailto:evil]x[/link].jsonl"
    proc = cli("scan", str(bad), "--format", "json")
    assert proc.returncode == 1 and proc.stdout == b""
    err = proc.stderr.decode("utf-8")
    assert err == (
        f"dedup: error: {tmp_path}/missing\\x1b[2J\\u202e[link=mailto:evil]x[/link].jsonl: "
        "no such file or directory\n"
    )


def test_skip_lines_show_file_names_literally(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty\x1b]52;c;ZXZpbA==\x07m[b]x.txt").write_bytes(b"")
    (folder / "story.jsonl").write_bytes(TERMINAL.read_bytes())
    proc = cli("scan", str(folder), "--format", "table", "-j", "1")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.decode("utf-8")
    assert not RAW.search(out)
    assert "empty\\x1b]52;c;ZXZpbA==\\x07m[b]x.txt: empty file" in out


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full on this system")
@pytest.mark.parametrize(
    "args",
    [
        ["scan", str(TERMINAL), "--format", "json"],
        ["scan", str(TERMINAL), "--format", "table"],
        ["scan", str(TERMINAL), "--format", "csv"],
    ],
)
def test_a_full_disk_on_stdout_is_exit_1_with_one_line(args: list[str]) -> None:
    with open("/dev/full", "wb") as full:
        proc = cli(*args, "-j", "1", stdout=full.fileno())
    assert proc.returncode == 1
    err = proc.stderr.decode("utf-8")
    assert err == "dedup: error: cannot write standard output: No space left on device\n", err


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full on this system")
def test_a_full_disk_on_stdout_for_the_index_commands(tmp_path: Path) -> None:
    db = tmp_path / "seen.db"
    assert cli("index", "add", str(TERMINAL), "--index", str(db), "-q").returncode == 0
    commands = [
        ["index", "query", str(TERMINAL), "--index", str(db), "--format", "json"],
        ["index", "query", str(TERMINAL), "--index", str(db), "--format", "table"],
        ["index", "add", str(TERMINAL), "--index", str(db), "--format", "json"],
        ["index", "stats", "--index", str(db)],
        ["index", "stats", "--index", str(db), "--format", "json"],
        ["index", "remove", "no-such-id", "--index", str(db), "--format", "json"],
    ]
    for args in commands:
        with open("/dev/full", "wb") as full:
            proc = cli(*args, stdout=full.fileno())
        assert proc.returncode == 1, args
        err = proc.stderr.decode("utf-8")
        full = "dedup: error: cannot write standard output: No space left on device\n"
        assert err == full, (args, err)


def test_output_never_replaces_what_is_not_a_regular_file_and_keeps_a_report_mode(
    tmp_path: Path,
) -> None:
    """`--output` to a named pipe writes into it (the pipe stays a pipe); an existing report
    keeps its mode; a new one gets the umask's, not 0600; `-` is stdout."""
    import threading

    from dedup.cli.common import write_output

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    write_output("report\n", fifo)
    reader.join(10)
    assert got == [b"report\n"]
    assert fifo.is_fifo()

    old = tmp_path / "old.json"
    old.write_text("{}")
    old.chmod(0o640)
    write_output("new\n", old)
    assert old.read_text() == "new\n" and (old.stat().st_mode & 0o777) == 0o640

    mask = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.json"
        write_output("x\n", fresh)
        assert (fresh.stat().st_mode & 0o777) == 0o644
    finally:
        os.umask(mask)

    done = cli("scan", str(TERMINAL), "--format", "json", "--output", "-")
    assert done.returncode == 0 and json.loads(done.stdout)["stats"]["read"] == len(RECORDS)
    assert not (ROOT / "-").exists()


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full on this system")
def test_a_report_that_cannot_be_written_names_the_file_given(tmp_path: Path) -> None:
    """Never a bare reason, nor the temporary file a report is written to first."""
    db = tmp_path / "seen.db"
    assert cli("index", "add", str(TERMINAL), "--index", str(db), "-q").returncode == 0
    for args in (
        ["scan", str(TERMINAL)],
        ["extract", str(TERMINAL)],
        ["index", "query", str(TERMINAL), "--index", str(db)],
        ["compare", str(TERMINAL), "--ids", IDS[0], IDS[1]],
    ):
        proc = cli(*args, "-o", "/dev/full", *([] if args[0] == "compare" else ["-q"]))
        assert proc.returncode == 1, args
        assert proc.stderr.decode() == (
            "dedup: error: cannot write /dev/full: No space left on device\n"
        ), args
    # a place that cannot hold the temporary file written first: still the path given
    if os.path.exists("/proc/version"):
        proc = cli("scan", str(TERMINAL), "-o", "/proc/version", "-q")
        err = proc.stderr.decode()
        assert proc.returncode == 1
        assert err.startswith("dedup: error: cannot write /proc/version: ") and err.count("\n") == 1


def test_output_never_replaces_an_input_the_index_or_the_graph(tmp_path: Path) -> None:
    """`-o` naming what the command reads (an input file, by any path or link, or a file under
    an input directory), the index, or the --graph file is refused before any work: exit 2,
    one line, every file untouched."""
    data = tmp_path / "in" / "sp.jsonl"
    data.parent.mkdir()
    data.write_bytes(TERMINAL.read_bytes())
    link = tmp_path / "link.jsonl"
    link.symlink_to(data)
    db = tmp_path / "seen.db"
    assert cli("index", "add", str(data), "--index", str(db), "-q").returncode == 0
    old = data.parent / "old.csv"
    old.write_text("id,text\n1,An old graph.\n")
    before = {p: p.read_bytes() for p in (data, db, old)}
    graph = tmp_path / "g.csv"
    cases = [
        (["scan", str(data), "-o", str(data)], f"--output {data} is an input file"),
        (["scan", str(data.parent), "-o", str(data)], f"--output {data} is an input file"),
        (["scan", str(data), "-o", str(link)], f"--output {link} is an input file"),
        (["scan", str(data.parent), "--graph", str(old)], f"--graph {old} is an input file"),
        (
            ["scan", str(data), "-o", str(graph), "--graph", str(graph)],
            f"--output {graph} is the --graph file",
        ),
        (["extract", str(data.parent), "-o", str(data)], f"--output {data} is an input file"),
        (["compare", str(data), str(data), "-o", str(data)], f"--output {data} is an input file"),
        (
            ["index", "query", str(data), "--index", str(db), "-o", str(db)],
            f"--output {db} is the --index file",
        ),
        (
            ["index", "query", str(data), "--index", str(db), "-o", str(link)],
            f"--output {link} is an input file",
        ),
    ]
    for args, message in cases:
        proc = cli(*args)
        err = proc.stderr.decode()
        assert proc.returncode == 2, (args, err)
        assert err.startswith(f"dedup: error: {message}") and err.count("\n") == 1, (args, err)
        assert {p: p.read_bytes() for p in before} == before, args
        assert not graph.exists()
    # a new file beside the inputs, in their directory, is not an input
    fresh = data.parent / "report.json"
    assert cli("scan", str(data.parent), "-o", str(fresh), "-q").returncode == 0
    assert json.loads(fresh.read_text())["stats"]["read"] == len(RECORDS) + 1  # and old.csv
