"""Candidate pairs: the pairs worth aligning. Two sources, both exact about what they propose:

- LSH banding of whole-text MinHash signatures (`candidate_pairs`): documents whose signatures
  agree on every row of at least one band. With b bands of r rows, a pair of Jaccard J is
  proposed with probability 1 - (1 - J**r)**b: near duplicates, however many.
- Shared passages (`passage_pairs`): an inverted index of sampled shingle fingerprints
  (a fixed 1 in `sample` of every text's shingles, chosen by hash, as in winnowing and
  passim): documents sharing `min_hits` fingerprints, wherever the passage sits. A story's
  first paragraphs inside a page three times as long have Jaccard ~0.1, which banding almost
  never proposes; they share a fingerprint every `sample` words of the passage.

Candidates are only candidates: `dedup.verify` decides.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from dedup.config import ScanConfig
from dedup.model import HashArray
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


def sampled(s: HashArray, sample: int) -> HashArray:
    """The fingerprints of a shingle set: the shingles whose hash is 0 modulo `sample` (a
    power of two). The choice depends on the shingle alone, so two texts sharing a passage of
    w words share about (w - 4) / `sample` fingerprints of it, wherever it sits in either."""
    out: HashArray = s[(s & U64(sample - 1)) == 0]
    return out


def proposing(df: npt.NDArray[np.int64], max_df: int) -> npt.NDArray[np.bool_]:
    """Which fingerprints propose pairs, given `df`, the documents holding each: those on at
    least two documents and at most `max_df` (more: boilerplate, see `passage_pairs`)."""
    keep: npt.NDArray[np.bool_] = (df >= 2) & (df <= max_df)
    return keep


def passage_partners(
    holders: Sequence[Sequence[str]], df: npt.NDArray[np.int64], min_hits: int, max_df: int
) -> list[str]:
    """`passage_pairs` for one document against a corpus it is part of (a query against an
    index): the documents (sorted) sharing at least `min_hits` of its fingerprints.
    ``holders[f]``: the other documents holding its fingerprint f; ``df[f]``: the documents
    holding f, itself included (`proposing` decides on it, as `passage_pairs` does)."""
    hits: dict[str, int] = {}
    for docs, keep in zip(holders, proposing(df, max_df).tolist(), strict=True):
        if keep:
            for d in docs:
                hits[d] = hits.get(d, 0) + 1
    return sorted(d for d, n in hits.items() if n >= min_hits)


def fingerprints(
    sets: Sequence[HashArray], sample: int, leave_out: Sequence[HashArray | None] | None = None
) -> list[HashArray]:
    """Each document's fingerprints (`sampled`), without those in `leave_out[i]` (document
    i's site template text, which proposes nothing)."""
    fps = [sampled(s, sample) for s in sets]
    if leave_out is None:
        return fps
    return [
        f if out is None else f[~np.isin(f, out, assume_unique=True)]
        for f, out in zip(fps, leave_out, strict=True)
    ]


def posting_pairs(
    keys: HashArray,
    ids: npt.NDArray[np.int64],
    max_df: int,
    weights: npt.NDArray[np.int64] | None = None,
) -> npt.NDArray[np.int64]:
    """The pairs ``(a, b)``, a < b, of documents `ids` sharing a fingerprint `keys` (rows of
    an inverted index: every posting of each fingerprint must be among them), once per shared
    fingerprint; a fingerprint on more than `max_df` documents proposes nothing. `weights`:
    the documents each posting stands for (a text several documents have: `dedup.ids`), 1
    when None."""
    if keys.size < 2:
        return np.empty((0, 2), dtype=np.int64)
    _, inv, counts = np.unique(keys, return_inverse=True, return_counts=True)
    if weights is not None:
        counts = np.bincount(inv.reshape(-1), weights=weights, minlength=counts.size)
        counts = counts.astype(np.int64)
    keep = proposing(counts, max_df)[inv.reshape(-1)]
    return bucket_pairs(keys[keep], ids[keep])


#: distinct pairs ``(m, 2)`` and the number of fingerprints each shares ``(m,)``
Hits = tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]


def pair_hits(*found: Hits) -> Hits:
    """The distinct pairs of several `Hits`, each with its hits added up over all of them,
    sorted (parts of the index each count the fingerprints they hold)."""
    pairs = [p for p, _ in found if p.shape[0]]
    if not pairs:
        return np.empty((0, 2), dtype=np.int64), np.empty(0, dtype=np.int64)
    allp = np.concatenate(pairs)
    allh = np.concatenate([h for p, h in found if p.shape[0]])
    uniq, inv = distinct_rows(allp)
    hits = np.bincount(inv, weights=allh, minlength=uniq.shape[0]).astype(np.int64)
    return uniq, hits


def distinct_rows(
    pairs: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The distinct rows of an ``(m, 2)`` array, sorted, and the place of each row among them:
    ``np.unique(pairs, axis=0, return_inverse=True)``, in one two-key sort (~10x faster)."""
    order = np.lexsort((pairs[:, 1], pairs[:, 0]))
    rows = pairs[order]
    new = np.ones(rows.shape[0], dtype=bool)
    new[1:] = (rows[1:, 0] != rows[:-1, 0]) | (rows[1:, 1] != rows[:-1, 1])
    inv = np.empty(rows.shape[0], dtype=np.int64)
    inv[order] = np.cumsum(new) - 1
    return rows[new].reshape(-1, 2), inv


def hits_of(pairs: npt.NDArray[np.int64]) -> Hits:
    """`posting_pairs` rows (one a shared fingerprint) as `Hits`."""
    return pair_hits((pairs, np.ones(pairs.shape[0], dtype=np.int64)))


def enough_hits(found: Hits, min_hits: int) -> npt.NDArray[np.int64]:
    """The pairs of `found` sharing at least `min_hits` fingerprints, sorted."""
    pairs, hits = found
    return pairs[hits >= min_hits].reshape(-1, 2)


def passage_pairs(
    sets: Sequence[HashArray],
    sample: int,
    min_hits: int,
    max_df: int,
    leave_out: Sequence[HashArray | None] | None = None,
    weights: npt.NDArray[np.int64] | None = None,
) -> npt.NDArray[np.int64]:
    """Unique pairs ``(i, j)``, i < j, sorted, of documents sharing at least `min_hits`
    fingerprints (`sampled`), shape ``(m, 2)``: the candidates of a shared passage, however
    small a part of either text it is. A fingerprint found in more than `max_df` documents is
    boilerplate (or a story with more copies than that, which whole-text LSH finds) and
    proposes nothing: the pairs stay at most ``max_df**2 / 2`` a fingerprint. Document i's
    shingles in `leave_out[i]` (its site's template text) are not fingerprints; `weights[i]`:
    how many documents document i stands for (its text's, `dedup.ids.one_per_text`), counted
    as such in the documents holding a fingerprint.

    The steps (`fingerprints`, `posting_pairs`, `hits_of`, `pair_hits`, `enough_hits`) are
    what a distributed engine runs on parts of the index: the postings of a fingerprint
    together, a pair's hits added up over every part."""
    n = len(sets)
    fps = fingerprints(sets, sample, leave_out)
    sizes = np.fromiter((f.size for f in fps), dtype=np.int64, count=n)
    if n < 2 or int(sizes.sum()) == 0:
        return np.empty((0, 2), dtype=np.int64)
    keys = np.concatenate(fps)
    ids = np.repeat(np.arange(n, dtype=np.int64), sizes)
    w = None if weights is None else np.repeat(weights, sizes)
    return enough_hits(hits_of(posting_pairs(keys, ids, max_df, w)), min_hits)


def union_pairs(*arrays: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The distinct pairs of several sorted ``(m, 2)`` pair arrays, sorted."""
    both = np.concatenate(arrays) if arrays else np.empty((0, 2), dtype=np.int64)
    if both.shape[0] == 0:
        return both.reshape(0, 2)
    return distinct_rows(both)[0]


def all_candidates(
    sets: Sequence[HashArray],
    sigs: npt.NDArray[np.uint32],
    cfg: ScanConfig,
    leave_out: Sequence[HashArray | None] | None = None,
    weights: npt.NDArray[np.int64] | None = None,
) -> npt.NDArray[np.int64]:
    """Every candidate pair of a corpus, sorted: LSH's and the passage index's together
    (`leave_out`, `weights`: see `passage_pairs`)."""
    c = cfg.candidates
    return union_pairs(
        candidate_pairs(sigs, cfg.minhash.bands),
        passage_pairs(sets, c.sample, c.min_hits, c.max_df, leave_out, weights),
    )
