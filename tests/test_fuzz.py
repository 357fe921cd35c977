"""Property-based tests of every reader and the record boundary (`tests.fuzzing.check_file`):
any bytes in, only records and skips out, never an exception, no reader that raises, and
read = extracted + skipped + failed through `dedup.scan`.

Inputs: arbitrary bytes under every reader's file name, and inputs shaped like each format
(JSON lines of any JSON values, CSV rows of any text, HTML pages around any text, WARC records
with any headers, lengths and bodies), so that the readers' deeper paths are reached. Short and
deterministic here (derandomized, ~50 inputs a property); `python -m benchmarks.fuzz` runs the
coverage-guided search for as long as asked.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedup.api import scan
from tests.fuzzing import SUFFIXES, check_file, write_input

FUZZ = settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

_words = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=0, max_size=80
)
#: any text, lone surrogates and control characters included (encoded with surrogatepass)
_any_text = st.text(max_size=200)
_prose = st.lists(
    st.sampled_from(["the", "bank", "said", "rates", "on", "monday", "x"]), max_size=120
).map(" ".join)
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | _any_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_any_text, inner, max_size=4),
    max_leaves=12,
)
_FIELDS = ["id", "text", "url", "date", "title", "source", "site", "body"]


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _check(suffix: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = write_input(Path(tmp), suffix, data)
        problems = check_file(path)
    assert problems == [], (suffix, data[:300], problems)


@FUZZ
@given(suffix=st.sampled_from(SUFFIXES), data=st.binary(max_size=3000))
def test_any_bytes_under_any_name(suffix: str, data: bytes) -> None:
    _check(suffix, data)


@st.composite
def _jsonl(draw: st.DrawFn) -> bytes:
    lines = []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.integers(0, 3))
        if kind == 0:  # a record with the known fields, any values
            rec = {k: draw(_json | _prose) for k in draw(st.lists(st.sampled_from(_FIELDS)))}
            lines.append(_encode(json.dumps(rec)))
        elif kind == 1:  # any JSON value
            lines.append(_encode(json.dumps(draw(_json))))
        elif kind == 2:  # a sound record
            rec = {"id": draw(_words), "text": draw(_prose), "date": draw(_words)}
            lines.append(_encode(json.dumps(rec, ensure_ascii=False)))
        else:
            lines.append(draw(st.binary(max_size=60)))
    return draw(st.sampled_from([b"\n", b"\r\n", b"\r"])).join(lines)


@FUZZ
@given(suffix=st.sampled_from([".jsonl", ".jsonl.gz"]), data=_jsonl())
def test_jsonl(suffix: str, data: bytes) -> None:
    _check(suffix, data)


@st.composite
def _csv(draw: st.DrawFn) -> bytes:
    header = draw(st.lists(st.sampled_from(_FIELDS) | _words, max_size=6))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for _ in range(draw(st.integers(0, 5))):
        width = draw(st.integers(0, len(header) + 2))
        writer.writerow([draw(_prose | _any_text) for _ in range(width)])
    data = _encode(out.getvalue())
    if draw(st.booleans()):  # damage: bytes cut or inserted
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(max_size=20)) + data[at + draw(st.integers(0, 5)) :]
    return data


@FUZZ
@given(data=_csv())
def test_csv(data: bytes) -> None:
    _check(".csv", data)


@FUZZ
@given(
    text=_any_text | _prose,
    encoding=st.sampled_from(["utf-8", "utf-16", "latin-1", "utf-8-sig"]),
)
def test_text(text: str, encoding: str) -> None:
    _check(".txt", text.encode(encoding, "replace"))


_tags = st.sampled_from(["p", "div", "article", "span", "h1", "script", "table", "li", "b"])


@st.composite
def _html(draw: st.DrawFn) -> bytes:
    parts = [b"<html><head>"]
    if draw(st.booleans()):
        parts.append(b"<title>" + _encode(draw(_any_text)) + b"</title>")
    if draw(st.booleans()):
        charset = draw(st.sampled_from(["utf-8", "latin-1", "x-unknown", "utf-16", ""]))
        parts.append(f'<meta charset="{charset}">'.encode())
    parts.append(b"</head><body>")
    for _ in range(draw(st.integers(0, 8))):
        tag = draw(_tags)
        body = draw(
            _prose | _any_text | st.sampled_from(["&#1;", "&#x1b;", "&#xFFFE;", "&#99999999;"])
        )
        close = f"</{tag}>" if draw(st.booleans()) else ""
        parts.append(_encode(f"<{tag}>{body}{close}"))
    if draw(st.booleans()):
        parts.append(draw(st.binary(max_size=40)))
    parts.append(b"</body></html>")
    return b"".join(parts)


@FUZZ
@given(suffix=st.sampled_from([".html", ".html.gz"]), data=_html())
def test_html(suffix: str, data: bytes) -> None:
    _check(suffix, data)


@st.composite
def _warc(draw: st.DrawFn) -> bytes:
    out = []
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["response", "resource", "request", "warcinfo", "x"]))
        html = draw(_html())
        http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
        if draw(st.booleans()):
            http += b"Content-Encoding: gzip\r\n"
        payload = http + b"\r\n" + html if kind == "response" else html
        length = len(payload) + draw(st.sampled_from([0, 0, 0, -5, 7, 10_000]))
        headers = [
            "WARC/1.0",
            f"WARC-Type: {kind}",
            f"WARC-Record-ID: <urn:uuid:{draw(st.uuids())}>",
            f"Content-Length: {length}",
        ]
        if draw(st.booleans()):
            headers.append(
                f"WARC-Target-URI: {draw(st.sampled_from(['http://a.example/x', '', 'ftp://', 'http://[::1']))}"
            )
        if draw(st.booleans()):
            headers.append(
                f"WARC-Date: {draw(_words | st.sampled_from(['9999-12-31T23:59:59-12:00']))}"
            )
        if draw(st.booleans()):
            headers.append(draw(_words))
        record = _encode("\r\n".join(headers)) + b"\r\n\r\n" + payload + b"\r\n\r\n"
        if draw(st.integers(0, 4)) == 0:  # cut
            record = record[: draw(st.integers(0, len(record)))]
        out.append(record)
    return b"".join(out)


@FUZZ
@given(suffix=st.sampled_from([".warc", ".warc.gz"]), data=_warc())
def test_warc(suffix: str, data: bytes) -> None:
    _check(suffix, data)


#: what `python -m benchmarks.fuzz` found, each kept as a fixture: (file, the skips expected)
HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
FINDINGS = [
    (
        # a record of a WARC version warcio does not read (WARC/2.0), then a sound one: was a
        # "failed" skip (warcio's ArchiveLoadFailed caught by the record boundary)
        "unknown_version.warc",
        [
            (
                "record 1",
                "damaged WARC record at byte 0: unknown WARC version 'WARC/2.0'; not read, "
                "reading resumes at the next record (byte 868)",
                "skipped",
            )
        ],
    ),
]


@pytest.mark.parametrize(("name", "skips"), FINDINGS)
def test_fuzz_findings_are_located_skips(name: str, skips: list[tuple[str, str, str]]) -> None:
    path = HOSTILE / name
    assert check_file(path) == []
    report = scan([path], jobs=1)
    assert [(s.location, s.reason, s.status) for s in report.skipped] == skips
