"""`dedup compare`: two documents side by side, the passages they share, the figures, and the
verdict of THE copy rule with its reason.

The pair is prepared as a scan prepares documents (`dedup.prepare.prepare_chunk`), aligned by
`dedup.verify.compare` and judged by `dedup.verify.is_copy` / `not_copy_because`: the same
rule, the same figures as a scan (without site templates: two documents alone teach none).
Which of the two is the origin follows the origin rule (`dedup.syndication.origin_key`); the
other is the copy. What the copy added is its words outside the shared passages, what it left
out the origin's words outside them.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from dedup.config import ScanConfig
from dedup.errors import InputError, RecordError
from dedup.model import Alignment, Document, Layout, Skip
from dedup.prepare import prepare_chunk, to_document
from dedup.sources import Input, gather, read_file
from dedup.syndication import origin_key
from dedup.verify import Shingled, compare, not_copy_because, similarity

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Side:
    """One document of a comparison: the document, its words, and the character spans of its
    text inside shared passages (`shared`) and outside them (`own`: word runs, each with its
    number of words)."""

    document: Document
    words: int
    shared: tuple[Span, ...]
    own: tuple[tuple[int, int, int], ...]

    @property
    def own_words(self) -> int:
        return sum(n for _, _, n in self.own)

    def to_dict(self) -> dict[str, Any]:
        d = self.document
        return {
            "id": d.id,
            "site": d.site,
            "title": d.title,
            "date": d.date,
            "source": d.source,
            "words": self.words,
            "own_words": self.own_words,
        }


@dataclass(frozen=True, slots=True)
class Comparison:
    """Two documents compared (`compare_documents`): `a` and `b` as given, which of them is the
    origin (`origin`: "a" or "b"), their alignment (`Alignment`: passages with offsets into
    a's text, then b's), the verdict of the copy rule and its reason in words; `note`: what
    the figures do not say, None or one of `SAME_DOCUMENT`, `SAME_TEXT` (a document compared
    with itself is a copy of itself, which is no finding)."""

    a: Side
    b: Side
    origin: str
    alignment: Alignment
    jaccard: float
    copy: bool
    reason: str
    note: str | None = None

    @property
    def copy_side(self) -> Side:
        return self.b if self.origin == "a" else self.a

    @property
    def origin_side(self) -> Side:
        return self.a if self.origin == "a" else self.b

    @property
    def verdict(self) -> str:
        return f"{'copy' if self.copy else 'not a copy'}: {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        al = self.alignment
        return {
            "a": self.a.to_dict(),
            "b": self.b.to_dict(),
            "origin": self.origin,
            "copy": self.copy,
            "reason": self.reason,
            "note": self.note,
            "figures": {
                "passages": len(al.passages),
                "shared_sentences": al.shared_sentences,
                "a_shared_words": al.covered_a,
                "b_shared_words": al.covered_b,
                "a_body_words": al.body_a,
                "b_body_words": al.body_b,
                "shorter_body_share": round(al.coverage, 4),
                "density": round(al.density, 4),
                "jaccard": round(self.jaccard, 4),
                "added_words": self.copy_side.own_words,
                "left_out_words": self.origin_side.own_words,
            },
            "passages": [
                {
                    "a_start": p.a_start,
                    "a_end": p.a_end,
                    "a_words": p.a_words,
                    "b_start": p.b_start,
                    "b_end": p.b_end,
                    "b_words": p.b_words,
                }
                for p in al.passages
            ],
        }


def _side(doc: Document, lay: Layout, spans: Sequence[Span]) -> Side:
    """`doc`'s word runs inside and outside the `spans` (character offsets)."""
    starts, ends = lay.starts.astype(np.int64), lay.ends.astype(np.int64)
    inside = np.zeros(starts.size, dtype=bool)
    for s, e in spans:
        inside |= (starts >= s) & (ends <= e)
    own: list[tuple[int, int, int]] = []
    t = 0
    while t < starts.size:
        if inside[t]:
            t += 1
            continue
        u = t
        while u + 1 < starts.size and not inside[u + 1]:
            u += 1
        own.append((int(starts[t]), int(ends[u]), u - t + 1))
        t = u + 1
    return Side(doc, int(starts.size), tuple(spans), tuple(own))


#: `Comparison.note` of one document given twice (the same file, the same record)
SAME_DOCUMENT = "A and B are the same document: it is compared with itself"
#: `Comparison.note` of two documents whose texts are the same, character for character
SAME_TEXT = "A and B have the same text"


def compare_documents(a: Document, b: Document, config: ScanConfig | None = None) -> Comparison:
    """`a` and `b` compared as a scan compares a pair (module docstring). InputError when one
    of them has no words to compare."""
    cfg = config or ScanConfig()
    batch = prepare_chunk([a, b], cfg)
    if len(batch) != 2:
        (skip, *_) = batch.skips.listed()
        raise InputError(f"{skip.where}: cannot be compared: {skip.reason}")
    x, y = (
        Shingled(s, lay, e.site)
        for s, lay, e in zip(batch.sets, batch.layouts, batch.entries, strict=True)
    )
    al = compare(x, y, cfg.verify, cfg.shingle.shingle_size)
    why = not_copy_because(al, cfg.verify)
    origin = "a" if origin_key(a, int(x.set.size)) <= origin_key(b, int(y.set.size)) else "b"
    return Comparison(
        a=_side(a, x.layout, [(p.a_start, p.a_end) for p in al.passages]),
        b=_side(b, y.layout, [(p.b_start, p.b_end) for p in al.passages]),
        origin=origin,
        alignment=al,
        jaccard=similarity(x.set, y.set).jaccard,
        copy=why is None,
        reason=_copy_reason(al, cfg.verify.near_duplicate) if why is None else why,
        note=SAME_DOCUMENT if a == b else SAME_TEXT if a.text == b.text else None,
    )


def _copy_reason(al: Alignment, near_duplicate: float) -> str:
    """Why a copy is one, in words: its figures."""
    n = len(al.passages)
    passages = "one contiguous passage" if n == 1 else f"{n} passages"
    if min(al.coverage_a, al.coverage_b) >= near_duplicate:
        a, b = f"{al.coverage_a:.0%}", f"{al.coverage_b:.0%}"
        shared = f"{a} of each body" if a == b else f"{a} of A's body, {b} of B's"
        return f"near-duplicate: the same text, bar small edits ({shared} shared), {passages}"
    s = al.shared_sentences
    return (
        f"{s} shared sentence{'' if s == 1 else 's'}, {al.coverage:.0%} of the shorter body, "
        f"{passages}"
    )


def _documents(inputs: Sequence[Input], cfg: ScanConfig) -> tuple[list[Document], list[Skip]]:
    """Every document of `inputs` in input order, and the records that gave none; InputError
    for a missing path."""
    planned = gather(inputs)
    out = list(planned.documents)
    skips: list[Skip] = []
    for path, shown in planned.files:
        for item in read_file(path, shown, cfg.input):
            if isinstance(item, Skip):
                skips.append(item)
                continue
            try:
                out.append(to_document(item, cfg))
            except RecordError as exc:
                skips.append(Skip(item.source, exc.reason, item.location))
    return out, skips


def _one(path: Input, cfg: ScanConfig) -> Document:
    docs, skips = _documents([path], cfg)
    if len(docs) == 1:
        return docs[0]
    if docs:
        raise InputError(f"{path}: holds {len(docs)} documents, not one; name two ids with --ids")
    why = f" ({skips[0].where}: {skips[0].reason})" if skips else ""
    raise InputError(f"{path}: holds no document to compare{why}")


def _same_file(x: Input, y: Input) -> bool:
    if isinstance(x, Document) or isinstance(y, Document):
        return False
    try:
        return os.path.samefile(x, y)
    except OSError:
        return False  # standard input, a path that went away: not known to be one file


def compare_inputs(
    inputs: Sequence[Input],
    ids: tuple[str, str] | None = None,
    config: ScanConfig | None = None,
) -> Comparison:
    """Compare two documents read from `inputs` (`compare_documents`): without `ids`, the two
    inputs each hold one document (a file, a `Document`); with `ids`, the documents with those
    two ids among all of `inputs`. InputError (naming the input or the id) otherwise."""
    cfg = config or ScanConfig()
    if ids is None:
        if len(inputs) != 2:
            raise InputError(f"give two inputs to compare (got {len(inputs)}), or --ids")
        result = compare_documents(_one(inputs[0], cfg), _one(inputs[1], cfg), cfg)
        if _same_file(inputs[0], inputs[1]):  # also under two names (a.html, ./a.html)
            result = replace(result, note=SAME_DOCUMENT)
        return result
    # one id twice is one document compared with itself (SAME_DOCUMENT), as one file twice is
    found: dict[str, list[Document]] = {i: [] for i in ids}
    for d in _documents(inputs, cfg)[0]:
        if d.id in found:
            found[d.id].append(d)
    for i, docs in found.items():
        if not docs:
            raise InputError(f"no document with id {i!r} in the inputs")
        if len(docs) > 1:
            raise InputError(f"id {i!r} names {len(docs)} documents in the inputs")
    return compare_documents(found[ids[0]][0], found[ids[1]][0], cfg)
