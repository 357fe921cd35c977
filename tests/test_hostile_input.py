"""Hostile input, reader side: bounded reading, damaged WARC framing, pages lxml mishandles,
UTF-16 text.

Fixtures in `tests/fixtures/hostile/` (each small): `deep_nesting.html` (an article 260
elements deep: lxml stops at 256 without huge_tree), `char_refs.html` (``&#1;``, ``&#x1b;``,
``&#xFFFE;`` in the article: trafilatura refused the whole article), `utf16.txt` and
`utf16.jsonl` (UTF-16 LE and BE with a byte-order mark: were "binary"), `lying_length.warc`
(record 1's Content-Length runs 300 bytes into record 2, record 3's stops 40 bytes short:
records were merged and the rest of the crawl lost). Inputs whose point is their size (a gzip
bomb, a 20 MB record) are written by the tests into tmp_path, and the limits are set small.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import random
import subprocess
import sys
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import dedup
import dedup.engines.pool
from dedup.cli import app
from dedup.config import InputConfig
from dedup.extract import MAX_ATTRIBUTES, defuse
from dedup.model import Skip
from dedup.sources import read_file
from dedup.sources.base import RawRecord
from tests.conftest import FIXTURES, ROOT

HOSTILE = FIXTURES / "hostile"
runner = CliRunner()
STORY = json.loads((HOSTILE / "records.jsonl").read_text(encoding="utf-8").splitlines()[0])["text"]


def _skips(report: dedup.Report) -> list[tuple[str, str | None, str]]:
    return [(Path(s.source).name, s.location, s.reason) for s in report.skipped]


def _read(path: Path, cfg: InputConfig) -> list[RawRecord | Skip]:
    return list(read_file(path, str(path), cfg))


def _peak(items: Iterator[object]) -> int:
    """The peak of Python allocations while `items` is consumed."""
    tracemalloc.start()
    try:
        for _ in items:
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _dedup(*args: str) -> subprocess.CompletedProcess[str]:
    """`dedup ARGS` in a process of its own, this checkout first on the path."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    code = "import dedup.cli; dedup.cli.main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


# --- size limits ---------------------------------------------------------------------------------


def test_limits_are_validated() -> None:
    assert InputConfig().max_file_bytes == 2**30
    assert InputConfig().max_record_bytes == 16 * 2**20
    with pytest.raises(dedup.ConfigError):
        InputConfig(max_record_bytes=0)
    out = runner.invoke(app, ["scan", str(HOSTILE / "utf16.txt"), "--max-file-bytes", "0"])
    assert out.exit_code == 2 and "--max-file-bytes" in out.stderr  # the flag, not the field


def test_a_gzip_bomb_page_is_a_skip_and_is_not_read_whole(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.html.gz"
    with gzip.open(bomb, "wb", compresslevel=9) as fh:
        fh.write(b"<html><body><p>" + b"0" * (32 << 20) + b"</p></body></html>")
    assert bomb.stat().st_size < 64 << 10
    cfg = InputConfig(max_record_bytes=1 << 20)
    assert _peak(iter(_read(bomb, cfg))) < 8 << 20  # the limit's worth, not 32 MB
    (skip,) = _read(bomb, cfg)
    assert isinstance(skip, Skip)
    assert skip.reason == "HTML page over 1 MiB (--max-record-bytes), not read"
    # the file limit, when smaller, is the one a one-record file is held to
    (skip,) = _read(bomb, InputConfig(max_file_bytes=1000))
    assert isinstance(skip, Skip)
    assert skip.reason == "file over 1,000 bytes (--max-file-bytes), not read"
    (page,) = _read(bomb, InputConfig(max_record_bytes=64 << 20))  # within the limit: a page
    assert isinstance(page, RawRecord)


def _jsonl(path: Path, rows: list[dict[str, str]]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


@pytest.mark.parametrize("name", ["big.jsonl", "big.jsonl.gz"])
def test_a_record_over_the_limit_is_a_skip_read_in_blocks(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    big = json.dumps({"id": "big", "text": "word " * (4 << 20)})  # 20 MB on one line
    lines = [json.dumps({"id": "a", "text": STORY}), big, json.dumps({"id": "b", "text": STORY})]
    data = ("\n".join(lines) + "\n").encode()
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    cfg = InputConfig(max_record_bytes=1 << 20)
    assert _peak(iter(_read(path, cfg))) < 8 << 20
    items = _read(path, cfg)
    assert [i.id for i in items if isinstance(i, RawRecord)] == ["a", "b"]
    (skip,) = [i for i in items if isinstance(i, Skip)]
    assert (skip.location, skip.reason, skip.status) == (
        "line 2",
        "record over 1 MiB (--max-record-bytes), not read",
        "skipped",
    )
    # read in byte ranges too (40 ranges inside the long line), each reading it at most once
    report = dedup.scan([path], dedup.ScanConfig(input=cfg), jobs=2)
    assert report.stats.extracted == 2
    assert [(s.location, s.reason) for s in report.skipped] == [(skip.location, skip.reason)]


def test_cli_record_limit_with_workers(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    _jsonl(
        path,
        [
            {"id": "a", "text": STORY},
            {"id": "big", "text": STORY * 20},
            {"id": "b", "text": STORY},
        ],
    )
    proc = _dedup("scan", str(path), "-f", "json", "-q", "-j", "2", "--max-record-bytes", "5000")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["stats"]["extracted"] == 2 and report["stats"]["clusters"] == 1
    assert [(s["location"], s["reason"]) for s in report["skipped"]] == [
        ("line 2", "record over 5,000 bytes (--max-record-bytes), not read")
    ]


def test_a_csv_row_over_the_limit_is_a_skip_and_the_rows_after_it_are_read(
    tmp_path: Path,
) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["id", "text"])
    w.writerow(["a", STORY])
    # a quoted text spanning 400 lines, quotes inside: one row of ~400 KB
    w.writerow(["big", '"quoted" words\n' * 400 + STORY * 50])
    w.writerow(["b", STORY])
    path = tmp_path / "rows.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    items = _read(path, InputConfig(max_record_bytes=20_000))
    assert [i.id for i in items if isinstance(i, RawRecord)] == ["a", "b"]
    (skip,) = [i for i in items if isinstance(i, Skip)]
    assert skip.location == "line 3" and skip.reason.startswith("row over 20,000 bytes")
    # line numbers after the skipped row are still those of the file
    w.writerow(["bad", "x", "extra field"])
    path.write_text(buf.getvalue(), encoding="utf-8")
    last = _read(path, InputConfig(max_record_bytes=20_000))[-1]
    assert isinstance(last, Skip) and last.location == f"line {buf.getvalue().count(chr(10))}"
    # an unquoted line over the limit is a row of its own
    plain = STORY.replace(",", "")
    path.write_text(f"id,text\na,{plain}\nbig,{'x' * 30_000}\nb,{plain}\n", encoding="utf-8")
    got = [
        (i.location, i.id if isinstance(i, RawRecord) else i.reason)
        for i in _read(path, InputConfig(max_record_bytes=20_000))
    ]
    assert got == [
        ("line 2", "a"),
        ("line 3", "row over 20,000 bytes (--max-record-bytes), not read"),
        ("line 4", "b"),
    ]


def _many_records(n: int) -> bytes:
    """`n` JSONL records of different texts (near-identical ones would make every pair a
    candidate), ~600 bytes each."""
    rng = random.Random(13)
    vocabulary = sorted(set(STORY.lower().replace(",", "").replace(".", "").split()))
    rows = [
        json.dumps({"id": f"r{i:05d}", "text": " ".join(rng.choices(vocabulary, k=100))})
        for i in range(n)
    ]
    return ("\n".join(rows) + "\n").encode()


def test_the_file_limit_stops_reading_in_the_same_place_for_any_jobs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _many_records(2000)  # ~1.3 MB: three byte ranges of 512 KiB for the workers
    plain, packed = tmp_path / "a.jsonl", tmp_path / "b.jsonl.gz"
    plain.write_bytes(data)
    packed.write_bytes(gzip.compress(data))
    limit = 1_000_000
    cfg = dedup.ScanConfig(input=InputConfig(max_file_bytes=limit))
    kept = data[:limit].count(b"\n")  # the lines that end within the limit
    want = f"file over 1,000,000 bytes (--max-file-bytes): lines from {kept + 1} on not read"
    reports = []
    for path in (plain, packed):
        for jobs in (1, 2):
            report = dedup.scan([path], cfg, jobs=jobs)
            assert report.stats.extracted == kept
            assert [(s.location, s.reason) for s in report.skipped] == [(None, want)]
            reports.append(report.to_dict()["stats"])
    assert all(r == reports[0] for r in reports)
    # a limit at a line's end: every line before it is read, and the skip still says so
    at_end = data.index(b"\n", limit - 600) + 1
    cfg = dedup.ScanConfig(input=InputConfig(max_file_bytes=at_end))
    n = data[:at_end].count(b"\n")
    for jobs in (1, 2):
        report = dedup.scan([plain], cfg, jobs=jobs)
        assert report.stats.extracted == n and report.skipped[0].reason.endswith(
            f"lines from {n + 1} on not read"
        )


@pytest.mark.parametrize("name", ["blank.jsonl", "blank.jsonl.gz"])
def test_runs_of_blank_lines_keep_line_numbers(tmp_path: Path, name: str) -> None:
    # read in blocks (2 million blank lines: 4 byte ranges of the uncompressed file)
    path = tmp_path / name
    good = json.dumps({"id": "a", "text": STORY}).encode()
    data = b"\n" * 2_000_000 + b"  \r\n\t\n" + good + b"\n" + b"\r\n" * 1000 + b"{broken\n"
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    items = _read(path, InputConfig())
    assert isinstance(items[0], RawRecord) and items[0].location == "line 2000003"
    assert isinstance(items[1], Skip) and items[1].location == "line 2001004"
    for jobs in (1, 2):
        report = dedup.scan([path], jobs=jobs)
        assert report.stats.extracted == 1
        assert [s.location for s in report.skipped] == ["line 2001004"]
    # the file limit inside a run of blank lines: the same place, however the file is read
    cfg = dedup.ScanConfig(input=InputConfig(max_file_bytes=1_500_001))
    for jobs in (1, 2):
        (skip,) = dedup.scan([path], cfg, jobs=jobs).skipped
        assert skip.reason.endswith("(--max-file-bytes): lines from 1500002 on not read")


def test_blank_lines_between_csv_rows_are_passed_over_and_kept_inside_quotes(
    tmp_path: Path,
) -> None:
    path = tmp_path / "blank.csv.gz"
    quoted = '"first paragraph\n\n\nsecond paragraph"'
    data = "id,text\n" + "\n" * 300_000 + f"a,{quoted}\n" + "\r\n" * 1000 + "b,x,y\n"
    path.write_bytes(gzip.compress(data.encode()))
    items = _read(path, InputConfig())
    assert isinstance(items[0], RawRecord) and items[0].location == "line 300002"
    assert items[0].text == "first paragraph\n\n\nsecond paragraph"
    assert isinstance(items[1], Skip) and items[1].location == "line 301006"


# --- WARC -------------------------------------------------------------------------------------


def test_a_lying_content_length_is_a_located_skip_and_never_merges_records() -> None:
    report = dedup.scan([HOSTILE / "lying_length.warc", HOSTILE / "char_refs.html"])
    assert report.stats.read == 4 and report.stats.extracted == 2
    # record 2, read whole and alone, is the story of char_refs.html
    (cluster,) = report.clusters
    assert {m.url for m in cluster.members} == {"http://example.org/library", None}
    assert _skips(report) == [
        (
            "lying_length.warc",
            "record 1",
            "damaged WARC record at byte 0: its Content-Length (825) does not end the record"
            " (no WARC/ header or end of file follows it); not read, reading resumes at the"
            " next record (byte 892)",
        ),
        (
            "lying_length.warc",
            "record 3",
            "damaged WARC record at byte 1760: its Content-Length (457) does not end the record"
            " (no WARC/ header or end of file follows it); not read, no record follows",
        ),
    ]


def _response_record(uri: str, http: bytes) -> bytes:
    """One uncompressed WARC response record holding `http` (status line, headers, body)."""
    head = (
        f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\n"
        f"WARC-Record-ID: <urn:uuid:{uri[-1]}>\r\nContent-Length: {len(http)}\r\n\r\n"
    ).encode()
    return head + http + b"\r\n\r\n"


_PAGE = (
    b"<html><body><article><p>"
    + b"The bank said on Monday that rates would rise. " * 20
    + b"</p></article></body></html>"
)


def _http_ok(body: bytes, encoding: str | None = None) -> bytes:
    coding = f"Content-Encoding: {encoding}\r\n".encode() if encoding else b""
    return b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n" + coding + b"\r\n" + body


def test_junk_between_two_warc_records_is_a_skip_and_both_records_are_read(
    tmp_path: Path,
) -> None:
    # record 1 was refused (its Content-Length "did not end the record") and the junk uncounted
    first = _response_record("http://a.example/1", _http_ok(_PAGE))
    junk = b"GARBAGE NOT WARC\r\n\r\n"
    crawl = tmp_path / "junk.warc"
    crawl.write_bytes(first + junk + _response_record("http://a.example/2", _http_ok(_PAGE)))
    items = _read(crawl, InputConfig())
    assert [type(i) for i in items] == [RawRecord, Skip, RawRecord]
    assert items[0].location == "record 1 (http://a.example/1)"
    assert items[2].location == "record 2 (http://a.example/2)"
    assert items[1] == Skip(
        str(crawl),
        f"damaged WARC record at byte {len(first)}: no WARC record header where a record "
        f"should start; not read, reading resumes at the next record (byte "
        f"{len(first) + len(junk)})",
        f"byte {len(first)}",
    )


def test_a_damaged_compressed_body_says_so(tmp_path: Path) -> None:
    rng = random.Random(3)
    bulk = " ".join(str(rng.random()) for _ in range(20_000)).encode()  # several read blocks
    broken = bytearray(gzip.compress(_PAGE, mtime=0))
    broken[40:48] = b"\xff" * 8
    late = bytearray(gzip.compress(_PAGE + bulk, mtime=0))
    late[len(late) // 2 : len(late) // 2 + 8] = b"\xff" * 8
    bodies = [
        _http_ok(gzip.compress(_PAGE, mtime=0), "gzip"),  # sound: read
        _http_ok(bytes(broken), "gzip"),  # damaged in its first block
        _http_ok(bytes(late), "gzip"),  # damaged further on (warcio wrote to stderr)
        _http_ok(gzip.compress(_PAGE, mtime=0)[:-30], "gzip"),  # cut short
        _http_ok(_PAGE, "gzip"),  # sent decoded under a stale header: read as it is
    ]
    crawl = tmp_path / "coded.warc"
    crawl.write_bytes(
        b"".join(_response_record(f"http://a.example/{i}", b) for i, b in enumerate(bodies))
    )
    items = _read(crawl, InputConfig())
    assert isinstance(items[0], RawRecord) and items[0].html == _PAGE
    assert isinstance(items[4], RawRecord) and items[4].html == _PAGE
    for skip in items[1:4]:
        assert isinstance(skip, Skip)
        assert skip.reason == "response body could not be decompressed (Content-Encoding gzip)"
    out = runner.invoke(app, ["scan", str(crawl), "-f", "json", "-q", "-j", "1"])
    assert out.exit_code == 0 and out.stderr == ""
    assert json.loads(out.stdout)["stats"]["skipped"] == 3


def test_a_response_without_an_http_status_line_says_so(tmp_path: Path) -> None:
    crawl = tmp_path / "nostatus.warc"
    headless = b"Content-Type: text/html\r\n\r\n" + _PAGE
    crawl.write_bytes(
        _response_record("http://a.example/1", headless)
        + _response_record("http://a.example/2", b"no status here\r\n\r\n" + _PAGE)
    )
    assert [(i.reason, i.location) for i in _read(crawl, InputConfig())] == [
        ("no HTTP status line", "record 1 (http://a.example/1)"),
        ("no HTTP status line", "record 2 (http://a.example/2)"),
    ]


def _crawl(path: Path, bodies: list[tuple[bytes, str | None]], compress: bool = False) -> None:
    """A crawl of HTML responses: (body as sent, Content-Encoding or None)."""
    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=compress)
        for i, (body, encoding) in enumerate(bodies, start=1):
            headers = [("Content-Type", "text/html")]
            if encoding:
                headers.append(("Content-Encoding", encoding))
            http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
            w.write_record(
                w.create_warc_record(
                    f"http://example.org/{i}",
                    "response",
                    payload=io.BytesIO(body),
                    http_headers=http,
                    warc_headers_dict={
                        "WARC-Record-ID": f"<urn:uuid:00000000-0000-4000-8000-{i:012d}>",
                        "WARC-Date": "2019-06-01T10:00:00Z",
                    },
                )
            )


@pytest.mark.parametrize("name", ["c.warc", "c.warc.gz"])
def test_a_warc_body_over_the_limit_is_a_skip_gzip_content_encoding_included(
    tmp_path: Path, name: str
) -> None:
    page = f"<html><body><article><p>{STORY}</p></article></body></html>".encode()
    bomb = gzip.compress(b"<html><body><p>" + b"0" * (16 << 20) + b"</p></body></html>")
    path = tmp_path / name
    _crawl(path, [(page, None), (bomb, "gzip"), (gzip.compress(page), "gzip")], name.endswith("gz"))
    cfg = InputConfig(max_record_bytes=1 << 20)
    assert _peak(iter(_read(path, cfg))) < 12 << 20  # not the 16 MB the body inflates to
    items = _read(path, cfg)
    assert [type(i).__name__ for i in items] == ["RawRecord", "Skip", "RawRecord"]
    skip = items[1]
    assert isinstance(skip, Skip)
    assert skip.location == "record 2 (http://example.org/2)"
    assert skip.reason == "response body over 1 MiB (--max-record-bytes), not read"


@pytest.mark.parametrize("name", ["c.warc", "c.warc.gz"])
def test_the_file_limit_ends_a_crawl_with_a_skip(tmp_path: Path, name: str) -> None:
    page = f"<html><body><article><p>{STORY}</p></article></body></html>".encode()
    path = tmp_path / name
    _crawl(path, [(page, None)] * 4, name.endswith("gz"))
    items = _read(path, InputConfig(max_file_bytes=4000))  # a record is ~1,300 bytes
    records = [i for i in items if isinstance(i, RawRecord)]
    assert 1 <= len(records) < 4
    assert isinstance(items[-1], Skip) and items[-1].reason.startswith(
        "file over 4,000 bytes (--max-file-bytes)"
    )


# --- HTML that lxml mishandles ----------------------------------------------------------------


def test_deep_pages_and_odd_character_references_keep_their_text() -> None:
    report = dedup.scan([HOSTILE / "deep_nesting.html", HOSTILE / "char_refs.html"])
    assert report.stats.extracted == 2 and not report.skipped
    docs = [
        dedup.prepare.to_document(r, dedup.ScanConfig())
        for p in ("deep_nesting.html", "char_refs.html")
        for r in _read(HOSTILE / p, InputConfig())
        if isinstance(r, RawRecord)
    ]
    assert "harbour walls are rebuilt" in docs[0].text
    assert "the mayor said on Friday" in docs[1].text and "\x1b" not in docs[1].text


def test_defuse_drops_attributes_past_the_cap_and_leaves_pages_alone() -> None:
    attrs = " ".join(f'a{i}="v>{i}"' for i in range(200_000))
    page = f"<html><body><div {attrs}><p>{STORY}</p></div></body></html>"
    cut = defuse(page)
    assert isinstance(cut, str) and cut.count('="v>') == MAX_ATTRIBUTES
    assert cut.startswith('<html><body><div a0="v>0"') and cut.endswith(
        f"<p>{STORY}</p></div></body></html>"
    )
    assert defuse(page.encode()) == cut.encode()
    assert defuse(b"<p>a&#1;b&#x1B;c&#xfffe;d &#8217; &#0; &#x9;</p>") == (
        b"<p>abcd &#8217; &#0; &#x9;</p>"
    )
    sample = (ROOT / "sample" / "articles" / "pages" / "census-9990.html").read_bytes()
    assert defuse(sample) == sample


# --- UTF-16 -----------------------------------------------------------------------------------


def test_utf16_text_jsonl_and_html_with_a_bom_are_read(tmp_path: Path) -> None:
    (text,) = _read(HOSTILE / "utf16.txt", InputConfig())
    assert isinstance(text, RawRecord) and text.text is not None
    assert text.text.startswith("A storm on Wednesday night")
    items = _read(HOSTILE / "utf16.jsonl", InputConfig())
    assert [i.id for i in items if isinstance(i, RawRecord)] == ["utf16-school", "utf16-café"]
    page = tmp_path / "p.html"
    html = f"<html><head><title>t</title></head><body><article><p>{STORY}</p></article>"
    page.write_bytes(b"\xff\xfe" + (html + "</body></html>").encode("utf-16-le"))
    report = dedup.scan([page, HOSTILE / "utf16.txt", HOSTILE / "utf16.jsonl"])
    assert report.stats.extracted == 4 and not report.skipped
    # a large UTF-16 JSONL file is read whole, not cut into byte ranges at odd offsets
    big = tmp_path / "big.jsonl"
    big.write_bytes(b"\xff\xfe" + _many_records(1500).decode().encode("utf-16-le"))
    assert big.stat().st_size > dedup.engines.pool.PART_BYTES
    assert dedup.scan([big], jobs=2).stats.extracted == 1500


def test_a_lying_content_length_in_a_gzipped_crawl_is_a_skip_not_a_warning(
    tmp_path: Path,
) -> None:
    # warcio wrote its warning (three lines, the bytes quoted) to stderr and counted nothing
    def record(uri: str, html: bytes, short: int = 0) -> bytes:
        payload = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + html
        head = (
            f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\n"
            f"WARC-Record-ID: <urn:uuid:{uri[-1]}>\r\nContent-Length: {len(payload) - short}"
            "\r\n\r\n"
        ).encode()
        return gzip.compress(head + payload + b"\r\n\r\n", mtime=0)

    text = b"The bank said on Monday that rates would rise. " * 20
    html = b"<html><body><article><p>" + text + b"</p></article></body></html>XXXX\r\n"
    crawl = tmp_path / "short.warc.gz"
    crawl.write_bytes(record("http://a.example/1", html, 6) + record("http://a.example/2", html))
    out = runner.invoke(app, ["scan", str(crawl), "-f", "json", "-q", "-j", "1"])
    assert out.exit_code == 0 and out.stderr == ""
    report = json.loads(out.stdout)
    assert report["stats"]["read"] == 3 and report["stats"]["extracted"] == 2
    assert [(s["location"], s["reason"]) for s in report["skipped"]] == [
        (
            "record 1 of the crawl",
            "damaged WARC record: the Content-Length of record 1 of the crawl does not end it;"
            " the records after it may be cut short or merged",
        )
    ]
