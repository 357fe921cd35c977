"""Inputs to stored documents: reading inputs lazily (an index add streams its input, where a
scan plans it whole), and the record a store writes. Pure but for `Reader`, which reads
files."""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from dedup.candidates import sampled
from dedup.config import ScanConfig
from dedup.engines.pool import read_here
from dedup.index.base import KeyArray, StoredDoc, layout_to_bytes, shingles_to_bytes
from dedup.index.translations import keys_to_bytes
from dedup.model import Batch, Document, ProgressHook, Skip, SkipLog
from dedup.signature import to_bytes
from dedup.sources import FilePart, Input, RawRecord, check_paths, iter_files
from dedup.syndication import credit_from


def check_path(p: Input) -> None:
    if not isinstance(p, Document):
        check_paths([p])


@dataclass
class Reader:
    """Records of `inputs` in order, read lazily (a generator of `Document`s is streamed):
    documents given directly, and every record under each path; reader skips are kept. Paths
    of a list or tuple are checked up front, so that a missing one stops the run before it
    adds anything, and the size of such inputs is known before reading: `total`, in the
    measure of a scan's prepare stage (`dedup.engines.pool.Plan`: bytes of the files on disk,
    characters of the documents; a file's records credited chunk by chunk as a scan credits a
    file it reads whole), of which `done` is prepared so far (`prepared`)."""

    inputs: Iterable[Input]
    cfg: ScanConfig
    skips: SkipLog = field(default_factory=SkipLog)
    files: int = 0
    read: int = 0
    total: int | None = None
    #: the input prepared so far (in `total`'s measure), and the records
    done: int = 0
    done_records: int = 0
    #: the input read, up to each record given and not yet prepared
    _marks: deque[int] = field(default_factory=deque)
    _read_size: int = 0
    _read_all: bool = False
    #: the real paths of the files read so far: one met again under another path is not
    _files_read: set[str] = field(default_factory=set)
    #: the size of each file under `inputs` by real path, taken once with `total`
    _sizes: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.skips = SkipLog(self.cfg.report.max_listed_skips)
        if isinstance(self.inputs, list | tuple):
            for p in self.inputs:
                check_path(p)
            self.total = self._size()

    def _size(self) -> int:
        total, seen = 0, set[str]()
        for item in self.inputs:
            if isinstance(item, Document):
                total += len(item.text)
                continue
            for path, _ in iter_files([item], seen):
                size = self._sizes[os.path.realpath(path)] = _file_size(path)
                total += size
        return total

    def records(self) -> Iterator[RawRecord | Document]:
        for item in self.inputs:
            if isinstance(item, Document):
                self.read += 1
                self._read_size += len(item.text)
                self._marks.append(self._read_size)
                yield item
                continue
            check_path(item)
            for path, shown in iter_files([item], self._files_read):
                self.files += 1
                size = self._sizes.get(os.path.realpath(path))
                part = FilePart(str(path), shown, None, _file_size(path) if size is None else size)
                for unit in read_here(part, self.cfg):
                    self._read_size += unit.size
                    for rec in unit.items:
                        if isinstance(rec, Skip):
                            self.read += rec.records
                            self.skips.add(rec)
                        elif isinstance(rec, RawRecord):
                            self.read += 1
                            self._marks.append(self._read_size)
                            yield rec
        self._read_all = True

    def prepared(self, records: int) -> None:
        """The next `records` records given have been prepared (all of them, and every skip,
        once the records are read to the end)."""
        for _ in range(records):
            self.done = self._marks.popleft()
        self.done_records += records
        if not self._marks and self._read_all:
            self.done = self._read_size

    def report(self, hook: ProgressHook, stage: str) -> None:
        """``hook(stage, done, total)`` when the total is known, else the records prepared so
        far: ``hook(stage, done_records, None)``."""
        if self.total is None:
            hook(stage, self.done_records, None)
        else:
            hook(stage, self.done, self.total)


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # reading it will say what is wrong


def stored(part: Batch, i: int, sample: int, anchor_bands: KeyArray | None = None) -> StoredDoc:
    """Document `i` of `part` as a store writes it (blobs little-endian), with its layout and
    its passage fingerprints (`dedup.candidates.sampled`, 1 in `sample`); with `anchor_bands`
    (an index with cross-lingual data: its distinct anchor band keys), its language and anchors
    too."""
    e = part.entries[i]
    doc = StoredDoc(
        id=e.id,
        url=e.url,
        site=e.site,
        title=e.title,
        date=e.date,
        source=e.source,
        credit=credit_from(e.clues) if e.clues is not None else None,
        shingles=shingles_to_bytes(part.sets[i]),
        signature=to_bytes(part.sigs[i]),
        layout=layout_to_bytes(part.layouts[i]),
        fingerprints=shingles_to_bytes(sampled(part.sets[i], sample)),
    )
    if anchor_bands is None:
        return doc
    seq = e.anchors.seq if e.anchors is not None else np.empty(0, dtype=np.uint64)
    return replace(
        doc,
        language=e.language,
        anchors=keys_to_bytes(seq),
        anchor_bands=keys_to_bytes(anchor_bands),
    )


@dataclass
class Totals:
    """What the batches of an add did, summed."""

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    skipped: SkipLog = field(default_factory=SkipLog)

    def update(self, other: Totals) -> None:
        self.added += other.added
        self.replaced += other.replaced
        self.skipped.merge(other.skipped)
