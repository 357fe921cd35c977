"""Options and argument checks shared by the commands (`scan`, `index ...`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dedup.cli.common import fail
from dedup.config import EXTRACTORS, INPUT_FORMATS, InputConfig, ReportConfig, VerifyConfig
from dedup.engines.pool import default_jobs
from dedup.errors import ConfigError

_INPUT = InputConfig()

Paths = Annotated[list[Path], typer.Argument(help="Files or directories (walked recursively).")]
InputFormat = Annotated[
    str, typer.Option(help=f"Force the input format: {', '.join(INPUT_FORMATS)}.")
]
IdField = Annotated[str, typer.Option(help="JSONL/CSV field of the id.")]
TextField = Annotated[str, typer.Option(help="JSONL/CSV field of the text.")]
HtmlField = Annotated[str, typer.Option(help="JSONL/CSV field of the HTML.")]
UrlField = Annotated[str, typer.Option(help="JSONL/CSV field of the URL.")]
DateField = Annotated[str, typer.Option(help="JSONL/CSV field of the date.")]
SiteField = Annotated[str, typer.Option(help="JSONL/CSV field of the site.")]
TitleField = Annotated[str, typer.Option(help="JSONL/CSV field of the title.")]
MaxFileBytes = Annotated[
    int,
    typer.Option(
        help="Read at most this many bytes of one file (after decompression); "
        "the rest is a skip [1 GiB]."
    ),
]
MaxRecordBytes = Annotated[
    int,
    typer.Option(
        help="A record (JSONL line, CSV row, text file), HTML page or WARC response body over "
        "this many bytes is a skip [16 MiB]."
    ),
]
FastExtract = Annotated[
    bool,
    typer.Option(
        help="Deprecated: the same as --extractor fast (trafilatura without its fallbacks)."
    ),
]
Extractor = Annotated[
    str,
    typer.Option(help=f"HTML extractor: {', '.join(EXTRACTORS)} (README: Extraction)."),
]
Jobs = Annotated[
    int | None,
    typer.Option(
        "--jobs", "-j", help="Processes preparing documents: this one and N-1 workers [all cores]."
    ),
]
ScanJobs = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        "-j",
        help="Processes reading, extracting and signing: this one and N-1 workers "
        "[all cores; one for an input under ~32 MB of text or ~13 MB of HTML].",
    ),
]
Output = Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to FILE.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No summary line on stderr.")]
MaxListedSkips = Annotated[
    int,
    typer.Option(
        help="Skipped records listed a file and kind of reason; the others are only counted.",
    ),
]


def input_config(
    input_format: str,
    id_field: str,
    text_field: str,
    html_field: str,
    url_field: str,
    date_field: str,
    site_field: str,
    title_field: str,
    max_file_bytes: int = _INPUT.max_file_bytes,
    max_record_bytes: int = _INPUT.max_record_bytes,
) -> InputConfig:
    """The input settings of the reading options; ConfigError names what is wrong."""
    return InputConfig(
        format=input_format,
        id_field=id_field,
        text_field=text_field,
        html_field=html_field,
        url_field=url_field,
        date_field=date_field,
        site_field=site_field,
        title_field=title_field,
        max_file_bytes=max_file_bytes,
        max_record_bytes=max_record_bytes,
    )


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
    int, typer.Option(help="Copy: sentences of the shorter text that must be shared.")
]
MinCoverage = Annotated[
    float,
    typer.Option(help="Copy: share of the shorter text's words that must be in shared passages."),
]
MinShared = Annotated[int, typer.Option(help="Copy: shared shingles needed at least.")]


def verify_config(min_sentences: int, min_coverage: float, min_shared: int) -> VerifyConfig:
    """The verification settings of the copy-rule options; ConfigError names the option."""
    return VerifyConfig(
        min_sentences=min_sentences, min_coverage=min_coverage, min_shared=min_shared
    )


def report_config(max_listed_skips: int) -> ReportConfig:
    """What the report lists; ConfigError names the option."""
    try:
        return ReportConfig(max_listed_skips=max_listed_skips)
    except ConfigError:
        raise ConfigError(
            f"--max-listed-skips must be at least 0, got {max_listed_skips}"
        ) from None
