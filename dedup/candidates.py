"""LSH banding: documents whose signatures agree on every row of at least one band are candidates.

With b bands of r rows, a pair of Jaccard similarity J becomes a candidate with probability
1 - (1 - J**r)**b. Candidates are only candidates: `dedup.verify` decides.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from dedup.shingle import mix64

U64 = np.uint64


#: documents whose band keys are computed at a time (bounds the temporaries to a few MB)
_KEY_BLOCK = 16_384


def band_keys(
    sigs: npt.NDArray[np.uint32], bands: int, lo: int = 0, hi: int | None = None
) -> npt.NDArray[np.uint64]:
    """A 64-bit key per (document, band), shape ``(n, hi - lo)`` for bands ``lo .. hi - 1`` of
    `bands` (all of them by default); equal bands give equal keys. Computed a block of
    documents at a time, one row of the bands at a time, so that the temporaries stay small
    whatever the number of documents."""
    n, num_perm = sigs.shape
    rows = num_perm // bands
    hi = bands if hi is None else hi
    out = np.empty((n, hi - lo), dtype=U64)
    # the band number is part of the key: equal rows in different bands are not a match
    band_ids = np.arange(lo, hi, dtype=U64)[None, :]
    with np.errstate(over="ignore"):
        for start in range(0, n, _KEY_BLOCK):
            block = sigs[start : start + _KEY_BLOCK, lo * rows : hi * rows]
            acc = np.zeros((block.shape[0], hi - lo), dtype=U64)
            for j in range(rows):
                acc = mix64(acc ^ (block[:, j::rows].astype(U64) + U64(j) * U64(_GOLDEN)))
            out[start : start + _KEY_BLOCK] = mix64(acc ^ band_ids)
    return out


_GOLDEN = 0x9E3779B97F4A7C15


#: bands bucketed per sort in `candidate_pairs` (memory: the sort's temporaries scale with it)
BANDS_PER_SORT = 17


def bucket_pairs(keys: npt.NDArray[np.uint64], ids: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Every pair ``(a, b)``, a < b, of ids that share a key, shape ``(m, 2)``; a pair that
    shares several keys appears once for each (and once per repeat of an id in a bucket).
    One sort of the keys, then every pair of every bucket in a few vectorised steps (the
    element at place i of a bucket of s is paired with the s - 1 - i after it)."""
    if keys.size < 2:
        return np.empty((0, 2), dtype=np.int64)
    order = np.argsort(keys)  # the order within a bucket does not matter: pairs are (min, max)
    sk, si = keys[order], ids[order]
    starts = np.flatnonzero(np.concatenate(([True], sk[1:] != sk[:-1])))
    sizes = np.diff(np.concatenate((starts, [sk.size])))
    multi = sizes > 1
    if not multi.any():
        return np.empty((0, 2), dtype=np.int64)
    starts, sizes = starts[multi], sizes[multi]
    # the elements of buckets of two or more, with how many elements follow them in the bucket
    place = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    first = np.repeat(starts, sizes) + place
    after = np.repeat(sizes, sizes) - 1 - place
    a = np.repeat(first, after)
    b = a + 1 + (np.arange(a.size) - np.repeat(np.cumsum(after) - after, after))
    x, y = si[a], si[b]
    pairs = np.stack((np.minimum(x, y), np.maximum(x, y)), axis=1)
    distinct: npt.NDArray[np.int64] = pairs[pairs[:, 0] != pairs[:, 1]]
    return distinct


def candidate_pairs(
    sigs: npt.NDArray[np.uint32], bands: int, valid: npt.NDArray[np.bool_] | None = None
) -> npt.NDArray[np.int64]:
    """Unique candidate pairs ``(i, j)`` with i < j, sorted, shape ``(m, 2)``.

    Documents with `valid` False (e.g. empty) are left out. The band number is mixed into
    every band key, so a group of bands is bucketed in one sort.
    """
    n = sigs.shape[0]
    idx = np.arange(n, dtype=np.int64)
    if valid is not None:
        idx = idx[valid]
    if idx.size < 2:
        return np.empty((0, 2), dtype=np.int64)
    chosen = sigs[idx] if valid is not None else sigs
    codes: list[npt.NDArray[np.int64]] = []
    # bands are keyed and bucketed a group at a time: the keys and the sort's temporaries
    # stay a fraction of all the keys
    for g in range(0, bands, BANDS_PER_SORT):
        sub = band_keys(chosen, bands, g, min(g + BANDS_PER_SORT, bands))
        pairs = bucket_pairs(sub.ravel(), np.repeat(idx, sub.shape[1]))
        if pairs.size:
            codes.append(np.unique(pairs[:, 0] * n + pairs[:, 1]))
    if not codes:
        return np.empty((0, 2), dtype=np.int64)
    unique = np.unique(np.concatenate(codes))
    return np.stack((unique // n, unique % n), axis=1)
