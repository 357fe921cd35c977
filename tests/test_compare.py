"""`dedup compare` and `dedup.compare`: the same copy rule and figures as a scan, the verdict
with its reason, the side-by-side view, and clear errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import dedup
from dedup import Document, compare_documents
from dedup.cli import app
from dedup.errors import InputError
from tests.conftest import ROOT, assert_one_line_error

SAMPLE = str(ROOT / "sample" / "articles")
STORY = (
    "The city council voted on Tuesday to close the old bridge for repairs next spring. "
    "Engineers found cracks in two of the main supports during an inspection in March. "
    "The closure will last about eight months and traffic will be sent over the river road. "
    "Shop owners near the bridge said they feared losing customers during the works. "
    "The mayor promised a fund to help businesses that lose trade while the bridge is shut. "
)
ENDING = "Repairs to the other bridges of the city are planned for the following years. "
OTHER = (
    "A new library opened downtown with a large hall for children and a cafe on the roof. "
    "Volunteers spent the weekend moving thousands of books from the old building nearby. "
    "The architects used wood from local forests and solar panels to power the lights. "
)


def _docs() -> tuple[Document, Document, Document]:
    origin = Document("o", STORY + ENDING, site="a.com", date="2024-03-01T08:00:00Z")
    copy = Document("c", "Local news.\n" + STORY + OTHER, site="b.com", date="2024-03-01T10:00Z")
    other = Document("x", OTHER * 3, site="c.com", date="2024-03-02")
    return origin, copy, other


def test_a_copy_and_its_reason() -> None:
    origin, copy, _ = _docs()
    cmp = compare_documents(copy, origin)
    assert cmp.copy and cmp.origin == "b"
    assert cmp.reason.startswith("5 shared sentences, ")
    assert cmp.reason.endswith("one contiguous passage")
    assert cmp.verdict.startswith("copy: ")
    (p,) = cmp.alignment.passages
    assert copy.text[p.a_start : p.a_end] == origin.text[p.b_start : p.b_end] or (
        copy.text[p.a_start : p.a_end].split() == origin.text[p.b_start : p.b_end].split()
    )
    # what the copy added: "Local news." and the other story; what it left out: the ending
    assert cmp.copy_side.own_words == 2 + len(OTHER.split())
    assert cmp.origin_side.own_words == len(ENDING.split())
    d = cmp.to_dict()
    assert d["figures"]["added_words"] == cmp.copy_side.own_words
    assert d["figures"]["passages"] == 1 and d["origin"] == "b"


def test_not_a_copy_says_why() -> None:
    origin, _, other = _docs()
    cmp = compare_documents(origin, other)
    assert not cmp.copy
    assert cmp.verdict == "not a copy: no shared passage"
    short = Document("s", STORY.split(". ")[0] + ". " + OTHER * 3, date="2024-03-03")
    cmp = compare_documents(origin, short)
    assert not cmp.copy and cmp.reason.startswith("only ")


def test_same_verdict_as_the_scan() -> None:
    report = dedup.scan([SAMPLE])
    m = report.matches[0]
    cmp = dedup.compare([SAMPLE], (m.a, m.b))
    assert cmp.copy
    assert cmp.alignment.shared_sentences == m.shared_sentences
    assert (cmp.alignment.covered_a, cmp.alignment.covered_b) == (m.a_words, m.b_words)


def test_two_files(tmp_path: Path) -> None:
    origin, copy, _ = _docs()
    (tmp_path / "a.txt").write_text(origin.text, encoding="utf-8")
    (tmp_path / "b.txt").write_text(copy.text, encoding="utf-8")
    cmp = dedup.compare([tmp_path / "a.txt", tmp_path / "b.txt"])
    assert cmp.copy


def test_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no document with id 'nope'"):
        dedup.compare([SAMPLE], ("nope", "spotify-1256"))
    with pytest.raises(InputError, match="no document with id 'nope'"):
        dedup.compare([SAMPLE], ("nope", "nope"))
    with pytest.raises(InputError, match=r"holds .* documents, not one; name two ids with --ids"):
        dedup.compare([SAMPLE + "/spotify.jsonl", SAMPLE + "/spotify.jsonl"])
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match=r"empty\.txt: holds no document to compare"):
        dedup.compare([empty, SAMPLE + "/spotify.jsonl"])
    with pytest.raises(InputError):
        dedup.compare([tmp_path / "missing.txt", empty])


def test_cli_text_marks_passages_and_fits_80_columns() -> None:
    ids = ["--ids", "spotify-19721", "spotify-15231"]
    res = CliRunner().invoke(app, ["compare", SAMPLE, *ids])
    assert res.exit_code == 0, res.stderr
    out = res.stdout
    assert "[[" in out and "]]" in out
    assert max(len(line) for line in out.splitlines()) <= 80
    assert out.rstrip().splitlines()[-1] == (
        "copy: 5 shared sentences, 72% of the shorter body, 4 passages"
    )


def test_cli_json_and_usage_errors(tmp_path: Path) -> None:
    res = CliRunner().invoke(
        app, ["compare", SAMPLE, "--ids", "spotify-19721", "spotify-15231", "-f", "json"]
    )
    assert res.exit_code == 0
    d = json.loads(res.stdout)
    assert d["copy"] is True and d["a"]["id"] == "spotify-19721" and d["origin"] == "a"
    res = CliRunner().invoke(app, ["compare", SAMPLE])
    assert res.exit_code == 2 and "give two files to compare" in res.stderr
    res = CliRunner().invoke(app, ["compare", SAMPLE, "--ids", "spotify-19721", "nope"])
    assert res.exit_code == 1
    assert res.stderr.strip() == "dedup: error: no document with id 'nope' in the inputs"


def test_hostile_text_is_shown_literally(tmp_path: Path) -> None:
    origin, copy, _ = _docs()
    evil = "\x1b[2J[bold]x[/bold] \u202e"
    (tmp_path / "a.txt").write_text(evil + "\n" + origin.text, encoding="utf-8")
    (tmp_path / "b.txt").write_text(copy.text, encoding="utf-8")
    res = CliRunner().invoke(app, ["compare", str(tmp_path / "a.txt"), str(tmp_path / "b.txt")])
    assert res.exit_code == 0
    assert "\x1b" not in res.stdout and "\u202e" not in res.stdout
    assert "\\x1b[2J[bold]x[/bold]" in res.stdout


def test_terminal_view_styles_passages_instead_of_markers() -> None:
    from dedup.output.compare import render_compare

    cmp = dedup.compare([SAMPLE], ("spotify-7885", "spotify-3270"))
    out = render_compare(cmp, width=100, color=True)
    assert "\x1b[7mSpotify is backpedaling" in out and "[[" not in out
    plain = render_compare(cmp, width=100, color=False)
    assert "[[Spotify is backpedaling" in plain and "\x1b" not in plain


def test_a_document_without_words_cannot_be_compared() -> None:
    origin, _, _ = _docs()
    with pytest.raises(InputError, match=r"cannot be compared: no words in text"):
        compare_documents(origin, Document("dots", "... !!! ..."))


def _options(*names: str) -> set[str]:
    import typer.main

    cmd: Any = typer.main.get_command(app)
    for name in names:
        cmd = cmd.commands[name]
    return {p.name for p in cmd.params if getattr(p, "rich_help_panel", None) == "Input"} | {
        p.name for p in cmd.params if p.name == "extractor"
    }


def test_every_command_reading_articles_has_the_same_input_options() -> None:
    own = {"since", "until", "index", "on_duplicate"}  # a command's own filters and target
    scan = _options("scan") - own
    assert {"delimiter", "date_format", "paragraph_separator", "max_record_bytes"} <= scan
    assert "extractor" in scan
    for command in (("compare",), ("extract",), ("index", "add"), ("index", "query")):
        assert _options(*command) - own == scan, command


def test_compare_reads_a_pipe_delimited_csv_with_delimiter(tmp_path: Path) -> None:
    origin, copy, _ = _docs()
    path = tmp_path / "pair.csv"
    rows = ["id|text", f"a|{origin.text}", f"b|{copy.text}"]
    path.write_text("\n".join(r.replace("\n", " ") for r in rows) + "\n", encoding="utf-8")
    res = CliRunner().invoke(
        app, ["compare", str(path), "--ids", "a", "b", "--delimiter", "|", "-f", "json"]
    )
    assert res.exit_code == 0, res.stderr
    assert json.loads(res.stdout)["b"]["id"] == "b"
    bad = CliRunner().invoke(app, ["compare", str(path), "--ids", "a", "b", "--delimiter", "||"])
    assert_one_line_error(bad, 2, "--delimiter must be one character")
    bad = CliRunner().invoke(app, ["compare", str(path), "--ids", "a", "b", "--extractor", "x"])
    assert_one_line_error(bad, 2, "unknown --extractor")
    bad = CliRunner().invoke(
        app, ["compare", str(path), "--ids", "a", "b", "--max-record-bytes", "0"]
    )
    assert_one_line_error(bad, 2, "--max-record-bytes")


def test_one_document_given_twice_is_said_to_be_the_same_document(tmp_path: Path) -> None:
    page = ROOT / "sample" / "articles" / "pages" / "census-10053.html"
    for second in (str(page), str(page.parent / ".." / "pages" / page.name)):
        res = CliRunner().invoke(app, ["compare", str(page), second])
        assert res.exit_code == 0, res.stderr
        assert "note: A and B are the same document: it is compared with itself" in res.stdout
    res = CliRunner().invoke(app, ["compare", str(page), str(page), "-f", "json"])
    assert (
        json.loads(res.stdout)["note"]
        == "A and B are the same document: it is compared with itself"
    )
    # one id named twice: the same document, as one file given twice
    res = CliRunner().invoke(app, ["compare", SAMPLE, "--ids", "spotify-1256", "spotify-1256"])
    assert res.exit_code == 0, res.stderr
    assert "note: A and B are the same document: it is compared with itself" in res.stdout
    assert "copy: near-duplicate: the same text, bar small edits (100% of each body shared)" in (
        res.stdout
    )
    # the same text in two files: said as that; two different articles: no note
    origin, copy, _ = _docs()
    (tmp_path / "a.txt").write_text(origin.text, encoding="utf-8")
    (tmp_path / "b.txt").write_text(origin.text, encoding="utf-8")
    (tmp_path / "c.txt").write_text(copy.text, encoding="utf-8")
    same = dedup.compare([tmp_path / "a.txt", tmp_path / "b.txt"])
    assert same.note == "A and B have the same text"
    other = CliRunner().invoke(app, ["compare", str(tmp_path / "a.txt"), str(tmp_path / "c.txt")])
    assert other.exit_code == 0 and "note:" not in other.stdout
    assert dedup.compare([tmp_path / "a.txt", tmp_path / "c.txt"]).note is None
