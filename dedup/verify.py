"""Exact verification of candidate pairs by passage alignment: THE verification loop.

Every figure here is exact (`dedup.align`: shared shingles found by sorted-set intersection,
placed in both texts), never a MinHash estimate. `is_copy` applies the rule documented on
`dedup.config.VerifyConfig`; `verify_pairs` is the loop every engine runs over its candidates
(the local engine over a whole scan, a Dask partition over the pairs it owns) and `verified`
the check of one pair that the persistent index runs on each document it looks up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from dedup.align import align
from dedup.config import VerifyConfig
from dedup.model import Alignment, HashArray, Layout, ProgressHook, Similarity, no_progress
from dedup.templates import NO_TEMPLATES, Templates

#: verified pairs as rows ``(a, b, covered_a, covered_b)``: the words of each text inside the
#: passages the two share; 32 bytes an edge whatever the documents
Edges = npt.NDArray[np.int64]


class Shingled(NamedTuple):
    """A document as verification sees it: its sorted shingle set, its layout, its site."""

    set: HashArray
    layout: Layout
    site: str | None


#: where a pair's documents are found by their numbers
Docs = Sequence[Shingled] | Mapping[int, Shingled]


def similarity(a: HashArray, b: HashArray) -> Similarity:
    """Jaccard and containment both ways of two sorted unique shingle sets."""
    na, nb = int(a.size), int(b.size)
    if na == 0 or nb == 0:
        return Similarity(0.0, 0.0, 0.0, 0, na, nb)
    shared = int(np.intersect1d(a, b, assume_unique=True).size)
    union = na + nb - shared
    return Similarity(
        jaccard=shared / union,
        containment_ab=shared / na,
        containment_ba=shared / nb,
        shared=shared,
        size_a=na,
        size_b=nb,
    )


def is_copy(al: Alignment, cfg: VerifyConfig) -> bool:
    """True when the alignment makes the pair a copy under `cfg` (see VerifyConfig)."""
    if not al.passages:
        return False
    if min(al.coverage_a, al.coverage_b) >= cfg.near_duplicate:
        return True
    return (
        al.shared >= cfg.min_shared
        and al.density >= cfg.min_density
        and al.coverage >= cfg.min_coverage
        and al.shared_sentences >= cfg.min_sentences
    )


def _first(a: Shingled, b: Shingled) -> bool:
    """Whether `a` is aligned against `b` (rather than `b` against `a`): a fixed order of the
    two documents, so that a pair's figures do not depend on which side a caller holds."""
    ka = (int(a.set.size), int(a.set[0]) if a.set.size else 0, a.layout.words)
    kb = (int(b.set.size), int(b.set[0]) if b.set.size else 0, b.layout.words)
    return ka <= kb


def compare(
    a: Shingled, b: Shingled, cfg: VerifyConfig, k: int, templates: Templates = NO_TEMPLATES
) -> Alignment:
    """The alignment of documents `a` and `b`, with `a` as A (see `dedup.align`); when both
    are pages of one site, its `templates` do not count."""
    ignore = templates.shared_by(a.site, b.site)
    if _first(a, b):
        return align(
            a.set, a.layout, b.set, b.layout, k, cfg.max_gap, cfg.min_passage_words, ignore
        )
    al = align(b.set, b.layout, a.set, a.layout, k, cfg.max_gap, cfg.min_passage_words, ignore)
    return al.swapped()


def verified(
    a: Shingled, b: Shingled, cfg: VerifyConfig, k: int, templates: Templates = NO_TEMPLATES
) -> Alignment | None:
    """The alignment of two documents when they are a copy under `cfg`, else None."""
    if _cannot_be_copy(a.set, b.set, cfg):
        return None
    al = compare(a, b, cfg, k, templates)
    return al if is_copy(al, cfg) else None


def _cannot_be_copy(a: HashArray, b: HashArray, cfg: VerifyConfig) -> bool:
    """True when two sets share fewer than `min_shared` shingles and fewer than half of the
    smaller set's (checked before aligning: such a pair is never a copy, see VerifyConfig)."""
    if a.size == 0 or b.size == 0:
        return True
    shared = int(np.intersect1d(a, b, assume_unique=True).size)
    return shared < cfg.min_shared and 2 * shared < min(a.size, b.size)


def verify_pairs(
    pairs: npt.NDArray[np.int64],
    first: Docs,
    second: Docs,
    cfg: VerifyConfig,
    k: int,
    templates: Templates = NO_TEMPLATES,
    progress: ProgressHook = no_progress,
) -> Edges:
    """The candidate `pairs` ``(a, b)`` that are copies, as `Edges`, in the order given:
    `first[a]` and `second[b]` are the two documents."""
    out: list[tuple[int, int, int, int]] = []
    total = len(pairs)
    for n, (a, b) in enumerate(pairs.tolist()):
        al = verified(first[a], second[b], cfg, k, templates)
        if al is not None:
            out.append((a, b, al.covered_a, al.covered_b))
        if n % 4096 == 0:
            progress("verify", n, total)
    progress("verify", total, total)
    return np.array(out, dtype=np.int64).reshape(-1, 4)
