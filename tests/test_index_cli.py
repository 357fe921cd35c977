"""`dedup index add|query|stats|remove` through the real CLI: output shapes, exit codes (0 done,
1 fatal, 2 usage), one-line errors, and files left untouched on error."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from dedup.cli import app
from tests.conftest import SAMPLE, assert_one_line_error
from tests.test_index import make_bad_file

runner = CliRunner()
PAGE = "articles/pages/census-9990.html"
COPIES = {
    "articles/pages/census-8818.html",
    "articles/pages/census-8200.html",
    "articles/pages/census-14730.html",
}


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    argv = list(args)
    if argv[1:2] in (["add"], ["query"]) and "--jobs" not in argv:
        argv += ["--jobs", "1"]
    result = runner.invoke(app, argv, prog_name="dedup", env=env)
    for stream in (result.stdout, result.stderr):
        assert "Traceback" not in stream
    return result


@pytest.fixture(autouse=True)
def _in_sample_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(SAMPLE)


@pytest.fixture
def db(tmp_path: Path) -> str:
    """An index of the bundled sample."""
    path = str(tmp_path / "seen.db")
    result = run("index", "add", "articles", "--index", path)
    assert result.exit_code == 0 and result.exception is None, result.stderr
    assert result.stdout == ""
    assert result.stderr == (
        "read 68 records from 33 files: 68 added, 0 replaced, 0 skipped, 0 failed; "
        "the index holds 68 documents\n"
    )
    return path


def test_query_json(db: str) -> None:
    result = run("index", "query", PAGE, "articles/spotify.jsonl", "--index", db, "-f", "json")
    assert result.exit_code == 0 and result.exception is None, result.stderr
    out = json.loads(result.stdout)
    assert [r["id"] for r in out["results"]][:2] == [PAGE, "spotify-1256"]
    assert len(out["results"]) == 37 and out["stats"]["queried"] == 37
    first = out["results"][0]
    assert {m["id"] for m in first["matches"]} == COPIES
    for r in out["results"]:
        for m in r["matches"]:
            assert {"id", "jaccard", "containment", "reuse", "url", "site", "date"} <= m.keys()
            assert 0 < m["jaccard"] <= min(m["containment"], m["reuse"]) <= 1
            # the evidence, as a scan's matches carry it
            assert m["shared_sentences"] >= 1 and m["shared_words"] > 0 and m["match_words"] > 0
            assert 0 < m["share"] <= 1 and 0 < m["match_share"] <= 1
            assert m["passages"] and set(m["passages"][0]) == {
                "start",
                "end",
                "words",
                "match_start",
                "match_end",
                "match_words",
            }
        jaccards = [m["jaccard"] for m in r["matches"]]
        assert jaccards == sorted(jaccards, reverse=True)
    assert result.stderr.startswith("read 37 records from 2 files: 37 queried")


def test_query_other_formats(db: str) -> None:
    jsonl = run("index", "query", PAGE, "--index", db, "-f", "jsonl")
    (line,) = jsonl.stdout.splitlines()
    assert json.loads(line)["id"] == PAGE
    rows = list(
        csv.DictReader(io.StringIO(run("index", "query", PAGE, "--index", db, "-f", "csv").stdout))
    )
    assert {r["id"] for r in rows} == COPIES and {r["query"] for r in rows} == {PAGE}
    assert all(int(r["shared_sentences"]) >= 1 and float(r["share"]) > 0 for r in rows)
    table = run("index", "query", PAGE, "--index", db, "-f", "table", "--limit", "1")
    assert table.exit_code == 0
    assert "census-8818.html" in table.stdout and "census-8200.html" not in table.stdout
    assert "1 with matches, 1 match" in table.stdout


def test_stats_and_remove(db: str) -> None:
    stats = run("index", "stats", "--index", db, "--format", "json")
    assert stats.exit_code == 0, stats.stderr
    out = json.loads(stats.stdout)
    assert out["documents"] == 68 and out["backend"] == "sqlite"
    assert out["settings"]["shingle_size"] == 5
    text = run("index", "stats", "--index", db, "--check")
    assert "documents: 68" in text.stdout and "check: ok" in text.stdout
    removed = run("index", "remove", "spotify-7885", "nope", "--index", db, "-f", "json")
    assert removed.exit_code == 0, removed.stderr
    assert json.loads(removed.stdout) == {
        "removed": ["spotify-7885"],
        "missing": ["nope"],
        "documents": 67,
    }
    assert removed.stderr == (
        "removed 1 document; not in the index: nope; the index holds 67 documents\n"
    )


def test_duplicate_policy_and_environment(db: str) -> None:
    env = {"DEDUP_INDEX": db}
    again = run("index", "add", "articles/spotify.jsonl", "-f", "json", env=env)
    assert again.exit_code == 0
    out = json.loads(again.stdout)
    assert out["stats"]["skipped"] == 36 and out["stats"]["documents"] == 68
    assert "already in the index" in out["skipped"][0]["reason"]
    replaced = run(
        "index", "add", "articles/spotify.jsonl", "--on-duplicate", "replace", "-f", "json", env=env
    )
    assert json.loads(replaced.stdout)["stats"]["replaced"] == 36
    assert_one_line_error(
        run("index", "add", "articles", "--on-duplicate", "keep", env=env), 2, "--on-duplicate"
    )


def test_errors(db: str, tmp_path: Path) -> None:
    assert_one_line_error(
        run("index", "query", PAGE, "--index", str(tmp_path / "none.db")), 1, "no such index"
    )
    assert not (tmp_path / "none.db").exists()
    assert_one_line_error(run("index", "query", PAGE, "--index", db, "-f", "xml"), 2, "--format")
    assert_one_line_error(
        run("index", "add", "articles", "--index", db, "--shingle-size", "4"),
        1,
        "built with shingle size 5, asked for 4",
    )
    assert_one_line_error(run("index", "add", "nowhere", "--index", db), 1, "nowhere: no such file")
    assert_one_line_error(
        run("index", "add", "articles", "--index", db, "--bands", "7"), 2, "multiple"
    )


@pytest.mark.parametrize("content", [b"\x00\x01 not an index", "sqlite-foreign", "garbled-index"])
def test_a_corrupt_or_foreign_index_file(tmp_path: Path, content: bytes | str) -> None:
    path = tmp_path / "index.db"
    make_bad_file(path, content)
    before = path.read_bytes()
    for args in (["add", PAGE], ["query", PAGE], ["stats"], ["remove", "x"]):
        assert_one_line_error(run("index", *args, "--index", str(path)), 1, str(path))
    assert path.read_bytes() == before


def test_stats_check_finds_damage_that_opening_does_not(tmp_path: Path) -> None:
    path = tmp_path / "index.db"
    make_bad_file(path, "damaged-page")
    assert run("index", "stats", "--index", str(path)).exit_code == 0
    assert_one_line_error(run("index", "stats", "--index", str(path), "--check"), 1, "damaged: ")


@pytest.mark.parametrize("fmt", ["json", "csv", None])
def test_query_output_file_holds_what_stdout_would(
    db: str, tmp_path: Path, fmt: str | None
) -> None:
    target = tmp_path / "matches.out"
    args = ["index", "query", PAGE, "--index", db, "-q"]
    args += ["-f", fmt] if fmt else []
    to_file = run(*args, "--output", str(target))
    assert to_file.exit_code == 0 and to_file.stdout == "", to_file.stderr
    # without --format: JSON (as off a terminal), whatever stdout is
    shown = run(*args, *([] if fmt else ["-f", "json"]))
    assert target.read_text(encoding="utf-8") == shown.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["matches.out", "seen.db"]


def test_query_output_in_a_missing_directory_is_one_line_error(db: str, tmp_path: Path) -> None:
    target = tmp_path / "nowhere" / "matches.json"
    result = run("index", "query", PAGE, "--index", db, "--output", str(target))
    assert_one_line_error(result, 1, "the directory to write the report in does not exist")
    assert not target.parent.exists()
