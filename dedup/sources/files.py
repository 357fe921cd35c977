"""Single-document files: saved HTML pages and plain text. The id is the path as given."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from dedup.errors import RecordError
from dedup.model import Skip
from dedup.sources.base import RawRecord, decode_text, is_binary, read_bytes


def read_html(path: Path, shown: str) -> Iterator[RawRecord | Skip]:
    """One RawRecord holding the page's bytes (trafilatura detects their encoding)."""
    try:
        data = read_bytes(path)
        if not data.strip():
            raise RecordError("empty file")
        if is_binary(data):
            raise RecordError("binary file, not HTML")
    except RecordError as exc:
        yield Skip(shown, exc.reason)
        return
    yield RawRecord(id=shown, source=shown, html=data)


def read_text(path: Path, shown: str) -> Iterator[RawRecord | Skip]:
    """One RawRecord holding the file's decoded text."""
    try:
        data = read_bytes(path)
        if not data.strip():
            raise RecordError("empty file")
        text = decode_text(data)
        if not text.strip():
            raise RecordError("empty file")
    except RecordError as exc:
        yield Skip(shown, exc.reason)
        return
    yield RawRecord(id=shown, source=shown, text=text)
