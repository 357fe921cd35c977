"""Inputs to stored documents: reading inputs lazily, cutting prepared documents into
batches, one document per id in a batch, and the record a store writes. Pure but for `Reader`,
which reads files."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from dedup.config import ScanConfig
from dedup.index.base import KeyArray, StoredDoc, shingles_to_bytes
from dedup.index.translations import keys_to_bytes
from dedup.model import Document, Skip
from dedup.prepare import Entry, Prepared
from dedup.signature import to_bytes
from dedup.sources import RawRecord, check_paths, read_paths

#: progress(stage, done, total): called as work advances; total is None when unknown
ProgressHook = Callable[[str, int, int | None], None]
Input = str | os.PathLike[str] | Document


def no_progress(stage: str, done: int, total: int | None) -> None:
    return None


def skip_of(entry: Entry, reason: str) -> Skip:
    """The skip entry of a prepared document, placed where it came from."""
    src, _, loc = (entry.source or "(api)").partition(":")
    return Skip(src, reason, loc or None)


def check_path(p: Input) -> None:
    if not isinstance(p, Document):
        check_paths([p])


@dataclass
class Reader:
    """Records of `inputs` in order, read lazily (a generator of `Document`s is streamed):
    documents given directly, and every record under each path; reader skips are kept. Paths
    of a list or tuple are checked up front, so that a missing one stops the run before it
    adds anything."""

    inputs: Iterable[Input]
    cfg: ScanConfig
    skips: list[Skip] = field(default_factory=list)
    files: int = 0
    read: int = 0

    def __post_init__(self) -> None:
        if isinstance(self.inputs, list | tuple):
            for p in self.inputs:
                check_path(p)

    def records(self) -> Iterator[RawRecord | Document]:
        for item in self.inputs:
            if isinstance(item, Document):
                self.read += 1
                yield item
                continue
            check_path(item)
            files = self.files
            for nfile, rec in read_paths([item], self.cfg.input):
                self.files = files + nfile
                self.read += 1
                if isinstance(rec, Skip):
                    self.skips.append(rec)
                else:
                    yield rec


def split(part: Prepared, n: int) -> tuple[Prepared, Prepared]:
    """The first `n` documents of `part`, and the rest (skips stay with neither)."""
    return (
        Prepared(part.entries[:n], part.sets[:n], part.sigs[:n]),
        Prepared(part.entries[n:], part.sets[n:], part.sigs[n:]),
    )


def one_per_id(entries: Sequence[Entry], replace: bool) -> tuple[list[int], list[Skip]]:
    """Positions of the documents of a batch to write, one per id, in order: the first of an
    id under refuse, the last under replace; the others as skips."""
    chosen: dict[str, int] = {}
    skips: list[Skip] = []
    for i, e in enumerate(entries):
        j = chosen.get(e.id)
        if j is None:
            chosen[e.id] = i
        elif replace:
            skips.append(skip_of(entries[j], f"duplicate id {e.id!r} (replaced by a later record)"))
            chosen[e.id] = i
        else:
            skips.append(skip_of(e, f"duplicate id {e.id!r} (kept the first record)"))
    return sorted(chosen.values()), skips


def stored(part: Prepared, i: int, anchor_bands: KeyArray | None = None) -> StoredDoc:
    """Document `i` of `part` as a store writes it (blobs little-endian); with `anchor_bands`
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
        credit=e.credit,
        shingles=shingles_to_bytes(part.sets[i]),
        signature=to_bytes(part.sigs[i]),
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
    skipped: list[Skip] = field(default_factory=list)

    def update(self, other: Totals) -> None:
        self.added += other.added
        self.replaced += other.replaced
        self.skipped += other.skipped
