"""WARC crawls (`.warc`, `.warc.gz`): every HTTP response with an HTML body is a document.

id = WARC-Record-ID, url = WARC-Target-URI, date = the page's own date if it has one, else
WARC-Date. Requests, metadata and warcinfo records are not documents and are not counted;
responses that are not HTML or not successful are read and skipped with their reason.

An uncompressed crawl is framed here before warcio parses a record: each record's
Content-Length must end it where the next record (``WARC/``) or the end of the file begins,
or at the record terminator (``CRLF CRLF``; bytes after it that are no record are a skip of
their own).
A record whose length lies would otherwise swallow the records after it or be cut short (and
warcio lose the rest of the crawl); it is a skip naming its byte offset, and reading resumes
at the next ``WARC/1.`` header. A response body is read up to the record limit
(`InputConfig.max_record_bytes`, after any Content-Encoding), a crawl up to the file limit
(`max_file_bytes`, after decompression).
"""

from __future__ import annotations

import io
import os
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from dedup.config import InputConfig
from dedup.errors import describe
from dedup.model import Skip, plural
from dedup.sources.base import RawRecord, is_binary, normalize_date
from dedup.sources.streams import FileLimitError, file_limit, record_limit

_HTML_TYPES = ("text/html", "application/xhtml+xml")
#: the most bytes of headers a WARC record may have (real ones have under 2 KiB)
_MAX_HEADERS = 1 << 20
#: the record versions warcio reads (`warcio.recordloader.ArcWarcRecordLoader.WARC_TYPES`)
_VERSIONS = (b"WARC/1.0", b"WARC/1.1", b"WARC/0.17", b"WARC/0.18")
_HEADERS_END = re.compile(rb"\r?\n\r?\n")
_CONTENT_LENGTH = re.compile(rb"^content-length:[ \t]*([0-9]{1,18})[ \t]*\r?$", re.I | re.M)
_WARC_TYPE = re.compile(rb"^warc-type:[ \t]*([!-~]+)", re.I | re.M)
_NEXT_RECORD = b"\nWARC/1."
#: the two line ends that close every WARC record (after its Content-Length bytes)
_TERMINATOR = b"\r\n\r\n"


def read_warc(path: Path, shown: str, cfg: InputConfig) -> Iterator[RawRecord | Skip]:
    """Yield a RawRecord or Skip for every response record of the crawl at `path`."""
    framed = False
    if not path.name.lower().endswith(".gz"):
        with open(path, "rb") as fh:
            framed = fh.read(5) == b"WARC/"
    if framed:
        yield from _read_framed(path, shown, cfg)
    else:
        yield from _read_stream(path, shown, cfg)


def _read_stream(path: Path, shown: str, cfg: InputConfig) -> Iterator[RawRecord | Skip]:
    """A gzipped crawl (or what does not start as a WARC), read by warcio record by record."""
    # imported here: warcio brings fsspec (~50 ms at the start of every run that reads none)
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    n = total = 0
    try:
        with open(path, "rb") as fh:
            records = ArchiveIterator(fh)
            _tolerate_missing_uri(records.loader)
            _count_decompressed(records.reader, cfg.max_file_bytes)
            # warcio writes this warning to stderr; here it is a skip (`_misframed`)
            records.INC_RECORD = ""
            seen = 0
            for record in records:
                if records.err_count > seen:
                    seen = records.err_count
                    yield _misframed(shown, total)
                total += 1
                if record.rec_type != "response":
                    continue
                n += 1
                yield _guarded(record, shown, n, cfg.max_record_bytes)
            if records.err_count > seen:
                yield _misframed(shown, total)
    except FileLimitError as exc:
        yield Skip(shown, f"{exc.reason}: records after response record {n} not read")
        return
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
        # warcio quotes the bytes it could not parse: keep the reason one printable line
        msg = "".join(c if c.isprintable() else "?" for c in " ".join(str(exc).split()))
        msg = msg[:200] or type(exc).__name__
        read = plural(n, "response record")
        yield Skip(shown, f"corrupt WARC after {read}, rest not read: {msg}")
        return
    if n == 0:
        why = "no HTTP response records" if total else "no WARC records (empty or truncated file)"
        yield Skip(shown, why)
    elif path.name.lower().endswith(".gz") and (damage := _gzip_damage(path)):
        read = plural(n, "response record")
        yield Skip(shown, f"{damage} after {read}: what follows them is lost")


def _misframed(shown: str, records: int) -> Skip:
    """The skip of a record of a compressed crawl whose Content-Length does not end it (warcio
    read on from where it said; what it read next may be cut short or hold two records)."""
    return Skip(
        shown,
        f"damaged WARC record: the Content-Length of record {records} of the crawl does not "
        "end it; the records after it may be cut short or merged",
        f"record {records} of the crawl",
    )


def _guarded(record: Any, shown: str, n: int, max_body: int) -> RawRecord | Skip:
    """`_response`, with any failure but the file limit this record's skip."""
    try:
        return _response(record, shown, n, max_body)
    except FileLimitError:
        raise
    except Exception as exc:  # the record boundary: a damaged record is skipped
        return Skip(shown, f"unreadable record: {describe(exc)}", f"record {n}", "failed")


def _count_decompressed(reader: Any, limit: int) -> None:
    """Make warcio's reader of the crawl raise FileLimitError once it has given more than
    `limit` bytes (after decompression), however it reads them (records, skipped bodies)."""
    process = reader._process_read

    def process_read(data: bytes) -> None:
        before = reader.num_read
        process(data)
        if reader.num_read > limit and reader.num_read != before:
            raise FileLimitError(limit)

    reader._process_read = process_read


@dataclass(frozen=True, slots=True)
class _Frame:
    """One well-framed record of an uncompressed crawl: its first byte, its length (headers,
    body and the line ends after it) and its WARC-Type."""

    start: int
    length: int
    type: bytes


@dataclass(frozen=True, slots=True)
class _Damage:
    """A stretch of an uncompressed crawl that is not a well-framed record, from `start`."""

    start: int
    reason: str
    response: bool  # it claims to be a response record


@dataclass(frozen=True, slots=True)
class _OverLimit:
    """The crawl goes on past the file limit from the record at `start`."""

    start: int


def _read_framed(path: Path, shown: str, cfg: InputConfig) -> Iterator[RawRecord | Skip]:
    """An uncompressed crawl, framed by `_frames`; each good record parsed by warcio alone."""
    from warcio.archiveiterator import ArchiveIterator

    n = total = 0
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        for frame in _frames(fh, size, cfg.max_file_bytes):
            if isinstance(frame, _OverLimit):
                yield Skip(
                    shown,
                    f"{file_limit(cfg.max_file_bytes)}: records from byte {frame.start} on "
                    "not read",
                )
                return
            total += 1
            if isinstance(frame, _Damage):
                n += frame.response
                where = f"record {n}" if frame.response else f"byte {frame.start}"
                yield Skip(shown, frame.reason, where)
                continue
            if frame.type != b"response":
                continue
            n += 1
            fh.seek(frame.start)
            try:
                records = ArchiveIterator(_Window(fh, frame.length))
                _tolerate_missing_uri(records.loader)
                record = next(records)
            except Exception as exc:  # the record boundary: a damaged record is skipped
                yield Skip(shown, f"unreadable record: {describe(exc)}", f"record {n}", "failed")
                continue
            yield _guarded(record, shown, n, cfg.max_record_bytes)
    if n == 0:
        why = "no HTTP response records" if total else "no WARC records (empty or truncated file)"
        yield Skip(shown, why)


def _frames(fh: IO[bytes], size: int, max_file: int) -> Iterator[_Frame | _Damage | _OverLimit]:
    """The records of an uncompressed crawl, in order: each one whose Content-Length ends it
    at the next ``WARC/`` or the end of the file, and each stretch that is not one (cut or
    unparsable headers, a Content-Length that lies) as `_Damage`, reading going on at the next
    ``WARC/1.`` line. Bodies are not read: this seeks and reads headers only."""
    pos = 0
    while pos < size:
        block = _header_block(fh, pos)
        skipped = len(block) - len(block.lstrip(b"\r\n"))  # blank lines between records
        start = pos + skipped
        if start >= size:
            return
        if start > max_file:
            yield _OverLimit(start)
            return
        if skipped == len(block):
            pos = start
            continue
        block = block[skipped:]
        end = _HEADERS_END.search(block)
        headers = block[: end.start()] if end else block
        response = bool((m := _WARC_TYPE.search(headers)) and m.group(1) == b"response")
        length = _CONTENT_LENGTH.search(headers) if end else None
        version = block.split(b"\n", 1)[0].strip()
        if version not in _VERSIONS or end is None or length is None:
            if not block.startswith(b"WARC/"):
                why = "no WARC record header where a record should start"
            elif version not in _VERSIONS:
                shown_version = version[:20].decode("ascii", "replace")
                why = f"unknown WARC version {shown_version!r}"
            elif end is None:
                why = "headers cut short" if start + len(block) >= size else "headers too long"
            else:
                why = "headers without a valid Content-Length"
            nxt = _next_record(fh, start + 1, min(size, max_file))
            yield _Damage(start, _damaged(start, why, nxt), response)
            if nxt is None:
                return
            pos = nxt
            continue
        body_end = start + end.end() + int(length.group(1))
        if max_file < body_end <= size:  # (past the end of the file: a length that lies)
            yield _OverLimit(start)
            return
        after = _record_end(fh, body_end, size)
        if after is None:
            why = (
                f"its Content-Length ({int(length.group(1))}) runs past the end of the file"
                if body_end > size
                else f"its Content-Length ({int(length.group(1))}) does not end the record "
                "(no WARC/ header or end of file follows it)"
            )
            nxt = _next_record(fh, start + end.end(), min(size, max_file))
            yield _Damage(start, _damaged(start, why, nxt), response)
            if nxt is None:
                return
            pos = nxt
            continue
        yield _Frame(start, after - start, m.group(1) if m else b"")
        pos = after


def _header_block(fh: IO[bytes], pos: int) -> bytes:
    """The bytes from `pos` to the end of the record headers that start there (after any
    blank lines), read in growing blocks: up to `_MAX_HEADERS` of headers, or up to the end
    of the file; a block of blank lines only is returned as it is."""
    fh.seek(pos)
    block = b""
    while True:
        more = fh.read(len(block) or 8192)
        block += more
        lead = len(block) - len(block.lstrip(b"\r\n"))
        if (
            not more
            or lead == len(block)
            or _HEADERS_END.search(block, lead)
            or len(block) - lead >= _MAX_HEADERS
        ):
            return block


def _damaged(start: int, why: str, nxt: int | None) -> str:
    then = f"reading resumes at the next record (byte {nxt})" if nxt else "no record follows"
    return f"damaged WARC record at byte {start}: {why}; not read, {then}"


def _record_end(fh: IO[bytes], body_end: int, size: int) -> int | None:
    """Where the record whose body ends at `body_end` ends: past the line ends after it when
    they are followed by ``WARC/`` or the end of the file, or are the record terminator the
    standard asks for (``CRLF CRLF``: what follows that, if not a record, is damage of its
    own); None otherwise (the length lies)."""
    if body_end > size:
        return None
    fh.seek(body_end)
    tail = fh.read(4096)
    rest = tail.lstrip(b"\r\n")
    sep = len(tail) - len(rest)
    if body_end == size or (sep and (rest.startswith(b"WARC/") or not rest)):
        return body_end + sep
    if tail.startswith(_TERMINATOR):
        return body_end + len(_TERMINATOR)
    return None


def _next_record(fh: IO[bytes], start: int, stop: int) -> int | None:
    """The offset of the first ``WARC/1.`` line after byte `start` (before `stop`), or None."""
    pos = start
    keep = len(_NEXT_RECORD) - 1
    fh.seek(pos)
    carry = b""
    while pos < stop:
        block = fh.read(min(1 << 20, stop - pos))
        if not block:
            return None
        data = carry + block
        hit = data.find(_NEXT_RECORD)
        if hit >= 0:
            return pos - len(carry) + hit + 1
        carry = data[-keep:]
        pos += len(block)
    return None


class _Window(io.RawIOBase):
    """The next `length` bytes of `fh`: one record, for warcio to parse alone."""

    def __init__(self, fh: IO[bytes], length: int) -> None:
        self._fh = fh
        self._left = length

    def readable(self) -> bool:
        return True

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        chunk = self._fh.read(min(len(b), self._left))
        b[: len(chunk)] = chunk
        self._left -= len(chunk)
        return len(chunk)


def _tolerate_missing_uri(loader: Any) -> None:
    """warcio parses a response's HTTP headers only for an http(s) WARC-Target-URI and raises
    AttributeError, ending the crawl, when a record has none: such a record is read as one
    without HTTP headers instead (a skip of its own), and the records after it are kept."""
    parse = loader.load_http_headers

    def load_http_headers(rec_type: str, uri: str | None, stream: Any, length: Any) -> Any:
        return parse(rec_type, uri or "", stream, length)

    loader.load_http_headers = load_http_headers


def _response(record: Any, shown: str, n: int, max_body: int) -> RawRecord | Skip:
    """The record or the skip of the `n`-th response record of a crawl (warcio's record); a
    body over `max_body` bytes (after Content-Encoding) is read no further."""
    where = f"record {n}"
    rid = record.rec_headers.get_header("WARC-Record-ID") or f"{shown}:{where}"
    url = record.rec_headers.get_header("WARC-Target-URI")
    if url:
        where = f"record {n} ({url})"
    http = record.http_headers
    if http is None:
        return Skip(shown, "response without HTTP headers", where)
    if not (http.protocol or "").upper().startswith("HTTP/"):
        return Skip(shown, "no HTTP status line", where)
    status = http.get_statuscode()
    if status and not status.startswith("2"):
        # a status that is not a number is quoted: one kind of skip however many there are
        shown_status = status if status.isdigit() else "'" + status.replace("'", "")[:40] + "'"
        return Skip(shown, f"HTTP status {shown_status}", where)
    ctype = (http.get_header("Content-Type") or "").lower()
    stream = record.content_stream()
    undecodable = _watch_decoding(stream)
    body = _read_body(stream, max_body)
    if body is None:
        return Skip(shown, record_limit("response body", max_body), where)
    if undecodable or not getattr(getattr(stream, "decompressor", None), "eof", True):
        encoding = (http.get_header("Content-Encoding") or "").strip()[:40]
        why = f"response body could not be decompressed (Content-Encoding {encoding})"
        return Skip(shown, why, where)
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


def _watch_decoding(stream: Any) -> list[bytes]:
    """Make warcio's decoder of a body (its Content-Encoding) note each block it cannot decode,
    in the list returned, where it would pass compressed bytes on as the page or write to
    stderr and drop the rest. A body labelled with an encoding it was not sent in (bytes
    neither compressed nor binary: the page itself) is still read as it is."""
    failed: list[bytes] = []
    if getattr(stream, "decompressor", None) is None:
        return failed
    decompress = stream._decompress

    def checked(data: bytes) -> bytes:
        codec = stream.decompressor
        if codec is None or not data:
            return data
        if stream.num_block_read == 0:  # warcio's: undecodable first block, read as it is
            out: bytes = decompress(data)
            if stream.decompressor is None and (data[:2] == b"\x1f\x8b" or is_binary(data)):
                failed.append(data[:2])
            return out
        try:
            return bytes(codec.decompress(data))
        except Exception:  # zlib.error, brotli.error: the body is damaged from here on
            failed.append(data[:2])
            return b""

    stream._decompress = checked
    return failed


def _read_body(stream: Any, limit: int) -> bytes | None:
    """The bytes of a record's body in blocks; None as soon as they pass `limit`."""
    blocks: list[bytes] = []
    size = 0
    while block := stream.read(1 << 20):
        size += len(block)
        if size > limit:
            return None
        blocks.append(block)
    return b"".join(blocks)


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
