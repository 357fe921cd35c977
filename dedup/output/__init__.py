"""Renderers of a Report: `table`, `json`, `jsonl`, `csv`. Each returns the whole text."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from dedup.errors import ConfigError
from dedup.model import Report, Skip
from dedup.output.literal import plural
from dedup.output.table import not_listed, render_table
from dedup.output.text import render_csv, render_json, render_jsonl
from dedup.sources.records import NO_TEXT

FORMATS: dict[str, Callable[[Report], str]] = {
    "table": render_table,
    "json": render_json,
    "jsonl": render_jsonl,
    "csv": render_csv,
}

__all__ = ["FORMATS", "input_warnings", "render", "summary_line"]


def render(report: Report, fmt: str, width: int | None = None) -> str:
    """The report in format `fmt` (a table laid out to `width` columns, if given);
    ConfigError for an unknown format."""
    if fmt == "table" and width is not None:
        return render_table(report, width)
    try:
        return FORMATS[fmt](report)
    except KeyError:
        raise ConfigError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}") from None


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
    """The lines printed on stderr for skips a user must act on: a file none of whose records
    has text (the skip names the fields there are and the option that maps them), once a file
    (a large JSONL file read in parts has such a skip a part)."""
    seen: set[str] = set()
    out: list[str] = []
    for s in skipped:
        if s.reason.startswith(NO_TEXT) and s.source not in seen:
            seen.add(s.source)
            out.append(f"dedup: warning: {s}")
    return out
