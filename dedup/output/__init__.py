"""Renderers of a Report: `table`, `json`, `jsonl`, `csv`, `sites`. Each returns the whole
text.

`html` (`render_page`) also shows the members' texts, read again from the scan's inputs."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from dedup.config import ScanConfig
from dedup.errors import ConfigError
from dedup.model import Report, Skip, UnreadDates, plural
from dedup.output.html import render_html
from dedup.output.sites import render_sites
from dedup.output.table import not_listed, render_table
from dedup.output.text import render_csv, render_json, render_jsonl
from dedup.sources import Input
from dedup.sources.csvfile import DELIMITER_HINT
from dedup.sources.records import NO_TEXT
from dedup.texts import report_documents

FORMATS: dict[str, Callable[[Report], str]] = {
    "table": render_table,
    "json": render_json,
    "jsonl": render_jsonl,
    "csv": render_csv,
    "sites": render_sites,
}
#: formats that show the members' texts: rendered by `render_page` from the report and inputs
PAGE_FORMATS = ("html",)

__all__ = [
    "FORMATS",
    "PAGE_FORMATS",
    "input_warnings",
    "render",
    "render_page",
    "summary_line",
    "warning_lines",
]


def render(report: Report, fmt: str, width: int | None = None) -> str:
    """The report in format `fmt` (a table laid out to `width` columns, if given);
    ConfigError for an unknown format."""
    if fmt in PAGE_FORMATS:
        raise ConfigError(f"format {fmt!r} shows the members' texts: use render_page")
    if fmt == "table" and width is not None:
        return render_table(report, width)
    try:
        return FORMATS[fmt](report)
    except KeyError:
        raise ConfigError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}") from None


def render_page(
    report: Report, fmt: str, inputs: Iterable[Input], cfg: ScanConfig | None = None
) -> str:
    """The report in format `fmt`, one of `FORMATS` or `PAGE_FORMATS`: ``html`` reads the texts
    of its members again from `inputs` (the scan's, with its config `cfg`) to show the
    passages they share."""
    if fmt == "html":
        docs = report_documents(report, inputs, cfg)
        return render_html(report, {i: d.text for i, d in docs.items()})
    return render(report, fmt)


def warning_lines(unread_dates: Sequence[UnreadDates]) -> list[str]:
    """The warnings printed on stderr after a scan or an index add or query: each source and
    field whose dates could not be read (`Report.unread_dates`)."""
    return [f"dedup: warning: {u}" for u in unread_dates]


def summary_line(report: Report) -> str:
    """One line of counts, as printed on stderr after every scan."""
    s = report.stats
    return (
        f"read {plural(s.read, 'record')} from {plural(s.files, 'file')}: {s.extracted} scanned, "
        f"{s.skipped} skipped, {s.failed} failed; {plural(s.clusters, 'cluster')}, "
        f"{plural(s.copies, 'copy', 'copies')}"
        + (f", {plural(s.translation_pairs, 'translation pair')}" if s.translation_pairs else "")
        + not_listed(report.unlisted)
    )


def input_warnings(skipped: Sequence[Skip]) -> list[str]:
    """The lines printed on stderr for skips a user must act on, once a file: a file none of
    whose records has text (the skip names the fields there are and the option that maps
    them; a large JSONL file read in parts has such a skip a part), and a CSV file whose
    header looks delimited by a character that was not found (`--delimiter`)."""
    seen: set[str] = set()
    out: list[str] = []
    for s in skipped:
        if s.source not in seen and (s.reason.startswith(NO_TEXT) or DELIMITER_HINT in s.reason):
            seen.add(s.source)
            out.append(f"dedup: warning: {s}")
    return out
