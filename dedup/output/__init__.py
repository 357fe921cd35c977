"""Renderers of a Report: `table`, `json`, `jsonl`, `csv`. Each returns the whole text."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from dedup.errors import ConfigError
from dedup.model import Report, UnreadDates
from dedup.output.table import not_listed, render_table
from dedup.output.text import render_csv, render_json, render_jsonl

FORMATS: dict[str, Callable[[Report], str]] = {
    "table": render_table,
    "json": render_json,
    "jsonl": render_jsonl,
    "csv": render_csv,
}

__all__ = ["FORMATS", "render", "summary_line", "warning_lines"]


def render(report: Report, fmt: str) -> str:
    """The report in format `fmt`; ConfigError for an unknown format."""
    try:
        return FORMATS[fmt](report)
    except KeyError:
        raise ConfigError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}") from None


def warning_lines(unread_dates: Sequence[UnreadDates]) -> list[str]:
    """The warnings printed on stderr after a scan or an index add or query: each source and
    field whose dates could not be read (`Report.unread_dates`)."""
    return [f"dedup: warning: {u}" for u in unread_dates]


def summary_line(report: Report) -> str:
    """One line of counts, as printed on stderr after every scan."""
    s = report.stats
    return (
        f"read {s.read} records from {s.files} files: {s.extracted} scanned, {s.skipped} skipped, "
        f"{s.failed} failed; {s.clusters} clusters, {s.copies} copies"
        + (f", {s.translation_pairs} translation pairs" if s.translation_pairs else "")
        + not_listed(report.unlisted)
    )
