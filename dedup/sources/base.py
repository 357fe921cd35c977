"""What every reader yields, and the helpers they share (opening, decoding, metadata)."""

from __future__ import annotations

import gzip
import io
import re
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import IO, cast
from urllib.parse import urlsplit

from dedup.errors import RecordError


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One input record before extraction: either `text` or `html` is set."""

    id: str
    source: str
    location: str | None = None
    text: str | None = None
    html: bytes | str | None = None
    url: str | None = None
    site: str | None = None
    title: str | None = None
    date: str | None = None
    fallback_date: str | None = None  # used when neither the record nor the page gives a date

    @property
    def where(self) -> str:
        return f"{self.source}:{self.location}" if self.location else self.source


_SNIFF = 8192


def open_binary(path: Path) -> IO[bytes]:
    """Open a file for reading bytes, decompressing `.gz` transparently."""
    if path.name.lower().endswith(".gz"):
        return cast(IO[bytes], gzip.open(path, "rb"))
    return open(path, "rb")


def read_bytes(path: Path) -> bytes:
    """The whole (decompressed) content of `path`; a corrupt gzip is a RecordError."""
    try:
        with open_binary(path) as fh:
            return fh.read()
    except (OSError, EOFError, zlib.error) as exc:
        if isinstance(exc, PermissionError | FileNotFoundError):
            raise RecordError(f"cannot read file: {exc.strerror}") from exc
        raise RecordError(f"corrupt or truncated compressed file: {exc}") from exc


def read_failure(exc: BaseException) -> str:
    """The reason for a Skip when reading a file failed part way (records before it are kept)."""
    if isinstance(exc, EOFError | zlib.error | gzip.BadGzipFile):
        return f"corrupt or truncated compressed file, rest not read: {exc}"
    return f"read error, rest of file not read: {exc}"


def is_binary(data: bytes) -> bool:
    """True for data that is not text: NUL bytes in its first 8 KiB (UTF-16 is not supported)."""
    return b"\x00" in data[:_SNIFF]


def decode_text(data: bytes) -> str:
    """Decode bytes of text: UTF-8 (with or without BOM) if valid, else the detected encoding."""
    if is_binary(data):
        raise RecordError("binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    text = decode_legacy(data)
    if text is None:
        raise RecordError("cannot detect the text encoding")
    return text


#: Legacy encodings news text is met in. Left to itself charset_normalizer also weighs rare code
#: pages (cp1257, cp775, iso8859_10, ...) and often picks one for Western European text.
_LEGACY_ENCODINGS = [
    "cp1252",
    "latin_1",
    "iso8859_15",
    "cp1250",
    "iso8859_2",
    "cp1251",
    "koi8_r",
    "koi8_u",
    "iso8859_5",
    "cp1253",
    "iso8859_7",
    "cp1254",
    "cp1255",
    "cp1256",
    "shift_jis",
    "cp932",
    "euc_jp",
    "gb18030",
    "gbk",
    "big5",
    "euc_kr",
    "cp949",
]


def decode_legacy(data: bytes) -> str | None:
    """Decode bytes that are not UTF-8 with the detected legacy encoding; None if none fits.

    On a tie (short text gives charset_normalizer no evidence: "déjà" reads as cp1252 "déjà"
    and as cp1250 "déjŕ" alike) the Western European reading (cp1252 / latin-1) wins.
    """
    import charset_normalizer  # only for text that is not UTF-8: most runs meet none

    matches = charset_normalizer.from_bytes(data, cp_isolation=_LEGACY_ENCODINGS)
    best = matches.best()
    if best is None:
        return None
    for m in matches:
        if (
            m.chaos == best.chaos
            and m.coherence == best.coherence
            and "cp1252" in m.could_be_from_charset
        ):
            return str(m)
    return str(best)


def _decode_line(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        decoded = decode_legacy(raw)
        return decoded if decoded is not None else raw.decode("latin-1")


def text_stream(path: Path) -> Iterator[tuple[int, str]]:
    """Lines of a (possibly gzipped) text file with their 1-based numbers, decoded per line.

    Lines are decoded as UTF-8; a line that is not valid UTF-8 is decoded with the encoding
    detected for it (legacy encodings such as cp1252 or latin-1), so one bad line costs nothing
    else.
    """
    with open_binary(path) as fh:
        head = fh.read(_SNIFF)
        if is_binary(head):
            raise RecordError("binary file, not text")
        stream = io.BufferedReader(_Prefixed(head, fh))
        for n, raw in enumerate(stream, start=1):
            if n == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            yield n, _decode_line(raw)


def text_range_stream(
    path: Path, start: int, end: int, lines_before: int | None = None
) -> Iterator[tuple[int, str]]:
    """The lines of an uncompressed text file that start in bytes ``[start, end)``, numbered
    as in the whole file. Consecutive ranges give every line exactly once, so a large file can
    be read in parts by several workers. `lines_before`: the number of newlines in the bytes
    before ``start - 1`` if known (`newlines_before`); otherwise they are counted here."""
    with open(path, "rb") as fh:
        if is_binary(fh.read(_SNIFF)):
            if start == 0:
                raise RecordError("binary file, not text")
            return  # the range at 0 reports it
        fh.seek(0)
        n, pos = 0, 0
        if start > 0:
            if lines_before is None:
                n = newlines_before(fh, [start - 1])[0]
            else:
                n = lines_before
            fh.seek(start - 1)
            prev = fh.read(1)  # the byte before `start`
            pos = start
            if prev != b"\n":  # the line at `start` began in the previous range: skip it
                pos += len(fh.readline())
            n += 1
        for raw in fh:
            if pos >= end:
                return
            n += 1
            pos += len(raw)
            if n == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            yield n, _decode_line(raw)


def newlines_before(fh: IO[bytes], offsets: Sequence[int]) -> list[int]:
    """For each of `offsets` (ascending), the number of newline bytes before it in `fh`
    (read once from the start, in blocks)."""
    fh.seek(0)
    out: list[int] = []
    count, pos = 0, 0
    for target in offsets:
        while pos < target:
            block = fh.read(min(target - pos, 1 << 20))
            if not block:
                break
            count += block.count(b"\n")
            pos += len(block)
        out.append(count)
    return out


class _Prefixed(io.RawIOBase):
    """A raw stream that first returns `head`, then the rest of `fh`."""

    def __init__(self, head: bytes, fh: IO[bytes]) -> None:
        self._head = head
        self._fh = fh

    def readable(self) -> bool:
        return True

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._head:
            n = min(len(b), len(self._head))
            b[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        chunk = self._fh.read(len(b))
        b[: len(chunk)] = chunk
        return len(chunk)


def site_of(url: str | None) -> str | None:
    """A URL's host without a leading ``www.``, lower-cased; None when there is no host."""
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def normalize_date(value: object) -> str | None:
    """An ISO 8601 string for a date found in input: ``YYYY-MM-DD`` for a date alone,
    ``YYYY-MM-DDTHH:MM:SSZ`` (converted to UTC) for a moment; None when it cannot be read.

    Accepted: ISO 8601 (with or without time and offset; a time without offset is taken as
    UTC), RFC 2822 (``Sun, 15 Jul 2018 10:00:00 GMT``, as in HTTP and WARC headers).
    """
    if value is None:
        return None
    s = str(value).strip()
    if not s:
        return None
    compact = _COMPACT_DATE.match(s)
    if compact:
        s = "-".join(compact.groups())
    if _DATE_ONLY.match(s):
        try:
            return datetime.strptime(s, "%Y-%m-%d").date().isoformat()
        except ValueError:
            return None
    dt: datetime | None = None
    try:
        dt = datetime.fromisoformat(s.replace("Z", "+00:00") if s.endswith("Z") else s)
    except ValueError:
        try:
            dt = parsedate_to_datetime(s)
        except (TypeError, ValueError, IndexError):
            return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    try:
        return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, ValueError):  # before year 1 or after 9999 once in UTC: unknown
        return None


def clean_field(value: object) -> str | None:
    """A metadata value as a stripped string, None when absent or empty."""
    if value is None:
        return None
    s = str(value).strip()
    return s or None
