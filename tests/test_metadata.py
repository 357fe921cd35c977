"""Credit, paragraph separators and dates on real-world forms (issue 14, "Credit and dates")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import dedup
from dedup import Document
from dedup.cli import app
from dedup.config import InputConfig, ScanConfig
from dedup.dates import parse_date
from dedup.errors import ConfigError
from dedup.paragraphs import found_separator, lined
from dedup.syndication import detect_credit
from tests.conftest import needs_shared_data

STORY = (
    "The central bank raised its key interest rate by half a point on Thursday, citing "
    "inflation that has run above its target for a year. Analysts had expected the move "
    "after strong jobs data. The governor said more rises could follow if prices kept "
    "climbing through the summer. Markets rose after the announcement. "
)


# --- paragraph separators ----------------------------------------------------------------


def test_separator_found_and_kept_in_place() -> None:
    text = "Headline ### By Jane Doe | Associated Press ### Body one. ### Body two."
    assert found_separator(text) == " ### "
    out = lined(text)
    assert len(out) == len(text)  # offsets into the text as given stay valid
    assert [ln.strip() for ln in out.splitlines() if ln.strip()] == [
        "Headline",
        "By Jane Doe | Associated Press",
        "Body one.",
        "Body two.",
    ]


def test_no_separator_in_text_laid_out_in_lines_or_rare() -> None:
    assert found_separator("a ### b ### c") is None  # twice is not a habit
    text = "one ### two\nthree ### four\nfive ### six\nseven"
    assert found_separator(text) is None  # more line breaks than runs: lines are the layout
    assert lined(text) == text
    assert found_separator("x -- y -- z -- w") is None  # not a separator character


def test_given_separator_and_bad_one() -> None:
    assert lined("a <p> b <p> c", " <p> ").split("\n\n") == ["a", "   b", "   c"]
    with pytest.raises(ConfigError, match="--paragraph-separator"):
        InputConfig(paragraph_separator="  ")


def test_credit_through_separator_in_a_scan() -> None:
    text = " ### ".join(
        ["Summit opens", "By JILL COLVIN Associated Press", "July 15, 2018", STORY, STORY + "x"]
    )
    copy = text.replace("Summit opens", "Summit opens today")
    report = dedup.scan([Document("a", text), Document("b", copy)], ScanConfig())
    assert {m.credit for c in report.clusters for m in c.members} == {"AP"}


# --- credit ------------------------------------------------------------------------------

CREDITED = [
    ("Title\nBy JONATHAN LEMIRE, JILL COLVIN and VLADIMIR ISACHENKOV | Associated Press\nx", "AP"),
    ("Title\nPosted 5:57 am, July 16, 2018, by Associated Press , Updated at 06:00AM\nx", "AP"),
    ("Title\nThe Associated Press | Monday, July 16, 2018, 7:24 a.m.\nx", "AP"),
    ("Title\nAssociated Press Monday, July 16, 2018\nx", "AP"),
    ("Title\nJonathan Lemire and Jill ColvinAssociated Press\nx", "AP"),
    ("Title\nBy GEOFF MULVIHILL Associated Press\nJuly 14, 2018 08:25 PM\nx", "AP"),
    ("Title\nJustin Sink and Ilya Arkhipov, Bloomberg\nx", "Bloomberg"),
    ("Washington (CNN)\nThe senator said on Sunday...", "CNN"),
    ("Title\nBloomberg\u2022\nTitle\nMore\nThe story.", "Bloomberg"),
    (
        "Body.\nMore.\nAssociated Press writers Ken Thomas and Zeke Miller contributed to this "
        "report.\n___",
        "AP",
    ),
    ("Body.\nMore.\nBloomberg's Toluse Olorunnipa and Henry Meyer contributed.", "Bloomberg"),
    ("Body.\nMore.\n\u00a9 AFP 2018\nClick Here to comment", "AFP"),
    ("Body.\n\u00a9 2018 Thomson/Reuters.  All rights reserved.\nClose", "Reuters"),
]
NOT_CREDITED = [
    # a photo credit is not a credit of the story
    ("Title\n(AP Photo/Evan Vucci)\nBy Gregory Korte, USA TODAY\nStory.", None),
    ("Title\nPhoto: Yuri Gripas, Bloomberg\nStory by our staff.", None),
    ("Title\nPablo Martinez Monsivais / AP\nStory by our staff.", None),
    ("Title\nCaption of the photo.\nPablo Martinez Monsivais, AP\nStory.", None),
    ("Title\n\u00a9 Getty\nAn opinion piece.", None),
    # an agency mentioned in the story
    ("Title\nStory.\nThe minister told Reuters on Monday that talks would go on.", None),
    ("Title\nStory.\nReuters reported that the talks had stalled.", None),
    ("Title\nStory.\nHe said so, Bloomberg reported last week.", None),
    ("Title\nAccording to Reuters , Trump appeared upbeat.\nStory.", None),
    # a chart's source is no credit of the story
    ("Body.\nSource: A Fox News poll of 1,007 registered U.S. voters conducted July 9-11.", None),
]


@pytest.mark.parametrize(("text", "credit"), CREDITED + NOT_CREDITED)
def test_credit(text: str, credit: str | None) -> None:
    assert detect_credit(text) == credit


@needs_shared_data
def test_credit_on_labelled_articles() -> None:
    # the labels of benchmarks/credit_labels.csv, read by hand on ArticleComparisons
    import csv

    from benchmarks.credit import LABELS, articles, now

    with LABELS.open(encoding="utf-8", newline="") as f:
        labels = [r for r in csv.DictReader(f) if r["credit"] != "mixed"]
    texts = {k: v for n in ("helsinki", "spotify") for k, v in articles(n).items()}
    agencies = set(dedup.syndication.AGENCIES.values())
    credited = [r for r in labels if r["credit"]]
    hits = sum(now(texts[r["id"]]) == r["credit"] for r in credited)
    false = [r["id"] for r in labels if (g := now(texts[r["id"]])) in agencies and g != r["credit"]]
    assert hits / len(credited) >= 0.95
    assert false == []


# --- dates -------------------------------------------------------------------------------


def test_date_format() -> None:
    assert parse_date("16/07/2018", "%d/%m/%Y") == "2018-07-16"
    assert parse_date("07/08/2018", "%d/%m/%Y") == "2018-08-07"  # the format decides the order
    assert parse_date("16/07/2018 10:05", "%d/%m/%Y %H:%M") == "2018-07-16T10:05:00Z"
    assert parse_date("2018-07-16", "%d/%m/%Y") == "2018-07-16"  # ISO is never ambiguous
    assert parse_date("Jul 16, 2018", "%d/%m/%Y") is None  # the format only


@pytest.mark.parametrize(
    ("fmt", "why"), [("%Q", "bad directive"), ("%Y %", "stray"), ("dd/mm", "no")]
)
def test_bad_date_format(fmt: str, why: str) -> None:
    with pytest.raises(ConfigError, match=why):
        InputConfig(date_format=fmt)


def test_document_date_read() -> None:
    docs = [
        Document("a", STORY * 2, date="07/15/2018"),
        Document("b", STORY * 2 + " Extra.", date="not a date"),
    ]
    report = dedup.scan(docs)
    dates = {m.id: m.date for c in report.clusters for m in c.members}
    assert dates == {"a": "2018-07-15", "b": None}
    assert report.stats.unparsed_dates == 1
    assert report.stats.to_dict()["unparsed_dates"] == 1
    assert report.unread_dates == ()  # one of the two was read


def test_no_unparsed_dates_key_when_all_read() -> None:
    report = dedup.scan([Document("a", STORY, date="2018-07-15")])
    assert "unparsed_dates" not in report.stats.to_dict()


def _write(path: Path, rows: list[tuple[str, str, str]]) -> None:
    lines = [json.dumps({"id": i, "text": t, "date": d}) for i, t, d in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_cli_warns_once_per_file_and_field(tmp_path: Path) -> None:
    _write(tmp_path / "odd.jsonl", [("o1", STORY, "yesterday"), ("o2", STORY + "x", "soon")])
    _write(tmp_path / "ok.jsonl", [("k1", STORY, "26-FEB-1987 15:01:01.79")])
    result = CliRunner().invoke(
        app, ["scan", str(tmp_path), "--jobs", "1", "-f", "json"], prog_name="dedup"
    )
    assert result.exit_code == 0
    warnings = [ln for ln in result.stderr.splitlines() if "warning" in ln]
    assert len(warnings) == 1
    assert "odd.jsonl: field 'date': no readable date (2 dates, such as 'soon')" in warnings[0]
    report = json.loads(result.stdout)
    assert report["stats"]["unparsed_dates"] == 2
    assert {m["id"]: m["date"] for c in report["clusters"] for m in c["members"]}["k1"] == (
        "1987-02-26T15:01:01Z"
    )


def test_cli_date_format_reads_them(tmp_path: Path) -> None:
    _write(tmp_path / "uk.jsonl", [("u1", STORY, "16/07/2018"), ("u2", STORY + "x", "08/07/2018")])
    result = CliRunner().invoke(
        app,
        ["scan", str(tmp_path), "--jobs", "1", "-f", "json", "--date-format", "%d/%m/%Y"],
        prog_name="dedup",
    )
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    dates = {m["id"]: m["date"] for c in report["clusters"] for m in c["members"]}
    assert dates == {"u1": "2018-07-16", "u2": "2018-07-08"}
    assert "warning" not in result.stderr


def test_cli_bad_date_format_is_a_usage_error(tmp_path: Path) -> None:
    _write(tmp_path / "a.jsonl", [("a", STORY, "2018-07-16")])
    result = CliRunner().invoke(
        app, ["scan", str(tmp_path), "--date-format", "%Q"], prog_name="dedup"
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("dedup: error: date format (--date-format) '%Q'")
    assert "Traceback" not in result.stderr


def test_index_add_and_query_read_dates_and_separators(tmp_path: Path) -> None:
    text = " ### ".join(["Rates rise", "By Jane Roe | Reuters", STORY, STORY + "y"])
    _write(tmp_path / "a.jsonl", [("a1", text, "16/07/2018")])
    _write(tmp_path / "q.jsonl", [("q1", text + " z", "soon")])
    ix = str(tmp_path / "ix.sqlite")
    cli = CliRunner()
    bad = cli.invoke(
        app,
        ["index", "add", str(tmp_path / "a.jsonl"), "--index", ix, "--date-format", "%Q"],
        prog_name="dedup",
    )
    assert bad.exit_code == 2 and "--date-format" in bad.stderr
    added = cli.invoke(
        app,
        [
            "index",
            "add",
            str(tmp_path / "a.jsonl"),
            "--index",
            ix,
            "--date-format",
            "%d/%m/%Y",
            "--paragraph-separator",
            " ### ",
        ],
        prog_name="dedup",
    )
    assert added.exit_code == 0, added.stderr
    found = cli.invoke(
        app,
        ["index", "query", str(tmp_path / "q.jsonl"), "--index", ix, "-f", "json"],
        prog_name="dedup",
    )
    assert found.exit_code == 0, found.stderr
    assert "q.jsonl: field 'date': no readable date (1 date, such as 'soon')" in found.stderr
    assert '"credit": "Reuters"' in found.stdout
    assert '"date": "2018-07-16"' in found.stdout
