"""Every error `dedup` raises.

Hierarchy::

    DedupError                  base class; str(err) is one line, fit to show a user
    ├── ConfigError             an option or configuration value is invalid
    ├── InputError              a path given by the user cannot be read at all (fatal)
    ├── EngineError             a distributed engine failed (scheduler unreachable, task lost)
    ├── OutputError             a report could not be written whole (names the file given)
    ├── IndexStoreError         a persistent index cannot be opened or used: missing, corrupt,
    │                           foreign, unreachable, or built with other settings (fatal)
    └── RecordError             one record of an input is unusable (not fatal: it becomes a Skip)

Per-record problems never stop a scan: the readers turn a `RecordError` into a `dedup.Skip`
entry that is counted and listed in the report, and any other exception met while one record
is read or prepared into a "failed" skip naming it (`describe` words it); an exception while a
file is read ends that file with a "failed" skip, keeping its records before it. Only
`ConfigError`, `InputError`, `EngineError` and `IndexStoreError` end a run; `OutputError` ends
it after the work.
"""

from __future__ import annotations


class DedupError(Exception):
    """Base class of every error raised by dedup; its message is a single line."""

    def __str__(self) -> str:
        return " ".join(super().__str__().split())


class ConfigError(DedupError, ValueError):
    """An option or configuration value is invalid (a usage error)."""


class InputError(DedupError):
    """A path given by the user is missing or unreadable: the run cannot go on."""


class EngineError(DedupError):
    """A run on several processes or machines could not complete (a worker process died, a
    Dask cluster failed); no partial report is ever returned."""


class OutputError(DedupError):
    """A report could not be written whole (a full disk, a closed standard output, a directory
    that cannot hold the temporary file it is written to first): the message names the file
    the user gave (or "standard output") and why, ``cannot write /dev/full: No space left on
    device``."""

    def __init__(self, target: str, reason: str) -> None:
        super().__init__(f"cannot write {target}: {reason}")


class IndexStoreError(DedupError):
    """A persistent index (`dedup.Index`) cannot be opened or used: it is missing, corrupt, not a
    dedup index, unreachable, or was built with other settings (the message names the setting).
    The index is left untouched."""


class RecordError(DedupError):
    """One record (a file, a line, a WARC record) is unusable; it is skipped, the run goes on."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = " ".join(reason.split())


def describe(exc: BaseException, limit: int = 300) -> str:
    """An unexpected exception as one printable line (type and message, at most `limit`
    characters): the reason of a "failed" skip, where a record or a file met a bug or a limit
    of a library rather than a rule of ours."""
    text = " ".join(f"{type(exc).__name__}: {exc}".split())
    return "".join(c if c.isprintable() else "?" for c in text)[:limit]
