"""CSV input with a header row (`.csv`, `.tsv`, optionally gzipped); same fields as JSONL.

The delimiter is `InputConfig.delimiter` when set, a tab for `.tsv` files, else the one of
``, TAB ; |`` that `csv.Sniffer` finds in the header line (a comma when it finds none).
Lines may end with LF, CRLF or CR alone (`streams.text_stream`). A header that names a column
twice (``id,text,text``) is read with the first column of that name, as a spreadsheet lookup
or pandas would, and the file gets one warning: a skip standing for no record, at line 1,
naming the repeated columns.
"""

from __future__ import annotations

import csv
import itertools
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path

from dedup.config import InputConfig
from dedup.errors import RecordError, describe
from dedup.model import Skip, plural
from dedup.sources.base import RawRecord, read_failure
from dedup.sources.records import TextHint, from_mapping, lacks_text, shell_word
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


#: the delimiters `sniff_delimiter` chooses from
DELIMITERS = ",\t;|"


def sniff_delimiter(header: str) -> str | None:
    """The delimiter of a CSV file from its header line: the one of `DELIMITERS` that
    `csv.Sniffer` finds; None when it finds none (read with a comma: a one-column header, or
    another delimiter: `delimiter_hint`)."""
    try:
        return csv.Sniffer().sniff(header, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return None


#: DELIMITER_HINT starts the hint of a header that looks delimited by another character
DELIMITER_HINT = "the header line looks delimited by"
#: characters of field names, never taken for a delimiter
_NAME_PUNCTUATION = set("_-.'\"()[]/ ")


def delimiter_hint(
    header: str, used: str | None = None, cfg: InputConfig | None = None
) -> str | None:
    """The hint naming --delimiter for a header line read with the wrong delimiter, else None.

    `used` None (no delimiter was found in `header`): the commonest punctuation character in it
    that splits it into non-empty names (else it is a header of one column). `used` a
    delimiter: only when none of the columns it gives is `cfg`'s text or HTML field (so that
    no record can have text), another such character that splits the header into more of
    `cfg`'s field names (id, text, site...) than `used` does (``id|text, sub|site`` read with a
    comma: ``'|'``)."""
    line = header.strip()
    counts: dict[str, int] = {}
    for c in line:
        if not c.isalnum() and not c.isspace() and c not in _NAME_PUNCTUATION and c != used:
            counts[c] = counts.get(c, 0) + 1
    cfg = cfg or InputConfig()
    fields = {
        cfg.id_field,
        cfg.text_field,
        cfg.html_field,
        cfg.url_field,
        cfg.date_field,
        cfg.site_field,
        cfg.title_field,
    }
    known = 0
    if used is not None:
        columns = _names(line, used)
        if cfg.text_field in columns or cfg.html_field in columns:
            return None
        known = len(fields & set(columns))
    for c, _ in sorted(counts.items(), key=lambda kv: -kv[1]):
        names = _names(line, c)
        if all(names) and (used is None or len(fields & set(names)) > known):
            return f"{DELIMITER_HINT} {c!r}: try --delimiter {shell_word(c)}"
    return None


def _names(header: str, delimiter: str) -> list[str]:
    """The column names of a header line split at each `delimiter` (quotes taken off)."""
    return [name.strip().strip('"').strip() for name in header.split(delimiter)]


def _csv_error(exc: csv.Error) -> str:
    """A csv module error in plain words."""
    text = str(exc)
    if text.startswith("new-line character seen in unquoted field"):
        return "a line break (CR) inside an unquoted field"
    return text


def _repeated(header: list[str]) -> str | None:
    """The warning for a header naming a column more than once, else None."""
    where: dict[str, list[int]] = {}
    for i, name in enumerate(header, start=1):
        where.setdefault(name, []).append(i)
    twice = [
        f"{name!r} (columns {', '.join(map(str, cols))})"
        for name, cols in where.items()
        if len(cols) > 1
    ]
    if not twice:
        return None
    return f"header repeats column {'; '.join(twice)}: the first of each is read"


def read_csv(
    path: Path, shown: str, cfg: InputConfig, tab: bool = False
) -> Iterator[RawRecord | Skip]:
    """Yield a record or a Skip for every data row of `path` (`tab`: a TSV file, its delimiter
    a tab unless `cfg.delimiter` says otherwise). Rows without text are held back until one
    has text (`TextHint`): if none has, they are one skip that says which columns there are."""
    lines = _Rows(cfg.max_record_bytes)
    stream = text_stream(path, cfg.max_record_bytes, cfg.max_file_bytes, lines.between_rows)
    delimiter = cfg.delimiter or ("\t" if tab else None)
    header_hint = None  # a header split wrong (`delimiter_hint`): said in the file's skips
    if delimiter is None:
        try:
            first = next(stream, None)
        except (RecordError, OSError, EOFError, zlib.error):
            first = None  # read again below, where the error becomes the file's skip
            stream = text_stream(path, cfg.max_record_bytes, cfg.max_file_bytes, lines.between_rows)
        if first is not None:
            stream = itertools.chain([first], stream)
        header_line = first[1] if first and isinstance(first[1], str) else ""
        sniffed = sniff_delimiter(header_line) if header_line else ","
        header_hint = delimiter_hint(header_line, sniffed, cfg) if header_line else None
        delimiter = sniffed or ","
    lines.feed(stream)
    reader = csv.reader(lines, delimiter=delimiter)
    hint = TextHint(cfg)
    hint.header_hint = header_hint
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
        except csv.Error as exc:
            yield Skip(shown, f"malformed CSV header, file not read: {_csv_error(exc)}", "line 1")
            return
        header = [h.strip() for h in header]
        repeated = _repeated(header)
        if repeated:
            yield Skip(shown, repeated, "line 1", records=0)
        rows = 0
        while True:
            lines.next_row()
            try:
                row = next(reader)
            except StopIteration:
                if not rows:
                    yield Skip(shown, "no data rows after the header")
                yield from hint.finish(shown)
                return
            except _RowTooLong:
                rows += 1
                yield Skip(shown, too_long, f"line {lines.first}")
                continue
            except csv.Error as exc:
                rows += 1
                yield Skip(shown, f"malformed CSV: {_csv_error(exc)}", f"line {lines.first}")
                continue
            where = f"line {lines.first}"
            if not any(cell.strip() for cell in row):
                continue
            rows += 1
            if len(row) != len(header):
                why = f"row has {plural(len(row), 'field')}, header has {len(header)}"
                yield Skip(shown, why + (f" ({header_hint})" if header_hint else ""), where)
                continue
            fields: dict[str, str]
            if repeated:
                fields = {}
                for name, cell in zip(header, row, strict=True):
                    fields.setdefault(name, cell)  # the first column of a name is read
            else:
                fields = dict(zip(header, row, strict=True))
            if not hint.found:
                if lacks_text(fields, cfg):
                    hint.hold(fields, lines.first)
                    continue
                yield from hint.release(shown)
            try:
                rec = from_mapping(fields, shown, where, cfg)
            except RecordError as exc:
                yield Skip(shown, exc.reason, where)
                continue
            except Exception as exc:  # the record boundary: any other failure is this record's
                yield Skip(shown, f"unusable record: {describe(exc)}", where, "failed")
                continue
            yield rec
    except RecordError as exc:
        yield from hint.finish(shown)
        yield Skip(shown, exc.reason)
    except (OSError, EOFError, zlib.error) as exc:
        yield from hint.finish(shown)
        yield Skip(shown, read_failure(exc))
