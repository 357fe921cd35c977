"""dedup: find where a news story has been copied.

Public API::

    import dedup
    report = dedup.scan(["crawl/"], config=dedup.ScanConfig())
    for cluster in report.clusters:
        print(cluster.origin, [m.id for m in cluster.copies])
"""

from dedup.api import scan
from dedup.config import (
    ExtractConfig,
    InputConfig,
    MinHashConfig,
    ScanConfig,
    ShingleConfig,
    VerifyConfig,
)
from dedup.engines import DaskEngine
from dedup.errors import ConfigError, DedupError, EngineError, InputError, RecordError
from dedup.model import Cluster, Document, Member, Report, Similarity, Skip, Stats
from dedup.signature import MinHasher

__version__ = "0.1.0"

__all__ = [
    "Cluster",
    "ConfigError",
    "DaskEngine",
    "DedupError",
    "Document",
    "EngineError",
    "ExtractConfig",
    "InputConfig",
    "InputError",
    "Member",
    "MinHashConfig",
    "MinHasher",
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
