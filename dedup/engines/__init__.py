"""Execution engines: the local one lives in `dedup.api`; `DaskEngine` runs the same stages on
a Dask cluster (imported lazily: `dask` is only loaded when a Dask scan runs)."""

from __future__ import annotations

from dataclasses import dataclass

from dedup.errors import ConfigError


@dataclass(frozen=True, slots=True)
class DaskEngine:
    """Where and how to run a scan on Dask.

    `scheduler`: address of a running scheduler (``tcp://host:8786``); when None, a
    `LocalCluster` of `workers` worker processes is started for the scan and stopped after.
    Large uncompressed JSONL files are read in byte ranges of `partition_bytes`; documents given
    in memory are sent in chunks of `documents_per_partition`. `buckets` is the number of hash
    buckets of each shuffle (default: 4 a worker).
    """

    scheduler: str | None = None
    workers: int = 2
    partition_bytes: int = 64 * 2**20
    documents_per_partition: int = 20_000
    buckets: int | None = None
    #: seconds to wait for a `scheduler` to answer before giving up
    connect_timeout: float = 20.0

    def __post_init__(self) -> None:
        if self.workers < 1:
            raise ConfigError(f"workers must be at least 1, got {self.workers}")
        if self.partition_bytes < 1 or self.documents_per_partition < 1:
            raise ConfigError("partition sizes must be positive")
        if self.buckets is not None and self.buckets < 1:
            raise ConfigError("buckets must be positive")


__all__ = ["DaskEngine"]
