"""Candidate generation (LSH banding of MinHash signatures) and the persistent index built on
it: `Index` with an SQLite (default) or a Redis back end."""

from dedup.index.lsh import band_keys, candidate_pairs
from dedup.index.persistent import DUPLICATE_POLICIES, Index
from dedup.index.results import (
    AddResult,
    IndexMatch,
    IndexStats,
    QueryReport,
    QueryResult,
    RemoveResult,
)

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
