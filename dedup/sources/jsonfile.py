"""JSON input: a file holding one array of records (`.json`, optionally gzipped), each a JSON
object with the same fields as a JSONL line; a file holding one object is one record.

The file is parsed whole, so it is read only up to the file limit (`max_file_bytes`); a record
is located by its number in the array (``record 3``, 1-based). An array that breaks off (a file
cut before its closing ``]``, a damaged record) keeps the records complete before the break;
the rest is one skip saying after which record and where the JSON broke (located at the
record that broke, if one did).
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


def _malformed(exc: json.JSONDecodeError) -> str:
    return f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg.removesuffix(' at')}"


def _array_until_break(text: str) -> tuple[list[object], json.JSONDecodeError]:
    """The elements of the JSON array `text` opens that are complete before its first error,
    and that error (`text` is known not to parse whole). No elements when it is no array."""
    decoder = json.JSONDecoder()
    items: list[object] = []
    pos = len(text) - len(text.lstrip())
    if not text.startswith("[", pos):
        return items, json.JSONDecodeError("Expecting '['", text, pos)
    pos += 1
    while True:
        pos = _skip_space(text, pos)
        try:
            obj, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            return items, exc
        except (ValueError, RecursionError) as exc:  # Python's limits: digits, nesting
            return items, json.JSONDecodeError(describe(exc), text, pos)
        items.append(obj)
        pos = _skip_space(text, pos)
        if text.startswith(",", pos):
            pos += 1
        elif text.startswith("]", pos):  # the array ends: what follows it is the error
            return items, json.JSONDecodeError("Extra data", text, _skip_space(text, pos + 1))
        elif pos >= len(text):
            return items, json.JSONDecodeError("the file ends before the closing ]", text, pos)
        else:
            return items, json.JSONDecodeError("Expecting ',' delimiter", text, pos)


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\n\r":
        pos += 1
    return pos


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
        complete, broken = _array_until_break(text)
        if not complete:
            yield Skip(shown, _malformed(exc))
            return
        hint = TextHint(cfg, "record")
        for n, obj in enumerate(complete, start=1):
            yield from json_record(obj, n, shown, f"record {n}", cfg, hint)
        yield from hint.finish(shown)
        n = len(complete)
        yield Skip(
            shown,
            f"JSON array broken off after record {n} ({_malformed(broken)}): the rest not read",
            None if broken.pos >= len(text) or broken.msg == "Extra data" else f"record {n + 1}",
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
