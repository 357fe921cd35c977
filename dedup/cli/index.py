"""`dedup index add|query|stats|remove`: a persistent index, to check each new article against
everything seen before. The index is a file path (SQLite) or ``redis://host:port/db``; give it
with ``--index`` or the ``DEDUP_INDEX`` environment variable."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dedup.cli.common import (
    Command,
    Group,
    check_output,
    config_failure,
    fail,
    progress_bars,
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
    Jobs,
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
    ReportFormat,
    SiteField,
    TextField,
    TextFormat,
    TitleField,
    UrlField,
    check_format,
    extract_config,
    input_options,
    report_config,
    resolve_jobs,
    verify_config,
)
from dedup.config import (
    DUPLICATE_POLICIES,
    CrossLingualConfig,
    MinHashConfig,
    ScanConfig,
    ShingleConfig,
)
from dedup.errors import ConfigError, DedupError, OutputError
from dedup.output import input_warnings, warning_lines
from dedup.output.index import (
    QUERY_FORMATS,
    add_summary,
    dumps,
    query_summary,
    remove_summary,
    stats_text,
)

if TYPE_CHECKING:
    from dedup.index import Index

index_app = typer.Typer(
    help="A persistent index: is a new article a copy of anything seen before, and of what?",
    no_args_is_help=True,
    cls=Group,
)

_D = ScanConfig()
_TEXT_FORMATS = ("text", "json")

IndexOpt = Annotated[
    str,
    typer.Option(
        "--index",
        "-i",
        envvar="DEDUP_INDEX",
        metavar="INDEX",
        help="The index: a file (SQLite, created by `add`) or redis://host:port/db.",
        rich_help_panel=INPUT,
    ),
]


def _open(
    location: str,
    create: bool,
    settings: tuple[int | None, int | None, int | None] = (None, None, None),
    cross_lingual: bool = False,
) -> Index:
    """Open the index; with signature settings given (or `cross_lingual`: a new index holds
    cross-lingual data, an existing one must), they must be the index's."""
    from dedup.index import Index

    size, num_perm, bands = settings
    if size is None and num_perm is None and bands is None and not cross_lingual:
        return Index.open(location, None, create=create)
    try:
        cfg = ScanConfig(
            shingle=ShingleConfig(shingle_size=_D.shingle.shingle_size if size is None else size),
            minhash=MinHashConfig(
                num_perm=_D.minhash.num_perm if num_perm is None else num_perm,
                bands=_D.minhash.bands if bands is None else bands,
            ),
            crosslingual=CrossLingualConfig(enabled=cross_lingual),
        )
    except ConfigError as exc:
        raise config_failure(exc) from None
    return Index.open(location, cfg, create=create)


def _print(text: str, output: Path | None = None) -> None:
    """`text` to stdout (or `output`); a failed write is the one-line error, exit 1."""
    try:
        write_output(text, output)
    except OutputError as exc:
        raise fail(str(exc)) from None


@index_app.command("add", cls=Command)
def add_cmd(
    ctx: typer.Context,
    paths: Paths,
    index: IndexOpt,
    on_duplicate: Annotated[
        str,
        typer.Option(
            metavar="POLICY",
            help="An id already in the index: refuse (keep the indexed one, list the record as "
            "skipped) or replace it.",
            rich_help_panel=INPUT,
        ),
    ] = "refuse",
    input_format: InputFormat = "auto",
    id_field: IdField = "id",
    text_field: TextField = "text",
    html_field: HtmlField = "html",
    url_field: UrlField = "url",
    date_field: DateField = "date",
    site_field: SiteField = "site",
    title_field: TitleField = "title",
    date_format: DateFormat = None,
    paragraph_separator: ParagraphSeparator = None,
    delimiter: Delimiter = None,
    max_file_bytes: MaxFileBytes = _D.input.max_file_bytes,
    max_record_bytes: MaxRecordBytes = _D.input.max_record_bytes,
    shingle_size: Annotated[
        int | None,
        typer.Option(
            metavar="N",
            help="Words per shingle (new index) [default: 5].",
            rich_help_panel=MATCHING,
        ),
    ] = None,
    num_perm: Annotated[
        int | None,
        typer.Option(
            metavar="N",
            help="MinHash permutations (new index) [default: 255].",
            rich_help_panel=MATCHING,
        ),
    ] = None,
    bands: Annotated[
        int | None,
        typer.Option(
            metavar="N", help="LSH bands (new index) [default: 85].", rich_help_panel=MATCHING
        ),
    ] = None,
    cross_lingual: Annotated[
        bool,
        typer.Option(
            "--cross-lingual",
            help="(New index) also store each article's language and anchors (names, numbers,"
            " dates), so that `query --cross-lingual` finds translations; an existing index must"
            " have been built with it (it then stores them for every add, with or without it).",
            rich_help_panel=MATCHING,
        ),
    ] = False,
    fmt: TextFormat = "text",
    max_listed_skips: MaxListedSkips = _D.report.max_listed_skips,
    quiet: Quiet = False,
    extractor: Extractor = _D.extract.extractor,
    fast_extract: FastExtract = _D.extract.fast,
    batch_size: Annotated[
        int,
        typer.Option(
            metavar="N",
            help="Documents written a transaction (a crash loses at most one).",
            rich_help_panel=PERFORMANCE,
        ),
    ] = 10_000,
    jobs: Jobs = None,
) -> None:
    """Add the articles under PATHS to the index (created if missing)."""
    check_format(fmt, _TEXT_FORMATS)
    n_jobs = resolve_jobs(jobs)
    if on_duplicate not in DUPLICATE_POLICIES:
        raise fail(
            f"unknown --on-duplicate {on_duplicate!r}; choose one of "
            f"{', '.join(DUPLICATE_POLICIES)}",
            2,
        )
    if batch_size < 1:
        raise fail(f"--batch-size must be at least 1, got {batch_size}", 2)
    try:
        inp = input_options(ctx.params)
        rep = report_config(max_listed_skips)
        extract = extract_config(extractor, fast_extract)
    except ConfigError as exc:
        raise config_failure(exc, ("unknown extractor", "unknown --extractor")) from None
    try:
        with _open(index, True, (shingle_size, num_perm, bands), cross_lingual) as ix:
            ix.config = replace(ix.config, input=inp, extract=extract, report=rep)
            with progress_bars(not quiet) as hook:
                result = ix.add(
                    paths,
                    on_duplicate="replace" if on_duplicate == "replace" else "refuse",
                    jobs=n_jobs,
                    batch_size=batch_size,
                    progress=hook,
                )
    except DedupError as exc:
        raise fail(str(exc)) from None
    if fmt == "json":
        _print(dumps(result.to_dict()))
    for line in [*input_warnings(result.skipped), *warning_lines(result.unread_dates)]:
        say(line)
    if not quiet:
        say(add_summary(result))


@index_app.command("query", cls=Command)
def query_cmd(
    ctx: typer.Context,
    paths: Paths,
    index: IndexOpt,
    input_format: InputFormat = "auto",
    id_field: IdField = "id",
    text_field: TextField = "text",
    html_field: HtmlField = "html",
    url_field: UrlField = "url",
    date_field: DateField = "date",
    site_field: SiteField = "site",
    title_field: TitleField = "title",
    date_format: DateFormat = None,
    paragraph_separator: ParagraphSeparator = None,
    delimiter: Delimiter = None,
    max_file_bytes: MaxFileBytes = _D.input.max_file_bytes,
    max_record_bytes: MaxRecordBytes = _D.input.max_record_bytes,
    min_sentences: MinSentences = _D.verify.min_sentences,
    min_coverage: MinCoverage = _D.verify.min_coverage,
    min_shared: MinShared = _D.verify.min_shared,
    cross_lingual: Annotated[
        bool,
        typer.Option(
            "--cross-lingual",
            help="Also find translations: indexed articles in another language that translate"
            " the queried one (the index must have been built with --cross-lingual).",
            rich_help_panel=MATCHING,
        ),
    ] = False,
    fmt: ReportFormat = None,
    output: Output = None,
    limit: Annotated[
        int | None,
        typer.Option(
            metavar="N",
            help="At most this many matches a document, best first.",
            rich_help_panel=OUTPUT,
        ),
    ] = None,
    max_listed_skips: MaxListedSkips = _D.report.max_listed_skips,
    quiet: Quiet = False,
    jobs: Jobs = None,
    extractor: Extractor = _D.extract.extractor,
    fast_extract: FastExtract = _D.extract.fast,
) -> None:
    """Check each article under PATHS against the index: its verified matches, best first."""
    if fmt is None:
        fmt = "table" if sys.stdout.isatty() and output is None else "json"
    check_format(fmt, list(QUERY_FORMATS))
    n_jobs = resolve_jobs(jobs)
    check_output(output, paths, {"--index": index if "://" not in index else None})
    if limit is not None and limit < 1:
        raise fail(f"--limit must be at least 1, got {limit}", 2)
    try:
        inp = input_options(ctx.params)
        verify = verify_config(min_sentences, min_coverage, min_shared)
        rep = report_config(max_listed_skips)
        extract = extract_config(extractor, fast_extract)
    except ConfigError as exc:
        raise config_failure(exc, ("unknown extractor", "unknown --extractor")) from None
    try:
        with _open(index, False) as ix:
            ix.config = replace(
                ix.config,
                input=inp,
                extract=extract,
                verify=verify,
                crosslingual=replace(ix.config.crosslingual, enabled=cross_lingual),
                report=rep,
            )
            with progress_bars(not quiet) as hook:
                report = ix.query_many(paths, limit=limit, jobs=n_jobs, progress=hook)
    except DedupError as exc:
        raise fail(str(exc)) from None
    _print(QUERY_FORMATS[fmt](report), output)
    for line in [*input_warnings(report.skipped), *warning_lines(report.unread_dates)]:
        say(line)
    if not quiet:
        say(query_summary(report))


@index_app.command("stats", cls=Command)
def stats_cmd(
    index: IndexOpt,
    fmt: TextFormat = "text",
    check: Annotated[
        bool,
        typer.Option(help="Also read the whole index for damage (slow); exit 1 if any."),
    ] = False,
) -> None:
    """What the index holds and the settings it was built with."""
    check_format(fmt, _TEXT_FORMATS)
    try:
        with _open(index, False) as ix:
            stats = ix.stats()
            problems = ix.check() if check else []
    except DedupError as exc:
        raise fail(str(exc)) from None
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise fail(f"{stats.location}: damaged: {problems[0]}{more}")
    out = stats.to_dict()
    if check:
        out["check"] = "ok"
    _print(dumps(out) if fmt == "json" else stats_text(stats, checked=check))


@index_app.command("remove", cls=Command)
def remove_cmd(
    ids: Annotated[list[str], typer.Argument(help="Ids of the documents to remove.")],
    index: IndexOpt,
    fmt: TextFormat = "text",
    quiet: Quiet = False,
) -> None:
    """Remove documents from the index by id (ids not in it are listed, not an error)."""
    check_format(fmt, _TEXT_FORMATS)
    try:
        with _open(index, False) as ix:
            result = ix.remove(ids)
    except DedupError as exc:
        raise fail(str(exc)) from None
    if fmt == "json":
        _print(dumps(result.to_dict()))
    if not quiet:
        say(remove_summary(result))
