"""Exact verification of candidate pairs on their shingle sets.

Every figure here is exact (set intersections of sorted unique 64-bit shingle hashes), never a
MinHash estimate. `is_copy` applies the rule documented on `dedup.config.VerifyConfig`.
"""

from __future__ import annotations

import numpy as np

from dedup.config import VerifyConfig
from dedup.model import Similarity
from dedup.shingle import HashArray


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
