"""JSON input: a file holding one array of records (`.json`, optionally gzipped), each a JSON
object with the same fields as a JSONL line; a file holding one object is one record.

The file is parsed whole, so it is read only up to the file limit (`max_file_bytes`); a record
is located by its number in the array (``record 3``, 1-based).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from dedup.config import InputConfig
from dedup.errors import RecordError, describe
from dedup.model import Skip
from dedup.sources.base import RawRecord, decode_text
from dedup.sources.jsonl import loads
from dedup.sources.records import TextHint, json_record
from dedup.sources.streams import file_limit, read_bytes


def read_json(path: Path, shown: str, cfg: InputConfig) -> Iterator[RawRecord | Skip]:
    """Yield a record or a Skip for every element of the array in `path`. Records without
    text are held back until one has text (`TextHint`): if none has, they are one skip that
    says which fields they have."""
    try:
        data = read_bytes(path, cfg.max_file_bytes, f"{file_limit(cfg.max_file_bytes)}, not read")
        text = decode_text(data)
    except RecordError as exc:
        yield Skip(shown, exc.reason)
        return
    if not text.strip():
        yield Skip(shown, "empty file")
        return
    try:
        doc = loads(text)
    except json.JSONDecodeError as exc:
        yield Skip(
            shown,
            f"malformed JSON at line {exc.lineno} column {exc.colno}: "
            f"{exc.msg.removesuffix(' at')}",
        )
        return
    except (ValueError, RecursionError) as exc:  # Python's limits: digits, nesting
        yield Skip(shown, f"unreadable JSON: {describe(exc)}")
        return
    if isinstance(doc, dict):
        items: list[object] = [doc]
    elif isinstance(doc, list):
        items = doc
    else:
        yield Skip(shown, f"not a JSON array of records but a {type(doc).__name__}")
        return
    if not items:
        yield Skip(shown, "empty JSON array")
        return
    hint = TextHint(cfg, "record")
    for n, obj in enumerate(items, start=1):
        yield from json_record(obj, n, shown, f"record {n}", cfg, hint)
    yield from hint.finish(shown)
