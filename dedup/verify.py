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

from dedup.align import IntArray, Matched, common, figures, match
from dedup.config import VerifyConfig
from dedup.model import Alignment, HashArray, Layout, ProgressHook, Similarity, no_progress
from dedup.templates import NO_TEMPLATES, Templates

#: verified pairs as rows ``(a, b, covered_a, covered_b, body_a, body_b, sentences)``: the
#: words of each text inside the passages the two share, the words of each that count, and the
#: shared sentences; 56 bytes an edge whatever the documents
EDGE_COLUMNS = 7
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
    return not_copy_because(al, cfg) is None


def not_copy_because(al: Alignment, cfg: VerifyConfig) -> str | None:
    """THE copy rule (VerifyConfig): None when the alignment makes the pair a copy, else the
    first condition it fails, in words (``only 2 shared sentences (3 needed)``)."""
    if not al.passages:
        return "no shared passage"
    if al.density < cfg.min_density:
        return (
            f"passages not verbatim enough ({al.density:.0%} of their shingles shared, "
            f"{cfg.min_density:.0%} needed)"
        )
    if min(al.coverage_a, al.coverage_b) >= cfg.near_duplicate:
        return None
    if al.shared < cfg.min_shared:
        return f"only {al.shared} shared shingles ({cfg.min_shared} needed)"
    if al.coverage < cfg.min_coverage:
        return f"only {al.coverage:.0%} of the shorter body shared ({cfg.min_coverage:.0%} needed)"
    if al.shared_sentences < cfg.min_sentences:
        n = al.shared_sentences
        return f"only {n} shared sentence{'' if n == 1 else 's'} ({cfg.min_sentences} needed)"
    if al.own_sentences < cfg.min_own_sentences:
        return (
            f"only {al.own_sentences} shared sentences that are not quotations "
            f"({cfg.min_own_sentences} needed)"
        )
    return None


def _first(a: Shingled, b: Shingled) -> bool:
    """Whether `a` is aligned against `b` (rather than `b` against `a`): a fixed order of the
    two documents, so that a pair's figures do not depend on which side a caller holds."""
    ka = (int(a.set.size), int(a.set[0]) if a.set.size else 0, a.layout.words)
    kb = (int(b.set.size), int(b.set[0]) if b.set.size else 0, b.layout.words)
    return ka <= kb


def _oriented(
    a: Shingled,
    b: Shingled,
    cfg: VerifyConfig,
    k: int,
    templates: Templates,
    shared: tuple[IntArray, IntArray] | None = None,
) -> tuple[Shingled, Shingled, Matched, bool]:
    """The two documents in alignment order (`_first`), their matched passages, and whether
    they were swapped (`shared`: ``common(a.set, b.set)`` when the caller has it)."""
    ignore = templates.shared_by(a.site, b.site)
    swap = not _first(a, b)
    x, y = (b, a) if swap else (a, b)
    if shared is not None and swap:
        shared = (shared[1], shared[0])
    mt = match(
        x.set, x.layout, y.set, y.layout, k, cfg.max_gap, cfg.min_passage_words, ignore, shared
    )
    return x, y, mt, swap


def compare(
    a: Shingled, b: Shingled, cfg: VerifyConfig, k: int, templates: Templates = NO_TEMPLATES
) -> Alignment:
    """The alignment of documents `a` and `b`, with `a` as A (see `dedup.align`); when both
    are pages of one site, its `templates` do not count."""
    x, y, mt, swap = _oriented(a, b, cfg, k, templates)
    al = figures(mt, x.layout, y.layout, k)
    return al.swapped() if swap else al


def verified(
    a: Shingled, b: Shingled, cfg: VerifyConfig, k: int, templates: Templates = NO_TEMPLATES
) -> Alignment | None:
    """The alignment of two documents (`a` as A) when they are a copy under `cfg`, else
    None. Pairs that the passages alone rule out (too few shared shingles, not verbatim
    enough, too little of the shorter text) are not taken further."""
    if a.set.size == 0 or b.set.size == 0:
        return None
    shared = common(a.set, b.set)
    if _cannot_be_copy(int(shared[0].size), int(min(a.set.size, b.set.size)), cfg):
        return None
    x, y, mt, swap = _oriented(a, b, cfg, k, templates, shared)
    if mt.a0.size == 0:
        return None
    near = min(
        float((mt.a1 - mt.a0).sum()) / max(mt.body_a, 1),
        float((mt.b1 - mt.b0).sum()) / max(mt.body_b, 1),
    )
    if mt.density < cfg.min_density:
        return None
    if near < cfg.near_duplicate and (
        mt.shared < cfg.min_shared
        or mt.upper_coverage() < cfg.min_coverage
        or mt.upper_sentences(x.layout, y.layout) < cfg.min_sentences
    ):
        return None
    al = figures(mt, x.layout, y.layout, k)
    if not is_copy(al, cfg):
        return None
    return al.swapped() if swap else al


def _cannot_be_copy(shared: int, smaller: int, cfg: VerifyConfig) -> bool:
    """True when two sets share fewer than `min_shared` shingles and fewer than half of the
    smaller set's (`smaller` shingles; checked before aligning: such a pair is never a copy,
    see VerifyConfig)."""
    return shared < cfg.min_shared and 2 * shared < smaller


def verify_pairs(
    pairs: npt.NDArray[np.int64],
    first: Docs,
    second: Docs,
    cfg: VerifyConfig,
    k: int,
    templates: Templates = NO_TEMPLATES,
    progress: ProgressHook = no_progress,
    keep: dict[tuple[int, int], Alignment] | None = None,
) -> Edges:
    """The candidate `pairs` ``(a, b)`` that are copies, as `Edges`, in the order given:
    `first[a]` and `second[b]` are the two documents. With `keep`, each copy's alignment is
    stored there under ``(a, b)`` (a report reuses them)."""
    out: list[tuple[int, ...]] = []
    total = len(pairs)
    for n, (a, b) in enumerate(pairs.tolist()):
        al = verified(first[a], second[b], cfg, k, templates)
        if al is not None:
            if keep is not None:
                keep[(a, b)] = al
            out.append(
                (a, b, al.covered_a, al.covered_b, al.body_a, al.body_b, al.shared_sentences)
            )
        if n % 4096 == 0:
            progress("verify", n, total)
    progress("verify", total, total)
    return np.array(out, dtype=np.int64).reshape(-1, EDGE_COLUMNS)
