"""Report filters: --since/--until before the scan, --window/--cross-site/--min-size/--top/--sort
after it (`dedup.filters`), in the library and on the command line."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from dedup import ConfigError, Document, ReportConfig, ScanConfig, scan
from dedup.cli import app
from tests.conftest import ROOT

SAMPLE = str(ROOT / "sample" / "articles")
STORY = (
    "The city council voted on Tuesday to close the old bridge for repairs next spring. "
    "Engineers found cracks in two of the main supports during an inspection in March. "
    "The closure will last about eight months and traffic will be sent over the river road. "
    "Shop owners near the bridge said they feared losing customers during the works. "
)
STORY2 = (
    "A new library opened downtown with a large hall for children and a cafe on the roof. "
    "Volunteers spent the weekend moving thousands of books from the old building nearby. "
    "The architects used wood from local forests and solar panels to power the lights. "
    "The opening drew a crowd of families who queued for an hour in the morning sun. "
)


def _docs() -> list[Document]:
    return [
        Document("o", STORY, site="a.com", date="2024-03-01T08:00:00Z"),
        Document("same", STORY, site="a.com", date="2024-03-01T09:00:00Z"),
        Document("fast", STORY, site="b.com", date="2024-03-01T10:00:00Z"),
        Document("slow", STORY, site="c.com", date="2024-03-05T10:00:00Z"),
        Document("nodate", STORY, site="d.com"),
        Document("p", STORY2, site="e.com", date="2024-04-01"),
        Document("q", STORY2, site="f.com", date="2024-04-02"),
    ]


def _scan(**report: object) -> list[tuple[str, list[str]]]:
    r = scan(_docs(), ScanConfig(report=ReportConfig(**report)))  # type: ignore[arg-type]
    return [(c.id, [m.id for m in c.members]) for c in r.clusters]


def test_no_filter() -> None:
    assert _scan() == [("c1", ["o", "same", "fast", "slow", "nodate"]), ("c2", ["p", "q"])]


def test_cross_site_and_window() -> None:
    assert _scan(cross_site=True)[0] == ("c1", ["o", "fast", "slow", "nodate"])
    # unknown delays are dropped; a bare date counts in whole days
    assert _scan(window=3 * 3600) == [("c1", ["o", "same", "fast"])]
    assert _scan(window=86400) == [("c1", ["o", "same", "fast"]), ("c2", ["p", "q"])]


def test_min_size_top_sort() -> None:
    assert _scan(min_size=3) == [("c1", ["o", "same", "fast", "slow", "nodate"])]
    assert _scan(top=1, sort="date") == [("c2", ["p", "q"])]
    assert [c for c, _ in _scan(sort="date")] == ["c2", "c1"]


def test_stats_and_matches_follow_the_filters() -> None:
    r = scan(_docs(), ScanConfig(report=ReportConfig(cross_site=True, window=3 * 3600)))
    assert (r.stats.clusters, r.stats.clustered_documents, r.stats.copies) == (1, 2, 1)
    # pairs of two sites, dated at most 3h apart (matches have no origin); "same" has the
    # text of "o" on its site, so its pairs are those of "o" (`Report.all_matches`)
    assert {(m.a, m.b) for m in r.matches} == {("fast", "o")}
    # the scan's own counts: each story is one text here, matched once
    assert (r.stats.verified_pairs, r.stats.same_text) == (0, 5)


def test_since_until_before_the_scan() -> None:
    r = scan(_docs(), ScanConfig(report=ReportConfig(since="2024-03-02", until="2024-04-01")))
    assert r.stats.extracted == 2 and r.stats.skipped == 5  # "slow" and "p"
    assert r.clusters == ()  # the copies of each story fell outside the period
    reasons = sorted(s.reason for s in r.skipped)
    assert "no publication date, and --since/--until asks for one" in reasons
    assert "published 2024-03-01, outside --since/--until" in reasons


def test_wire_source_is_recounted() -> None:
    docs = [
        Document("o", "(AP) - " + STORY, site="a.com", date="2024-03-01T08:00:00Z"),
        Document("x", STORY + "\nSource: Reuters\n", site="a.com", date="2024-03-01T09:00Z"),
        Document("y", STORY + "\nSource: Reuters\n", site="b.com", date="2024-03-01T09:00Z"),
        Document("z", STORY + "\nSource: Reuters\n", site="c.com", date="2024-03-01T09:00Z"),
    ]
    (c,) = scan(docs).clusters
    assert (c.wire_source, c.credited) == ("Reuters", 3)
    (c,) = scan(docs, ScanConfig(report=ReportConfig(cross_site=True))).clusters
    assert (c.wire_source, c.credited, c.uncredited) == ("Reuters", 2, 0)


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"since": "2024-3-1"}, "since must be a day written YYYY-MM-DD"),
        ({"since": "2024-05-01", "until": "2024-04-01"}, "is after until"),
        ({"window": -1}, "window must be at least 0"),
        ({"min_size": 1}, "min_size must be at least 2"),
        ({"top": 0}, "top must be at least 1"),
        ({"sort": "name"}, "sort must be one of size, date"),
    ],
)
def test_bad_filters(kw: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        ReportConfig(**kw)  # type: ignore[arg-type]


def test_cli_filters() -> None:
    args = ["scan", SAMPLE, "-j", "1", "-f", "json", "-q"]
    res = CliRunner().invoke(app, [*args, "--top", "2", "--sort", "date", "--cross-site"])
    assert res.exit_code == 0, res.stderr
    d = json.loads(res.stdout)
    assert [c["id"] for c in d["clusters"]] == ["c5", "c3"]
    res = CliRunner().invoke(app, [*args, "--window", "3 days"])
    assert res.exit_code == 2
    assert "--window: '3 days' is not a time span" in res.stderr
    res = CliRunner().invoke(app, [*args, "--since", "yesterday"])
    assert res.exit_code == 2 and "since must be a day written YYYY-MM-DD" in res.stderr
