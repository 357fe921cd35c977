"""The persistent index: `Index` with an SQLite (default) or a Redis back end, calling the
scan's own stages (preparation through `dedup.engines.pool`, `dedup.candidates`,
`dedup.verify`, `dedup.crosslingual`). Its names load on first use (PEP 562), so that the CLI
can render index results (`dedup.index.results`) without loading the stores."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dedup.config import DUPLICATE_POLICIES
    from dedup.index.persistent import Index
    from dedup.index.results import (
        AddResult,
        IndexMatch,
        IndexStats,
        QueryReport,
        QueryResult,
        RemoveResult,
    )

_WHERE = {
    "DUPLICATE_POLICIES": "dedup.config",
    "Index": "dedup.index.persistent",
    **dict.fromkeys(
        ("AddResult", "IndexMatch", "IndexStats", "QueryReport", "QueryResult", "RemoveResult"),
        "dedup.index.results",
    ),
}


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module 'dedup.index' has no attribute {name!r}")
    value = getattr(importlib.import_module(where), name)
    globals()[name] = value
    return value


__all__ = [
    "DUPLICATE_POLICIES",
    "AddResult",
    "Index",
    "IndexMatch",
    "IndexStats",
    "QueryReport",
    "QueryResult",
    "RemoveResult",
]
