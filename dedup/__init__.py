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
