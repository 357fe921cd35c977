"""Exact verification of candidate pairs on their shingle sets: THE verification loop.

Every figure here is exact (set intersections of sorted unique 64-bit shingle hashes), never a
MinHash estimate. `is_copy` applies the rule documented on `dedup.config.VerifyConfig`;
`verify_pairs` is the loop every engine runs over its candidates (the local engine over a
whole scan, a Dask partition over the pairs it owns) and `verified` the check of one pair that
the persistent index runs on each document it looks up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from dedup.config import VerifyConfig
from dedup.model import HashArray, ProgressHook, Similarity, no_progress

#: verified pairs as rows ``(a, b, shared shingles)``: 24 bytes an edge whatever the documents
Edges = npt.NDArray[np.int64]
#: where a pair's shingle sets are found by its document numbers
Sets = Sequence[HashArray] | Mapping[int, HashArray]


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


def is_copy(sim: Similarity, cfg: VerifyConfig) -> bool:
    """True when the pair counts as a copy under `cfg` (see VerifyConfig)."""
    if sim.shared < cfg.min_shared and sim.jaccard < cfg.short_min_jaccard:
        return False
    if sim.jaccard >= cfg.min_jaccard:
        return True
    small, large = (
        (sim.containment_ab, sim.containment_ba)
        if sim.size_a <= sim.size_b
        else (sim.containment_ba, sim.containment_ab)
    )
    return small >= cfg.min_containment and large >= cfg.min_reuse


def verified(a: HashArray, b: HashArray, cfg: VerifyConfig) -> Similarity | None:
    """The exact similarity of two sets when they are a copy under `cfg`, else None."""
    sim = similarity(a, b)
    return sim if is_copy(sim, cfg) else None


def verify_pairs(
    pairs: npt.NDArray[np.int64],
    first: Sets,
    second: Sets,
    cfg: VerifyConfig,
    progress: ProgressHook = no_progress,
) -> Edges:
    """The candidate `pairs` ``(a, b)`` that are copies, as `Edges`, in the order given:
    `first[a]` and `second[b]` are the two documents' shingle sets."""
    out: list[tuple[int, int, int]] = []
    total = len(pairs)
    for k, (a, b) in enumerate(pairs.tolist()):
        sim = verified(first[a], second[b], cfg)
        if sim is not None:
            out.append((a, b, sim.shared))
        if k % 4096 == 0:
            progress("verify", k, total)
    progress("verify", total, total)
    return np.array(out, dtype=np.int64).reshape(-1, 3)
