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
    "shared_sentences",
    "shared_words",
    "passages",
    "credit",
    "source",
)


#: first characters that make a spreadsheet read a cell as a formula (OWASP, "CSV injection")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A CSV cell that a spreadsheet shows as written: a text starting with ``= + - @``, a tab
    or a carriage return gets a leading ``'`` (OWASP's advice), so that a page title such as
    ``=HYPERLINK(...)`` is not run as a formula; numbers and other text are unchanged."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _dumps(obj: Any, indent: int | None = None) -> str:
    return json.dumps(
        obj, ensure_ascii=False, indent=indent, separators=None if indent else (",", ":")
    )


def render_json(report: Report) -> str:
    """The whole report: ``{"stats": ..., "clusters": [...], "matches": [...],
    "skipped": [...]}``."""
    return _dumps(report.to_dict(), indent=2) + "\n"


def render_jsonl(report: Report) -> str:
    """One cluster a line (the counts go to stderr with the summary line)."""
    return "".join(_dumps(c.to_dict()) + "\n" for c in report.clusters)


def render_csv(report: Report) -> str:
    """One cluster member a row, origin first in each cluster (text cells: `csv_cell`)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for c in report.clusters:
        for m in c.members:
            d = m.to_dict()
            d["passages"] = len(d["passages"]) if "passages" in d else None
            row = (c.id, c.origin, *(d.get(k) for k in CSV_COLUMNS[2:]))
            w.writerow([csv_cell(v) for v in row])
    return buf.getvalue()
