"""`dedup scan`: find copies in a pile of articles and print the report."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from dedup.api import scan
from dedup.cli.common import check_output, err, fail, os_failure, say, write_output
from dedup.cli.options import (
    DateField,
    Extractor,
    FastExtract,
    HtmlField,
    IdField,
    InputFormat,
    MaxFileBytes,
    MaxListedSkips,
    MaxRecordBytes,
    MinCoverage,
    MinSentences,
    MinShared,
    Output,
    Paths,
    Quiet,
    ScanJobs,
    SiteField,
    TextField,
    TitleField,
    UrlField,
    check_format,
    input_config,
    report_config,
    resolve_scan_jobs,
    verify_config,
)
from dedup.config import (
    CrossLingualConfig,
    DaskEngine,
    ExtractConfig,
    MinHashConfig,
    ScanConfig,
    ShingleConfig,
)
from dedup.errors import ConfigError, DedupError
from dedup.model import ProgressHook
from dedup.output import FORMATS, render, summary_line

_D = ScanConfig()


class _RichProgress:
    """Progress bars on stderr, one per stage."""

    def __init__(self, progress: Progress) -> None:
        self._p = progress
        self._tasks: dict[str, TaskID] = {}

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if stage not in self._tasks:
            self._tasks[stage] = self._p.add_task(stage, total=total)
        self._p.update(self._tasks[stage], completed=done, total=total)


def scan_cmd(
    paths: Paths,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="table, json, jsonl or csv [default: table on a terminal, else json]",
        ),
    ] = None,
    output: Output = None,
    input_format: InputFormat = "auto",
    id_field: IdField = "id",
    text_field: TextField = "text",
    html_field: HtmlField = "html",
    url_field: UrlField = "url",
    date_field: DateField = "date",
    site_field: SiteField = "site",
    title_field: TitleField = "title",
    max_file_bytes: MaxFileBytes = _D.input.max_file_bytes,
    max_record_bytes: MaxRecordBytes = _D.input.max_record_bytes,
    extractor: Extractor = _D.extract.extractor,
    fast_extract: FastExtract = _D.extract.fast,
    shingle_size: Annotated[int, typer.Option(help="Words per shingle.")] = _D.shingle.size,
    num_perm: Annotated[int, typer.Option(help="MinHash permutations.")] = _D.minhash.num_perm,
    bands: Annotated[
        int, typer.Option(help="LSH bands (must divide --num-perm).")
    ] = _D.minhash.bands,
    min_sentences: MinSentences = _D.verify.min_sentences,
    min_coverage: MinCoverage = _D.verify.min_coverage,
    min_shared: MinShared = _D.verify.min_shared,
    jobs: ScanJobs = None,
    cross_lingual: Annotated[
        bool,
        typer.Option(
            "--cross-lingual",
            help="Also find translations: articles in another language that translate a story"
            " (matched on names, numbers and dates).",
        ),
    ] = False,
    engine: Annotated[
        str, typer.Option(help="local (this machine, --jobs processes) or dask (a Dask cluster).")
    ] = "local",
    scheduler: Annotated[
        str | None,
        typer.Option(help="With --engine dask: a running scheduler, e.g. tcp://host:8786."),
    ] = None,
    workers: Annotated[
        int, typer.Option(help="With --engine dask and no --scheduler: local worker processes.")
    ] = 2,
    max_listed_skips: MaxListedSkips = _D.report.max_listed_skips,
    quiet: Quiet = False,
) -> None:
    """Scan PATHS for copies of the same story and print a report."""
    if fmt is None:
        fmt = "table" if sys.stdout.isatty() and output is None else "json"
    n_jobs = resolve_scan_jobs(jobs)
    if engine not in ("local", "dask"):
        raise fail(f"unknown --engine {engine!r}; choose local or dask", 2)
    if engine == "local" and scheduler is not None:
        raise fail("--scheduler needs --engine dask", 2)
    check_format(fmt, list(FORMATS))
    try:
        config = ScanConfig(
            input=input_config(
                input_format,
                id_field,
                text_field,
                html_field,
                url_field,
                date_field,
                site_field,
                title_field,
                max_file_bytes,
                max_record_bytes,
            ),
            extract=ExtractConfig(extractor=extractor, fast=fast_extract),
            shingle=ShingleConfig(size=shingle_size),
            minhash=MinHashConfig(num_perm=num_perm, bands=bands),
            verify=verify_config(min_sentences, min_coverage, min_shared),
            crosslingual=CrossLingualConfig(enabled=cross_lingual),
            report=report_config(max_listed_skips),
        )
        dask_engine = DaskEngine(scheduler=scheduler, workers=workers) if engine == "dask" else None
    except ConfigError as exc:
        raise fail(str(exc).replace("unknown extractor", "unknown --extractor"), 2) from None
    check_output(output)
    try:
        if err.is_terminal and not quiet:
            columns = (
                TextColumn("{task.description:>8}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
            )
            with Progress(*columns, console=err, transient=True) as bar:
                hook: ProgressHook = _RichProgress(bar)
                report = scan(paths, config, progress=hook, jobs=n_jobs, engine=dask_engine)
        else:
            report = scan(paths, config, jobs=n_jobs, engine=dask_engine)
        write_output(render(report, fmt), output)
    except DedupError as exc:
        raise fail(str(exc)) from None
    except BrokenPipeError:
        raise  # the reader of stdout went away: `dedup.cli.main` ends quietly
    except OSError as exc:
        raise os_failure(exc) from None
    if not quiet:
        say(summary_line(report))
