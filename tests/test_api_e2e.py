"""End to end on the bundled sample, and determinism."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest

import dedup
from dedup.ids import natural
from dedup.output import render
from tests.conftest import SAMPLE

ARTICLES = SAMPLE / "articles"
P = "articles/pages/"

# Read off a run and checked by reading the texts: AP, Reuters and CNN wire stories that several
# outlets ran on the day, and pages an outlet published twice.
#: the stories of the sample, as the users' definition groups them (each pair in a group that
#: shares passages is also a gold copy pair of the relabelled ArticleComparisons set)
EXPECTED = [
    # the AP story, its chicagotribune.com write-thru and the pages running one or the other
    {
        "spotify-19721",
        "spotify-15231",
        "spotify-1710",
        "spotify-17324",
        "spotify-16361",
        "spotify-19117",
    },
    # the evening AP story; dailymail.co.uk runs five of its paragraphs (a third of it)
    {
        "spotify-7885",
        "spotify-14513",
        "spotify-3270",
        "spotify-4859",
        "spotify-14850",
        "spotify-7271",
    },
    {
        P + "census-9990.html",
        P + "census-8200.html",
        P + "census-8818.html",
        P + "census-14730.html",
    },
    # a CNN story, and the CNN-wire rewrite that shares two thirds of it
    {"spotify-11438", "spotify-8215", "spotify-1333"},
    {P + "census-12769.html", P + "census-2313.html", P + "census-6190.html"},
    {P + "census-3581.html", P + "census-610.html", P + "census-6678.html"},
    {"spotify-12458", "spotify-18137"},
    {"spotify-7240", "spotify-12499"},
    {P + "census-6644.html", P + "census-7042.html"},
    {P + "census-761.html", P + "census-16223.html"},
]


@pytest.fixture(autouse=True)
def _in_sample_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(SAMPLE)


def test_sample_clusters() -> None:
    report = dedup.scan(["articles"])
    assert report.stats.read == 68 and report.stats.extracted == 68
    assert report.stats.skipped == 0 and report.stats.failed == 0
    got = [{m.id for m in c.members} for c in report.clusters]
    assert sorted(map(sorted, got)) == sorted(map(sorted, EXPECTED))
    assert report.stats.clusters == 10 and report.stats.copies == 23
    # every verified pair is listed, each with its figures, in id order
    assert report.pairs() >= {frozenset(("spotify-7271", "spotify-7885"))}
    assert [(m.a, m.b) for m in report.matches] == sorted(
        ((m.a, m.b) for m in report.matches), key=lambda ab: (natural(ab[0]), natural(ab[1]))
    )
    assert all(m.shared_sentences >= 3 for m in report.matches if m.kind == "copy")


def test_sample_report_details() -> None:
    report = dedup.scan(["articles"])
    c1 = report.clusters[1]
    assert c1.id == "c2" and len(c1.members) == 6
    # the origin is the earliest member, listed first with exact self-similarity 1
    assert c1.origin == "spotify-7885" == c1.members[0].id
    assert c1.members[0].role == "origin" and c1.members[0].jaccard == 1.0
    assert all(m.role == "copy" for m in c1.copies)
    # each copy carries the passages it shares with the origin, offsets into both texts
    daily = next(m for m in c1.copies if m.id == "spotify-7271")
    assert daily.shared_sentences is not None and daily.shared_sentences >= 3
    assert daily.passages and all(
        p.a_end > p.a_start and p.b_end > p.b_start for p in daily.passages
    )
    dates = [m.date for m in c1.members]
    assert dates[0] == min(d for d in dates if d)
    # HTML pages: metadata from the page (canonical URL, host as site, published time)
    html = next(c for c in report.clusters if c.origin.endswith("census-9990.html"))
    origin = html.members[0]
    assert origin.url == "https://www.dailymail.co.uk/news/9990.html"
    assert origin.site == "dailymail.co.uk"
    assert origin.date == "2019-05-31T11:56:56Z"  # page: 07:56:56-04:00
    assert origin.credit == "AP"  # "NEW YORK (AP) - ..."
    # a Reuters story credited in its dateline
    reuters = next(c for c in report.clusters if c.origin.endswith("census-761.html"))
    assert {m.credit for m in reuters.members} == {"Reuters"}


def test_json_is_byte_identical_across_runs_and_input_orders() -> None:
    files = sorted(str(p.relative_to(SAMPLE)) for p in ARTICLES.rglob("*") if p.is_file())
    first = render(dedup.scan(["articles"]), "json")
    again = render(dedup.scan(["articles"]), "json")
    shuffled = list(files)
    random.Random(7).shuffle(shuffled)
    from_files = render(dedup.scan(shuffled), "json")
    assert first == again
    # the same records given file by file in another order: same clusters, same bytes
    assert json.loads(first)["clusters"] == json.loads(from_files)["clusters"]
    assert first == from_files


def test_documents_in_shuffled_order_give_identical_output(tmp_path: Path) -> None:
    base = dedup.scan(["articles"])
    docs = []
    for c in base.clusters:
        for m in c.members:
            docs.append(m)
    texts = {}
    for line in (ARTICLES / "spotify.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        texts[rec["id"]] = dedup.Document(
            id=rec["id"], text=rec["text"], url=rec["url"], site=rec["site"], date=rec["date"]
        )
    items = list(texts.values())
    a = render(dedup.scan(items), "json")
    random.Random(3).shuffle(items)
    b = render(dedup.scan(items), "json")
    assert a == b
    assert json.loads(a)["stats"]["clusters"] == 5


def test_missing_path_is_an_input_error() -> None:
    with pytest.raises(dedup.InputError, match="nope: no such file or directory"):
        dedup.scan(["articles", "nope"])


def test_api_and_cli_agree(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from dedup.cli import app

    out = tmp_path / "r.json"
    res = CliRunner().invoke(app, ["scan", "articles", "-f", "json", "-o", os.fspath(out), "-q"])
    assert res.exit_code == 0 and res.exception is None
    assert out.read_text(encoding="utf-8") == render(dedup.scan(["articles"]), "json")


def test_jobs_give_identical_reports() -> None:
    one = render(dedup.scan(["articles"], jobs=1), "json")
    two = render(dedup.scan(["articles"], jobs=2), "json")
    assert one == two


def test_cli_jobs_option() -> None:
    from typer.testing import CliRunner

    from dedup.cli import app

    res = CliRunner().invoke(app, ["scan", "articles", "-f", "json", "-q", "--jobs", "2"])
    assert res.exit_code == 0 and res.exception is None
    assert res.stdout == render(dedup.scan(["articles"]), "json")
    bad = CliRunner().invoke(app, ["scan", "articles", "--jobs", "0"])
    assert bad.exit_code == 2 and "--jobs must be at least 1" in bad.output


def test_documents_given_in_memory_get_their_site_from_the_url() -> None:
    text = json.loads((ARTICLES / "spotify.jsonl").read_text(encoding="utf-8").splitlines()[0])[
        "text"
    ]
    docs = [
        dedup.Document(id="a", text=text, url="https://www.example.com/a", date="2018-06-01"),
        dedup.Document(id="b", text=text, url="https://news.example.org/b", site="Named Site"),
    ]
    report = dedup.scan(docs)
    sites = {m.id: m.site for m in report.clusters[0].members}
    assert sites == {"a": "example.com", "b": "Named Site"}
