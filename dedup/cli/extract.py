"""`dedup extract`: what a scan sees of each record (`dedup.extract_documents`), as JSONL."""

from __future__ import annotations

import json
from collections.abc import Iterable

import typer

from dedup.api import extract_documents
from dedup.cli.common import check_output, config_failure, fail, os_failure, say, write_chunks
from dedup.cli.options import (
    DateField,
    DateFormat,
    Delimiter,
    Extractor,
    HtmlField,
    IdField,
    InputFormat,
    MaxFileBytes,
    MaxListedSkips,
    MaxRecordBytes,
    Output,
    ParagraphSeparator,
    Paths,
    Quiet,
    SiteField,
    TextField,
    TitleField,
    UrlField,
    extract_config,
    input_options,
    report_config,
)
from dedup.config import ScanConfig
from dedup.errors import ConfigError, DedupError
from dedup.model import Extraction, Skip, SkipLog, plural
from dedup.output.table import not_listed

_D = ScanConfig()


def extract_cmd(
    ctx: typer.Context,
    paths: Paths,
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
    max_listed_skips: MaxListedSkips = _D.report.max_listed_skips,
    quiet: Quiet = False,
) -> None:
    """Print what a scan of PATHS sees of each record, one JSON object a line: id, source,
    url, site, title, date, language, text. Skipped records are listed and counted on stderr."""
    try:
        config = ScanConfig(
            input=input_options(ctx.params),
            extract=extract_config(extractor),
            report=report_config(max_listed_skips),
        )
    except ConfigError as exc:
        raise config_failure(exc) from None
    check_output(output, paths)
    skips = SkipLog(config.report.max_listed_skips)
    counts = {"read": 0, "extracted": 0}

    def lines() -> Iterable[bytes]:
        for item in extract_documents(paths, config):
            counts["read"] += 1
            if isinstance(item, Skip):
                skips.add(item)
                continue
            counts["extracted"] += 1
            yield _line(item)

    try:
        write_chunks(lines(), output)
    except DedupError as exc:
        raise fail(str(exc)) from None
    except BrokenPipeError:
        raise  # the reader of stdout went away: `dedup.cli.main` ends quietly
    except OSError as exc:
        raise os_failure(exc) from None
    if not quiet:
        for skip in skips.listed():
            say(f"{skip.status}: {skip}")
        for unlisted in skips.unlisted():
            say(str(unlisted))
        say(
            f"read {plural(counts['read'], 'record')}: {counts['extracted']} extracted, "
            f"{skips.skipped} skipped, {skips.failed} failed" + not_listed(skips.unlisted())
        )


def _line(item: Extraction) -> bytes:
    """One JSONL line; what UTF-8 cannot hold (a lone surrogate) written as a JSON escape."""
    text = json.dumps(item.to_dict(), ensure_ascii=False) + "\n"
    return text.encode("utf-8", "backslashreplace")
