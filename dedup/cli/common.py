"""What every command shares: the stderr console and the one printer of its lines (`say`), the
one-line fatal error, writing a report."""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from pathlib import Path

import typer
from rich.console import Console

from dedup.output.literal import literal

#: stderr: progress bars (on a terminal) and the lines `say` prints
err = Console(stderr=True, highlight=False, markup=False, emoji=False)


def say(line: str) -> None:
    """Print one line on stderr, literally: a file name, id or reason in it that holds control
    characters, bidi controls or Rich markup is shown escaped (`dedup.output.literal`), never
    acted on. Every error, warning and summary line goes through here."""
    err.print(literal(line), soft_wrap=True)


def fail(message: str, code: int = 1) -> typer.Exit:
    say(f"dedup: error: {message}")
    return typer.Exit(code)


def check_output(output: Path | None) -> None:
    """Fail before any work if `output` cannot be written where it is asked for."""
    if output is not None and not output.resolve().parent.is_dir():
        raise fail(f"{output}: the directory to write the report in does not exist")


def write_output(text: str, output: Path | None) -> None:
    """`text` as UTF-8 to stdout, or to `output` whole: written to a temporary file beside it,
    then renamed, so that a reader never sees half a report and an old one is replaced at once
    (keeping its mode; a new one gets the umask's). What is not a regular file (a device, a
    named pipe) is written to as it is, never replaced; ``-`` is stdout.
    Encoding cannot fail: what UTF-8 cannot hold (a file name that was not UTF-8, kept by Python
    as lone surrogates) is written as a backslash escape (``\udcff``, which JSON reads back).
    Raises OSError (the caller words it: `os_failure`); on stdout, one that names "standard
    output" (a full disk, a closed descriptor), so that a report that could not be written whole
    is exit 1 with one line, never a truncated file and exit 0."""
    data = text.encode("utf-8", "backslashreplace")
    if output is None or str(output) == "-":
        _write_stdout(data)
        return
    target = output.resolve()
    if target.exists() and not target.is_file():
        # a device, a named pipe: written to as it is, never replaced by a regular file
        with open(target, "wb") as fh:
            fh.write(data)
        return
    mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else _new_file_mode()
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _new_file_mode() -> int:
    """The mode a new file gets under the process's umask (0o666 minus the umask)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _write_stdout(data: bytes) -> None:
    try:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    except BrokenPipeError:
        raise  # the reader went away: `dedup.cli.main` ends quietly
    except OSError as exc:
        # what stays in the buffer would fail again when Python flushes it at exit, printing a
        # second message: send it nowhere
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        raise OSError(exc.errno, exc.strerror, "standard output") from exc


def os_failure(exc: OSError) -> typer.Exit:
    """The one-line error for a file that could not be written."""
    return fail(f"{getattr(exc, 'filename', '') or ''}: {exc.strerror or exc}".lstrip(": "))
