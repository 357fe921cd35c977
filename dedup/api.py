"""`dedup.scan`: checks its arguments, chooses an engine and returns its report.

The order of the stages is each engine's (`dedup.engines`); the stages are modules of their own
(see ARCHITECTURE.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from dedup.comparison import Comparison, compare_inputs
from dedup.config import DaskEngine, ScanConfig
from dedup.engines import local
from dedup.errors import ConfigError
from dedup.filters import apply as apply_filters
from dedup.model import ProgressHook, Report, no_progress
from dedup.sources import Input, as_inputs


def scan(
    inputs: Input | Iterable[Input],
    config: ScanConfig | None = None,
    progress: ProgressHook | None = None,
    jobs: int | None = 1,
    engine: DaskEngine | None = None,
) -> Report:
    """Find copies among `inputs`: paths to files or directories (``"-"`` is standard input)
    and/or `Document`s; one path or one Document may be given alone (``scan("x.jsonl")``).

    `config`: every setting (`ScanConfig`; None: the defaults). `progress`: called as
    ``progress(stage, done, total)`` while the scan runs (`total` None when unknown).

    Returns a `Report`: clusters of verified copies (every member's Jaccard and containment
    against the origin are exact), the counts of what was read, extracted, skipped and failed,
    and the skipped records with their reasons (at most `ReportConfig.max_listed_skips` of a
    file and kind of reason listed, the others counted: `Report.unlisted`). Raises
    `InputError` for a missing path or an unreadable directory and `ConfigError` for invalid
    settings; bad records never raise.
    Same inputs and config give the same report, whatever the order of `inputs` and `jobs`
    (the number of processes reading, extracting and signing: this one and ``jobs - 1``
    workers; None: all cores, or this one alone for an input too small to repay starting
    workers, see `dedup.engines.pool.auto_jobs`).
    With `engine` (``dedup.DaskEngine(...)``) the scan runs on a Dask cluster instead (`jobs`
    is then unused) and returns the same report.
    """
    inputs = as_inputs(inputs)
    cfg = config or ScanConfig()
    if not isinstance(cfg, ScanConfig):
        raise ConfigError("config must be a dedup.ScanConfig")
    if jobs is not None and (not isinstance(jobs, int) or jobs < 1):
        raise ConfigError(f"jobs must be at least 1, got {jobs}")
    hook = progress or no_progress
    if engine is not None:
        from dedup.engines.dask import driver  # dask is imported by Dask scans only

        return apply_filters(driver.run(list(inputs), cfg, engine, hook), cfg.report)
    return apply_filters(local.run(list(inputs), cfg, jobs, hook), cfg.report)


def compare(
    inputs: Sequence[Input],
    ids: tuple[str, str] | None = None,
    config: ScanConfig | None = None,
) -> Comparison:
    """Compare two documents with THE copy rule (`dedup.comparison`): `inputs` are two files
    (or `Document`s) of one document each, or, with `ids`, any inputs holding the documents of
    those two ids. Returns a `Comparison` (passages, figures, verdict and reason); raises
    `InputError` naming the input or id that does not give one document, `ConfigError` for
    invalid settings."""
    cfg = config or ScanConfig()
    if not isinstance(cfg, ScanConfig):
        raise ConfigError("config must be a dedup.ScanConfig")
    return compare_inputs(list(inputs), ids, cfg)
