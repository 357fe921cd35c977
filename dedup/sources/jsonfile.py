"""JSON input: a file holding one array of records (`.json`, optionally gzipped), each a JSON
object with the same fields as a JSONL line; a file holding one object is one record.

The file is parsed whole, so it is read only up to the file limit (`max_file_bytes`); a record
is located by its number in the array (``record 3``, 1-based) and is held to the record limit
(`max_record_bytes`) like a JSONL line. An element that cannot be read (malformed, nested too
deeply, over the record limit) is a skip and the elements after it are read, as long as its end
can be found by its brackets and quotes. An array that breaks off (a file cut before its
closing ``]``, a record cut or damaged so that its end cannot be found) keeps the records
complete before the break; the break is one skip saying after which record and at which line
and column the JSON broke, located at the record that broke (it stands for that record) or, at
a file cut between records, at the line and column (it stands for no record).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

from dedup.config import InputConfig
from dedup.errors import RecordError, describe
from dedup.model import Skip
from dedup.sources.base import RawRecord, decode_text
from dedup.sources.jsonl import TOO_DEEP, loads
from dedup.sources.records import TextHint, json_record
from dedup.sources.streams import file_limit, read_bytes, record_limit

_DECODER = json.JSONDecoder()
#: what `_value_end` looks at: a quote, a bracket
_STRUCTURE = re.compile(r'["\[\]{}]')
#: the rest of a JSON string after its opening quote
_STRING_REST = re.compile(r'[^"\\]*(?:\\.[^"\\]*)*"', re.S)
#: the end of a scalar (a number, true, a misspelt word)
_SCALAR_END = re.compile(r"[\s,\]]")


def _malformed(exc: json.JSONDecodeError) -> str:
    return f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg.removesuffix(' at')}"


def _line_column(text: str, pos: int) -> str:
    line = text.count("\n", 0, pos) + 1
    return f"line {line} column {pos - text.rfind(chr(10), 0, pos)}"


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\n\r":
        pos += 1
    return pos


def _value_end(text: str, pos: int) -> int | None:
    """Where the JSON value starting at `pos` ends, found by its quotes and brackets alone (no
    recursion, so at any depth); None when the text ends first."""
    if text[pos] not in '[{"':
        m = _SCALAR_END.search(text, pos)
        return m.start() if m else None
    depth, i = 0, pos
    while m := _STRUCTURE.search(text, i):
        i = m.end()
        if m.group() == '"':
            s = _STRING_REST.match(text, i)
            if s is None:
                return None
            i = s.end()
        else:
            depth += 1 if m.group() in "[{" else -1
        if depth <= 0:
            return i
    return None


def _element_problem(text: str, pos: int) -> tuple[object, int, str | None]:
    """The value of the array element at `pos`, where it ends, and None; or, when it cannot be
    read, None, where it ends (-1: its end cannot be found) and what is wrong with it."""
    try:
        obj, end = _DECODER.raw_decode(text, pos)
        return obj, end, None
    except json.JSONDecodeError as exc:
        why = _malformed(exc)
    except RecursionError:
        why = TOO_DEEP
    except ValueError as exc:  # Python's limits: digits
        why = f"unreadable JSON: {describe(exc)}"
    found = _value_end(text, pos)
    if found is None or not text.startswith((",", "]"), _skip_space(text, found)):
        return None, -1, why
    return None, found, why


def _utf8_size_over(text: str, start: int, end: int, limit: int) -> bool:
    if end - start > limit:
        return True
    if (end - start) * 4 <= limit:
        return False
    return len(text[start:end].encode("utf-8", "replace")) > limit


def _array(text: str, shown: str, cfg: InputConfig) -> Iterator[RawRecord | Skip]:
    """The records of the JSON array `text` opens, element by element (see the module)."""
    hint = TextHint(cfg, "record")
    pos = _skip_space(text, len(text) - len(text.lstrip()) + 1)
    n = 0
    closed = text.startswith("]", pos)
    if closed:
        pos += 1
    while not closed:
        if pos >= len(text):
            yield from hint.finish(shown)
            if n == 0:  # "[" and nothing more: as json words it
                yield Skip(shown, f"malformed JSON at {_line_column(text, pos)}: Expecting value")
                return
            yield Skip(
                shown,
                f"JSON array broken off after record {n} (the file ends before the closing ]"
                f" at {_line_column(text, pos)})",
                _line_column(text, pos),
                records=0,
            )
            return
        n += 1
        where = f"record {n}"
        obj, end, why = _element_problem(text, pos)
        if end < 0:
            yield from hint.finish(shown)
            broke = f"JSON array broken off after record {n - 1} ({why})" if n > 1 else why
            yield Skip(shown, f"{broke}: the rest not read", where)
            return
        if why is not None:
            yield Skip(shown, why, where)
        elif _utf8_size_over(text, pos, end, cfg.max_record_bytes):
            yield Skip(shown, record_limit("record", cfg.max_record_bytes), where)
        else:
            yield from json_record(obj, n, shown, where, cfg, hint)
        pos = _skip_space(text, end)
        if text.startswith(",", pos):
            pos = _skip_space(text, pos + 1)
        elif text.startswith("]", pos):
            closed, pos = True, pos + 1
        elif pos < len(text):
            yield from hint.finish(shown)
            yield Skip(
                shown,
                f"JSON array broken off after record {n} (malformed JSON at"
                f" {_line_column(text, pos)}: Expecting ',' delimiter): the rest not read",
                _line_column(text, pos),
            )
            return
    yield from hint.finish(shown)
    pos = _skip_space(text, pos)
    if pos < len(text):
        yield Skip(
            shown,
            f"malformed JSON at {_line_column(text, pos)}: Extra data after the array",
            _line_column(text, pos),
        )
    elif n == 0:
        yield Skip(shown, "empty JSON array")


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
    is_array = text.lstrip().startswith("[")
    if is_array and len(data) > cfg.max_record_bytes:  # an element may be over the limit
        yield from _array(text, shown, cfg)
        return
    try:
        doc = loads(text)
    except json.JSONDecodeError as exc:
        yield from _array(text, shown, cfg) if is_array else [Skip(shown, _malformed(exc))]
        return
    except RecursionError:
        yield from _array(text, shown, cfg) if is_array else [Skip(shown, TOO_DEEP)]
        return
    except ValueError as exc:  # Python's limits: digits
        yield from (
            _array(text, shown, cfg)
            if is_array
            else [Skip(shown, f"unreadable JSON: {describe(exc)}")]
        )
        return
    if isinstance(doc, dict):
        if len(data) > cfg.max_record_bytes:
            yield Skip(shown, record_limit("record", cfg.max_record_bytes))
            return
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
