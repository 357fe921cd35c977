"""CSV input with a header row (`.csv`, optionally gzipped); same fields as JSONL."""

from __future__ import annotations

import csv
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path

from dedup.config import InputConfig
from dedup.errors import RecordError, describe
from dedup.model import Skip
from dedup.sources.base import RawRecord, read_failure
from dedup.sources.records import from_mapping
from dedup.sources.streams import Oversize, record_limit, text_stream

# News articles are long: lift the csv module's 128 KiB default field limit.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


class _RowTooLong(Exception):
    """A CSV row passed the record limit (its lines have been read past)."""


class _Rows:
    """The lines of a CSV file for `csv.reader`, a row at a time (`next_row` before each):
    a row whose lines pass `limit` bytes is read past to its end, without being kept, and
    `_RowTooLong` raised for it. A row ends at a line end outside quotes: where its count of
    ``"`` is even (doubled quotes count twice)."""

    def __init__(self, limit: int) -> None:
        self._lines: Iterator[tuple[int, str | Oversize]] = iter(())
        self._limit = limit
        self._size = self._quotes = 0
        self.line = 0  # the number of the last line given
        self.first = 1  # the number of the first line of the row being read

    def feed(self, lines: Iterator[tuple[int, str | Oversize]]) -> None:
        """Read the row's lines from `lines` (made knowing `between_rows`)."""
        self._lines = lines

    def next_row(self) -> None:
        self._size = self._quotes = 0

    def between_rows(self) -> bool:
        """No line of the next row has been given yet: a blank line here is no row (csv gives
        an empty one, skipped), and is passed over by the line reader itself."""
        return self._size == 0

    def __iter__(self) -> _Rows:
        return self

    def __next__(self) -> str:
        self.line, line = next(self._lines)
        if self._size == 0:
            self.first = self.line
        if isinstance(line, Oversize):
            self._size, self._quotes = self._limit + 1, self._quotes + line.quotes
        else:
            self._size += len(line) if line.isascii() else len(line.encode("utf-8", "replace"))
            self._quotes += line.count('"')
            if self._size <= self._limit:
                return line
        while self._quotes % 2:  # the rest of the row
            try:
                self.line, line = next(self._lines)
            except StopIteration:
                break
            self._quotes += line.quotes if isinstance(line, Oversize) else line.count('"')
        raise _RowTooLong


def read_csv(path: Path, shown: str, cfg: InputConfig) -> Iterator[RawRecord | Skip]:
    """Yield a record or a Skip for every data row of `path`."""
    lines = _Rows(cfg.max_record_bytes)
    lines.feed(text_stream(path, cfg.max_record_bytes, cfg.max_file_bytes, lines.between_rows))
    reader = csv.reader(lines)
    too_long = record_limit("row", cfg.max_record_bytes)
    try:
        try:
            header = next(reader)
        except StopIteration:
            yield Skip(shown, "empty file")
            return
        except _RowTooLong:
            yield Skip(shown, f"CSV header {too_long}", "line 1")
            return
        header = [h.strip() for h in header]
        if cfg.text_field not in header and cfg.html_field not in header:
            yield Skip(
                shown,
                f"CSV header has no {cfg.text_field!r} or {cfg.html_field!r} column "
                f"(columns: {', '.join(header[:12])})",
                "line 1",
            )
            return
        rows = 0
        while True:
            lines.next_row()
            try:
                row = next(reader)
            except StopIteration:
                if not rows:
                    yield Skip(shown, "no data rows after the header")
                return
            except _RowTooLong:
                rows += 1
                yield Skip(shown, too_long, f"line {lines.first}")
                continue
            except csv.Error as exc:
                rows += 1
                yield Skip(shown, f"malformed CSV: {exc}", f"line {lines.first}")
                continue
            where = f"line {lines.first}"
            if not any(cell.strip() for cell in row):
                continue
            rows += 1
            if len(row) != len(header):
                yield Skip(shown, f"row has {len(row)} fields, header has {len(header)}", where)
                continue
            try:
                rec = from_mapping(dict(zip(header, row, strict=True)), shown, where, cfg)
            except RecordError as exc:
                yield Skip(shown, exc.reason, where)
                continue
            except Exception as exc:  # the record boundary: any other failure is this record's
                yield Skip(shown, f"unusable record: {describe(exc)}", where, "failed")
                continue
            yield rec
    except RecordError as exc:
        yield Skip(shown, exc.reason)
    except (OSError, EOFError, zlib.error) as exc:
        yield Skip(shown, read_failure(exc))
