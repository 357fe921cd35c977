"""Renderers of a Report: `table`, `json`, `jsonl`, `csv`, `sites`. Each returns the whole
text."""

from __future__ import annotations

from collections.abc import Callable

from dedup.errors import ConfigError
from dedup.model import Report
from dedup.output.sites import render_sites
from dedup.output.table import not_listed, render_table
from dedup.output.text import render_csv, render_json, render_jsonl

FORMATS: dict[str, Callable[[Report], str]] = {
    "table": render_table,
    "json": render_json,
    "jsonl": render_jsonl,
    "csv": render_csv,
    "sites": render_sites,
}

__all__ = ["FORMATS", "render", "summary_line"]


def render(report: Report, fmt: str) -> str:
    """The report in format `fmt`; ConfigError for an unknown format."""
    try:
        return FORMATS[fmt](report)
    except KeyError:
        raise ConfigError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}") from None


def summary_line(report: Report) -> str:
    """One line of counts, as printed on stderr after every scan."""
    s = report.stats
    return (
        f"read {s.read} records from {s.files} files: {s.extracted} scanned, {s.skipped} skipped, "
        f"{s.failed} failed; {s.clusters} clusters, {s.copies} copies"
        + (f", {s.translation_pairs} translation pairs" if s.translation_pairs else "")
        + not_listed(report.unlisted)
    )
