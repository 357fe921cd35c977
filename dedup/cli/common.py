"""What every command shares: the stderr console and the one printer of its lines (`say`), the
one-line fatal error (a settings error worded with the flags: `config_failure`), the help's
look (`Command`), progress bars, writing a report."""

from __future__ import annotations

import os
import re
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from dedup.errors import ConfigError, OutputError
from dedup.model import ProgressHook
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


#: settings a ConfigError names in words, or by a one-word field, and their flags
_WORDED = {
    "shingle size": "--shingle-size",
    "unknown input format": "unknown --input-format",
    "bands": "--bands",
    "delimiter": "--delimiter",
    "workers": "--workers",
    "since": "--since",
    "until": "--until",
    "top": "--top",
    "sort": "--sort",
    "window": "--window",
}
#: a settings field named in a ConfigError: ``min_coverage``, ``num_perm``
_FIELD = re.compile(r"(?<![\w-])([a-z]+(?:_[a-z]+)+)(?![\w-])")


def config_failure(exc: ConfigError, *renames: tuple[str, str]) -> typer.Exit:
    """The usage error (exit 2) for invalid settings, the settings named as the flags that set
    them (``--min-coverage must be in (0, 1]``, not the config field ``min_coverage``): every
    setting the command line sets is the field of the same name (``--num-perm``:
    ``num_perm``); `renames`: (words, the same naming the flag) pairs of a command's own."""
    message = _FIELD.sub(lambda m: "--" + m.group(1).replace("_", "-"), str(exc))
    for words, flag in renames:
        message = message.replace(words, flag)
    for words, flag in _WORDED.items():
        message = re.sub(rf"(?<![\w-]){words}(?![\w-])", flag, message)
    return fail(message, 2)


class _Argument(TyperArgument):
    """An argument shown by its metavar alone (``PATH...``), in the usage line and the help,
    without typer's internal type (``<list[Path]>``) or braces (``{paths}...``)."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None

    def _usage_display_name(self) -> str:
        return self.metavar or self.name.upper()


#: what an option's value is called in the help when it does not say (``--jobs N``), by type
_METAVARS = {"int": "N", "float": "NUMBER", "str": "TEXT", "Path": "PATH"}


def _plain(params: Any) -> Any:
    """`params` as the help shows them plainly (see `Command`)."""
    for p in params:
        if getattr(p, "help", None) and not getattr(p, "_escaped", False):
            # help texts are plain text: "[default: ...]" is not Rich markup
            p.help = escape(p.help)
            p._escaped = True
        if isinstance(p, TyperArgument) and not isinstance(p, _Argument):
            p.__class__ = _Argument
        elif getattr(p, "metavar", "") is None:
            if getattr(p, "is_flag", False) or getattr(p, "count", False):
                p.metavar = ""
            elif isinstance(p, TyperOption):
                p.metavar = _METAVARS.get(p.bare_type(), "VALUE")
    return params


class Command(TyperCommand):
    """A command whose help names values plainly: ``--jobs N``, ``PATH...``, nothing after a
    flag (typer would show ``<int>``, ``{paths}...``, ``--quiet -q <bool>``)."""

    def get_params(self, ctx: Any) -> Any:
        return _plain(super().get_params(ctx))


class Group(TyperGroup):
    """A group of commands whose own options are shown as `Command` shows them."""

    def get_params(self, ctx: Any) -> Any:
        return _plain(super().get_params(ctx))


class _Bars:
    """Progress bars on stderr, one per stage (`ProgressHook`)."""

    def __init__(self, progress: Progress) -> None:
        self._p = progress
        self._tasks: dict[str, TaskID] = {}

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if stage not in self._tasks:
            self._tasks[stage] = self._p.add_task(stage, total=total)
        self._p.update(self._tasks[stage], completed=done, total=total)


class _Done(ProgressColumn):
    """How far a stage is: the share done when its total is known (``42%``), else the count
    so far (``1,024``: documents read, whose number is not known before they are)."""

    def render(self, task: Task) -> Text:
        if task.total is None:
            return Text(f"{int(task.completed):,}")
        return Text(f"{task.percentage:>3.0f}%")


class _Left(ProgressColumn):
    """The time a stage still needs (``ETA 0:01:12``) when its total is known, else the time
    it has run."""

    def __init__(self) -> None:
        super().__init__()
        self._remaining = TimeRemainingColumn()
        self._elapsed = TimeElapsedColumn()

    def render(self, task: Task) -> Text:
        if task.total is None:
            return self._elapsed.render(task)
        return Text("ETA ") + self._remaining.render(task)


@contextmanager
def progress_bars(show: bool, console: Console | None = None) -> Iterator[ProgressHook | None]:
    """A progress hook drawing bars on stderr (or `console`) while the block runs when `show`
    and it is a terminal (the bars are removed at the end), else None. A stage whose total is
    known shows the share done and the time left; one whose total is not, the count so far and
    the time it has run."""
    console = console or err
    if not (show and console.is_terminal):
        yield None
        return
    columns = (TextColumn("{task.description:>8}"), BarColumn(), _Done(), _Left())
    with Progress(*columns, console=console, transient=True) as bar:
        yield _Bars(bar)


def report_width(output: Path | None) -> int | None:
    """The width a table is laid out to: the terminal's (or ``$COLUMNS``) when it goes to
    stdout on a terminal or ``$COLUMNS`` is set, else None (the renderer's fixed width, so
    that a report written to a file is the same wherever it is made)."""
    if output is not None and str(output) != "-":
        return None
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if sys.stdout.isatty():
        return os.get_terminal_size(sys.stdout.fileno()).columns
    return None


def check_output(
    output: Path | None,
    inputs: Sequence[Path] = (),
    others: Mapping[str, str | Path | None] | None = None,
    flag: str = "--output",
) -> None:
    """Fail before any work if `output` (given as `flag`) cannot be written where it is asked
    for, or would replace what the command reads or writes besides: one of `inputs` (the same
    file, or an existing file under an input directory) or one of `others`, the files other
    flags name (``{"--index": ..., "--graph": ...}``). Usage error, exit 2, one line."""
    if output is None or str(output) == "-":
        return
    if not output.resolve().parent.is_dir():
        raise fail(f"{output}: the directory to write the report in does not exist")
    for path in inputs:
        if str(path) != "-" and _holds(path, output):
            raise fail(f"{flag} {output} is an input file: writing it would replace it", 2)
    for other_flag, other in (others or {}).items():
        if other is not None and str(other) != "-" and _same_file(Path(other), output):
            raise fail(f"{flag} {output} is the {other_flag} file: name another file", 2)


def _same_file(a: Path, b: Path) -> bool:
    """Whether `a` and `b` name one file (a link to it, another spelling of its path)."""
    try:
        return os.path.samefile(a, b)
    except OSError:  # one does not exist yet
        return a.resolve() == b.resolve()


def _holds(path: Path, output: Path) -> bool:
    """Whether `output` is an input that `path` names: `path` itself, or an existing file under
    `path` when it is a directory (which is walked recursively). What is not a regular file
    (a device, a named pipe) is never replaced (`write_output`), so holds nothing."""
    if output.exists() and not output.is_file():
        return False
    if path.is_dir():
        return output.exists() and output.resolve().is_relative_to(path.resolve())
    return _same_file(path, output)


def write_output(text: str, output: Path | None) -> None:
    """`text` as UTF-8 to stdout, or to `output` whole (`write_chunks`). Encoding cannot fail:
    what UTF-8 cannot hold (a file name that was not UTF-8, kept by Python as lone surrogates)
    is written as a backslash escape (``\\udcff``, which JSON reads back)."""
    write_chunks([text.encode("utf-8", "backslashreplace")], output)


def write_chunks(chunks: Iterable[bytes], output: Path | None) -> None:
    """`chunks` to stdout as they come, or to `output` whole: written to a temporary file
    beside it, then renamed, so that a reader never sees half a report and an old one is
    replaced at once (keeping its mode; a new one gets the umask's). What is not a regular file
    (a device, a named pipe) is written to as it is, never replaced; ``-`` is stdout.
    Raises OutputError naming the file the user named, `output` or "standard output", never a
    temporary file: a report that could not be written whole
    (a full disk, a closed descriptor) is exit 1 with one line, never a truncated file and
    exit 0."""
    if output is None or str(output) == "-":
        _write_stdout(chunks)
        return
    try:
        _write_file(chunks, output)
    except BrokenPipeError:
        raise  # a named pipe's reader went away: `dedup.cli.main` ends quietly
    except OSError as exc:
        raise OutputError(str(output), exc.strerror or str(exc)) from exc


def _write_file(chunks: Iterable[bytes], output: Path) -> None:
    target = output.resolve()
    if target.exists() and not target.is_file():
        # a device, a named pipe: written to as it is, never replaced by a regular file
        with open(target, "wb") as fh:
            _write_to(chunks, fh)
        return
    mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else _new_file_mode()
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            _write_to(chunks, fh)
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _write_to(chunks: Iterable[bytes], fh: BinaryIO) -> None:
    for chunk in chunks:
        fh.write(chunk)
    fh.flush()


def _new_file_mode() -> int:
    """The mode a new file gets under the process's umask (0o666 minus the umask)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _write_stdout(chunks: Iterable[bytes]) -> None:
    try:
        sys.stdout.flush()
        _write_to(chunks, sys.stdout.buffer)
    except BrokenPipeError:
        raise  # the reader went away: `dedup.cli.main` ends quietly
    except OSError as exc:
        # what stays in the buffer would fail again when Python flushes it at exit, printing a
        # second message: send it nowhere
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        raise OutputError("standard output", exc.strerror or str(exc)) from exc


def os_failure(exc: OSError) -> typer.Exit:
    """The one-line error for a file that could not be read or written."""
    return fail(f"{getattr(exc, 'filename', '') or ''}: {exc.strerror or exc}".lstrip(": "))
