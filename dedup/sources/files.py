"""Single-document files: saved HTML pages and plain text. The id is the path as given.

Each is one record: it is read whole, up to the record limit (`InputConfig.max_record_bytes`,
or the file limit if that is smaller), and a file over it is a skip, read no further.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from dedup.config import InputConfig
from dedup.errors import RecordError
from dedup.model import Skip
from dedup.sources.base import RawRecord, bom_encoding, decode_text, is_binary
from dedup.sources.streams import file_limit, read_bytes, record_limit


def _read_whole(path: Path, what: str, cfg: InputConfig) -> bytes:
    """The bytes of a one-record file; RecordError if it is over a limit or empty."""
    if cfg.max_record_bytes <= cfg.max_file_bytes:
        limit, over = cfg.max_record_bytes, record_limit(what, cfg.max_record_bytes)
    else:
        limit, over = cfg.max_file_bytes, f"{file_limit(cfg.max_file_bytes)}, not read"
    data = read_bytes(path, limit, over)
    if not data.strip():
        raise RecordError("empty file")
    return data


def read_html(path: Path, shown: str, cfg: InputConfig) -> Iterator[RawRecord | Skip]:
    """One RawRecord holding the page's bytes (trafilatura detects their encoding), or its
    text when it starts with a UTF-16 or UTF-32 byte-order mark."""
    try:
        data = _read_whole(path, "HTML page", cfg)
        if is_binary(data):
            raise RecordError("binary file, not HTML")
    except RecordError as exc:
        yield Skip(shown, exc.reason)
        return
    unicode = bom_encoding(data)
    html = data if unicode is None else data.decode(unicode, errors="replace")
    yield RawRecord(id=shown, source=shown, html=html)


def read_text(path: Path, shown: str, cfg: InputConfig) -> Iterator[RawRecord | Skip]:
    """One RawRecord holding the file's decoded text."""
    try:
        text = decode_text(_read_whole(path, "text file", cfg))
        if not text.strip():
            raise RecordError("empty file")
    except RecordError as exc:
        yield Skip(shown, exc.reason)
        return
    yield RawRecord(id=shown, source=shown, text=text)
