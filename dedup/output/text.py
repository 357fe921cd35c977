"""Machine-readable renderers: JSON, JSON Lines, CSV. Deterministic byte for byte."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from dedup.model import Report

CSV_COLUMNS = (
    "cluster",
    "origin",
    "role",
    "id",
    "url",
    "site",
    "title",
    "date",
    "language",
    "jaccard",
    "containment",
    "reuse",
    "credit",
    "source",
)


def _dumps(obj: Any, indent: int | None = None) -> str:
    return json.dumps(
        obj, ensure_ascii=False, indent=indent, separators=None if indent else (",", ":")
    )


def render_json(report: Report) -> str:
    """The whole report: ``{"stats": ..., "clusters": [...], "skipped": [...]}``."""
    return _dumps(report.to_dict(), indent=2) + "\n"


def render_jsonl(report: Report) -> str:
    """One cluster a line (the counts go to stderr with the summary line)."""
    return "".join(_dumps(c.to_dict()) + "\n" for c in report.clusters)


def render_csv(report: Report) -> str:
    """One cluster member a row, origin first in each cluster."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for c in report.clusters:
        for m in c.members:
            d = m.to_dict()
            w.writerow([c.id, c.origin, *("" if d[k] is None else d[k] for k in CSV_COLUMNS[2:])])
    return buf.getvalue()
