"""The I/O edge: every reader, gzip, the directory walk, and every kind of bad input.

Bad input never stops a scan: it becomes a `Skip` naming the file (and line or record) with a
reason. Only a missing path is fatal (`dedup.InputError`). Odd inputs are generated here, under
`tmp_path`, so their bytes are visible in the test; static fixtures are in fixtures/io/.
"""

from __future__ import annotations

import gzip
import io
import json
import re
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import dedup
from dedup.config import InputConfig, ScanConfig
from dedup.model import Document, Skip
from dedup.prepare import to_document
from dedup.sources import RawRecord, normalize_date, read_paths, site_of
from dedup.sources.streams import newlines_before, text_range_stream, text_stream

IO = Path(__file__).resolve().parent / "fixtures" / "io"
WILLIS = (IO / "willis.txt").read_text(encoding="utf-8")
TRUANTS = (IO / "truants.txt").read_text(encoding="utf-8")
ORIGINAL_HTML = IO / "corpus" / "original.html"
BINARY = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4


def read_all(*paths: Path | str, cfg: InputConfig | None = None) -> list[RawRecord | Skip]:
    """Every item the readers yield for `paths` (given as strings, so sources are predictable)."""
    return [item for _, item in read_paths([str(p) for p in paths], cfg or InputConfig())]


def records(items: list[RawRecord | Skip]) -> list[RawRecord]:
    return [i for i in items if isinstance(i, RawRecord)]


def skips(items: list[RawRecord | Skip]) -> list[Skip]:
    return [i for i in items if isinstance(i, Skip)]


def documents(*paths: Path | str, cfg: ScanConfig | None = None) -> list[Document]:
    """The Documents a scan builds from `paths` (readers, then extraction and metadata)."""
    cfg = cfg or ScanConfig()
    return [to_document(r, cfg) for r in records(read_all(*paths, cfg=cfg.input))]


def jsonl(path: Path, *objs: object) -> Path:
    path.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objs), "utf-8")
    return path


def quoted(text: str) -> str:
    """`text` as one quoted CSV field."""
    return '"' + text.strip().replace('"', '""') + '"'


def assert_one_line(skip: Skip) -> None:
    assert skip.reason and "\n" not in skip.reason and skip.reason == skip.reason.strip()


# --- HTML ------------------------------------------------------------------------------------


def test_html_page_is_one_record_holding_its_bytes_with_the_path_as_id() -> None:
    (rec,) = read_all(ORIGINAL_HTML)
    assert isinstance(rec, RawRecord)
    assert rec.id == rec.source == str(ORIGINAL_HTML) and rec.location is None
    assert rec.html == ORIGINAL_HTML.read_bytes() and rec.text is None


def test_html_extraction_keeps_the_article_and_reads_page_metadata() -> None:
    (doc,) = documents(ORIGINAL_HTML)
    assert "Tears of the Sun" in doc.text and "squibs" in doc.text
    assert "Home" not in doc.text and "external linking" not in doc.text  # nav and footer gone
    assert doc.title == "Willis sues over movie 'injury'"
    assert doc.date == "2005-02-03T09:15:00Z"
    assert doc.url == "https://www.bbc.co.uk/news/entertainment/willis-sues"
    assert doc.site == "bbc.co.uk"  # the URL's host without www, not og:site_name
    assert doc.source == str(ORIGINAL_HTML)


def test_html_without_article_text_is_skipped_and_the_scan_goes_on(tmp_path: Path) -> None:
    (tmp_path / "404.html").write_bytes((IO / "no_article.html").read_bytes())
    (tmp_path / "story.html").write_bytes(ORIGINAL_HTML.read_bytes())
    report = dedup.scan([tmp_path])
    assert report.stats.read == 2 and report.stats.extracted == 1 and report.stats.skipped == 1
    (skip,) = report.skipped
    assert skip.source == str(tmp_path / "404.html") and skip.status == "skipped"
    assert skip.reason.startswith("no article text found in HTML")


# --- plain text and legacy encodings -----------------------------------------------------------


def test_text_file_is_one_record_with_its_text() -> None:
    (rec,) = read_all(IO / "willis.txt")
    assert isinstance(rec, RawRecord)
    assert rec.id == str(IO / "willis.txt") and rec.text == WILLIS and rec.html is None


FRENCH = (
    "Le président de la République a annoncé mercredi à Marseille une réforme de l'assurance "
    "chômage.\nLes syndicats ont réagi très vivement à ces annonces, qualifiées de « brutales ».\n"
    "Zoë, élève de première à Nîmes, a gagné le concours du café-théâtre.\n"
)


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        ("cp1252", FRENCH + "Coût estimé : 5 000 € \u2013 selon Bercy, déjà dépensés à 80 %.\n"),
        ("latin-1", FRENCH),
    ],
)
def test_legacy_encoded_text_file_is_decoded_with_its_accents(
    tmp_path: Path, encoding: str, text: str
) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes(text.encode(encoding))
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")  # really not UTF-8
    (rec,) = read_all(path)
    assert isinstance(rec, RawRecord)
    assert rec.text == text


def test_utf8_bom_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + WILLIS.encode())
    (rec,) = read_all(path)
    assert isinstance(rec, RawRecord) and rec.text == WILLIS


# --- JSONL -------------------------------------------------------------------------------------


def test_jsonl_record_fields_and_locations(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(
        json.dumps(
            {
                "id": "bbc-1",
                "text": WILLIS,
                "url": "https://www.bbc.co.uk/news/1",
                "title": " Willis sues ",
                "date": "2005-02-03T10:00:00+01:00",
                "category": "entertainment",
            }
        )
        + "\n\n"  # a blank line is not a record but still counts for line numbers
        + json.dumps({"text": TRUANTS, "html": "<p>ignored when there is text</p>"})
        + "\n"
        + json.dumps({"id": 7, "html": "<html><body><p>only html</p></body></html>"})
        + "\n",
        "utf-8",
    )
    items = read_all(path)
    assert not skips(items)
    a, b, c = records(items)
    assert (a.id, a.source, a.location) == ("bbc-1", str(path), "line 1")
    assert a.text == WILLIS and a.html is None
    assert a.url == "https://www.bbc.co.uk/news/1" and a.title == "Willis sues"
    assert a.date == "2005-02-03T09:00:00Z"  # offset converted to UTC
    assert (b.id, b.location) == (f"{path}:line 3", "line 3")  # no id: where it was
    assert b.text == TRUANTS and b.html is None
    assert (c.id, c.location, c.text) == ("7", "line 4", None)
    assert c.html == "<html><body><p>only html</p></body></html>"


def test_jsonl_line_in_latin1_among_utf8_lines_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    latin = {"id": "fr", "text": "Café déjà vu, naïve señor Müller: « À bientôt »."}
    path.write_bytes(
        json.dumps({"id": "de", "text": "Zürich größte Straße"}, ensure_ascii=False).encode()
        + b"\n"
        + json.dumps(latin, ensure_ascii=False).encode("latin-1")
        + b"\n"
        + json.dumps({"id": "es", "text": "El niño comió piña"}, ensure_ascii=False).encode()
        + b"\n"
    )
    items = read_all(path)
    assert not skips(items)
    texts = {r.id: r.text for r in records(items)}
    assert texts == {
        "de": "Zürich größte Straße",
        "fr": "Café déjà vu, naïve señor Müller: « À bientôt ».",
        "es": "El niño comió piña",
    }


def test_bad_jsonl_lines_become_skips_and_the_rest_is_read(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    lines = [
        json.dumps({"id": "good-1", "text": WILLIS}),
        '{"id": "broken", "text": "unterminated',
        "[1, 2, 3]",
        '"just a string"',
        json.dumps({"id": "no-text", "title": "A headline and nothing else"}),
        json.dumps({"id": "blank-text", "text": "   \n "}),
        json.dumps({"id": "number-text", "text": 42}),
        json.dumps({"id": "good-2", "text": TRUANTS}),
    ]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    items = read_all(path)
    assert [r.id for r in records(items)] == ["good-1", "good-2"]
    got = [(s.source, s.location, s.reason) for s in skips(items)]
    expected = [
        ("line 2", r"^malformed JSON at column \d+: \S.*$"),
        ("line 3", r"^not a JSON object but an array$"),
        ("line 4", r"^not a JSON object but a string$"),
        ("line 5", r"^record has no text \(no non-empty 'text' or 'html'\)$"),
        ("line 6", r"^record has no text"),
        ("line 7", r"^field 'text' is not a string$"),
    ]
    assert len(got) == len(expected)
    for (source, location, reason), (want_loc, pattern) in zip(got, expected, strict=True):
        assert source == str(path) and location == want_loc
        assert re.search(pattern, reason), reason
    for s in skips(items):
        assert_one_line(s)

    report = dedup.scan([path])
    assert report.stats.read == 8
    assert (report.stats.extracted, report.stats.skipped, report.stats.failed) == (2, 6, 0)
    assert [s.where for s in report.skipped] == [f"{path}:line {n}" for n in range(2, 8)]


def test_field_names_can_be_overridden(tmp_path: Path) -> None:
    path = jsonl(
        tmp_path / "export.jsonl",
        {
            "guid": "rss-42",
            "body": WILLIS,
            "link": "https://www.example.org/willis",
            "headline": "Willis in court",
            "published": "2005-02-03",
            "outlet": "Example Daily",
        },
    )
    cfg = InputConfig(
        id_field="guid",
        text_field="body",
        url_field="link",
        title_field="headline",
        date_field="published",
        site_field="outlet",
    )
    (rec,) = read_all(path, cfg=cfg)
    assert isinstance(rec, RawRecord)
    assert (rec.id, rec.text, rec.url) == ("rss-42", WILLIS, "https://www.example.org/willis")
    assert (rec.title, rec.date, rec.site) == ("Willis in court", "2005-02-03", "Example Daily")

    (skip,) = read_all(path)  # with the default names the record has no text
    assert isinstance(skip, Skip) and skip.location == "line 1"
    assert "'text'" in skip.reason


def test_site_is_the_url_host_without_www_unless_the_record_names_one(tmp_path: Path) -> None:
    path = jsonl(
        tmp_path / "sites.jsonl",
        {"id": "a", "text": WILLIS, "url": "https://www.bbc.co.uk/news/1"},
        {"id": "b", "text": WILLIS, "url": "https://www.bbc.co.uk/news/1", "site": "BBC News"},
        {"id": "c", "text": WILLIS, "url": "HTTPS://WWW.Example.COM:8443/x?y=1"},
        {"id": "d", "text": WILLIS, "url": "https://news.example.com/x"},
        {"id": "e", "text": WILLIS},
    )
    sites = {d.id: d.site for d in documents(path)}
    assert sites == {
        "a": "bbc.co.uk",
        "b": "BBC News",
        "c": "example.com",
        "d": "news.example.com",
        "e": None,
    }


@pytest.mark.parametrize(
    ("url", "site"),
    [
        ("https://www.bbc.co.uk/news/world-44857474", "bbc.co.uk"),
        ("http://WWW.Reuters.com:80/article", "reuters.com"),
        ("https://wwwhatsnew.com/x", "wwwhatsnew.com"),  # only a "www." label is dropped
        ("https://edition.cnn.com/", "edition.cnn.com"),
        ("not a url", None),
        ("", None),
        (None, None),
    ],
)
def test_site_of(url: str | None, site: str | None) -> None:
    assert site_of(url) == site


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2018-07-16", "2018-07-16"),  # a date alone stays a date
        (" 2018-07-16 ", "2018-07-16"),
        ("2018-07-16T09:30:00Z", "2018-07-16T09:30:00Z"),
        ("2018-07-16T09:30:00+02:00", "2018-07-16T07:30:00Z"),  # offset converted to UTC
        ("2018-07-16T01:30:00-05:00", "2018-07-16T06:30:00Z"),
        ("2018-07-16T23:30:00-02:00", "2018-07-17T01:30:00Z"),  # the day changes too
        ("2018-07-16T09:30:00", "2018-07-16T09:30:00Z"),  # no offset: taken as UTC
        ("2018-07-16 09:30:00.123456+00:00", "2018-07-16T09:30:00Z"),
        ("Sun, 15 Jul 2018 10:00:00 GMT", "2018-07-15T10:00:00Z"),  # RFC 2822 (HTTP, WARC)
        ("Mon, 16 Jul 2018 12:00:00 +0200", "2018-07-16T10:00:00Z"),
        ("2018-02-30", None),  # no such day
        ("16/07/2018", "2018-07-16"),  # 16 is no month: the day, whatever the order rule
        ("07/08/2018", "2018-07-08"),  # numbers: month first (as US exports write them)
        ("26-FEB-1987 15:01:01.79", "1987-02-26T15:01:01Z"),  # Reuters-21578
        ("Jul 15, 2018 | 11:35 PM", "2018-07-15T23:35:00Z"),
        ("06/01/2018 02:57 pm ET", "2018-06-01T18:57:00Z"),  # ET in June: EDT, UTC-4
        ("July 15", None),  # no year: not filled in from today
        ("Posted at 10:36", None),  # a time, no date
        ("31 May 2018 4:05 pm IST", None),  # a zone it does not know: the hour is unknown
        ("yesterday", None),
        ("garbage", None),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_normalize_date(value: object, expected: str | None) -> None:
    assert normalize_date(value) == expected


# --- CSV ---------------------------------------------------------------------------------------


def test_csv_rows_with_line_numbers_and_a_bad_row_skipped(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "id,title,text,url,date\n"
        f"a,First,{quoted(WILLIS)},https://www.bbc.co.uk/a,2005-02-03\n"  # 5 lines
        'b,Second,"Two lines, with a comma\nand a newline",,\n'
        "c,Third,too,many,fields,here\n"
        "\n"
        f"d,Fourth,{quoted(TRUANTS)},https://www.bbc.co.uk/d,2005-02-01T10:00:00Z\n",
        "utf-8",
    )
    items = read_all(path)
    a, b, d = records(items)
    assert (a.id, a.location, a.text, a.title) == ("a", "line 2", WILLIS.strip(), "First")
    assert (a.url, a.date) == ("https://www.bbc.co.uk/a", "2005-02-03")
    assert (b.id, b.location, b.text) == ("b", "line 7", "Two lines, with a comma\nand a newline")
    assert b.url is None and b.date is None  # empty cells are absent values
    assert (d.id, d.location, d.date) == ("d", "line 11", "2005-02-01T10:00:00Z")
    (skip,) = skips(items)
    assert (skip.source, skip.location) == (str(path), "line 9")
    assert skip.reason == "row has 6 fields, header has 5"
    one = tmp_path / "one.csv"
    one.write_text("id,text\na,Some text.\nb\n", "utf-8")
    (skip,) = skips(read_all(one))
    assert skip.reason == "row has 1 field, header has 2"


def test_csv_without_a_text_column_is_one_skip_naming_the_columns(tmp_path: Path) -> None:
    path = tmp_path / "no_text.csv"
    path.write_text(f"id,body\nx,{quoted(WILLIS)}\ny,{quoted(TRUANTS)}\n", "utf-8")
    (skip,) = read_all(path)
    assert isinstance(skip, Skip)
    # located by the first lines of its first and last rows (a quoted text spans lines)
    assert (skip.source, skip.location) == (str(path), "lines 2-7")
    assert "'text'" in skip.reason and "'html'" in skip.reason and "'id', 'body'" in skip.reason
    assert skip.reason.endswith("try --text-field body")
    # the same file reads with the field named
    assert [r.id for r in records(read_all(path, cfg=InputConfig(text_field="body")))] == [
        "x",
        "y",
    ]


def test_csv_in_a_legacy_encoding_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "legacy.csv"
    text = "Le président a annoncé à Paris une réforme de l'économie française."
    path.write_bytes(f'id,text\nfr,"{text}"\n'.encode("cp1252"))
    (rec,) = read_all(path)
    assert isinstance(rec, RawRecord) and rec.text == text


# --- gzip ---------------------------------------------------------------------------------------

PLAIN_CONTENT = {
    "html": ORIGINAL_HTML.read_bytes(),
    "txt": WILLIS.encode(),
    "jsonl": (json.dumps({"id": "w", "text": WILLIS}) + "\n").encode(),
    "csv": f"id,text\nw,{quoted(WILLIS)}\n".encode(),
}


@pytest.mark.parametrize("ext", sorted(PLAIN_CONTENT))
def test_gzip_is_read_transparently(tmp_path: Path, ext: str) -> None:
    plain = tmp_path / f"story.{ext}"
    packed = tmp_path / f"story.{ext}.gz"
    plain.write_bytes(PLAIN_CONTENT[ext])
    packed.write_bytes(gzip.compress(PLAIN_CONTENT[ext]))

    def content(path: Path) -> list[tuple[object, ...]]:
        items = read_all(path)
        assert not skips(items)
        return [(r.text, r.html, r.url, r.title, r.date, r.location) for r in records(items)]

    assert content(packed) == content(plain) and len(content(plain)) == 1
    assert [d.text for d in documents(packed)] == [d.text for d in documents(plain)]


def _corrupt_gzips(content: bytes) -> dict[str, bytes]:
    gz = gzip.compress(content)
    return {
        "not-gzip": content,
        "bad-deflate": gz[:10] + bytes(b ^ 0xFF for b in gz[10:40]) + gz[40:],
        "truncated": gz[: len(gz) // 2],
        "bad-crc": gz[:-8] + b"\0\0\0\0" + gz[-4:],
    }


@pytest.mark.parametrize("kind", ["not-gzip", "bad-deflate", "truncated", "bad-crc"])
@pytest.mark.parametrize("ext", sorted(PLAIN_CONTENT))
def test_corrupt_gzip_is_a_skip_naming_the_file(tmp_path: Path, ext: str, kind: str) -> None:
    content = PLAIN_CONTENT[ext] if ext != "jsonl" else PLAIN_CONTENT[ext] * 50
    bad = tmp_path / f"bad.{ext}.gz"
    bad.write_bytes(_corrupt_gzips(content)[kind])
    jsonl(tmp_path / "good.jsonl", {"id": "good", "text": TRUANTS})

    items = read_all(tmp_path)
    bad_skips = [s for s in skips(items) if s.source == str(bad)]
    assert len(bad_skips) == 1
    assert bad_skips[0].reason.startswith("corrupt or truncated compressed file"), bad_skips
    assert_one_line(bad_skips[0])
    assert "good" in [r.id for r in records(items)]  # the next file is still read

    report = dedup.scan([tmp_path])  # and the scan as a whole completes
    assert report.stats.files == 2 and report.stats.failed == 0
    assert report.stats.read == report.stats.extracted + report.stats.skipped


# --- WARC ---------------------------------------------------------------------------------------

PAGE_URL = "https://www.bbc.co.uk/news/entertainment-willis"
PNG_URL = "https://www.bbc.co.uk/img/willis.png"
GONE_URL = "https://www.bbc.co.uk/news/gone"


def _http(status: str, ctype: str) -> StatusAndHeaders:
    return StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")


def _fixed(n: int) -> dict[str, str]:
    """Fixed record id and date, so that the crawl's bytes are the same in every run."""
    return {
        "WARC-Record-ID": f"<urn:uuid:00000000-0000-4000-8000-{n:012d}>",
        "WARC-Date": "2005-02-03T10:00:00Z",
    }


def write_warc(path: Path, compress: bool) -> str:
    """A small crawl: request, HTML page, PNG image, 404 page. Returns the page's record id."""
    paras = "".join(f"<p>{p}</p>" for p in WILLIS.split("\n\n"))
    page = f"<html><head><title>Willis sues</title></head><body><article>{paras}</article>"
    page += "</body></html>"
    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=compress)
        req_http = StatusAndHeaders(
            "GET /news/entertainment-willis HTTP/1.1",
            [("Host", "www.bbc.co.uk")],
            is_http_request=True,
        )
        w.write_record(
            w.create_warc_record(
                PAGE_URL, "request", http_headers=req_http, warc_headers_dict=_fixed(1)
            )
        )
        html = w.create_warc_record(
            PAGE_URL,
            "response",
            payload=io.BytesIO(page.encode()),
            http_headers=_http("200 OK", "text/html; charset=utf-8"),
            warc_headers_dict=_fixed(2),
        )
        w.write_record(html)
        w.write_record(
            w.create_warc_record(
                PNG_URL,
                "response",
                payload=io.BytesIO(BINARY),
                http_headers=_http("200 OK", "image/png"),
                warc_headers_dict=_fixed(3),
            )
        )
        gone = b"<html><body><h1>Not found</h1></body></html>"
        w.write_record(
            w.create_warc_record(
                GONE_URL,
                "response",
                payload=io.BytesIO(gone),
                http_headers=_http("404 Not Found", "text/html"),
                warc_headers_dict=_fixed(4),
            )
        )
    rid = html.rec_headers.get_header("WARC-Record-ID")
    assert rid
    return str(rid)


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_warc_reads_html_responses_and_skips_the_others(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    rid = write_warc(path, compress=name.endswith(".gz"))
    items = read_all(path)
    # the request record is not a document and is not counted
    assert len(items) == 3
    page, png, gone = items
    assert isinstance(page, RawRecord)
    assert page.id == rid and page.id.startswith("<urn:uuid:")
    assert page.source == str(path) and page.location == f"record 1 ({PAGE_URL})"
    assert page.url == PAGE_URL and page.fallback_date == "2005-02-03T10:00:00Z"
    assert isinstance(page.html, bytes) and b"Tears of the Sun" in page.html
    assert png == Skip(str(path), "not HTML (image/png)", f"record 2 ({PNG_URL})")
    assert gone == Skip(str(path), "HTTP status 404", f"record 3 ({GONE_URL})")

    report = dedup.scan([path])
    assert (report.stats.read, report.stats.extracted, report.stats.skipped) == (3, 1, 2)
    (doc,) = documents(path)
    assert doc.id == rid and doc.url == PAGE_URL and doc.site == "bbc.co.uk"
    assert doc.date == "2005-02-03T10:00:00Z"  # the page has no date: the WARC-Date
    assert doc.text.startswith("Actor Bruce Willis is suing Revolution Studios")


def test_corrupt_warc_gz_is_a_skip_and_the_scan_goes_on(tmp_path: Path) -> None:
    good = tmp_path / "a.warc.gz"
    write_warc(good, compress=True)
    data = good.read_bytes()
    half = len(data) // 2
    bad = tmp_path / "b.warc.gz"
    bad.write_bytes(
        data[:half] + bytes(b ^ 0xFF for b in data[half : half + 40]) + data[half + 40 :]
    )
    report = dedup.scan([tmp_path])
    assert report.stats.extracted >= 1  # the good crawl's page
    bad_skips = [s for s in report.skipped if s.source == str(bad)]
    assert bad_skips and bad_skips[-1].reason.startswith("corrupt WARC")
    for s in bad_skips:
        assert_one_line(s)
        assert s.reason.isprintable()  # raw bytes from the file are not echoed to a terminal


# --- directories ---------------------------------------------------------------------------------


def test_directory_walk_is_recursive_and_sorted(tmp_path: Path) -> None:
    names = ["c.txt", "b/sub/z.txt", "b/2.txt", "b/10.txt", "a.txt", "B.txt"]
    for n in names:  # created out of order
        (tmp_path / n).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / n).write_text(f"story in {n} " * 30, "utf-8")
    got = [(nfile, item.source) for nfile, item in read_paths([str(tmp_path)], InputConfig())]
    order = ["B.txt", "a.txt", "b/10.txt", "b/2.txt", "b/sub/z.txt", "c.txt"]  # by name, per level
    assert got == [(i, str(tmp_path / n)) for i, n in enumerate(order, start=1)]


def test_sources_keep_the_path_as_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(IO)
    assert [i.where for i in read_all("corpus")] == [
        "corpus/original.html",
        "corpus/wire.jsonl:line 1",
        "corpus/wire.jsonl:line 2",
    ]


def test_unsupported_files_in_a_directory_are_skipped_by_name(tmp_path: Path) -> None:
    (tmp_path / "story.txt").write_text(WILLIS, "utf-8")
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04 not read")
    (tmp_path / "photo.png").write_bytes(BINARY)
    (tmp_path / "README").write_text("no extension", "utf-8")
    report = dedup.scan([tmp_path])
    assert report.stats.files == 4 and report.stats.extracted == 1
    assert {(s.source, s.location) for s in report.skipped} == {
        (str(tmp_path / n), None) for n in ("README", "notes.docx", "photo.png")
    }
    for s in report.skipped:
        assert s.reason.startswith("unsupported file type")
    # a forced input format reads any extension
    forced = read_all(tmp_path / "notes.docx", cfg=InputConfig(input_format="text"))
    assert [r.text for r in records(forced)] == ["PK\x03\x04 not read"]


def _write_empty(path: Path) -> None:
    path.write_bytes(gzip.compress(b"") if path.suffix == ".gz" else b"")


@pytest.mark.parametrize(
    "name", ["e.html", "e.txt", "e.jsonl", "e.csv", "e.warc", "e.txt.gz", "e.jsonl.gz"]
)
def test_empty_file_is_a_skip(tmp_path: Path, name: str) -> None:
    _write_empty(tmp_path / name)
    (skip,) = read_all(tmp_path / name)
    assert isinstance(skip, Skip) and skip.source == str(tmp_path / name)
    assert "empty" in skip.reason and skip.location is None


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("blank.jsonl", b"\n  \n\n", "empty file"),
        ("blank.txt", b" \n\t\n", "empty file"),
        ("header_only.csv", b"id,text\n", "no data rows after the header"),
    ],
)
def test_file_with_no_records_is_a_skip(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    (tmp_path / name).write_bytes(content)
    report = dedup.scan([tmp_path])
    assert report.stats.files == 1 and report.stats.read == 1
    assert [(s.source, s.reason) for s in report.skipped] == [(str(tmp_path / name), reason)]


@pytest.mark.parametrize("ext", ["txt", "html", "jsonl", "csv"])
def test_binary_file_is_a_skip(tmp_path: Path, ext: str) -> None:
    path = tmp_path / f"image.{ext}"
    path.write_bytes(BINARY)
    (skip,) = read_all(path)
    assert isinstance(skip, Skip) and skip.source == str(path)
    assert skip.reason.startswith("binary file, not")


def test_every_kind_of_bad_file_in_one_directory(tmp_path: Path) -> None:
    """A directory of bad inputs: each is one skip naming its file, the good ones are read."""
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(BINARY)
    (tmp_path / "legacy.txt").write_bytes(FRENCH.encode("cp1252"))
    (tmp_path / "404.html").write_bytes((IO / "no_article.html").read_bytes())
    (tmp_path / "bad.jsonl.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    (tmp_path / "page.html").write_bytes(ORIGINAL_HTML.read_bytes())
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    report = dedup.scan([tmp_path])
    s = report.stats
    assert (s.files, s.read, s.extracted, s.skipped, s.failed) == (7, 7, 2, 5, 0)
    assert sorted(Path(k.source).name for k in report.skipped) == [
        "404.html",
        "bad.jsonl.gz",
        "binary.txt",
        "empty.txt",
        "notes.pdf",
    ]


# --- ids and paths ----------------------------------------------------------------------------


def test_duplicate_ids_keep_one_chosen_independently_of_input_order(tmp_path: Path) -> None:
    a = jsonl(tmp_path / "a.jsonl", {"id": "story", "text": WILLIS})
    b = jsonl(tmp_path / "b.jsonl", {"id": "story", "text": TRUANTS})
    c = jsonl(tmp_path / "c.jsonl", {"id": "copy", "text": WILLIS + "\nSource: BBC News"})
    first = dedup.scan([a, b, c])
    second = dedup.scan([c, b, a])
    assert first.to_dict() == second.to_dict()
    (skip,) = first.skipped
    assert (skip.source, skip.location) == (str(b), "line 1")
    assert skip.reason == f"duplicate id 'story' (kept the one at {a}:line 1)"
    # the version kept is a's (Willis), which is why it clusters with the copy
    assert [sorted(m.id for m in cl.members) for cl in first.clusters] == [["copy", "story"]]
    assert first.stats.read == 3 and first.stats.extracted == 2 and first.stats.skipped == 1


def test_duplicate_ids_within_a_file_keep_the_first_line(tmp_path: Path) -> None:
    lines = [{"id": f"n{i}", "text": f"filler {i} " * 10} for i in range(2, 10)]
    path = jsonl(
        tmp_path / "dups.jsonl",
        {"id": "dup", "text": WILLIS},
        *lines,
        {"id": "dup", "text": TRUANTS},  # line 10: sorts after line 1 as a number
    )
    report = dedup.scan([path])
    (skip,) = report.skipped
    assert skip.location == "line 10" and "kept the one at" in skip.reason
    assert skip.reason.endswith(f"{path}:line 1)")


def test_duplicate_document_ids_keep_one_independently_of_input_order() -> None:
    copy = Document(id="copy", text=WILLIS + "\nSource: BBC News", source="feed-c")
    x_willis = Document(id="x", text=WILLIS, source="feed-a")
    x_truants = Document(id="x", text=TRUANTS, source="feed-b")
    one = dedup.scan([x_truants, x_willis, copy])
    two = dedup.scan([copy, x_willis, x_truants])
    assert one.to_dict() == two.to_dict()
    assert [s.source for s in one.skipped] == ["feed-b"]
    assert [sorted(m.id for m in c.members) for c in one.clusters] == [["copy", "x"]]


def test_duplicate_ids_without_a_source_keep_one_independently_of_input_order() -> None:
    copy = Document(id="copy", text=WILLIS + "\nSource: BBC News")
    x_willis = Document(id="x", text=WILLIS)
    x_truants = Document(id="x", text=TRUANTS)
    one = dedup.scan([x_willis, x_truants, copy])
    two = dedup.scan([x_truants, x_willis, copy])
    assert one.to_dict() == two.to_dict()
    assert [s.reason for s in one.skipped] == ["duplicate id 'x' (kept the one at (api))"]


def test_missing_path_is_an_input_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "crawl.warc.gz"
    with pytest.raises(dedup.InputError) as err:
        dedup.scan([IO / "willis.txt", missing])
    assert str(missing) in str(err.value) and "\n" not in str(err.value)
    assert "no such file or directory" in str(err.value)
    with pytest.raises(dedup.InputError):
        list(read_paths([str(missing)], InputConfig()))
    assert issubclass(dedup.InputError, dedup.DedupError)


@pytest.mark.parametrize("step", [1, 2, 3, 5, 8, 13, 64, 1000])
def test_byte_ranges_give_every_line_once_with_its_number(tmp_path: Path, step: int) -> None:
    # a BOM, blank lines, CRLF, a long line, a legacy-encoded line, no newline at the end
    data = b"\xef\xbb\xbffirst\n\nthird\r\n" + b"x" * 40 + b"\n\xe9t\xe9 cp1252\n\n\nlast"
    path = tmp_path / "lines.jsonl"
    path.write_bytes(data)
    whole = list(text_stream(path))
    starts = list(range(0, len(data), step))
    with open(path, "rb") as fh:
        before = [0, *newlines_before(fh, [s - 1 for s in starts[1:]])]
    for hint in (True, False):
        got = []
        for start, lines in zip(starts, before, strict=True):
            end = min(start + step, len(data))
            got += list(text_range_stream(path, start, end, lines if hint else None))
        assert got == whole
    assert whole[0] == (1, "first\n") and whole[-1] == (8, "last")


@pytest.mark.parametrize("cut", [10, 300])
def test_truncated_warc_gz_keeps_its_records_and_says_it_is_truncated(
    tmp_path: Path, cut: int
) -> None:
    # warcio stops quietly where a gzip member is cut; the records before are kept and a skip
    # says the end of the file is lost (cut 10: the last member's trailer; 300: inside it)
    good = tmp_path / "whole.warc.gz"
    write_warc(good, compress=True)
    cut_file = tmp_path / "cut.warc.gz"
    cut_file.write_bytes(good.read_bytes()[:-cut])
    items = read_all(cut_file)
    assert isinstance(items[0], RawRecord) and items[0].url == PAGE_URL
    last = items[-1]
    assert isinstance(last, Skip) and last.location is None
    assert last.reason.startswith("truncated file: the gzip stream ends inside a member after")
    assert not any(isinstance(i, Skip) and "truncated" in i.reason for i in read_all(good))
    report = dedup.scan([cut_file])
    assert report.stats.extracted == 1 and any("truncated" in s.reason for s in report.skipped)
    # cut inside the second response (the image): the count is worded as one
    cut_file.write_bytes(good.read_bytes()[:-685])
    (*_, last) = read_all(cut_file)
    assert isinstance(last, Skip)
    assert "after 1 response record: what follows them is lost" in last.reason, last.reason


def test_jsonl_parsing_accepts_and_refuses_what_json_does(tmp_path: Path) -> None:
    # orjson reads most records; what it refuses goes to json, which decides and words errors
    lines = [
        '{"id": "nan", "text": "a b c", "score": NaN}',
        '{"id": "big", "text": "d e f", "n": 123456789012345678901234567890}',
        '{"id": "surrogate", "text": "g \\ud800 h"}',
        '{"id": "plain", "text": "caf\\u00e9 \\u2014 ok"}',
        '{"id": "broken", "text": ',
    ]
    path = tmp_path / "edge.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = read_all(path)
    records = [i for i in items if isinstance(i, RawRecord)]
    assert [r.id for r in records] == ["nan", "big", "surrogate", "plain"]
    assert records[2].text == json.loads(lines[2])["text"]
    assert records[3].text == "café — ok"
    (bad,) = [i for i in items if isinstance(i, Skip)]
    with pytest.raises(json.JSONDecodeError) as exc:
        json.loads(lines[4])
    # the column is the parser's, on the line (not "column 1" of the line after its line end)
    assert exc.value.colno == len(lines[4]) + 1
    assert bad.location == "line 5" and f"column {exc.value.colno}: {exc.value.msg}" in bad.reason


def test_warc_statuses_that_are_not_numbers_are_one_kind_of_skip(tmp_path: Path) -> None:
    """A crawl of pages with made-up status words is one group of skips, however many words:
    the list stays bounded (`--max-listed-skips`)."""
    path = tmp_path / "status.warc"
    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=False)
        for n in range(30):
            w.write_record(
                w.create_warc_record(
                    f"http://example.org/p{n}",
                    "response",
                    payload=io.BytesIO(b"<html><body><p>x</p></body></html>"),
                    http_headers=_http(
                        f"x{chr(97 + n % 26)}{chr(97 + n // 26)}'y Bad", "text/html"
                    ),
                    warc_headers_dict=_fixed(n + 1),
                )
            )
    report = dedup.scan([path], config=dedup.ScanConfig())
    assert report.stats.skipped == 30
    assert len(report.skipped) == 20  # the default bound of one (file, kind) group
    assert report.skipped[0].reason == "HTTP status 'xaay'"
