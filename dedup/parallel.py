"""Running `prepare_chunk` over a stream of records, in this process or in N worker processes.

Chunks are submitted in input order and their results consumed in the same order, with at most
a few chunks in flight per worker, so the output is identical for any number of jobs and memory
stays bounded. Workers are started with "forkserver" where the platform has it (never "fork":
the parent may run threads, e.g. the progress display).
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor

from dedup.config import ScanConfig
from dedup.model import Document
from dedup.prepare import Prepared, prepare_chunk
from dedup.sources import RawRecord

#: work units a chunk: 256 plain texts (enough for vectorised signing to pay off) or 16 HTML
#: pages (extraction is ~90% of the cost: small chunks spread it evenly over the workers;
#: measured in benchmarks/bench_scan.py, 1.25x -> 1.6x at --jobs 2)
CHUNK_RECORDS = 256
HTML_WEIGHT = 16
_IN_FLIGHT_PER_JOB = 3


def default_jobs() -> int:
    """All the cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def _weight(item: RawRecord | Document) -> int:
    """Relative cost of preparing a record: extracting an HTML page costs ~16 plain texts."""
    return HTML_WEIGHT if isinstance(item, RawRecord) and item.html is not None else 1


def _chunks(
    items: Iterable[RawRecord | Document], size: int
) -> Iterator[list[RawRecord | Document]]:
    """Consecutive chunks of about `size` units of work (16 HTML pages or 256 texts)."""
    chunk: list[RawRecord | Document] = []
    weight = 0
    for item in items:
        chunk.append(item)
        weight += _weight(item)
        if weight >= size:
            yield chunk
            chunk, weight = [], 0
    if chunk:
        yield chunk


def prepare_all(
    items: Iterable[RawRecord | Document], cfg: ScanConfig, jobs: int = 1
) -> Iterator[tuple[int, Prepared]]:
    """(records in the chunk, prepared chunk) for consecutive chunks of `items`, in order."""
    if jobs <= 1:
        for chunk in _chunks(items, CHUNK_RECORDS):
            yield len(chunk), prepare_chunk(chunk, cfg)
        return
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
        pending: deque[tuple[int, Future[Prepared]]] = deque()
        for chunk in _chunks(items, CHUNK_RECORDS):
            pending.append((len(chunk), pool.submit(prepare_chunk, chunk, cfg)))
            if len(pending) >= jobs * _IN_FLIGHT_PER_JOB:
                n, fut = pending.popleft()
                yield n, fut.result()
        while pending:
            n, fut = pending.popleft()
            yield n, fut.result()
