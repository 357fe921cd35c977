"""WARC crawls (`.warc`, `.warc.gz`): every HTTP response with an HTML body is a document.

id = WARC-Record-ID, url = WARC-Target-URI, date = the page's own date if it has one, else
WARC-Date. Requests, metadata and warcinfo records are not documents and are not counted;
responses that are not HTML or not successful are read and skipped with their reason.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dedup.errors import describe
from dedup.model import Skip
from dedup.sources.base import RawRecord, is_binary, normalize_date

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def read_warc(path: Path, shown: str) -> Iterator[RawRecord | Skip]:
    """Yield a RawRecord or Skip for every response record of the crawl at `path`."""
    # imported here: warcio brings fsspec (~50 ms at the start of every run that reads none)
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    n = total = 0
    try:
        with open(path, "rb") as fh:
            records = ArchiveIterator(fh)
            _tolerate_missing_uri(records.loader)
            for record in records:
                total += 1
                if record.rec_type != "response":
                    continue
                n += 1
                try:
                    yield _response(record, shown, n)
                except Exception as exc:  # the record boundary: a damaged record is skipped
                    yield Skip(
                        shown, f"unreadable record: {describe(exc)}", f"record {n}", "failed"
                    )
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
        # warcio quotes the bytes it could not parse: keep the reason one printable line
        msg = "".join(c if c.isprintable() else "?" for c in " ".join(str(exc).split()))
        msg = msg[:200] or type(exc).__name__
        yield Skip(shown, f"corrupt WARC after {n} response records, rest not read: {msg}")
        return
    if n == 0:
        why = "no HTTP response records" if total else "no WARC records (empty or truncated file)"
        yield Skip(shown, why)
    elif path.name.lower().endswith(".gz") and (damage := _gzip_damage(path)):
        yield Skip(shown, f"{damage} after {n} response records: what follows them is lost")


def _tolerate_missing_uri(loader: Any) -> None:
    """warcio parses a response's HTTP headers only for an http(s) WARC-Target-URI and raises
    AttributeError, ending the crawl, when a record has none: such a record is read as one
    without HTTP headers instead (a skip of its own), and the records after it are kept."""
    parse = loader.load_http_headers

    def load_http_headers(rec_type: str, uri: str | None, stream: Any, length: Any) -> Any:
        return parse(rec_type, uri or "", stream, length)

    loader.load_http_headers = load_http_headers


def _response(record: Any, shown: str, n: int) -> RawRecord | Skip:
    """The record or the skip of the `n`-th response record of a crawl (warcio's record)."""
    where = f"record {n}"
    rid = record.rec_headers.get_header("WARC-Record-ID") or f"{shown}:{where}"
    url = record.rec_headers.get_header("WARC-Target-URI")
    if url:
        where = f"record {n} ({url})"
    http = record.http_headers
    if http is None:
        return Skip(shown, "response without HTTP headers", where)
    status = http.get_statuscode()
    if status and not status.startswith("2"):
        return Skip(shown, f"HTTP status {status}", where)
    ctype = (http.get_header("Content-Type") or "").lower()
    body = record.content_stream().read()
    if not body.strip():
        return Skip(shown, "empty response body", where)
    if ctype and not ctype.startswith(_HTML_TYPES):
        return Skip(shown, f"not HTML ({ctype.split(';')[0].strip()})", where)
    if not ctype and (is_binary(body) or b"<" not in body[:2048]):
        return Skip(shown, "not HTML (no content type, body is not markup)", where)
    return RawRecord(
        id=rid,
        source=shown,
        location=where,
        html=body,
        url=url,
        fallback_date=normalize_date(record.rec_headers.get_header("WARC-Date")),
    )


def _gzip_damage(path: Path) -> str | None:
    """What is wrong with the end of a (multi-member) gzip file, or None: warcio stops quietly
    at a truncated member, so the stream is decompressed once more here, output discarded (at
    C speed; a scan spends far longer extracting the pages)."""
    try:
        with open(path, "rb") as fh:
            d = zlib.decompressobj(16 + zlib.MAX_WBITS)
            fed = False  # the current member has received input
            while chunk := fh.read(1 << 16):
                while chunk:
                    d.decompress(chunk)
                    fed = True
                    if d.eof:
                        chunk = d.unused_data
                        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
                        fed = False
                    else:
                        chunk = b""
            return "truncated file: the gzip stream ends inside a member" if fed else None
    except (OSError, zlib.error) as exc:
        return f"damaged gzip stream ({exc})"
