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
    from dedup.api import compare, extract_documents, scan
    from dedup.comparison import Comparison, compare_documents
    from dedup.config import (
        CandidateConfig,
        CrossLingualConfig,
        DaskEngine,
        ExtractConfig,
        InputConfig,
        MinHashConfig,
        ReportConfig,
        ScanConfig,
        ShingleConfig,
        TemplateConfig,
        VerifyConfig,
    )
    from dedup.errors import (
        ConfigError,
        DedupError,
        EngineError,
        IndexStoreError,
        InputError,
        RecordError,
    )
    from dedup.index import AddResult, Index, IndexMatch, IndexStats, QueryReport, QueryResult
    from dedup.model import (
        Cluster,
        Document,
        Extraction,
        Match,
        Member,
        Passage,
        Report,
        Similarity,
        Skip,
        Stats,
        UnlistedSkips,
    )
    from dedup.signature import MinHasher
    from dedup.texts import documents_of, report_documents

__version__ = "0.1.0"

#: THE public API: module -> the names it gives `dedup`. `__getattr__` (PEP 562: imported on
#: first use, so `import dedup.prepare` in a worker process, or `dedup --help`, loads only what
#: it needs), `__dir__` and `__all__` are derived from it; the TYPE_CHECKING imports above
#: repeat it for type checkers (a test checks that the two agree).
PUBLIC: dict[str, tuple[str, ...]] = {
    "dedup.api": ("compare", "extract_documents", "scan"),
    "dedup.comparison": ("Comparison", "compare_documents"),
    "dedup.config": (
        "CandidateConfig",
        "CrossLingualConfig",
        "DaskEngine",
        "ExtractConfig",
        "InputConfig",
        "MinHashConfig",
        "ReportConfig",
        "ScanConfig",
        "ShingleConfig",
        "TemplateConfig",
        "VerifyConfig",
    ),
    "dedup.errors": (
        "ConfigError",
        "DedupError",
        "EngineError",
        "IndexStoreError",
        "InputError",
        "RecordError",
    ),
    "dedup.index": ("AddResult", "Index", "IndexMatch", "IndexStats", "QueryReport", "QueryResult"),
    "dedup.model": (
        "Cluster",
        "Document",
        "Extraction",
        "Match",
        "Member",
        "Passage",
        "Report",
        "Similarity",
        "Skip",
        "Stats",
        "UnlistedSkips",
    ),
    "dedup.signature": ("MinHasher",),
    "dedup.texts": ("documents_of", "report_documents"),
}
_WHERE = {name: module for module, names in PUBLIC.items() for name in names}

__all__ = sorted([*_WHERE, "__version__"])


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module 'dedup' has no attribute {name!r}")
    value = getattr(importlib.import_module(where), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return list(__all__)
