"""Reading files within bounds: whole files and lines of text, decompressed, decoded, and
stopped at the size limits of `InputConfig` (`max_file_bytes`, `max_record_bytes`) without
ever holding more than a limit's worth of one file in memory.

A file is read through `_Limited`, which counts the bytes it gives (after decompression) and
raises `FileLimitError` on the first byte past `max_file_bytes`: a gzip bomb costs what the
limit allows, not what it expands to. Lines are read with a bounded ``readline``: a line
longer than `max_record_bytes` is consumed in blocks and given as an `Oversize`, never held.
"""

from __future__ import annotations

import codecs
import gzip
import io
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

from dedup.errors import RecordError
from dedup.sources.base import bom_encoding, decode_line, is_binary_text

_SNIFF = 8192
_BLOCK = 1 << 16  # read buffer: large enough that runs of blank lines go by in few calls
_UTF8_BOM = codecs.BOM_UTF8


def size_text(n: int) -> str:
    """A byte count as a person reads it: ``64 MiB``, ``1 GiB``, ``1,000 bytes``."""
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if n >= 1 << shift and n % (1 << shift) == 0:
            return f"{n >> shift} {unit}"
    return f"{n:,} bytes"


def file_limit(limit: int) -> str:
    """How a skip names the file limit."""
    return f"file over {size_text(limit)} (--max-file-bytes)"


def record_limit(what: str, limit: int) -> str:
    """The reason of a skip for a record (`what`: "record", "HTML page", ...) over the limit."""
    return f"{what} over {size_text(limit)} (--max-record-bytes), not read"


class FileLimitError(RecordError):
    """More than `max_file_bytes` would be read from one file."""

    def __init__(self, limit: int) -> None:
        super().__init__(file_limit(limit))
        self.limit = limit


@dataclass(frozen=True, slots=True)
class Oversize:
    """A line longer than the record limit, read past without being kept; `quotes`: the
    number of ``"`` in it (a CSV row spanning lines ends where its quotes balance)."""

    quotes: int


class _Limited(io.RawIOBase):
    """The bytes of `fh` up to `limit`; reading past them raises `FileLimitError` (a file of
    exactly `limit` bytes reads whole)."""

    def __init__(self, fh: IO[bytes], limit: int | None) -> None:
        self._fh = fh
        self._room = limit
        self._limit = limit

    def readable(self) -> bool:
        return True

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(b)
        if self._room is not None:
            if self._room <= 0:
                if self._fh.read(1):
                    raise FileLimitError(cast(int, self._limit))
                return 0
            view = view[: self._room]
        chunk = self._fh.read(len(view))
        view[: len(chunk)] = chunk
        if self._room is not None:
            self._room -= len(chunk)
        return len(chunk)

    def close(self) -> None:
        self._fh.close()
        super().close()


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


class _ToUtf8(io.RawIOBase):
    """The text of `fh` (UTF-16 or UTF-32 with a byte-order mark) re-encoded as UTF-8, block
    by block, so that the line readers work on it as on any other file."""

    def __init__(self, fh: IO[bytes], encoding: str) -> None:
        self._fh = fh
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        self._out = b""

    def readable(self) -> bool:
        return True

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._out:
            chunk = self._fh.read(_BLOCK)
            self._out = self._decoder.decode(chunk, final=not chunk).encode("utf-8")
            if not chunk:
                break
        n = min(len(b), len(self._out))
        b[:n] = self._out[:n]
        self._out = self._out[n:]
        return n


class _CrToLf(io.RawIOBase):
    """The bytes of `fh` with each CR made a LF: the lines of a file with CR-only line ends
    (old Mac files, some spreadsheet exports) for a reader that splits lines at LF."""

    def __init__(self, fh: IO[bytes]) -> None:
        self._fh = fh

    def readable(self) -> bool:
        return True

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        chunk = self._fh.read(len(b)).replace(b"\r", b"\n")
        b[: len(chunk)] = chunk
        return len(chunk)


def cr_only(head: bytes) -> bool:
    """True when the first bytes of a file end lines with CR alone: a CR and no LF in them."""
    return b"\r" in head and b"\n" not in head


def open_binary(path: Path) -> IO[bytes]:
    """Open a file for reading bytes, decompressing `.gz` transparently."""
    if path.name.lower().endswith(".gz"):
        return cast(IO[bytes], gzip.open(path, "rb"))
    return open(path, "rb")


def read_bytes(path: Path, limit: int, over: str) -> bytes:
    """The whole (decompressed) content of `path`, read in blocks; RecordError(`over`) as
    soon as it passes `limit` bytes, and for a corrupt gzip."""
    try:
        with open_binary(path) as fh:
            blocks: list[bytes] = []
            size = 0
            while block := fh.read(1 << 20):
                size += len(block)
                if size > limit:
                    raise RecordError(over)
                blocks.append(block)
            return b"".join(blocks)
    except (OSError, EOFError, zlib.error) as exc:
        if isinstance(exc, PermissionError | FileNotFoundError):
            raise RecordError(f"cannot read file: {exc.strerror}") from exc
        raise RecordError(f"corrupt or truncated compressed file: {exc}") from exc


def text_stream(
    path: Path,
    max_line: int | None = None,
    max_file: int | None = None,
    skip_blank: bool | Callable[[], bool] = False,
) -> Iterator[tuple[int, str | Oversize]]:
    """Lines of a (possibly gzipped) text file with their 1-based numbers, decoded per line.

    Lines are decoded as UTF-8; a line that is not valid UTF-8 is decoded with the encoding
    detected for it (legacy encodings such as cp1252 or latin-1), so one bad line costs nothing
    else. A file starting with a UTF-16 or UTF-32 byte-order mark is decoded as such. A file
    whose first 8 KiB end lines with CR alone (`cr_only`) is read with every CR a line end.
    A line longer than `max_line` bytes (its line end not counted) is an `Oversize`; past
    `max_file` bytes of the file a RecordError says which lines were not read. `skip_blank`:
    runs of blank lines are passed over (numbered, not given) at the speed of C; if it is a
    function, only where it says so when the blank line comes (a CSV row may hold them).
    """
    n = 0
    try:
        with open_binary(path) as raw:
            fh = _Limited(raw, max_file)
            head = fh.read(_SNIFF) or b""
            unicode = bom_encoding(head)
            if unicode is None and is_binary_text(head):
                raise RecordError("binary file, not text")
            source: io.RawIOBase = _Prefixed(head, cast(IO[bytes], fh))
            if unicode is not None:
                source = _ToUtf8(cast(IO[bytes], source), unicode)
            elif cr_only(head):
                source = _CrToLf(cast(IO[bytes], source))
            stream = io.BufferedReader(source, _BLOCK)
            cap = -1 if max_line is None else max_line + 1
            while raw_line := stream.readline(cap):
                n += 1
                if n == 1 and raw_line.startswith(_UTF8_BOM):
                    raw_line = raw_line[3:]
                if cap > 0 and len(raw_line) == cap and not raw_line.endswith(b"\n"):
                    yield n, Oversize(_read_past_line(stream, raw_line)[1])
                    continue
                if (
                    skip_blank
                    and raw_line.isspace()
                    and (skip_blank is True or (callable(skip_blank) and skip_blank()))
                ):
                    # the blank lines that follow, in blocks (a file of nothing else must not
                    # cost a Python loop a line: 300 MB of them took 87 s)
                    while buf := stream.peek(1):
                        rest = buf.lstrip(b" \t\r\n")
                        blank = buf[: len(buf) - len(rest)]
                        cut = blank.rfind(b"\n") + 1
                        if not cut:
                            break
                        stream.read(cut)
                        n += blank.count(b"\n", 0, cut)
                        if rest:
                            break
                    continue
                yield n, decode_line(raw_line)
    except FileLimitError as exc:
        raise RecordError(f"{exc.reason}: lines from {n + 1} on not read") from exc


def _to_newline(fh: IO[bytes], most: int) -> int | None:
    """Consume `fh` up to and including its next newline if one comes within `most` bytes:
    the bytes consumed; None if none does. (A range's reader looks no further than its own
    end: a line spanning hundreds of ranges is not read once for each of them.)"""
    seen = 0
    while seen < most:
        block = fh.read(min(1 << 20, most - seen))
        if not block:
            return None
        hit = block.find(b"\n")
        if hit >= 0:
            fh.seek(hit + 1 - len(block), io.SEEK_CUR)
            return seen + hit + 1
        seen += len(block)
    return None


def _read_past_line(stream: IO[bytes], start: bytes) -> tuple[int, int]:
    """Consume the rest of the line that begins with `start`, in blocks: its length in bytes
    and its number of ``"``."""
    size, quotes = len(start), start.count(b'"')
    block = start
    while not block.endswith(b"\n"):
        block = stream.readline(1 << 20)
        if not block:
            break
        size += len(block)
        quotes += block.count(b'"')
    return size, quotes


def text_range_stream(
    path: Path,
    start: int,
    end: int,
    lines_before: int | None = None,
    max_line: int | None = None,
    max_file: int | None = None,
    skip_blank: bool = False,
) -> Iterator[tuple[int, str | Oversize]]:
    """The lines of an uncompressed text file that start in bytes ``[start, end)``, numbered
    as in the whole file. Consecutive ranges give every line exactly once, so a large file can
    be read in parts by several workers. `lines_before`: the number of newlines in the bytes
    before ``start - 1`` if known (`newlines_before`); otherwise they are counted here.
    `max_line`, `max_file`, `skip_blank`: as `text_stream`, which this gives the same lines
    and errors as (the range holding the first line that ends past `max_file` raises)."""
    with cast(io.BufferedReader, open(path, "rb", buffering=_BLOCK)) as fh:
        if is_binary_text(fh.read(_SNIFF)):
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
                tail = _to_newline(fh, end - start)
                if tail is None:  # no line starts in this range (one line spans it)
                    return
                pos += tail
            n += 1
        cap = -1 if max_line is None else max_line + 1
        while pos < end and (raw_line := fh.readline(cap)):
            n += 1
            size = len(raw_line)
            oversize = cap > 0 and size == cap and not raw_line.endswith(b"\n")
            quotes = 0
            if oversize:
                size, quotes = _read_past_line(fh, raw_line)
            if max_file is not None and pos + size > max_file:
                raise RecordError(f"{file_limit(max_file)}: lines from {n} on not read")
            pos += size
            if n == 1 and raw_line.startswith(_UTF8_BOM):
                raw_line = raw_line[3:]
            if skip_blank and not oversize and raw_line.isspace():
                # the blank lines that follow, in blocks, up to the file limit (the line
                # crossing it is met one at a time, to raise where `text_stream` does)
                while pos < end and (buf := fh.peek(1)):
                    rest = buf.lstrip(b" \t\r\n")
                    blank = buf[: len(buf) - len(rest)]
                    cut = blank.rfind(b"\n") + 1
                    if not cut or (max_file is not None and pos + cut > max_file):
                        break
                    fh.read(cut)
                    pos += cut
                    n += blank.count(b"\n", 0, cut)
                    if rest:
                        break
                continue
            yield n, (Oversize(quotes) if oversize else decode_line(raw_line))


def blank_from(path: Path, offset: int, stop: int) -> bool:
    """True if the bytes of an uncompressed file from `offset` on are all white space and end
    by `stop`: the first byte range of a file that met no record says "empty file" only
    then (a file may open with more blank lines than a range holds)."""
    with open(path, "rb") as fh:
        fh.seek(offset)
        pos = offset
        while pos < stop and (block := fh.read(min(1 << 20, stop - pos))):
            if block.strip():
                return False
            pos += len(block)
        return not fh.read(1)  # past `stop`, the file limit's skip speaks for the file


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
