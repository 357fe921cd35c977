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
from dedup.sources.base import RawRecord, read_failure, text_stream
from dedup.sources.records import from_mapping

# News articles are long: lift the csv module's 128 KiB default field limit.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def read_csv(path: Path, shown: str, cfg: InputConfig) -> Iterator[RawRecord | Skip]:
    """Yield a record or a Skip for every data row of `path`."""
    lines = (line for _, line in text_stream(path))
    reader = csv.reader(lines)
    try:
        try:
            header = next(reader)
        except StopIteration:
            yield Skip(shown, "empty file")
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
            start = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                if not rows:
                    yield Skip(shown, "no data rows after the header")
                return
            except csv.Error as exc:
                rows += 1
                yield Skip(shown, f"malformed CSV: {exc}", f"line {start}")
                continue
            where = f"line {start}"
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
