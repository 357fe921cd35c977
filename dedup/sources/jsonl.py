"""JSON Lines input: one JSON object a line (`.jsonl`, `.ndjson`, optionally gzipped)."""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from pathlib import Path

import orjson

from dedup.config import InputConfig
from dedup.errors import RecordError, describe
from dedup.model import Skip
from dedup.sources.base import RawRecord, read_failure
from dedup.sources.records import TextHint, json_record
from dedup.sources.streams import (
    Oversize,
    blank_from,
    record_limit,
    text_range_stream,
    text_stream,
)

#: the reason of a skip for JSON nested deeper than Python's parser reads
TOO_DEEP = "JSON nested too deeply (too many levels of [ ] or { } to read)"


def loads(line: str) -> object:
    """`json.loads`, faster: orjson parses what it accepts to the same values (2.2x faster on
    news records); anything it refuses (NaN, integers beyond 64 bits, malformed JSON) goes to
    `json.loads`, which decides and words the error, so both accept and report the same."""
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        return json.loads(line)


def read_jsonl(
    path: Path,
    shown: str,
    cfg: InputConfig,
    byte_range: tuple[int, int] | None = None,
    lines_before: int | None = None,
) -> Iterator[RawRecord | Skip]:
    """Yield a record or a Skip for every non-blank line of `path` (of the lines starting in
    `byte_range` when given: uncompressed files only; `lines_before`: see
    `text_range_stream`). Records without text are held back until one has text
    (`TextHint`): if none has, they are one skip that says which fields they have."""
    seen = False
    hint = TextHint(cfg)
    line_max, file_max = cfg.max_record_bytes, cfg.max_file_bytes
    lines = (
        text_stream(path, line_max, file_max, skip_blank=True)
        if byte_range is None
        else text_range_stream(path, *byte_range, lines_before, line_max, file_max, True)
    )
    try:
        for n, line in lines:
            where = f"line {n}"
            if isinstance(line, Oversize):
                seen = True
                yield Skip(shown, record_limit("record", cfg.max_record_bytes), where)
                continue
            if not line.strip():
                continue
            seen = True
            try:
                obj = loads(line)
            except json.JSONDecodeError as exc:
                # past the line's end (the line stops short), the column is the one after it
                column = exc.colno if exc.lineno == 1 else len(line.rstrip("\r\n")) + 1
                yield Skip(
                    shown,
                    f"malformed JSON at column {column}: {exc.msg.removesuffix(' at')}",
                    where,
                )
                continue
            except RecursionError:
                yield Skip(shown, TOO_DEEP, where)
                continue
            except ValueError as exc:  # Python's limits: digits
                yield Skip(shown, f"unreadable JSON: {describe(exc)}", where)
                continue
            yield from json_record(obj, n, shown, where, cfg, hint)
    except RecordError as exc:
        yield from hint.finish(shown)
        yield Skip(shown, exc.reason)
        return
    except (OSError, EOFError, zlib.error) as exc:
        yield from hint.finish(shown)
        yield Skip(shown, read_failure(exc))
        return
    yield from hint.finish(shown)
    if not seen and (
        byte_range is None or (byte_range[0] == 0 and blank_from(path, byte_range[1], file_max))
    ):
        yield Skip(shown, "empty file")
