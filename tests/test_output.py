"""The report renderers (json, jsonl, csv, table), on Reports made by `dedup.scan`.

Two real copy pairs: a BBC story (fixtures/io/willis.txt) and its reprint under another headline
with a credit line, and a second BBC story (truants.txt) and a wire version with a Reuters
dateline; plus one input with no words, which is skipped.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

import dedup
from dedup.model import Document, Report
from dedup.output import FORMATS, render, summary_line
from dedup.output.table import MAX_SKIPS_SHOWN
from dedup.output.text import CSV_COLUMNS

IO = Path(__file__).resolve().parent / "fixtures" / "io"
WILLIS = (IO / "willis.txt").read_text(encoding="utf-8")
TRUANTS = (IO / "truants.txt").read_text(encoding="utf-8")

DOCS = [
    Document(
        id="bbc-willis",
        text=WILLIS,
        url="https://www.bbc.co.uk/news/entertainment-willis",
        site="bbc.co.uk",
        title="Willis sues over movie 'injury'",
        date="2005-02-03T09:15:00Z",
        source="bbc.jsonl:line 1",
    ),
    Document(
        id="wire-willis",
        text=WILLIS.replace("Actor Bruce Willis", "Hollywood star Bruce Willis")
        + "\nSource: BBC News\n",
        url="https://www.dailywire-example.com/showbiz/willis",
        site="dailywire-example.com",
        title='Bruce Willis, "injured", takes studio to court',
        date="2005-02-04",
        source="wire.jsonl:line 1",
    ),
    Document(
        id="bbc-truants",
        text=TRUANTS,
        url="https://www.bbc.co.uk/news/politics-truants",
        site="bbc.co.uk",
        title="Labour targets 'hardcore truants'",
        date="2005-02-01T08:00:00Z",
        source="bbc.jsonl:line 2",
    ),
    Document(
        id="wire-truants",
        text="LONDON (Reuters) - " + TRUANTS,
        site="reuters.com",
        title="Réforme : l'Angleterre s'attaque à l'absentéisme",  # non-ASCII kept as is
        date="2005-02-01T16:00:00Z",
        source="wire.jsonl:line 2",
    ),
    Document(id="no-words", text=" -- ... -- ", source="wire.jsonl:line 3"),
]


@pytest.fixture(scope="module")
def report() -> Report:
    return dedup.scan(DOCS)


def test_the_report_holds_the_two_copy_pairs(report: Report) -> None:
    s = report.stats
    assert (s.read, s.extracted, s.skipped, s.failed) == (5, 4, 1, 0)
    assert (s.clusters, s.clustered_documents, s.copies, s.verified_pairs) == (2, 4, 2, 2)
    # same size: the earlier origin comes first
    assert [[m.id for m in c.members] for c in report.clusters] == [
        ["bbc-truants", "wire-truants"],
        ["bbc-willis", "wire-willis"],
    ]
    (skip,) = report.skipped
    assert (skip.source, skip.location) == ("wire.jsonl", "line 3")
    assert skip.reason == "no words in text after normalisation"


def test_json_structure(report: Report) -> None:
    data = json.loads(render(report, "json"))
    assert list(data) == ["stats", "clusters", "matches", "sites", "skipped"]
    assert data["stats"] == report.stats.to_dict()
    assert data["stats"]["clusters"] == len(data["clusters"]) == 2
    member_keys = {"id", "url", "site", "title", "date", "jaccard", "containment", "credit"}
    for cluster in data["clusters"]:
        assert {"id", "origin", "members"} <= set(cluster)
        assert cluster["origin"] == cluster["members"][0]["id"]
        assert cluster.get("size", len(cluster["members"])) == len(cluster["members"])
        for member in cluster["members"]:
            assert member_keys <= set(member)
    assert data["skipped"] == [
        {
            "source": "wire.jsonl",
            "location": "line 3",
            "reason": "no words in text after normalisation",
            "status": "skipped",
        }
    ]


def test_json_values(report: Report) -> None:
    data = json.loads(render(report, "json"))
    assert data == report.to_dict()
    willis = data["clusters"][1]
    assert willis["id"] == "c2" and willis["origin"] == "bbc-willis"
    origin, copy = willis["members"]
    assert origin["role"] == "origin" and origin["jaccard"] == origin["containment"] == 1.0
    assert origin["credit"] is None and origin["date"] == "2005-02-03T09:15:00Z"
    assert copy["role"] == "copy" and copy["id"] == "wire-willis"
    assert copy["title"] == 'Bruce Willis, "injured", takes studio to court'
    assert (copy["url"], copy["site"]) == (
        "https://www.dailywire-example.com/showbiz/willis",
        "dailywire-example.com",
    )
    assert 0.9 < copy["jaccard"] < 1.0 and 0.9 < copy["containment"] < 1.0
    assert copy["credit"] == "BBC News"
    assert data["clusters"][0]["members"][1]["credit"] == "Reuters"


def test_json_is_deterministic_and_keeps_non_ascii(report: Report) -> None:
    text = render(report, "json")
    assert text == render(dedup.scan(list(reversed(DOCS))), "json")
    assert text.endswith("}\n")
    assert "Réforme : l'Angleterre s'attaque à l'absentéisme" in text


def test_jsonl_is_one_cluster_a_line(report: Report) -> None:
    text = render(report, "jsonl")
    lines = text.splitlines()
    assert text.endswith("\n") and len(lines) == len(report.clusters) == 2
    for line, cluster in zip(lines, report.clusters, strict=True):
        assert json.loads(line) == cluster.to_dict()
    assert render(dedup.scan(DOCS[:1]), "jsonl") == ""  # no clusters, no lines


def test_csv_is_a_header_and_one_row_a_member(report: Report) -> None:
    text = render(report, "csv")
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    assert header == list(CSV_COLUMNS)
    for col in ("cluster", "origin", "id", "url", "site", "title", "date", "jaccard"):
        assert col in header
    assert len(body) == sum(len(c.members) for c in report.clusters) == 4
    records = [dict(zip(header, r, strict=True)) for r in body]
    assert [(r["cluster"], r["origin"], r["role"], r["id"]) for r in records] == [
        ("c1", "bbc-truants", "origin", "bbc-truants"),
        ("c1", "bbc-truants", "copy", "wire-truants"),
        ("c2", "bbc-willis", "origin", "bbc-willis"),
        ("c2", "bbc-willis", "copy", "wire-willis"),
    ]
    copy = records[3]
    assert copy["title"] == 'Bruce Willis, "injured", takes studio to court'  # quoted right
    member = report.clusters[1].members[1]
    assert float(copy["jaccard"]) == round(member.jaccard, 4)
    assert float(copy["containment"]) == round(member.containment, 4)
    assert copy["credit"] == "BBC News"
    assert records[1]["url"] == ""  # None is an empty cell
    assert render(dedup.scan(DOCS[:1]), "csv") == ",".join(CSV_COLUMNS) + "\n"


def test_table_shows_clusters_and_counts(report: Report) -> None:
    text = render(report, "table")
    s = report.stats
    for c in report.clusters:
        assert f"{c.id}: {len(c.members)} articles" in text
        for m in c.members:
            assert m.id in text
    assert "origin bbc.co.uk 2005-02-03T09:15:00Z: Willis sues over movie 'injury'" in text
    assert f"{s.read} read ({s.files} files), {s.extracted} scanned, {s.skipped} skipped" in text
    assert f"{s.candidate_pairs} candidate pairs, {s.verified_pairs} verified" in text
    assert f"{s.clusters} clusters, {s.copies} copies" in text
    assert "skipped 1:" in text and "wire.jsonl:line 3: no words in text" in text
    assert "\x1b[" not in text  # no colour codes unless asked for


def test_table_lists_at_most_max_skips() -> None:
    n = MAX_SKIPS_SHOWN + 3
    docs = [Document(id=f"d{i:02d}", text="...", source=f"feed:line {i}") for i in range(n)]
    # the report lists them all (a limit above n); the table shows MAX_SKIPS_SHOWN
    cfg = dedup.ScanConfig(report=dedup.ReportConfig(max_listed_skips=n))
    text = render(dedup.scan(docs, cfg), "table")
    assert f"skipped {n}:" in text and "feed:line 0: no words" in text
    assert "... and 3 more (see --format json)" in text
    assert "feed:line 22" not in text and "not listed" not in text
    # by default the report lists 20 of one file and reason, and counts the others
    text = render(dedup.scan(docs), "table")
    assert f"skipped {n}:" in text and "feed:line 19: no words" in text
    assert "feed:line 20" not in text
    assert "  feed: 3 more skipped (no words in text after normalisation), not listed" in text


def test_unknown_format_is_a_config_error(report: Report) -> None:
    assert set(FORMATS) == {"table", "json", "jsonl", "csv", "sites"}
    with pytest.raises(dedup.ConfigError, match="unknown format 'xml'"):
        render(report, "xml")


def test_summary_line(report: Report) -> None:
    assert summary_line(report) == (
        "read 5 records from 0 files: 4 scanned, 1 skipped, 0 failed; 2 clusters, 2 copies"
    )
