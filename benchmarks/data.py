"""Where the benchmarks' real data lives: the one place that computes the data directory.

The data sets are read-only folders beside the repository (``../shared/data``, each with its
SOURCE.md); the ``DEDUP_DATA`` environment variable points elsewhere. Nothing is copied into the
repository. Every benchmark and evaluation set asks `dataset_dir` for its folder, which names the
missing folder in one line when the data is not there.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

#: The repository root (the folder holding ``benchmarks/`` and ``dedup/``).
REPO_ROOT = Path(__file__).resolve().parents[1]
#: Environment variable that overrides the data directory.
DATA_ENV = "DEDUP_DATA"


class MissingDataError(FileNotFoundError):
    """A data set's folder is not there (its message is one line naming the folder)."""


def data_dir() -> Path:
    """The data directory: ``$DEDUP_DATA`` if set, else ``../shared/data`` beside the repository.

    Read at each call, so a changed ``DEDUP_DATA`` takes effect without re-importing.
    """
    override = os.environ.get(DATA_ENV)
    return Path(override) if override else REPO_ROOT.parent / "shared" / "data"


def dataset_dir(name: str) -> Path:
    """The folder of the named data set (e.g. ``"news_bbc_2225"``).

    Raises `MissingDataError` with a one-line message naming the missing folder and how to point
    the benchmarks at the data when the folder does not exist.
    """
    path = data_dir() / name
    if not path.is_dir():
        raise MissingDataError(
            f"data set {name!r} not found: {path} is not a directory "
            f"(set {DATA_ENV} to the folder holding the data sets)"
        )
    return path


def run(main: Callable[[], int | None]) -> NoReturn:
    """Run a benchmark's `main` as a program: its exit status, or one line on stderr and exit
    status 2 when its data is missing (no traceback)."""
    try:
        raise SystemExit(main())
    except MissingDataError as exc:
        print(f"{Path(sys.argv[0]).stem}: error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def cpu_model() -> str:
    """The CPU's model name (Linux ``/proc/cpuinfo``), printed with every timing table: the
    ratios between methods depend on it."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"
