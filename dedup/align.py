"""Passage alignment of two documents: the shared runs of their texts, merged into passages.

What the copy decision (`dedup.verify`) and every report's evidence read. From two documents'
shingle sets and layouts (`dedup.model.Layout`; the texts themselves are not needed):

1. The shingles the two share, found exactly (sorted-set intersection); shingles that do not
   count (`ignore`: the site's template text when both are pages of one site) are left out.
   Each place of a shared shingle in A
   is paired with a place of it in B (the n-th with the n-th, `_partners`).
2. Runs: consecutive positions of A paired with consecutive positions of B (one diagonal).
3. Passages: a run joins the one before it when it follows it in both texts with at most
   `max_gap` words between them (an edited word, a dropped or added word breaks a run, not a
   passage); a passage shorter than `min_passage_words` words (a stock phrase) is dropped.
4. Figures: the words of each text inside passages (`covered`), the words that count at all
   (`body`: words not only in template shingles), and the sentences of each text at least half
   covered (`sentences`).

Everything is exact and deterministic; the cost is linear in the two texts' lengths.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from dedup.model import Alignment, HashArray, Layout, Passage

IntArray = npt.NDArray[np.int64]


def _body_mask(lay: Layout, counts: npt.NDArray[np.bool_] | None, k: int) -> npt.NDArray[np.bool_]:
    """Words covered by at least one shingle that counts (`counts`, over the set; None: all)."""
    n = lay.words
    if counts is None:
        return np.ones(n, dtype=bool)
    valid = np.flatnonzero(counts[lay.order])
    return _cover(valid, np.minimum(valid + k, n), n)


def _cover(lo: IntArray, hi: IntArray, n: int) -> npt.NDArray[np.bool_]:
    """Mask of ``0..n-1`` covered by the half-open ranges ``[lo[i], hi[i])``."""
    d = np.bincount(lo, minlength=n + 1) - np.bincount(hi, minlength=n + 1)
    out: npt.NDArray[np.bool_] = np.cumsum(d[:n]) > 0
    return out


#: a sentence counts as shared only if it has at least this many words that count (a dateline,
#: a "Posted!" or a one-line caption is not one of the definition's three sentences)
SENTENCE_WORDS = 6


def _shared_sentences(
    lay: Layout, covered: npt.NDArray[np.bool_], body: npt.NDArray[np.bool_] | None
) -> int:
    """Sentences of at least `SENTENCE_WORDS` counting words, at least half covered (`covered`
    holds only counting words)."""
    if lay.words == 0 or lay.sentences.size == 0:
        return 0
    at = lay.sentences
    counted = np.diff(np.append(at, lay.words)) if body is None else np.add.reduceat(body, at, dtype=np.int64)
    hit = np.add.reduceat(covered, at, dtype=np.int64)
    return int(np.count_nonzero((counted >= SENTENCE_WORDS) & (2 * hit >= counted)))


def _intersect(a: HashArray, b: HashArray) -> tuple[IntArray, IntArray]:
    """Indices ``(ia, ib)`` of the values two sorted unique arrays have in common."""
    if a.size > b.size:
        ib, ia = _intersect(b, a)
        return ia, ib
    at = np.searchsorted(b, a)
    at[at == b.size] = 0
    hit = b[at] == a
    return np.flatnonzero(hit), at[hit]


def _partners(shared_a: IntArray, cb: IntArray, m: int) -> IntArray:
    """For the positions of A holding common shingles `shared_a` (in text order), the position
    of B each is paired with: the n-th place of a shingle in A with its n-th place in B (its
    last when B has fewer), so that a text and its copy pair up along one diagonal even where
    a shingle repeats (a caption printed twice); -1 where B has none that counts."""
    posb = np.flatnonzero(cb >= 0)
    if posb.size == 0:
        return np.full(shared_a.size, -1, dtype=np.int64)
    keys_b = cb[posb]
    sorted_b = posb[np.argsort(keys_b, kind="stable")]
    count_b = np.bincount(keys_b, minlength=m)
    start_b = np.concatenate(([0], np.cumsum(count_b)[:-1]))
    # rank of each A place among the places of its shingle in A
    order_a = np.argsort(shared_a, kind="stable")
    count_a = np.bincount(shared_a, minlength=m)
    start_a = np.concatenate(([0], np.cumsum(count_a)[:-1]))
    rank = np.empty(shared_a.size, dtype=np.int64)
    rank[order_a] = np.arange(shared_a.size) - start_a[shared_a[order_a]]
    cnt = count_b[shared_a]
    out = np.full(shared_a.size, -1, dtype=np.int64)
    has = cnt > 0
    out[has] = sorted_b[start_b[shared_a[has]] + np.minimum(rank[has], cnt[has] - 1)]
    return out


def align(
    a_set: HashArray,
    a: Layout,
    b_set: HashArray,
    b: Layout,
    k: int,
    max_gap: int,
    min_passage_words: int,
    ignore: HashArray | None = None,
) -> Alignment:
    """The passages documents A and B share (see the module), with the figures of both;
    shingles in `ignore` (sorted; a site's template text) count in neither."""
    ia, ib = _intersect(a_set, b_set)
    counts_a = counts_b = None
    if ignore is not None and ignore.size:
        counts_a = ~np.isin(a_set, ignore, assume_unique=True)
        counts_b = ~np.isin(b_set, ignore, assume_unique=True)
        live = counts_a[ia]
        ia, ib = ia[live], ib[live]
    body_a = _body_mask(a, counts_a, k) if counts_a is not None else None
    body_b = _body_mask(b, counts_b, k) if counts_b is not None else None
    n_body_a = int(body_a.sum()) if body_a is not None else a.words
    n_body_b = int(body_b.sum()) if body_b is not None else b.words
    m = int(ia.size)
    empty = Alignment((), 0, 0, n_body_a, n_body_b, 0, 0, m, 0.0)
    if m == 0 or a.words == 0 or b.words == 0:
        return empty
    # the common index of the shingle at each position (-1: not common or not counting)
    ka = np.full(a_set.size, -1, dtype=np.int64)
    ka[ia] = np.arange(m)
    kb = np.full(b_set.size, -1, dtype=np.int64)
    kb[ib] = np.arange(m)
    ca, cb = ka[a.order], kb[b.order]
    pa = np.flatnonzero(ca >= 0)
    pb = _partners(ca[pa], cb, m)
    keep = pb >= 0
    pa, pb = pa[keep], pb[keep]
    if pa.size == 0:
        return empty
    # runs: consecutive in both texts
    brk = np.ones(pa.size, dtype=bool)
    brk[1:] = (np.diff(pa) != 1) | (np.diff(pb) != 1)
    r0 = np.flatnonzero(brk)
    r1 = np.append(r0[1:], pa.size) - 1
    ra0, ra1, rb0, rb1 = pa[r0], pa[r1], pb[r0], pb[r1]
    # passages: a run joins the previous one when it comes after it in both texts, close by
    join = np.zeros(r0.size, dtype=bool)
    if r0.size > 1:
        gap_a = ra0[1:] - (ra1[:-1] + k)
        gap_b = rb0[1:] - (rb1[:-1] + k)
        join[1:] = (rb0[1:] > rb1[:-1]) & (gap_a <= max_gap) & (gap_b <= max_gap)
    starts = np.flatnonzero(~join)
    ends = np.append(starts[1:], r0.size) - 1
    wa0 = ra0[starts]
    wa1 = np.minimum(ra1[ends] + k, a.words)
    wb0 = rb0[starts]
    wb1 = np.minimum(rb1[ends] + k, b.words)
    big = (wa1 - wa0) >= min_passage_words
    wa0, wa1, wb0, wb1 = wa0[big], wa1[big], wb0[big], wb1[big]
    if wa0.size == 0:
        return empty
    # how much of the passages is shared shingle for shingle (1.0: verbatim)
    inside = _cover(wa0, np.maximum(wa1 - k + 1, wa0 + 1), max(a.order.size, 1))
    if counts_a is not None:
        inside &= counts_a[a.order]
    density = int(np.count_nonzero(inside[pa])) / max(int(np.count_nonzero(inside)), 1)
    cov_a = _cover(wa0, wa1, a.words)
    cov_b = _cover(wb0, wb1, b.words)
    if body_a is not None:
        cov_a &= body_a
    if body_b is not None:
        cov_b &= body_b
    passages = tuple(
        Passage(
            a_start=int(a.starts[x0]),
            a_end=int(a.ends[x1 - 1]),
            b_start=int(b.starts[y0]),
            b_end=int(b.ends[y1 - 1]),
            a_words=int(x1 - x0),
            b_words=int(y1 - y0),
        )
        for x0, x1, y0, y1 in zip(
            wa0.tolist(), wa1.tolist(), wb0.tolist(), wb1.tolist(), strict=True
        )
    )
    return Alignment(
        passages=passages,
        covered_a=int(np.count_nonzero(cov_a)),
        covered_b=int(np.count_nonzero(cov_b)),
        body_a=n_body_a,
        body_b=n_body_b,
        sentences_a=_shared_sentences(a, cov_a, body_a),
        sentences_b=_shared_sentences(b, cov_b, body_b),
        shared=m,
        density=density,
    )
