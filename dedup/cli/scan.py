"""`dedup scan`: find copies in a pile of articles and print the report."""

from __future__ import annotations

import io
import os
import sys
from dataclasses import replace
from pathlib import Path
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
    INPUT,
    MATCHING,
    OUTPUT,
    PERFORMANCE,
    DateField,
    DateFormat,
    Delimiter,
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
    ParagraphSeparator,
    Paths,
    Quiet,
    ScanFormat,
    ScanJobs,
    SiteField,
    TextField,
    TitleField,
    UrlField,
    check_format,
    extract_config,
    input_options,
    report_config,
    resolve_scan_jobs,
    verify_config,
)
from dedup.config import (
    CrossLingualConfig,
    DaskEngine,
    MinHashConfig,
    ScanConfig,
    ShingleConfig,
)
from dedup.errors import ConfigError, DedupError
from dedup.evidence import parse_span
from dedup.output import (
    FORMATS,
    PAGE_FORMATS,
    input_warnings,
    render,
    render_page,
    summary_line,
    warning_lines,
)
from dedup.output.sites import GRAPH_FORMATS

_D = ScanConfig()


def _span(option: str, text: str) -> int:
    try:
        return parse_span(text)
    except ValueError as exc:
        raise ConfigError(f"{option}: {exc}") from None


def scan_cmd(
    ctx: typer.Context,
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
    date_format: DateFormat = None,
    paragraph_separator: ParagraphSeparator = None,
    max_file_bytes: MaxFileBytes = _D.input.max_file_bytes,
    max_record_bytes: MaxRecordBytes = _D.input.max_record_bytes,
    shingle_size: Annotated[
        int, typer.Option(metavar="N", help="Words per shingle.", rich_help_panel=MATCHING)
    ] = _D.shingle.shingle_size,
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
    fmt: ScanFormat = None,
    output: Output = None,
    max_listed_skips: MaxListedSkips = _D.report.max_listed_skips,
    since: Annotated[
        str | None,
        typer.Option(
            metavar="DAY",
            help="Scan only documents published on or after this day (YYYY-MM-DD).",
            rich_help_panel=INPUT,
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(
            metavar="DAY",
            help="Scan only documents published on or before this day (YYYY-MM-DD).",
            rich_help_panel=INPUT,
        ),
    ] = None,
    window: Annotated[
        str | None,
        typer.Option(
            metavar="SPAN",
            help="Keep copies that appeared at most this long after the origin: 36h, 3d.",
            rich_help_panel=OUTPUT,
        ),
    ] = None,
    cross_site: Annotated[
        bool,
        typer.Option(
            "--cross-site", help="Drop copies on the origin's own site.", rich_help_panel=OUTPUT
        ),
    ] = False,
    min_size: Annotated[
        int,
        typer.Option(
            metavar="N", help="Keep clusters of at least N articles.", rich_help_panel=OUTPUT
        ),
    ] = 2,
    top: Annotated[
        int | None,
        typer.Option(
            metavar="N",
            help="Keep the first N clusters (in --sort order).",
            rich_help_panel=OUTPUT,
        ),
    ] = None,
    sort: Annotated[
        str,
        typer.Option(
            metavar="KEY",
            help="Cluster order: size (largest first) or date (newest first); or the site "
            "view's: site, scanned, origins, copies, credited, uncredited, delay.",
            rich_help_panel=OUTPUT,
        ),
    ] = "size",
    graph: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE",
            help="Also write the site-to-site republication graph to FILE: edges as CSV "
            "(FILE.csv) or GraphML (FILE.graphml).",
            rich_help_panel=OUTPUT,
        ),
    ] = None,
    quiet: Quiet = False,
    jobs: ScanJobs = None,
    extractor: Extractor = _D.extract.extractor,
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
    check_format(fmt, [*FORMATS, *PAGE_FORMATS])
    if fmt in PAGE_FORMATS and output in (None, Path("-")) and sys.stdout.isatty():
        raise fail(f"--format {fmt} writes a page for a browser: give --output FILE", 2)
    try:
        config = ScanConfig(
            input=input_options(ctx.params),
            extract=extract_config(extractor, fast_extract),
            shingle=ShingleConfig(shingle_size=shingle_size),
            minhash=MinHashConfig(num_perm=num_perm, bands=bands),
            verify=verify_config(min_sentences, min_coverage, min_shared),
            crosslingual=CrossLingualConfig(enabled=cross_lingual),
            report=replace(
                report_config(max_listed_skips),
                since=since,
                until=until,
                window=None if window is None else _span("--window", window),
                cross_site=cross_site,
                min_size=min_size,
                top=top,
                sort=sort,
            ),
        )
        dask_engine = (
            DaskEngine(scheduler=scheduler, workers=2 if workers is None else workers)
            if engine == "dask"
            else None
        )
    except ConfigError as exc:
        raise config_failure(exc) from None
    check_output(output, paths, {"--graph": graph})
    graph_writer = None
    if graph is not None:
        graph_writer = GRAPH_FORMATS.get(graph.suffix.lower())
        if graph_writer is None:
            raise fail(f"--graph {graph}: name a .csv or a .graphml file", 2)
        check_output(graph, paths, flag="--graph")
    try:
        with progress_bars(not quiet) as hook:
            report = scan(paths, config, progress=hook, jobs=n_jobs, engine=dask_engine)
        if fmt in PAGE_FORMATS:
            write_output(render_page(report, fmt, paths, config), output)
        else:
            write_output(render(report, fmt, report_width(output)), output)
        if graph_writer is not None and graph is not None:
            write_output(graph_writer(report), graph)
    except DedupError as exc:
        raise fail(str(exc)) from None
    except BrokenPipeError:
        raise  # the reader of stdout went away: `dedup.cli.main` ends quietly
    except OSError as exc:
        raise os_failure(exc) from None
    for line in [*input_warnings(report.skipped), *warning_lines(report.unread_dates)]:
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
