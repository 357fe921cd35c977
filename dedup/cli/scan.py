"""`dedup scan`: find copies in a pile of articles and print the report."""

from __future__ import annotations

import io
import os
import sys
from typing import Annotated

import typer

from dedup.api import scan
from dedup.cli.common import (
    check_output,
    config_failure,
    fail,
    os_failure,
    progress_bars,
    report_width,
    say,
    write_output,
)
from dedup.cli.options import (
    MATCHING,
    PERFORMANCE,
    DateField,
    Delimiter,
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
    ReportFormat,
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
from dedup.output import FORMATS, input_warnings, render, summary_line

_D = ScanConfig()


def scan_cmd(
    paths: Paths,
    input_format: InputFormat = "auto",
    id_field: IdField = "id",
    text_field: TextField = "text",
    html_field: HtmlField = "html",
    url_field: UrlField = "url",
    date_field: DateField = "date",
    site_field: SiteField = "site",
    title_field: TitleField = "title",
    delimiter: Delimiter = None,
    max_file_bytes: MaxFileBytes = _D.input.max_file_bytes,
    max_record_bytes: MaxRecordBytes = _D.input.max_record_bytes,
    shingle_size: Annotated[
        int, typer.Option(metavar="N", help="Words per shingle.", rich_help_panel=MATCHING)
    ] = _D.shingle.size,
    num_perm: Annotated[
        int, typer.Option(metavar="N", help="MinHash permutations.", rich_help_panel=MATCHING)
    ] = _D.minhash.num_perm,
    bands: Annotated[
        int,
        typer.Option(
            metavar="N", help="LSH bands (must divide --num-perm).", rich_help_panel=MATCHING
        ),
    ] = _D.minhash.bands,
    min_sentences: MinSentences = _D.verify.min_sentences,
    min_coverage: MinCoverage = _D.verify.min_coverage,
    min_shared: MinShared = _D.verify.min_shared,
    cross_lingual: Annotated[
        bool,
        typer.Option(
            "--cross-lingual",
            help="Also find translations: articles in another language that translate a story"
            " (matched on names, numbers and dates).",
            rich_help_panel=MATCHING,
        ),
    ] = False,
    fmt: ReportFormat = None,
    output: Output = None,
    max_listed_skips: MaxListedSkips = _D.report.max_listed_skips,
    quiet: Quiet = False,
    jobs: ScanJobs = None,
    fast_extract: FastExtract = _D.extract.fast,
    engine: Annotated[
        str,
        typer.Option(
            metavar="ENGINE",
            help="local (this machine, --jobs processes) or dask (a Dask cluster).",
            rich_help_panel=PERFORMANCE,
        ),
    ] = "local",
    scheduler: Annotated[
        str | None,
        typer.Option(
            metavar="URL",
            help="With --engine dask: a running scheduler, e.g. tcp://host:8786.",
            rich_help_panel=PERFORMANCE,
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            metavar="N",
            help="With --engine dask and no --scheduler: local worker processes [default: 2].",
            rich_help_panel=PERFORMANCE,
        ),
    ] = None,
) -> None:
    """Scan PATHS for copies of the same story and print a report."""
    if fmt is None:
        fmt = "table" if sys.stdout.isatty() and output is None else "json"
    n_jobs = resolve_scan_jobs(jobs)
    if engine not in ("local", "dask"):
        raise fail(f"unknown --engine {engine!r}; choose local or dask", 2)
    if engine == "local" and scheduler is not None:
        raise fail("--scheduler needs --engine dask", 2)
    if engine == "local" and workers is not None:
        raise fail("--workers needs --engine dask (for --engine local, see --jobs)", 2)
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
                delimiter,
            ),
            extract=ExtractConfig(fast=fast_extract),
            shingle=ShingleConfig(size=shingle_size),
            minhash=MinHashConfig(num_perm=num_perm, bands=bands),
            verify=verify_config(min_sentences, min_coverage, min_shared),
            crosslingual=CrossLingualConfig(enabled=cross_lingual),
            report=report_config(max_listed_skips),
        )
        dask_engine = (
            DaskEngine(scheduler=scheduler, workers=2 if workers is None else workers)
            if engine == "dask"
            else None
        )
    except ConfigError as exc:
        raise config_failure(exc) from None
    check_output(output)
    try:
        with progress_bars(not quiet) as hook:
            report = scan(paths, config, progress=hook, jobs=n_jobs, engine=dask_engine)
        write_output(render(report, fmt, report_width(output)), output)
    except DedupError as exc:
        raise fail(str(exc)) from None
    except BrokenPipeError:
        raise  # the reader of stdout went away: `dedup.cli.main` ends quietly
    except OSError as exc:
        raise os_failure(exc) from None
    for line in input_warnings(report.skipped):
        say(line)
    if not quiet and not _table_on_this_terminal(fmt, output):
        say(summary_line(report))


def _table_on_this_terminal(fmt: str, output: object) -> bool:
    """True when the table goes to stdout and stdout and stderr are one terminal: its last
    lines already give the counts, so the summary line is not printed again below them."""
    if fmt != "table" or (output is not None and str(output) != "-"):
        return False
    try:
        out, err_ = os.fstat(sys.stdout.fileno()), os.fstat(sys.stderr.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        return False
    same = (out.st_dev, out.st_ino, out.st_rdev) == (err_.st_dev, err_.st_ino, err_.st_rdev)
    return sys.stdout.isatty() and sys.stderr.isatty() and same
