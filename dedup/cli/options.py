"""Options and argument checks shared by the commands (`scan`, `index ...`)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer

from dedup.cli.common import fail
from dedup.config import (
    EXTRACTORS,
    INPUT_FORMATS,
    ExtractConfig,
    InputConfig,
    ReportConfig,
    VerifyConfig,
)
from dedup.engines.pool import default_jobs
from dedup.errors import ConfigError

_INPUT = InputConfig()

#: the panels options are grouped in by `--help`
INPUT, MATCHING, OUTPUT, PERFORMANCE = "Input", "Matching", "Output", "Performance"

Paths = Annotated[
    list[Path],
    typer.Argument(
        metavar="PATH...",
        help="Files or directories (walked recursively); - is standard input.",
        show_default=False,
    ),
]
InputFormat = Annotated[
    str,
    typer.Option(
        metavar="FORMAT",
        help=f"Force the input format: {', '.join(INPUT_FORMATS)} (auto: by extension; "
        "standard input: by its first bytes).",
        rich_help_panel=INPUT,
    ),
]


def _field(what: str) -> Any:
    return typer.Option(
        metavar="NAME", help=f"JSONL/CSV/JSON field of the {what}.", rich_help_panel=INPUT
    )


IdField = Annotated[str, _field("id")]
TextField = Annotated[str, _field("text")]
HtmlField = Annotated[str, _field("HTML")]
UrlField = Annotated[str, _field("URL")]
DateField = Annotated[str, _field("date")]
SiteField = Annotated[str, _field("site")]
TitleField = Annotated[str, _field("title")]
Delimiter = Annotated[
    str | None,
    typer.Option(
        metavar="CHAR",
        help="CSV delimiter (\\t for a tab) [default: a tab for .tsv, else found in the header "
        "line: comma, tab, ; or |].",
        rich_help_panel=INPUT,
    ),
]
DateFormat = Annotated[
    str | None,
    typer.Option(
        metavar="FORMAT",
        help="strptime format of the dates, e.g. '%d/%m/%Y' [read: ISO 8601, RFC 2822 and "
        "common forms; 07/08/2018 is July 8].",
        rich_help_panel=INPUT,
    ),
]
ParagraphSeparator = Annotated[
    str | None,
    typer.Option(
        metavar="TEXT",
        help="A paragraph break other than a line break, e.g. ' ### ' [found in each text: a "
        "repeated run such as ' ### ' or ' *** '].",
        rich_help_panel=INPUT,
    ),
]
MaxFileBytes = Annotated[
    int,
    typer.Option(
        metavar="BYTES",
        help="Read at most this many bytes of one file (after decompression); "
        "the rest is a skip [default: 1 GiB].",
        show_default=False,
        rich_help_panel=INPUT,
    ),
]
MaxRecordBytes = Annotated[
    int,
    typer.Option(
        metavar="BYTES",
        help="A record (JSONL line, CSV row, text file), HTML page or WARC response body over "
        "this many bytes is a skip [default: 16 MiB].",
        show_default=False,
        rich_help_panel=INPUT,
    ),
]
FastExtract = Annotated[
    bool,
    typer.Option(
        help="Deprecated: the same as --extractor fast (trafilatura without its fallbacks).",
        rich_help_panel=PERFORMANCE,
    ),
]
Extractor = Annotated[
    str,
    typer.Option(
        metavar="NAME",
        help=f"HTML extractor: {', '.join(EXTRACTORS)} (README: Extraction).",
        rich_help_panel=PERFORMANCE,
    ),
]
#: --jobs means the same in every command that reads articles: processes, this one and N-1
#: workers; not given, all cores (a scan: one for a small input, `dedup.engines.pool.auto_jobs`)
JOBS_HELP = (
    "Processes reading, extracting and signing: this one and N-1 workers [default: all "
    "cores; a scan of under ~32 MB of text or HTML: one]."
)
Jobs = Annotated[
    int | None,
    typer.Option("--jobs", "-j", metavar="N", help=JOBS_HELP, rich_help_panel=PERFORMANCE),
]
ScanJobs = Jobs
ReportFormat = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help="table, json, jsonl or csv [default: table on a terminal, else json].",
        rich_help_panel=OUTPUT,
    ),
]
ScanFormat = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help="table, json, jsonl, csv, sites, or html (a page for a browser: --output FILE) "
        "[default: table on a terminal, else json].",
        rich_help_panel=OUTPUT,
    ),
]
TextFormat = Annotated[
    str,
    typer.Option("--format", "-f", metavar="FORMAT", help="text or json.", rich_help_panel=OUTPUT),
]
Output = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write the report to FILE (- is stdout) [default: stdout].",
        rich_help_panel=OUTPUT,
    ),
]
Quiet = Annotated[
    bool,
    typer.Option(
        "--quiet", "-q", help="No summary line or progress on stderr.", rich_help_panel=OUTPUT
    ),
]
MaxListedSkips = Annotated[
    int,
    typer.Option(
        metavar="N",
        help="Skipped records listed a file and kind of reason; the others are only counted.",
        rich_help_panel=OUTPUT,
    ),
]


#: the input options every command reading articles has (scan, compare, extract, index add,
#: index query), by parameter name: `input_options` reads them
INPUT_OPTIONS = (
    "input_format",
    "id_field",
    "text_field",
    "html_field",
    "url_field",
    "date_field",
    "site_field",
    "title_field",
    "delimiter",
    "date_format",
    "paragraph_separator",
    "max_file_bytes",
    "max_record_bytes",
)


def input_options(given: Mapping[str, Any]) -> InputConfig:
    """The input settings of the reading options (`INPUT_OPTIONS`) among the parameters a
    command was given (``ctx.params``); ConfigError names what is wrong."""
    values: dict[str, Any] = {name: given[name] for name in INPUT_OPTIONS}
    if values["delimiter"] == "\\t":
        values["delimiter"] = "\t"
    return InputConfig(**values)


def resolve_jobs(jobs: int | None) -> int:
    jobs = default_jobs() if jobs is None else jobs
    if jobs < 1:
        raise fail(f"--jobs must be at least 1, got {jobs}", 2)
    return jobs


def resolve_scan_jobs(jobs: int | None) -> int | None:
    """--jobs of `dedup scan`: not given (None), the scan chooses
    (`dedup.engines.pool.auto_jobs`)."""
    return None if jobs is None else resolve_jobs(jobs)


def check_format(fmt: str, choices: tuple[str, ...] | list[str]) -> None:
    if fmt not in choices:
        raise fail(f"unknown --format {fmt!r}; choose one of {', '.join(choices)}", 2)


MinSentences = Annotated[
    int,
    typer.Option(
        metavar="N",
        help="Copy: sentences of the shorter text that must be shared.",
        rich_help_panel=MATCHING,
    ),
]
MinCoverage = Annotated[
    float,
    typer.Option(
        metavar="SHARE",
        help="Copy: share of the shorter text's words that must be in shared passages.",
        rich_help_panel=MATCHING,
    ),
]
MinShared = Annotated[
    int,
    typer.Option(
        metavar="N", help="Copy: shared shingles needed at least.", rich_help_panel=MATCHING
    ),
]


def verify_config(min_sentences: int, min_coverage: float, min_shared: int) -> VerifyConfig:
    """The verification settings of the copy-rule options; ConfigError names the option."""
    return VerifyConfig(
        min_sentences=min_sentences, min_coverage=min_coverage, min_shared=min_shared
    )


def extract_config(extractor: str, fast_extract: bool = False) -> ExtractConfig:
    """The HTML extraction settings of --extractor (and the deprecated --fast-extract);
    ConfigError names the option."""
    try:
        return ExtractConfig(extractor=extractor, fast=fast_extract)
    except ConfigError:
        raise ConfigError(
            f"unknown --extractor {extractor!r}; choose one of {', '.join(EXTRACTORS)}"
        ) from None


def report_config(max_listed_skips: int) -> ReportConfig:
    """What the report lists; ConfigError names the option."""
    try:
        return ReportConfig(max_listed_skips=max_listed_skips)
    except ConfigError:
        raise ConfigError(
            f"--max-listed-skips must be at least 0, got {max_listed_skips}"
        ) from None
