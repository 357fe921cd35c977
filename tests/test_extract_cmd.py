"""`dedup extract` and `dedup.extract_documents`: what the pipeline sees of each record, and the
HTML extractors (`--extractor`) behind it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

import dedup
from dedup.cli import app
from dedup.config import EXTRACTORS, ExtractConfig
from dedup.errors import ConfigError, RecordError
from dedup.extract import (
    PageMetadata,
    _decode,
    article_lines,
    extract_html,
    looks_wrong,
    page_metadata,
)
from tests.conftest import ROOT, assert_one_line_error

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CORPUS = FIXTURES / "io" / "corpus"
HOSTILE = FIXTURES / "hostile"

runner = CliRunner()


def run(*args: str) -> Result:
    result = runner.invoke(app, list(args), prog_name="dedup")
    for stream in (result.stdout, result.stderr):
        assert "Traceback" not in stream
    return result


def records(result: Result) -> list[dict[str, object]]:
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.fixture
def messy(tmp_path: Path) -> Path:
    """The corpus plus a binary page and a page without an article."""
    root = tmp_path / "messy"
    shutil.copytree(CORPUS, root)
    (root / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    shutil.copy(FIXTURES / "io" / "no_article.html", root / "no_article.html")
    return root


def test_extract_prints_one_record_a_line_with_what_the_scan_sees() -> None:
    result = run("extract", str(CORPUS))
    assert result.exit_code == 0, result.stderr
    recs = records(result)
    assert [r["id"] for r in recs] == [f"{CORPUS}/original.html", "wire-willis", "bbc-truants"]
    page = recs[0]
    assert list(page) == ["id", "source", "url", "site", "title", "date", "language", "text"]
    assert page["url"] == "https://www.bbc.co.uk/news/entertainment/willis-sues"
    assert page["site"] == "bbc.co.uk"
    assert page["title"] == "Willis sues over movie 'injury'"
    assert page["date"] == "2005-02-03T09:15:00Z"
    assert page["language"] == "en"
    text = str(page["text"])
    assert "\nActor Bruce Willis is suing Revolution Studios" in text
    assert "Sport" not in text and "Copyright BBC" not in text  # menu and footer dropped
    assert recs[1]["source"] == f"{CORPUS}/wire.jsonl:line 1"
    assert result.stderr == "read 3 records: 3 extracted, 0 skipped, 0 failed\n"


def test_bad_files_are_located_skips_counted_on_stderr(messy: Path) -> None:
    result = run("extract", str(messy))
    assert result.exit_code == 0, result.stderr
    assert len(records(result)) == 3  # the good records are all there
    lines = result.stderr.splitlines()
    assert f"skipped: {messy}/image.html: binary file, not HTML" in lines
    assert any(
        line.startswith(f"skipped: {messy}/no_article.html: no article text found in HTML")
        for line in lines
    )
    assert lines[-1] == "read 5 records: 3 extracted, 2 skipped, 0 failed"


def test_extract_is_deterministic_and_output_file_equals_stdout(
    messy: Path, tmp_path: Path
) -> None:
    first = run("extract", str(messy), "--extractor", "hybrid")
    second = run("extract", str(messy), "--extractor", "hybrid")
    assert first.stdout == second.stdout and first.stderr == second.stderr
    out = tmp_path / "out.jsonl"
    to_file = run("extract", str(messy), "--extractor", "hybrid", "-o", str(out), "-q")
    assert to_file.exit_code == 0 and to_file.stdout == "" and to_file.stderr == ""
    assert out.read_text(encoding="utf-8") == first.stdout


def test_usage_and_fatal_errors_are_one_line() -> None:
    assert_one_line_error(run("extract", str(CORPUS), "--extractor", "nope"), 2, "--extractor")
    assert_one_line_error(run("scan", str(CORPUS), "--extractor", "nope"), 2, "--extractor")
    assert_one_line_error(run("extract", "no/such/dir"), 1, "no/such/dir")


def test_api_yields_extractions_and_skips_in_input_order(messy: Path) -> None:
    given = dedup.Document("given", "Some text given in memory, not read from a file at all.")
    got = list(dedup.extract_documents([messy, given]))
    kinds = [type(g).__name__ for g in got]
    # the given document first, then the files in sorted order (2 records in wire.jsonl)
    assert kinds == ["Extraction", "Skip", "Skip", "Extraction", "Extraction", "Extraction"]
    assert got[0].document == given  # type: ignore[union-attr]
    skips = [g for g in got if isinstance(g, dedup.Skip)]
    assert [Path(s.source).name for s in skips] == ["image.html", "no_article.html"]
    with pytest.raises(ConfigError):
        list(dedup.extract_documents([messy], config=ExtractConfig()))  # type: ignore[arg-type]


def test_extraction_is_what_the_scan_reports() -> None:
    report = dedup.scan([CORPUS])
    members = {m.id: m for c in report.clusters for m in c.members}
    for got in dedup.extract_documents([CORPUS]):
        assert isinstance(got, dedup.Extraction)
        doc = got.document
        if doc.id in members:
            m = members[doc.id]
            assert (m.title, m.date, m.url, m.site) == (doc.title, doc.date, doc.url, doc.site)


@pytest.mark.parametrize("extractor", EXTRACTORS)
def test_every_extractor_finds_the_article_and_its_metadata(extractor: str) -> None:
    html = (CORPUS / "original.html").read_bytes()
    ex = extract_html(html, ExtractConfig(extractor=extractor))
    assert "Actor Bruce Willis is suing" in ex.text
    assert ex.text.endswith('"simulate the appearance of bullets striking the ground".')
    assert "Home" not in ex.text and "Copyright" not in ex.text
    assert ex.title == "Willis sues over movie 'injury'"
    assert ex.date == "2005-02-03T09:15:00Z"
    assert ex.url == "https://www.bbc.co.uk/news/entertainment/willis-sues"
    assert ex.site == "BBC News"


@pytest.mark.parametrize("extractor", EXTRACTORS)
def test_every_extractor_survives_hostile_pages(extractor: str) -> None:
    cfg = ExtractConfig(extractor=extractor)
    for name in ("char_refs.html", "deep_nesting.html"):
        ex = extract_html((HOSTILE / name).read_bytes(), cfg)
        assert len(ex.text.split()) >= cfg.min_words
    with pytest.raises(RecordError, match="no article text"):
        extract_html((FIXTURES / "io" / "no_article.html").read_bytes(), cfg)


def test_fast_extract_is_an_alias_of_the_fast_extractor() -> None:
    assert ExtractConfig(fast=True).extractor == "fast"
    with pytest.raises(ConfigError, match="unknown extractor"):
        ExtractConfig(extractor="boilerpipe")


PROSE = (
    "The council approved the budget on Tuesday after a long debate.\n"
    "Members said the new plan would fund schools and roads for three years, "
    "and that taxes would not rise before the next election.\n"
) * 4


def test_looks_wrong_when_too_short_for_an_article() -> None:
    assert not looks_wrong(PROSE)
    assert looks_wrong("Too short to be an article.")
    assert looks_wrong(PROSE, min_words=1000)


def test_article_lines_drops_the_furniture_around_the_article() -> None:
    menu = "\n".join(["Home", "News", "Sport", "Weather", "Contact us", "Most read"])
    related = "Related articles\nCouncil votes on parking fees\nRead more\nComments (12)"
    subhead = "What happens next"  # between article lines: kept
    closing = "Officials declined to comment."  # a short sentence next to the article: kept
    body = PROSE.strip() + "\n" + subhead + "\n" + PROSE.strip() + "\n" + closing
    assert article_lines(menu + "\n" + body + "\n" + related) == body
    caption = "share\nmore_vert\n" + PROSE.split("\n")[1]  # one article line: no block to cut
    assert article_lines(caption) == caption


def _meta(head: str, body: str = "<p>x</p>") -> PageMetadata:
    return page_metadata(f"<html><head>{head}</head><body>{body}</body></html>")


def test_page_metadata_reads_the_common_tags() -> None:
    m = _meta(
        '<title>Storm hits coast | Daily Paper</title><meta name="date" content="2020-01-02">'
        '<link rel="canonical" href="https://paper.example/storm">',
        "<h1>Storm hits coast</h1><p>x</p>",
    )
    assert (m.title, m.date, m.url) == (
        "Storm hits coast",
        "2020-01-02",
        "https://paper.example/storm",
    )
    ld = _meta(
        '<script type="application/ld+json">{"datePublished": "2019-05-31T15:37:03Z"}</script>'
    )
    assert ld.date == "2019-05-31T15:37:03Z"
    in_url = _meta('<meta property="og:url" content="https://x.example/2018/7/16/story">')
    assert in_url.date == "2018-07-16"
    too_old = _meta('<meta property="article:published_time" content="1970-01-01">')
    assert too_old.date is None


def test_html_fixture_pages_are_valid_utf8_decoded() -> None:
    # valid UTF-8 is read as UTF-8 (detection alone took some UTF-8 pages for TIS-620)
    page = "<html><head><title>Hit Parader’s Top 100</title></head><body></body></html>"
    assert page_metadata(_decode(page.encode("utf-8"))).title == "Hit Parader’s Top 100"


def _match_share(tmp_path: Path, extractor: str) -> float:
    """The share of the indexed text of a page added with `extractor` that its text as
    trafilatura extracts it covers (a query's match)."""
    page = ROOT / "sample" / "articles" / "pages" / "census-8818.html"
    db = str(tmp_path / f"{extractor}.db")
    added = run("index", "add", str(page), "-i", db, "--extractor", extractor, "-q", "-j", "1")
    assert added.exit_code == 0, added.stderr
    query = tmp_path / "query.jsonl"
    text = records(run("extract", str(page), "--extractor", "trafilatura"))[0]["text"]
    query.write_text(json.dumps({"id": "q", "text": text}) + "\n", encoding="utf-8")
    found = run("index", "query", str(query), "-i", db, "--format", "json", "-q", "-j", "1")
    assert found.exit_code == 0, found.stderr
    (match,) = json.loads(found.stdout)["results"][0]["matches"]
    return float(match["match_share"])


def test_index_add_extracts_with_the_extractor_given(tmp_path: Path) -> None:
    assert _match_share(tmp_path, "trafilatura") == 1.0
    assert _match_share(tmp_path, "resiliparse") < 1.0  # resiliparse keeps some furniture
    bad = run("index", "add", str(CORPUS), "-i", str(tmp_path / "x.db"), "--extractor", "nope")
    assert_one_line_error(bad, 2, "unknown --extractor 'nope'", "hybrid")
