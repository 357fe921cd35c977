"""`dedup.scan`: checks its arguments, chooses an engine and returns its report;
`dedup.extract_documents`: what a scan would see of each record, without scanning.

The order of the stages is each engine's (`dedup.engines`); the stages are modules of their own
(see ARCHITECTURE.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import chain, islice

from dedup.comparison import Comparison, compare_inputs
from dedup.config import DaskEngine, ScanConfig
from dedup.engines import local
from dedup.errors import ConfigError
from dedup.filters import apply as apply_filters
from dedup.language import detect_languages
from dedup.model import Document, Extraction, ProgressHook, Report, Skip, no_progress
from dedup.prepare import document_or_skip
from dedup.sources import Input, as_inputs, gather, read_file

#: records extracted before their languages are identified together (`detect_languages`)
EXTRACT_BATCH = 256


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
    ``progress(stage, done, total)`` while the scan runs (`total` None when unknown; stage
    "prepare" counts the input in bytes of files and characters of documents, its total known
    from the first call).

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


def extract_documents(
    inputs: Iterable[Input], config: ScanConfig | None = None
) -> Iterator[Extraction | Skip]:
    """What a scan of `inputs` sees of each record, in input order (the documents given, then
    the files under the paths given, as a scan reads them): an `Extraction` (the document after
    extraction, with the language identified from its first characters), or the `Skip` saying
    why the record is not scanned (unreadable, no article text, extraction failed).

    Only `config.input` and `config.extract` are used. Raises `InputError` for a missing
    path (before anything is read) and `ConfigError` for invalid settings; bad records are
    skips. Lazy: records are read as the iterator is consumed, in this process.
    """
    cfg = config or ScanConfig()
    if not isinstance(cfg, ScanConfig):
        raise ConfigError("config must be a dedup.ScanConfig")
    planned = gather(as_inputs(inputs))
    records = chain(
        planned.documents,
        (rec for path, shown in planned.files for rec in read_file(path, shown, cfg.input)),
    )
    while chunk := list(islice(records, EXTRACT_BATCH)):
        got = [rec if isinstance(rec, Skip) else document_or_skip(rec, cfg) for rec in chunk]
        docs = [g for g in got if isinstance(g, Document)]
        languages = iter(detect_languages([d.text for d in docs]))
        for g in got:
            yield g if isinstance(g, Skip) else Extraction(g, next(languages))
