"""`dedup compare`: two articles side by side, the passages they share and the verdict of the
copy rule with its reason."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from dedup.api import compare
from dedup.cli.common import check_output, config_failure, fail, os_failure, write_output
from dedup.cli.options import (
    DateField,
    DateFormat,
    Delimiter,
    Extractor,
    FastExtract,
    HtmlField,
    IdField,
    InputFormat,
    MaxFileBytes,
    MaxRecordBytes,
    MinCoverage,
    MinSentences,
    MinShared,
    Output,
    ParagraphSeparator,
    Paths,
    SiteField,
    TextField,
    TitleField,
    UrlField,
    check_format,
    extract_config,
    input_options,
    verify_config,
)
from dedup.config import ScanConfig
from dedup.errors import ConfigError, DedupError
from dedup.output.compare import render_compare, render_compare_json

_D = ScanConfig()
_FORMATS = ("text", "json")


def compare_cmd(
    ctx: typer.Context,
    paths: Paths,
    ids: Annotated[
        tuple[str, str] | None,
        typer.Option(
            "--ids",
            help="Compare the documents of these two ids (--ids ID1 ID2), read from PATHS; "
            "without it PATHS are two files of one article each.",
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="text or json (default: text)."),
    ] = None,
    width: Annotated[
        int | None,
        typer.Option(help="Columns of the text view (default: the terminal's, else 80)."),
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
    delimiter: Delimiter = None,
    date_format: DateFormat = None,
    paragraph_separator: ParagraphSeparator = None,
    max_file_bytes: MaxFileBytes = _D.input.max_file_bytes,
    max_record_bytes: MaxRecordBytes = _D.input.max_record_bytes,
    extractor: Extractor = _D.extract.extractor,
    fast_extract: FastExtract = _D.extract.fast,
    min_sentences: MinSentences = _D.verify.min_sentences,
    min_coverage: MinCoverage = _D.verify.min_coverage,
    min_shared: MinShared = _D.verify.min_shared,
) -> None:
    """Compare two articles: A and B side by side with their shared passages marked, the
    figures, and whether B is a copy of A (or A of B) under the copy rule, and why."""
    fmt = fmt or "text"
    check_format(fmt, _FORMATS)
    if ids is None and len(paths) != 2:
        raise fail(f"give two files to compare (got {len(paths)}), or --ids ID1 ID2", 2)
    if width is not None and width < 40:
        raise fail(f"--width must be at least 40, got {width}", 2)
    try:
        config = ScanConfig(
            input=input_options(ctx.params),
            extract=extract_config(extractor, fast_extract),
            verify=verify_config(min_sentences, min_coverage, min_shared),
        )
    except ConfigError as exc:
        raise config_failure(exc, ("unknown extractor", "unknown --extractor")) from None
    check_output(output, paths)
    tty = sys.stdout.isatty() and output is None
    try:
        result = compare(paths, ids, config)
        if fmt == "json":
            text = render_compare_json(result)
        else:
            cols = width or (typer.get_terminal_size()[0] if tty else 80)
            text = render_compare(result, width=cols, color=tty)
        write_output(text, output)
    except DedupError as exc:
        raise fail(str(exc)) from None
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise os_failure(exc) from None
