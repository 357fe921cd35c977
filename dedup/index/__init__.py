"""Candidate generation (LSH banding of MinHash signatures) and the persistent index built on
it: `Index` with an SQLite (default) or a Redis back end."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from dedup.index.lsh import band_keys, candidate_pairs

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

# imported on first use (PEP 562): a scan needs `lsh` only, not the stores
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
    "band_keys",
    "candidate_pairs",
]
