"""The process-pool engine's core: `dedup.prepare.prepare_chunk` over a scan's inputs, in this
process or in N processes (this one and N-1 workers), giving `Batch`es in input order. The
local engine, the index and each Dask partition prepare through it.

Work is cut into units in input order: chunks of documents given in memory, groups of small
files and byte ranges of large JSONL files, which whoever prepares the unit reads (the texts
are not read here and shipped), and chunks of the records of large files that cannot be cut
(gzip, WARC, CSV), read here. A window of units is handed to the workers and this process
takes back the earliest one no worker has started; results are consumed in input order, so
the output is identical for any number of jobs and memory stays bounded (`prepare_units`).
Workers are started with "forkserver" where the platform has it (never "fork": the parent may
run threads, e.g. the progress display and the language model's loading), the server
importing the pipeline once for all of them.

A worker exits as soon as the process that started the pool dies, however it dies (`kill -9`
included): each holds the read end of a pipe whose only write end is in the parent, and a
thread blocked on it (no polling, no cost) ends the worker at end of file. The forkserver and
multiprocessing's resource tracker then exit by themselves (each lives while a process holding
its pipe does). A worker that dies makes the scan stop with one line (`EngineError`), not the
executor thread's traceback (`_ManagerThread`).
"""

from __future__ import annotations

import concurrent.futures.process
import multiprocessing
import os
import sys
import threading
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool, _ExecutorManagerThread
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TypeVar

from dedup.config import ScanConfig
from dedup.errors import EngineError
from dedup.model import Batch, Document, Skip, SkipLog
from dedup.prepare import prepare_chunk
from dedup.sources import FilePart, RawRecord, read_part, split_files

#: work units a chunk: 256 plain texts (enough for vectorised signing to pay off) or 16 HTML
#: pages (small chunks spread extraction evenly over the workers; measured in
#: benchmarks/bench_scan.py, 1.25x -> 1.6x at --jobs 2). A page costs 20-40 texts (CPU time of
#: `prepare_chunk`, hybrid extractor, ScrapingHub pages against BBC texts: 4.3 ms vs 0.15 ms):
#: 16 pages are ~65 ms of work, 256 texts ~40 ms
CHUNK_RECORDS = 256
HTML_WEIGHT = 16
#: units handed out a job in `prepare_units` (results held at most: this many a job)
_WINDOW_PER_JOB = 4
#: input bytes a unit of work covers: large uncompressed JSONL files are cut into ranges of
#: this size (~256 news texts), small files grouped up to it
PART_BYTES = 1 << 19
#: whole files in a unit at most (preparing an HTML page costs ~4 ms)
FILES_PER_UNIT = 16
#: a file that cannot be cut and is larger than this (decompressed) is read by the main process
#: and its records sent to the workers in chunks (one worker reading it alone would be the
#: bottleneck, and the progress display would not move until it is done)
READ_HERE_BYTES = 4 * PART_BYTES


#: `auto_jobs`: below this much work (bytes of text, HTML and WARC alike: preparing a page
#: with the hybrid extractor costs 0.025 ms a kB of HTML on ScrapingHub pages, text ~0.08 ms
#: a kB, and small pages cost more a kB than large ones; gzip bytes count 4 times)
#: one process does the scan: starting a worker (~0.4 s: a forkserver, imports, tables) and
#: shipping its results cost more than it saves. Measured with benchmarks/bench_scan.py: a
#: 22 MB JSONL file scans no faster with 2 processes, 61 MB of HTML pages 1.6x faster.
AUTO_ONE_JOB_BYTES = 32 << 20


def auto_jobs(
    documents: Sequence[Document], files: Sequence[tuple[Path, str]], cfg: ScanConfig
) -> int:
    """All the cores (`default_jobs`), or 1 when the input is too small to repay starting
    workers (`AUTO_ONE_JOB_BYTES`)."""
    cores = default_jobs()
    if cores == 1:
        return 1
    work = float(sum(len(d.text) for d in documents))
    for path, _ in files:
        try:
            size = path.stat().st_size
        except OSError:
            continue  # reading it will say what is wrong
        work += size * (4 if path.name.lower().endswith(".gz") else 1)
        if work > AUTO_ONE_JOB_BYTES:
            return cores
    return 1


def default_jobs() -> int:
    """All the cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def _weight(item: RawRecord | Document) -> int:
    """Relative cost of preparing a record: extracting an HTML page costs ~16 plain texts."""
    return HTML_WEIGHT if isinstance(item, RawRecord) and item.html is not None else 1


Item = TypeVar("Item", RawRecord | Document, RawRecord | Document | Skip)


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    """Consecutive chunks of about `size` units of work (16 HTML pages or 256 texts)."""
    chunk: list[Item] = []
    weight = 0
    for item in items:
        chunk.append(item)
        weight += _weight(item) if not isinstance(item, Skip) else 1
        if weight >= size:
            yield chunk
            chunk, weight = [], 0
    if chunk:
        yield chunk


R = TypeVar("R")


def _result(fut: Future[R]) -> R:
    """A worker's result; EngineError (one line, no traceback) if the worker process died."""
    try:
        return fut.result()
    except BrokenProcessPool as exc:
        raise EngineError(
            "a worker process died (killed, out of memory, or it could not start: workers "
            "import the main script, which must be a file that calls dedup under "
            '`if __name__ == "__main__":`) and the scan was stopped; try fewer --jobs'
        ) from exc


#: what a worker says when the main script it imports starts workers itself
NO_MAIN_GUARD = (
    "dedup: error: jobs > 1 starts worker processes, which import the main script: its "
    "top level ran dedup again in a worker. Put the code that calls dedup under "
    '`if __name__ == "__main__":`'
)


def _check_not_bootstrapping() -> None:
    """In a worker importing the main script (which then called dedup with jobs > 1 at its top
    level, outside ``if __name__ == "__main__":``): end that worker with `NO_MAIN_GUARD`, one
    line, instead of multiprocessing's traceback; the caller's pool then breaks (`_result`)."""
    if getattr(multiprocessing.current_process(), "_inheriting", False):
        print(NO_MAIN_GUARD, file=sys.stderr, flush=True)
        raise SystemExit(1)


def _context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        # workers fork from a server that imported the pipeline once (no effect if it runs)
        ctx.set_forkserver_preload(["__main__", "dedup.prepare", "dedup.engines.pool"])
        return ctx
    return multiprocessing.get_context("spawn")  # pragma: no cover - not on Linux


def _watch_parent(parent_end: Connection) -> None:
    """Worker initializer: end this worker when the pool's parent process is gone (EOF on
    `parent_end`, whose write end only the parent holds)."""

    def watch() -> None:
        try:
            parent_end.recv_bytes()
        except (EOFError, OSError):
            pass
        os._exit(1)

    threading.Thread(target=watch, name="dedup-parent-watch", daemon=True).start()


class _ManagerThread(_ExecutorManagerThread):
    """The executor's thread, without Python 3.11's bug when a worker dies while units are
    cancelled (`prepare_units` cancels a unit to do it itself): it marks them failed too, and
    `InvalidStateError` ends the thread with a traceback on stderr and leaves the other workers
    running (fixed in 3.12). Cancelled units are dropped first; one not yet cancelled is marked
    running so that it can no longer be."""

    def terminate_broken(self, cause: str) -> None:
        for work_id, item in list(self.pending_work_items.items()):
            future = item.future
            if future.running():
                continue
            if future.cancelled() or not future.set_running_or_notify_cancel():
                del self.pending_work_items[work_id]
        super().terminate_broken(cause)


class _Pool(ProcessPoolExecutor):
    """A ProcessPoolExecutor whose workers die with this process and whose thread is
    `_ManagerThread`."""

    def __init__(self, workers: int) -> None:
        # the read end goes to each worker; the write end stays here only
        self._watched, self._alive = multiprocessing.Pipe(duplex=False)
        super().__init__(
            max_workers=workers,
            mp_context=_context(),
            initializer=_watch_parent,
            initargs=(self._watched,),
        )

    def _start_executor_manager_thread(self) -> None:
        if self._executor_manager_thread is None:
            if not self._safe_to_dynamically_spawn_children:
                self._launch_processes()
            self._executor_manager_thread = _ManagerThread(self)
            self._executor_manager_thread.start()
            threads = concurrent.futures.process._threads_wakeups
            threads[self._executor_manager_thread] = self._executor_manager_thread_wakeup

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        super().shutdown(wait=wait, cancel_futures=cancel_futures)
        self._watched.close()
        self._alive.close()


def prepare_all(
    items: Iterable[RawRecord | Document], cfg: ScanConfig, jobs: int = 1
) -> Iterator[Batch]:
    """The prepared batch of each consecutive chunk of `items` (records read by the caller;
    `Batch.read` counts the chunk's records), in order: `prepare_units` of one unit a
    chunk."""
    units = (Unit(items=tuple(chunk)) for chunk in _chunks(items, CHUNK_RECORDS))
    yield from prepare_units(units, cfg, jobs)


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit of work: records already read (and reader skips), and/or file parts to read."""

    items: tuple[RawRecord | Document | Skip, ...] = ()
    parts: tuple[FilePart, ...] = ()
    #: the share of the scan's input it stands for, in `Plan.size`'s unit (for progress)
    size: int = 0


def prepare_unit(unit: Unit, cfg: ScanConfig) -> Batch:
    """Read the unit's file parts and prepare their records and the unit's: a batch counting
    the records read, with the skips of the reader and of preparation (`SkipLog`: the order
    they were met in does not matter, a report lists them in its own)."""
    reader_skips = SkipLog(cfg.report.max_listed_skips)  # bounded: a file of junk lines
    read = 0

    def records() -> Iterator[RawRecord | Document]:
        nonlocal read
        for item in unit.items:
            read += item.records if isinstance(item, Skip) else 1
            if isinstance(item, Skip):
                reader_skips.add(item)
            else:
                yield item
        for part in unit.parts:
            for rec in read_part(part, cfg.input):
                read += rec.records if isinstance(rec, Skip) else 1
                if isinstance(rec, Skip):
                    reader_skips.add(rec)
                else:
                    yield rec

    batches = [prepare_chunk(chunk, cfg) for chunk in _chunks(records(), CHUNK_RECORDS)]
    out = Batch.concat(batches, cfg.minhash.num_perm)
    reader_skips.merge(out.skips)
    out.skips, out.read = reader_skips, read
    return out


@dataclass(frozen=True, slots=True)
class Plan:
    """A scan's work: the units in input order, and the size of the input they cover, known
    before any is read: bytes of the files (as on disk) and characters of the documents given
    in memory. The `Unit.size` of all the units adds up to `size`."""

    size: int
    units: Iterator[Unit]


def plan(documents: Sequence[Document], files: Sequence[tuple[Path, str]], cfg: ScanConfig) -> Plan:
    """The `Plan` of a scan of `documents` and `files` (path, name shown): `plan_units`."""
    parts = split_files(files, cfg.input, PART_BYTES)
    size = sum(len(d.text) for d in documents) + sum(p.size for p in parts)
    return Plan(size, plan_units(documents, parts, cfg))


def plan_units(
    documents: Sequence[Document], parts: Sequence[FilePart], cfg: ScanConfig
) -> Iterator[Unit]:
    """The units of a scan of `documents` and the file `parts` (`split_files`), in input order
    (module docstring)."""
    for chunk in _chunks(documents, CHUNK_RECORDS):
        yield Unit(items=tuple(chunk), size=sum(_text_size(d) for d in chunk))
    group: list[FilePart] = []
    size = 0
    for part in parts:
        if part.byte_range is None and _uncompressed_size(part) > READ_HERE_BYTES:
            if group:
                yield Unit(parts=tuple(group), size=size)
                group, size = [], 0
            yield from read_here(part, cfg)
            continue
        group.append(part)
        size += part.size
        if len(group) >= FILES_PER_UNIT or size >= PART_BYTES:
            yield Unit(parts=tuple(group), size=size)
            group, size = [], 0
    if group:
        yield Unit(parts=tuple(group), size=size)


def read_here(part: FilePart, cfg: ScanConfig) -> Iterator[Unit]:
    """The records of a file read in this process, in chunks. The position in the file is not
    known to the readers: the chunks read so far stand for the share of the file their
    records' text is of the file's uncompressed size (`_uncompressed_size`), the last chunk
    for the rest, so that the file's chunks add up to its size. Where that size proves too
    small (a gzip file of many members: its trailer gives its last one), each chunk stands
    for half of what is left: the file is never credited whole before its last chunk."""
    expected = max(1, _uncompressed_size(part))
    credited = text = 0
    chunks = _chunks(read_part(part, cfg.input), CHUNK_RECORDS)
    current = next(chunks, None)
    while current is not None:
        following = next(chunks, None)
        left = part.size - credited
        text += sum(_text_size(r) for r in current)
        target = part.size * text // expected
        if following is None:
            size = left
        elif target < part.size:
            size = max(0, target - credited)
        else:
            size = left // 2
        credited += size
        yield Unit(items=tuple(current), size=size)
        current = following


def _text_size(item: RawRecord | Document | Skip) -> int:
    """The characters (HTML: bytes) of text an item holds."""
    if isinstance(item, Skip):
        return 0
    if isinstance(item, Document):
        return len(item.text)
    return len(item.text or "") + len(item.html or "")


def _uncompressed_size(part: FilePart) -> int:
    """The size of a file once decompressed, at least its size on disk: a gzip file's as its
    trailer gives it (modulo 4 GiB: a larger file is only shown moving too fast; the trailer of
    a file of many members, a ``.warc.gz``, gives its last member only, hence the floor), any
    other file's on disk."""
    if part.byte_range is not None or not part.path.lower().endswith(".gz"):
        return part.size
    try:
        with open(part.path, "rb") as fh:
            fh.seek(-4, os.SEEK_END)
            return max(part.size, int.from_bytes(fh.read(4), "little"))
    except OSError:
        return part.size


@dataclass(slots=True)
class _Slot:
    unit: Unit
    future: Future[Batch]
    result: Batch | None = None


def prepare_units(units: Iterable[Unit], cfg: ScanConfig, jobs: int = 1) -> Iterator[Batch]:
    """`prepare_unit` of every unit, in order, in `jobs` processes: this one and ``jobs - 1``
    workers. A window of units is handed to the workers; this process takes back the earliest
    one no worker has started (the executor lets a unit not yet started be cancelled) and does
    it itself, so it works from the first moment (workers take a fraction of a second to
    start) and results come back in order with no core waiting on another."""
    if jobs <= 1:
        for unit in units:
            yield prepare_unit(unit, cfg)
        return
    window = _WINDOW_PER_JOB * jobs
    todo = iter(units)
    _check_not_bootstrapping()
    with _Pool(jobs - 1) as pool:
        slots: deque[_Slot] = deque()
        while True:
            while len(slots) < window:
                more = next(todo, None)
                if more is None:
                    break
                slots.append(_Slot(more, pool.submit(prepare_unit, more, cfg)))
            if not slots:
                return
            for slot in slots:
                if slot.result is None and slot.future.done():
                    slot.result = _result(slot.future)
            if slots[0].result is None:
                stolen = next((s for s in slots if s.result is None and s.future.cancel()), None)
                if stolen is not None:
                    stolen.result = prepare_unit(stolen.unit, cfg)
                else:  # every unit left is with a worker
                    slots[0].result = _result(slots[0].future)
            while slots and slots[0].result is not None:
                done = slots.popleft().result
                assert done is not None
                yield done
