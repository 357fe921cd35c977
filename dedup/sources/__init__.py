"""The I/O edge: paths in, `RawRecord`s and `Skip`s out.

Directories are walked recursively in sorted order; a file reached through several of the
paths given (``sample sample/articles``) is read once, where it is met first. ``-`` and
``/dev/stdin`` are standard input: read once into a temporary file (`stdin_file`), its format
`InputConfig.input_format` or sniffed from its first bytes. The format of a file is chosen by
its extension (a trailing ``.gz`` is decompressed transparently) unless
`InputConfig.input_format` forces one. Files of other types met inside a directory are skipped
and listed; a missing path or an unreadable directory is an `InputError`.
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import gzip
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from dedup.config import InputConfig
from dedup.errors import ConfigError, InputError, describe
from dedup.model import Document, Skip
from dedup.sources.base import RawRecord, bom_encoding, normalize_date, site_of
from dedup.sources.csvfile import read_csv
from dedup.sources.files import read_html, read_text
from dedup.sources.jsonfile import read_json
from dedup.sources.jsonl import read_jsonl
from dedup.sources.streams import cr_only, newlines_before
from dedup.sources.warc import read_warc

__all__ = [
    "STDIN",
    "FilePart",
    "Input",
    "Inputs",
    "RawRecord",
    "as_inputs",
    "check_paths",
    "detect_format",
    "gather",
    "iter_files",
    "normalize_date",
    "read_file",
    "read_part",
    "read_paths",
    "site_of",
    "split_files",
]

_EXTENSIONS = {
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".warc": "warc",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "tsv",
    ".txt": "text",
    ".text": "text",
}


def detect_format(path: Path) -> str | None:
    """The input format of `path` from its extension, or None if it is not one we read."""
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return _EXTENSIONS.get(os.path.splitext(name)[1])


#: the paths that name standard input, and the name it is shown by
STDIN = ("-", "/dev/stdin")
STDIN_SHOWN = "<stdin>"


def is_stdin(path: str | os.PathLike[str]) -> bool:
    return os.fspath(path) in STDIN


def check_paths(paths: Iterable[str | os.PathLike[str]]) -> None:
    """InputError naming the first of `paths` that does not exist."""
    for given in paths:
        if not is_stdin(given) and not os.path.exists(given):
            raise InputError(f"{os.fspath(given)}: no such file or directory")


_stdin: Path | None = None


def sniff_format(head: bytes) -> str | None:
    """The input format of data from its first bytes: ``WARC/`` a WARC file, ``{`` JSON
    Lines, ``[`` a JSON array, ``<`` HTML; None for anything else (CSV and plain text do not
    tell themselves apart: `InputConfig.input_format` must say)."""
    start = head.lstrip(b"\xef\xbb\xbf").lstrip()
    for prefix, fmt in ((b"WARC/", "warc"), (b"{", "jsonl"), (b"[", "json"), (b"<", "html")):
        if start.startswith(prefix):
            return fmt
    return None


def stdin_file() -> Path:
    """Standard input, read whole into a temporary file the first time it is asked for (removed
    when the process exits), named for the format sniffed from its first bytes
    (`sniff_format`: ``stdin.jsonl``, ``stdin.warc.gz``; plain ``stdin`` when it cannot tell),
    so that every reader and worker reads it as a file. InputError when standard input is a
    terminal (nothing was piped: reading would wait for typing)."""
    global _stdin
    if _stdin is None:
        if sys.stdin is None or sys.stdin.isatty():
            raise InputError(
                "-: standard input is a terminal: pipe or redirect the input to read "
                "(dedup scan - < export.jsonl)"
            )
        folder = tempfile.mkdtemp(prefix="dedup-stdin-")
        atexit.register(shutil.rmtree, folder, True)
        raw = os.path.join(folder, "stdin")
        with open(raw, "wb") as fh:
            shutil.copyfileobj(sys.stdin.buffer, fh, 1 << 20)
        with open(raw, "rb") as fh:
            head = fh.read(8192)
        gz = head.startswith(b"\x1f\x8b")
        if gz:
            with contextlib.suppress(OSError, EOFError), gzip.open(raw, "rb") as zh:
                head = zh.read(8192)
        fmt = sniff_format(head)
        name = raw if fmt is None else f"{raw}.{fmt}" + (".gz" if gz else "")
        os.rename(raw, name)
        _stdin = Path(name)
    return _stdin


#: what a scan takes: paths to files or directories, and documents given in memory
Input = str | os.PathLike[str] | Document


def as_inputs(inputs: Input | Iterable[Input], name: str = "inputs") -> Iterable[Input]:
    """`inputs` as an iterable of inputs: one path (a ``str`` or ``os.PathLike``) or one
    `Document` given alone is a list of it, not a sequence of characters; ConfigError naming
    the argument for bytes (a path is a str) and for what is not iterable."""
    if isinstance(inputs, str | os.PathLike | Document):
        return [inputs]
    if isinstance(inputs, bytes | bytearray):
        raise ConfigError(f"{name} must be paths (str or os.PathLike) or Documents, not bytes")
    if not isinstance(inputs, Iterable):
        raise ConfigError(
            f"{name} must be a path, a Document or an iterable of them, not {type(inputs).__name__}"
        )
    return inputs


@dataclass(frozen=True, slots=True)
class Inputs:
    """A scan's inputs, planned: the documents given in memory, in order, and every file
    under the paths given (path, path as shown to the user), in order."""

    documents: list[Document]
    files: list[tuple[Path, str]]


def gather(inputs: Iterable[Input]) -> Inputs:
    """The documents and the files of `inputs`; InputError naming the first missing path
    (checked before anything is read)."""
    given = list(inputs)
    paths = [p for p in given if not isinstance(p, Document)]
    check_paths(paths)
    return Inputs([d for d in given if isinstance(d, Document)], list(iter_files(paths)))


def shown_name(name: str) -> str:
    """A file name as reports show it: a name that is not UTF-8 (its bytes kept by Python as
    lone surrogates) with those bytes written as backslash escapes (``caf\\udce9.html``), so
    that ids, sources and skips can always be printed and written."""
    return name.encode("utf-8", "backslashreplace").decode("utf-8")


def iter_files(
    paths: Iterable[str | os.PathLike[str]], read: set[str] | None = None
) -> Iterator[tuple[Path, str]]:
    """Every file under `paths` as (path, path as shown to the user: `shown_name`),
    directories sorted; a file met again under another of `paths` (or already in `read`, the
    real paths of the files given before, which this adds to) is not given again."""
    paths = list(paths)
    check_paths(paths)
    seen: set[tuple[int, int]] = set()  # directories walked, by (device, inode)
    read = set() if read is None else read
    for given in paths:
        if is_stdin(given):
            found: Iterator[tuple[Path, str]] = iter([(stdin_file(), STDIN_SHOWN)])
        else:
            p = Path(given)
            if p.is_dir() and _dir_key(p) in seen:
                continue  # under a directory given before: read once already
            found = (
                _walk(p, shown_name(str(given)), seen)
                if p.is_dir()
                else iter([(p, shown_name(str(given)))])
            )
        for path, shown in found:
            real = os.path.realpath(path)
            if real in read and os.path.isfile(real):
                continue
            read.add(real)
            yield path, shown


def _walk(root: Path, shown: str, seen: set[tuple[int, int]]) -> Iterator[tuple[Path, str]]:
    """The files under `root`. A directory met a second time (a symbolic link to a directory
    already walked, or a link loop) is not walked again; it is yielded, like anything else
    that is not a regular file (a named pipe, a dangling link), for `read_file` to list as a
    skip."""
    try:
        st = root.stat()
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError as exc:
        raise InputError(f"{shown}: cannot read directory: {exc.strerror}") from exc
    seen.add((st.st_dev, st.st_ino))
    # real directories and files first, links to directories after them: a directory reached
    # both ways is read under its own name
    entries.sort(key=lambda e: e.is_symlink() and _links_to_dir(e))
    for entry in entries:
        child_shown = os.path.join(shown, shown_name(entry.name))
        try:
            is_dir = entry.is_dir(follow_symlinks=True)
            key = (entry.stat().st_dev, entry.stat().st_ino) if is_dir else None
        except OSError:  # a link loop: listed by read_file
            is_dir, key = False, None
        if is_dir and key not in seen:
            yield from _walk(Path(entry.path), child_shown, seen)
        elif is_dir and not entry.is_symlink():
            continue  # a directory given too (``sample sample/articles``): read once already
        else:
            yield Path(entry.path), child_shown


def _dir_key(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _not_a_file(path: Path) -> str | None:
    """Why `path` is not read as a file (a directory reached again, a named pipe, a dangling
    or looping link, a device), or None for a regular file or one that cannot be looked at
    (reading it will say why)."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        if path.is_symlink():
            if exc.errno == errno.ELOOP:
                return "symbolic link loop, not followed"
            return "dangling symbolic link (its target does not exist)"
        return None
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "directory already read through another path (symbolic link), not read again"
    if stat.S_ISFIFO(mode):
        return "named pipe, not a regular file (not read)"
    return "not a regular file (device or socket), not read"


def _links_to_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir(follow_symlinks=True)
    except OSError:
        return False


def read_file(
    path: Path,
    shown: str,
    cfg: InputConfig,
    byte_range: tuple[int, int] | None = None,
    lines_before: int | None = None,
) -> Iterator[RawRecord | Skip]:
    """Records of one file, in file order (JSONL: those starting in `byte_range` if given;
    `lines_before`: the newlines before the range's first byte - 1, if known).

    The file boundary: whatever a reader raises ends this file only, as a "failed" skip after
    the records already read; the run goes on with the next file."""
    not_file = _not_a_file(path)
    if not_file is not None:
        yield Skip(shown, not_file)
        return
    fmt = cfg.input_format if cfg.input_format != "auto" else detect_format(path)
    if fmt is None:
        if shown == STDIN_SHOWN:
            yield Skip(
                shown,
                "cannot tell the format of standard input from its first bytes "
                "(give --input-format)",
            )
        else:
            yield Skip(shown, "unsupported file type (use --input-format to force one)")
        return
    if fmt == "html":
        records = read_html(path, shown, cfg)
    elif fmt == "text":
        records = read_text(path, shown, cfg)
    elif fmt == "jsonl":
        records = read_jsonl(path, shown, cfg, byte_range, lines_before)
    elif fmt == "json":
        records = read_json(path, shown, cfg)
    elif fmt in ("csv", "tsv"):
        records = read_csv(path, shown, cfg, tab=fmt == "tsv")
    else:
        records = read_warc(path, shown, cfg)
    while True:
        try:
            rec = next(records)
        except StopIteration:
            return
        except Exception as exc:
            yield Skip(
                shown, f"reading failed, rest of file not read: {describe(exc)}", None, "failed"
            )
            return
        yield rec


@dataclass(frozen=True, slots=True)
class FilePart:
    """Records of one file to read: all of them, or (uncompressed JSONL) those whose lines
    start in `byte_range`. `size`: the bytes this part covers (for balancing work);
    `lines_before`: the newlines before byte ``byte_range[0] - 1`` (for line numbers), counted
    once for all the ranges of a file by `split_files`."""

    path: str
    shown: str
    byte_range: tuple[int, int] | None = None
    size: int = 0
    lines_before: int | None = None


def split_files(
    files: Sequence[tuple[Path, str]], cfg: InputConfig, part_bytes: int
) -> list[FilePart]:
    """The files in order, an uncompressed JSONL file larger than `part_bytes` cut into byte
    ranges of `part_bytes` (consecutive ranges read every line once: `read_file`)."""
    parts: list[FilePart] = []
    for path, shown in files:
        fmt = cfg.input_format if cfg.input_format != "auto" else detect_format(path)
        try:
            size = path.stat().st_size
        except OSError:
            size = 0  # reading it will say what is wrong
        where = os.path.abspath(path)  # the link itself: a dangling or looping one is a skip
        if fmt == "jsonl" and not path.name.lower().endswith(".gz") and size > part_bytes:
            if _read_whole(path):  # UTF-16, UTF-32, CR line ends: not cut at any byte
                parts.append(FilePart(where, shown, None, size))
                continue
            # past the file limit nothing is read: the range holding the byte at the limit
            # says so (`text_range_stream`)
            size = min(size, cfg.max_file_bytes + 1)
            starts = list(range(0, size, part_bytes))
            before: list[int | None] = [None] * len(starts)  # unreadable: the read will say
            with contextlib.suppress(OSError), open(path, "rb") as fh:
                before = [0, *newlines_before(fh, [s - 1 for s in starts[1:]])]
            for start, lines in zip(starts, before, strict=True):
                end = min(start + part_bytes, size)
                parts.append(FilePart(where, shown, (start, end), end - start, lines))
        else:
            parts.append(FilePart(where, shown, None, size))
    return parts


def _read_whole(path: Path) -> bool:
    """True for a file read whole, never in byte ranges: UTF-16 or UTF-32 (a byte-order mark),
    or lines ended by CR alone (`cr_only`)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(8192)
            return bom_encoding(head) is not None or cr_only(head)
    except OSError:
        return False  # reading it will say what is wrong


def read_part(part: FilePart, cfg: InputConfig) -> Iterator[RawRecord | Skip]:
    """The records (and skips) of one `FilePart`."""
    yield from read_file(Path(part.path), part.shown, cfg, part.byte_range, part.lines_before)


def read_paths(
    paths: Iterable[str | os.PathLike[str]], cfg: InputConfig, read: set[str] | None = None
) -> Iterator[tuple[int, RawRecord | Skip]]:
    """Every record under `paths`, each with the number (1-based) of the file it came from
    (`read`: as for `iter_files`)."""
    for nfile, (path, shown) in enumerate(iter_files(paths, read), start=1):
        for item in read_file(path, shown, cfg):
            yield nfile, item
