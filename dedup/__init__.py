"""dedup: find where a news story has been copied.

Public API::

    import dedup
    report = dedup.scan(["crawl/"], config=dedup.ScanConfig())
    for cluster in report.clusters:
        print(cluster.origin, [m.id for m in cluster.copies])

    with dedup.Index.open("seen.db") as index:      # persistent: new articles vs all seen
        index.add(["crawl/"])
        matches = index.query(dedup.Document("new-1", text))
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dedup.api import scan
    from dedup.config import (
        CrossLingualConfig,
        ExtractConfig,
        InputConfig,
        MinHashConfig,
        ScanConfig,
        ShingleConfig,
        VerifyConfig,
    )
    from dedup.engines import DaskEngine
    from dedup.errors import (
        ConfigError,
        DedupError,
        EngineError,
        IndexStoreError,
        InputError,
        RecordError,
    )
    from dedup.index import AddResult, Index, IndexMatch, IndexStats, QueryReport, QueryResult
    from dedup.model import Cluster, Document, Member, Report, Similarity, Skip, Stats
    from dedup.signature import MinHasher

__version__ = "0.1.0"

# The public names, imported from their modules on first use (PEP 562): `import dedup.prepare`
# in a worker process, or `dedup --help`, then loads only what it needs.
_WHERE = {
    "scan": "dedup.api",
    "DaskEngine": "dedup.engines",
    "MinHasher": "dedup.signature",
    **dict.fromkeys(
        (
            "CrossLingualConfig",
            "ExtractConfig",
            "InputConfig",
            "MinHashConfig",
            "ScanConfig",
            "ShingleConfig",
            "VerifyConfig",
        ),
        "dedup.config",
    ),
    **dict.fromkeys(
        (
            "ConfigError",
            "DedupError",
            "EngineError",
            "IndexStoreError",
            "InputError",
            "RecordError",
        ),
        "dedup.errors",
    ),
    **dict.fromkeys(
        ("AddResult", "Index", "IndexMatch", "IndexStats", "QueryReport", "QueryResult"),
        "dedup.index",
    ),
    **dict.fromkeys(
        ("Cluster", "Document", "Member", "Report", "Similarity", "Skip", "Stats"),
        "dedup.model",
    ),
}


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module 'dedup' has no attribute {name!r}")
    value = getattr(importlib.import_module(where), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "AddResult",
    "Cluster",
    "ConfigError",
    "CrossLingualConfig",
    "DaskEngine",
    "DedupError",
    "Document",
    "EngineError",
    "ExtractConfig",
    "Index",
    "IndexMatch",
    "IndexStats",
    "IndexStoreError",
    "InputConfig",
    "InputError",
    "Member",
    "MinHashConfig",
    "MinHasher",
    "QueryReport",
    "QueryResult",
    "RecordError",
    "Report",
    "ScanConfig",
    "ShingleConfig",
    "Similarity",
    "Skip",
    "Stats",
    "VerifyConfig",
    "__version__",
    "scan",
]
