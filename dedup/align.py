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
   (`body`: not furniture, not only in template shingles), and the sentences of each text at
   least 60% covered (`sentences`, `SENTENCE_SHARE`).

Steps 1-3 are `match` (cheap: what verification screens first), step 4 is `figures`;
`dedup.verify.compare` runs both.

Everything is exact and deterministic; the cost is linear in the two texts' lengths.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from dedup.model import Alignment, HashArray, Layout, Passage

IntArray = npt.NDArray[np.int64]


def _body_mask(
    lay: Layout, counts: npt.NDArray[np.bool_] | None, k: int
) -> npt.NDArray[np.bool_] | None:
    """The words that count: covered by at least one shingle that counts (`counts`, over the
    set; None: all) and not furniture. None when every word counts."""
    n = lay.words
    if counts is None and lay.furniture.size == 0:
        return None
    if counts is None:
        mask = np.ones(n, dtype=bool)
    else:
        valid = np.flatnonzero(counts[lay.order])
        mask = _cover(valid, np.minimum(valid + k, n), n)
    if lay.furniture.size:
        mask &= ~_cover(
            lay.furniture[0::2].astype(np.int64), lay.furniture[1::2].astype(np.int64), n
        )
    return mask


def _cover(lo: IntArray, hi: IntArray, n: int) -> npt.NDArray[np.bool_]:
    """Mask of ``0..n-1`` covered by the half-open ranges ``[lo[i], hi[i])``."""
    d = np.bincount(lo, minlength=n + 1) - np.bincount(hi, minlength=n + 1)
    out: npt.NDArray[np.bool_] = np.cumsum(d[:n]) > 0
    return out


#: a sentence counts as shared only if it has at least this many words that count (a dateline,
#: a "Posted!" or a one-line caption is not one of the definition's three sentences)
SENTENCE_WORDS = 6
#: ...and at least this share of them inside passages, as a fraction (numerator, denominator):
#: a near-verbatim sentence, not a clause that a rewritten sentence keeps ("Trump told CBS
#: News that he's going into the Helsinki summit with" and a quote: half of the sentence)
SENTENCE_SHARE = (3, 5)


def _shared_sentences(
    lay: Layout, covered: npt.NDArray[np.bool_], body: npt.NDArray[np.bool_] | None
) -> tuple[int, int]:
    """Sentences of at least `SENTENCE_WORDS` counting words, at least `SENTENCE_SHARE` of them
    covered (`covered` holds only counting words); and how many of them are not quotations."""
    if lay.words == 0 or lay.sentences.size == 0:
        return 0, 0
    at = lay.sentences
    if body is None:
        counted = np.empty(at.size, dtype=np.int64)
        counted[:-1] = at[1:] - at[:-1]
        counted[-1] = lay.words - at[-1]
    else:
        counted = np.add.reduceat(body, at, dtype=np.int64)
    hit = np.add.reduceat(covered, at, dtype=np.int64)
    num, den = SENTENCE_SHARE
    shared = (counted >= SENTENCE_WORDS) & (den * hit >= num * counted)
    return int(np.count_nonzero(shared)), int(np.count_nonzero(shared & ~lay.quoted))


def common(a: HashArray, b: HashArray) -> tuple[IntArray, IntArray]:
    """Indices ``(ia, ib)`` of the values two sorted unique arrays have in common."""
    if a.size > b.size:
        ib, ia = common(b, a)
        return ia, ib
    at = b.searchsorted(a)
    at[at == b.size] = 0
    hit = b[at] == a
    return hit.nonzero()[0], at[hit]


def _partners(shared_a: IntArray, cb: IntArray, m: int) -> IntArray:
    """For the positions of A holding common shingles `shared_a` (in text order), the position
    of B each is paired with: the n-th place of a shingle in A with its n-th place in B (its
    last when B has fewer), so that a text and its copy pair up along one diagonal even where
    a shingle repeats (a caption printed twice); -1 where B has none that counts."""
    posb = (cb >= 0).nonzero()[0]
    if posb.size == 0:
        return np.full(shared_a.size, -1, dtype=np.int64)
    keys_b = cb[posb]
    if shared_a.size == m and posb.size == m:  # no shingle repeats on either side
        place = np.empty(m, dtype=np.int64)
        place[keys_b] = posb
        out_: IntArray = place[shared_a]
        return out_
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


@dataclass(frozen=True, slots=True)
class Matched:
    """The passages of A and B as word ranges (A's disjoint and in order; B's in the same
    order), before the per-word figures: what `figures` completes into an `Alignment`, and
    what verification screens first (`density`, `upper_coverage`)."""

    a0: IntArray
    a1: IntArray
    b0: IntArray
    b1: IntArray
    counts_a: npt.NDArray[np.bool_] | None
    counts_b: npt.NDArray[np.bool_] | None
    body_a: int
    body_b: int
    shared: int
    density: float

    def upper_coverage(self) -> float:
        """At least the shorter text's coverage (`Alignment.coverage`): the passages' words
        over the body, which template words only lower."""
        ua = float((self.a1 - self.a0).sum()) / self.body_a if self.body_a else 0.0
        ub = float((self.b1 - self.b0).sum()) / self.body_b if self.body_b else 0.0
        if self.body_a == self.body_b:
            return min(ua, ub)
        return ua if self.body_a < self.body_b else ub

    def upper_sentences(self, a: Layout, b: Layout) -> int:
        """At least the shorter text's shared sentences (`Alignment.shared_sentences`): the
        sentences that a passage reaches into."""

        def reached(lay: Layout, lo: IntArray, hi: IntArray) -> int:
            s = lay.sentences
            return int((s.searchsorted(hi, "left") - s.searchsorted(lo, "right") + 1).sum())

        ua, ub = reached(a, self.a0, self.a1), reached(b, self.b0, self.b1)
        if self.body_a == self.body_b:
            return min(ua, ub)
        return ua if self.body_a < self.body_b else ub


_NONE = np.empty(0, dtype=np.int64)


def _places(
    a_set: HashArray, a: Layout, b_set: HashArray, b: Layout, ia: IntArray, ib: IntArray
) -> tuple[IntArray, IntArray]:
    """The positions of A holding the common shingles ``a_set[ia]`` (in text order), and the
    position of B each is paired with (`_partners`)."""
    if a.order.size == a_set.size and b.order.size == b_set.size:
        # no shingle repeats in either text: each common shingle has one place on each side
        at_a, at_b = _place_of(a.order)[ia], _place_of(b.order)[ib]
        by_a = at_a.argsort()
        return at_a[by_a], at_b[by_a]
    return _places_any(a_set, a, b_set, b, ia, ib)


def _places_any(
    a_set: HashArray, a: Layout, b_set: HashArray, b: Layout, ia: IntArray, ib: IntArray
) -> tuple[IntArray, IntArray]:
    """`_places` of any two texts, shingles repeating or not."""
    m = int(ia.size)
    # the common index of the shingle at each position (-1: not common or not counting)
    ka = np.full(a_set.size, -1, dtype=np.int64)
    ka[ia] = np.arange(m)
    kb = np.full(b_set.size, -1, dtype=np.int64)
    kb[ib] = np.arange(m)
    ca, cb = ka[a.order], kb[b.order]
    pa = (ca >= 0).nonzero()[0]
    pb = _partners(ca[pa], cb, m)
    keep = pb >= 0
    return pa[keep], pb[keep]


def _place_of(order: npt.NDArray[np.int32]) -> IntArray:
    """The position of each shingle of a set in a text where none repeats (`order` is then
    a permutation)."""
    out = np.empty(order.size, dtype=np.int64)
    out[order] = np.arange(order.size)
    return out


def match(
    a_set: HashArray,
    a: Layout,
    b_set: HashArray,
    b: Layout,
    k: int,
    max_gap: int,
    min_passage_words: int,
    ignore: HashArray | None = None,
    shared: tuple[IntArray, IntArray] | None = None,
) -> Matched:
    """Steps 1-3 of the module: the passages of A and B (shingles in `ignore`, sorted, count
    in neither), and how verbatim they are. `shared`: ``common(a_set, b_set)`` when the
    caller has it."""
    ia, ib = common(a_set, b_set) if shared is None else shared
    counts_a = counts_b = None
    n_body_a, n_body_b = a.words - a.furniture_words, b.words - b.furniture_words
    if ignore is not None and ignore.size:
        counts_a = ~np.isin(a_set, ignore, assume_unique=True)
        counts_b = ~np.isin(b_set, ignore, assume_unique=True)
        live = counts_a[ia]
        ia, ib = ia[live], ib[live]
        mask_a, mask_b = _body_mask(a, counts_a, k), _body_mask(b, counts_b, k)
        n_body_a = int(np.count_nonzero(mask_a)) if mask_a is not None else a.words
        n_body_b = int(np.count_nonzero(mask_b)) if mask_b is not None else b.words
    m = int(ia.size)
    empty = Matched(_NONE, _NONE, _NONE, _NONE, counts_a, counts_b, n_body_a, n_body_b, m, 0.0)
    if m == 0 or a.words == 0 or b.words == 0:
        return empty
    pa, pb = _places(a_set, a, b_set, b, ia, ib)
    if pa.size == 0:
        return empty
    # passages: a shared place joins the one before it when it comes after it in both texts,
    # at most `max_gap` words after the end of its shingle (the next place of a run of
    # consecutive places always does: max_gap >= 0)
    step_a, step_b = pa[1:] - pa[:-1], pb[1:] - pb[:-1]
    starts = np.ones(pa.size, dtype=bool)
    starts[1:] = (step_b <= 0) | (step_a > max_gap + k) | (step_b > max_gap + k)
    first = starts.nonzero()[0]
    last = np.empty_like(first)
    last[:-1] = first[1:] - 1
    last[-1] = pa.size - 1
    a0, b0 = pa[first], pb[first]
    a1 = np.minimum(pa[last] + k, a.words)
    b1 = np.minimum(pb[last] + k, b.words)
    big = (a1 - a0) >= min_passage_words
    if not big.any():
        return empty
    a0, a1, b0, b1 = a0[big], a1[big], b0[big], b1[big]
    # how much of the passages is shared shingle for shingle (1.0: verbatim): A's positions
    # whose window lies inside a passage, and how many of them are shared
    hi = np.maximum(a1 - k + 1, a0 + 1)
    if counts_a is None:
        total = int((hi - a0).sum())
        hits = int((pa.searchsorted(hi) - pa.searchsorted(a0)).sum())
    else:
        inside = _cover(a0, hi, max(a.order.size, 1)) & counts_a[a.order]
        total = int(np.count_nonzero(inside))
        hits = int(np.count_nonzero(inside[pa]))
    density = hits / total if total else 0.0
    return Matched(a0, a1, b0, b1, counts_a, counts_b, n_body_a, n_body_b, m, density)


def figures(mt: Matched, a: Layout, b: Layout, k: int) -> Alignment:
    """Step 4 of the module: the `Alignment` of matched passages `mt` of A and B."""
    if mt.a0.size == 0:
        return Alignment((), 0, 0, mt.body_a, mt.body_b, 0, 0, 0, 0, mt.shared, mt.density)
    body_a = _body_mask(a, mt.counts_a, k)
    body_b = _body_mask(b, mt.counts_b, k)
    cov_a = _cover(mt.a0, mt.a1, a.words)
    cov_b = _cover(mt.b0, mt.b1, b.words)
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
            mt.a0.tolist(), mt.a1.tolist(), mt.b0.tolist(), mt.b1.tolist(), strict=True
        )
    )
    sa, oa = _shared_sentences(a, cov_a, body_a)
    sb, ob = _shared_sentences(b, cov_b, body_b)
    return Alignment(
        passages=passages,
        covered_a=int(np.count_nonzero(cov_a)),
        covered_b=int(np.count_nonzero(cov_b)),
        body_a=mt.body_a,
        body_b=mt.body_b,
        sentences_a=sa,
        sentences_b=sb,
        own_a=oa,
        own_b=ob,
        shared=mt.shared,
        density=mt.density,
    )
