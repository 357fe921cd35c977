"""LSH banding: documents whose signatures agree on every row of at least one band are candidates.

With b bands of r rows, a pair of Jaccard similarity J becomes a candidate with probability
1 - (1 - J**r)**b. Candidates are only candidates: `dedup.verify` decides.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from dedup.shingle import mix64

U64 = np.uint64


def band_keys(sigs: npt.NDArray[np.uint32], bands: int) -> npt.NDArray[np.uint64]:
    """A 64-bit key per (document, band), shape ``(n, bands)``; equal bands give equal keys."""
    n, num_perm = sigs.shape
    rows = num_perm // bands
    v = sigs[:, : bands * rows].reshape(n, bands, rows).astype(U64)
    acc = np.zeros((n, bands), dtype=U64)
    with np.errstate(over="ignore"):
        for j in range(rows):
            acc = mix64(acc ^ (v[:, :, j] + U64(j) * U64(0x9E3779B97F4A7C15)))
        # the band number is part of the key: equal rows in different bands are not a match
        acc = mix64(acc ^ np.arange(bands, dtype=U64)[None, :])
    return acc


def candidate_pairs(
    sigs: npt.NDArray[np.uint32], bands: int, valid: npt.NDArray[np.bool_] | None = None
) -> npt.NDArray[np.int64]:
    """Unique candidate pairs ``(i, j)`` with i < j, sorted, shape ``(m, 2)``.

    Documents with `valid` False (e.g. empty) are left out.
    """
    n = sigs.shape[0]
    idx = np.arange(n, dtype=np.int64)
    if valid is not None:
        idx = idx[valid]
    if idx.size < 2:
        return np.empty((0, 2), dtype=np.int64)
    keys = band_keys(sigs[idx], bands)
    found: list[npt.NDArray[np.int64]] = []
    for b in range(bands):
        col = keys[:, b]
        order = np.argsort(col, kind="stable")
        sk = col[order]
        # runs of equal keys = buckets
        boundaries = np.flatnonzero(np.diff(sk)) + 1
        starts = np.concatenate(([0], boundaries))
        sizes = np.diff(np.concatenate((starts, [sk.size])))
        # buckets of two (most of them): their pairs at once
        two = starts[sizes == 2]
        if two.size:
            a, c = idx[order[two]], idx[order[two + 1]]
            found.append(np.minimum(a, c) * n + np.maximum(a, c))
        big = sizes > 2
        for s, size in zip(starts[big].tolist(), sizes[big].tolist(), strict=True):
            members = np.sort(idx[order[s : s + size]])
            ii, jj = np.triu_indices(members.size, k=1)
            found.append(members[ii] * n + members[jj])
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    codes = np.unique(np.concatenate(found))
    return np.stack((codes // n, codes % n), axis=1)
