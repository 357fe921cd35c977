"""Cross-lingual matching: find documents in different languages that are translations of each
other (whole or in part), from their anchors (`dedup.crosslingual.anchors`: names, numbers, dates).

Three steps, like the word-shingle path:

1. *Signatures.* One-permutation MinHash (`dedup.signature.oph_signatures`) over each document's
   anchor keys. An estimate: documents agree on a position with probability equal to the
   Jaccard similarity of their anchor keys.
2. *Candidates* (`cross_candidates`). LSH banding (`dedup.candidates.band_keys`): documents that
   agree on every row of a band share a bucket. Only pairs of *different* languages are
   generated (same-language pairs belong to the word-shingle path), and a bucket that would
   give more than `max_bucket_pairs` of them is skipped: such a bucket comes from anchors common
   to a whole period (a year, a head of state) in many documents of several languages, not
   from one story. A story copied by a thousand sites in one language and translated once
   makes a bucket of a thousand pairs at most, and is kept. Skipping bounds the candidates of a
   document by ``bands x max_bucket_pairs`` whatever the size of the corpus.
3. *Verification* (`translation_score`), exact on the anchor sequences: the shared anchors are
   weighted by inverse document frequency (`AnchorWeights`), and only those that can be read
   in the same order in both texts count: the weight of the heaviest chain of shared anchors
   whose positions increase in both texts (a weighted longest increasing subsequence), divided
   by the geometric mean of the two texts' total anchor weights. A translation keeps its
   anchors in nearly the same order; two stories that share names and numbers by chance share
   them in any order.

Both documents of a pair must be in *known* languages (`dedup.language`: a text the language
identifier is not sure of, short, numeric or tabular, takes no part), and a pair whose word
shingles say the two texts are in one language (`same_language`) is never a translation.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from dedup.candidates import band_keys
from dedup.config import CrossLingualConfig
from dedup.model import Anchors, Entry, HashArray, ProgressHook
from dedup.signature import oph_signatures


@dataclass(frozen=True, slots=True)
class TranslationScore:
    """How well two anchor sequences match. `shared`: distinct anchors found in both; `chain`:
    how many of them lie in the same order in both; `score`: the weighted ordered overlap in
    [0, 1] (see the module docstring). Exact, for given weights."""

    score: float
    shared: int
    chain: int


@dataclass(frozen=True, slots=True)
class Translation:
    """A verified translation pair of documents `a` < `b` (scan order)."""

    a: int
    b: int
    score: TranslationScore


class AnchorWeights:
    """Inverse document frequency of anchors: ``ln((n + SMOOTHING) / df)``.

    `SMOOTHING` pseudo-documents that hold no anchor keep weights finite and even in a small
    scan (two documents: every anchor weighs about the same), and let frequency speak in a
    large one. Built from a whole scan (`of`) or from stored counts (`from_counts`, for a
    persistent index that keeps document frequencies).
    """

    SMOOTHING = 16

    def __init__(self, keys: HashArray, counts: npt.NDArray[np.int64], n_docs: int) -> None:
        self.keys = keys
        self.counts = counts
        self.n_docs = n_docs

    @classmethod
    def of(cls, anchors: Sequence[Anchors]) -> AnchorWeights:
        """Document frequencies of every anchor over `anchors`."""
        keys, counts = document_frequencies(anchors)
        return cls(keys, counts, len(anchors))

    @classmethod
    def from_counts(
        cls, keys: HashArray, counts: npt.NDArray[np.int64], n_docs: int
    ) -> AnchorWeights:
        """Weights from stored counts: `keys` sorted, `counts[i]` documents holding `keys[i]`."""
        return cls(keys, counts, n_docs)

    def weights(self, features: HashArray) -> npt.NDArray[np.float64]:
        """The weight of each of `features` (a feature never counted has df 1)."""
        df = np.ones(features.size, dtype=np.float64)
        if self.keys.size and features.size:
            pos = np.searchsorted(self.keys, features)
            pos = np.minimum(pos, self.keys.size - 1)
            hit = self.keys[pos] == features
            df[hit] = self.counts[pos[hit]]
        return np.log((self.n_docs + self.SMOOTHING) / df)


def document_frequencies(anchors: Sequence[Anchors]) -> tuple[HashArray, npt.NDArray[np.int64]]:
    """The distinct anchor features of `anchors` (sorted) and how many documents hold each."""
    parts = [np.unique(a.seq) for a in anchors if a.seq.size]
    if not parts:
        return np.empty(0, np.uint64), np.empty(0, np.int64)
    keys, counts = np.unique(np.concatenate(parts), return_counts=True)
    return keys, counts.astype(np.int64)


def merge_frequencies(
    parts: Sequence[tuple[HashArray, npt.NDArray[np.int64]]],
) -> tuple[HashArray, npt.NDArray[np.int64]]:
    """`document_frequencies` of several disjoint sets of documents, added up: equal to those of
    all the documents at once (exact integer counts), so weights built from them are too."""
    keys = np.concatenate([k for k, _ in parts]) if parts else np.empty(0, np.uint64)
    if keys.size == 0:
        return np.empty(0, np.uint64), np.empty(0, np.int64)
    counts = np.concatenate([c for _, c in parts]).astype(np.int64)
    order = np.argsort(keys, kind="stable")
    keys, counts = keys[order], counts[order]
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    return keys[starts], np.add.reduceat(counts, starts)


@dataclass(frozen=True, slots=True)
class _Profile:
    """A document's distinct anchors (sorted), first positions, weights and total weight."""

    uniq: HashArray
    first: npt.NDArray[np.int64]
    weight: npt.NDArray[np.float64]
    total: float


def profile(anchors: Anchors, weights: AnchorWeights) -> _Profile:
    uniq, first = np.unique(anchors.seq, return_index=True)
    w = weights.weights(uniq)
    return _Profile(uniq, first.astype(np.int64), w, float(w.sum()))


def _heaviest_chain(order_b: list[int], w: list[float]) -> tuple[float, int]:
    """Weight and length of the heaviest strictly increasing subsequence of `order_b` (ranks
    0..k-1, a permutation) with element weights `w`: a Fenwick tree of prefix maxima."""
    k = len(order_b)
    best_w = [0.0] * (k + 1)
    best_n = [0] * (k + 1)
    top_w, top_n = 0.0, 0
    for r, wt in zip(order_b, w, strict=True):
        # best chain ending at a rank < r
        i, bw, bn = r, 0.0, 0
        while i > 0:
            if best_w[i] > bw:
                bw, bn = best_w[i], best_n[i]
            i -= i & -i
        cw, cn = bw + wt, bn + 1
        if cw > top_w:
            top_w, top_n = cw, cn
        i = r + 1
        while i <= k:
            if cw > best_w[i]:
                best_w[i], best_n[i] = cw, cn
            i += i & -i
    return top_w, top_n


def compare(a: _Profile, b: _Profile) -> TranslationScore:
    """The `TranslationScore` of two profiled documents (symmetric)."""
    if a.total <= 0.0 or b.total <= 0.0:
        return TranslationScore(0.0, 0, 0)
    _, ia, ib = np.intersect1d(a.uniq, b.uniq, assume_unique=True, return_indices=True)
    if ia.size == 0:
        return TranslationScore(0.0, 0, 0)
    by_a = np.argsort(a.first[ia], kind="stable")
    pos_b = b.first[ib][by_a]
    rank_b = np.empty(pos_b.size, dtype=np.int64)
    rank_b[np.argsort(pos_b, kind="stable")] = np.arange(pos_b.size)
    w = a.weight[ia][by_a]
    chain_w, chain_n = _heaviest_chain(rank_b.tolist(), w.tolist())
    return TranslationScore(
        score=chain_w / math.sqrt(a.total * b.total),
        shared=int(ia.size),
        chain=chain_n,
    )


def translation_score(a: Anchors, b: Anchors, weights: AnchorWeights) -> TranslationScore:
    """Exact ordered, weighted overlap of the anchors of two documents (module docstring)."""
    return compare(profile(a, weights), profile(b, weights))


def is_translation(s: TranslationScore, cfg: CrossLingualConfig) -> bool:
    """The rule documented on `CrossLingualConfig`: enough anchors in order and a high enough
    score (higher for a chain of only two or so anchors)."""
    if s.chain < cfg.min_chain:
        return False
    return s.score >= (cfg.min_score if s.chain >= cfg.short_chain else cfg.short_min_score)


#: share of the smaller text's word shingles (5-word runs) found in the other above which two
#: texts are in one language (`same_language`). Of the 2,470 WMT translation pairs (8
#: languages), the most shingles one shares is 6.9% of the smaller text's (`benchmarks/
#: crosslingual.py`: names, numbers, quotes left untranslated; 99th percentile 1.4%); of the
#: 38 (member, origin) translation pairs of English Reuters notices that a scan of 21,268
#: English texts reported before languages needed confidence, 13 share 12.5-100% (the others
#: none or a few: tables of different figures), so this is a second guard, not the first.
SAME_LANGUAGE_SHARE = 0.125


def same_language(a: HashArray, b: HashArray) -> bool:
    """Do the word shingles of two texts (sorted distinct hashes) say they are written in one
    language? True when they share at least `SAME_LANGUAGE_SHARE` of the smaller set (and at
    least one shingle): a translation rewrites every run of five words."""
    if a.size == 0 or b.size == 0:
        return False
    shared = np.intersect1d(a, b, assume_unique=True).size
    return shared > 0 and shared >= SAME_LANGUAGE_SHARE * min(a.size, b.size)


def anchor_signatures(
    anchors: Sequence[Anchors], cfg: CrossLingualConfig
) -> npt.NDArray[np.uint32]:
    """MinHash signatures of the anchor keys of each document, shape ``(n, cfg.num_perm)``."""
    sizes = np.array([a.keys.size for a in anchors], dtype=np.int64)
    offsets = np.zeros(len(anchors) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    hashes = np.concatenate([a.keys for a in anchors]) if len(anchors) else np.empty(0, np.uint64)
    return oph_signatures(hashes, offsets, cfg.num_perm, cfg.seed)


def anchor_band_keys(anchors: Sequence[Anchors], cfg: CrossLingualConfig) -> HashArray:
    """The LSH band keys of each document's anchors, shape ``(n, cfg.bands)``: what a persistent
    index stores per document (one bucket row per band, as for word shingles) so that a query
    finds its cross-lingual candidates by key lookup. Two documents are candidates when they
    share a key and their languages differ."""
    return band_keys(anchor_signatures(anchors, cfg), cfg.bands)


def bucket_cross_pairs(
    members: npt.NDArray[np.int64], lang: npt.NDArray[np.int64], max_pairs: int
) -> npt.NDArray[np.int64]:
    """The candidate pairs of one LSH bucket, shape ``(k, 2)``: ``(members[i], members[j])``,
    i < j, of different languages. `members` are sorted document numbers (indices in a scan,
    or any ids ordered the same way), `lang` their language codes (small integers >= 0, equal
    for equal languages). A bucket that would give more than `max_pairs` such pairs gives none
    (anchors common to a period, not one story: see the module docstring)."""
    none = np.empty((0, 2), dtype=np.int64)
    if members.size < 2 or (lang == lang[0]).all():
        return none
    counts = np.bincount(lang)
    cross_pairs = (int(counts.sum()) ** 2 - int((counts**2).sum())) // 2
    if cross_pairs > max_pairs:
        return none
    ii, jj = np.triu_indices(members.size, k=1)
    cross = lang[ii] != lang[jj]
    return np.stack((members[ii[cross]], members[jj[cross]]), axis=1)


def bucketed_cross_pairs(
    keys: HashArray,
    docs: npt.NDArray[np.int64],
    lang: npt.NDArray[np.int64],
    max_pairs: int,
) -> npt.NDArray[np.int64]:
    """The candidate pairs (`bucket_cross_pairs`) of every bucket among rows ``(keys[r],
    docs[r], lang[r])`` (one row a document and band; the band number is part of the key),
    shape ``(m, 2)``, a < b; a pair sharing several buckets appears once for each. The rows of
    a bucket must all be given: the cap counts the whole bucket."""
    order = np.argsort(keys, kind="stable")
    sk = keys[order]
    cuts = np.flatnonzero(np.diff(sk)) + 1
    starts = np.concatenate(([0], cuts))
    ends = np.concatenate((cuts, [sk.size]))
    multi = (ends - starts) > 1
    found: list[npt.NDArray[np.int64]] = []
    for s, e in zip(starts[multi].tolist(), ends[multi].tolist(), strict=True):
        rows = order[s:e]
        by_doc = np.argsort(docs[rows], kind="stable")
        pairs = bucket_cross_pairs(docs[rows][by_doc], lang[rows][by_doc], max_pairs)
        if pairs.size:
            found.append(pairs)
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    return np.concatenate(found)


def takes_part(anchors: Anchors | None, language: str | None) -> bool:
    """Does a document take part in cross-lingual candidates? Its language must be known and
    it must have anchor keys (a scan, a Dask partition and an index apply this one rule)."""
    return language is not None and anchors is not None and anchors.keys.size > 0


def language_table(languages: Iterable[str | None]) -> dict[str, int]:
    """The code of each known language for `bucket_cross_pairs`: its rank among the distinct
    known ones (the same on every worker that is given the same languages)."""
    return {c: k for k, c in enumerate(sorted({x for x in languages if x is not None}))}


def language_codes(languages: Sequence[str | None]) -> npt.NDArray[np.int64]:
    """A code per document for `bucket_cross_pairs` (`language_table`), -1 when unknown."""
    codes = language_table(languages)
    return np.array([codes[x] if x is not None else -1 for x in languages], dtype=np.int64)


def cross_candidates(
    sigs: npt.NDArray[np.uint32],
    languages: Sequence[str | None],
    cfg: CrossLingualConfig,
    valid: npt.NDArray[np.bool_] | None = None,
) -> npt.NDArray[np.int64]:
    """Candidate pairs ``(i, j)``, i < j, sorted, of documents whose languages are known and
    different and whose signatures agree on a band (a bucket that would give more than
    `cfg.max_bucket_pairs` such pairs is skipped). Candidates only: `translation_score`
    decides."""
    n = sigs.shape[0]
    lang = language_codes(languages)
    ok = lang >= 0 if valid is None else (lang >= 0) & valid
    idx = np.flatnonzero(ok)
    if idx.size < 2:
        return np.empty((0, 2), dtype=np.int64)
    # one sort over every (document, band) key: the band number is part of the key
    keys = band_keys(sigs[idx], cfg.bands).ravel()
    docs = np.repeat(idx, cfg.bands)
    found = bucketed_cross_pairs(keys, docs, lang[docs], cfg.max_bucket_pairs)
    if found.size == 0:
        return np.empty((0, 2), dtype=np.int64)
    pairs = np.unique(found[:, 0] * n + found[:, 1])
    return np.stack((pairs // n, pairs % n), axis=1)


@dataclass(frozen=True, slots=True)
class Translations:
    """The verified translation pairs of a scan, how many candidate pairs were compared, and
    the anchor weights they were scored with."""

    pairs: list[Translation]
    candidates: int
    weights: AnchorWeights
    #: document -> the documents it is a verified translation of (derived from `pairs`)
    partners: dict[int, list[int]] = field(init=False)

    def __post_init__(self) -> None:
        partners: dict[int, list[int]] = {}
        for t in self.pairs:
            partners.setdefault(t.a, []).append(t.b)
            partners.setdefault(t.b, []).append(t.a)
        object.__setattr__(self, "partners", partners)

    def edges(self, existing: Sequence[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
        """The translation pairs as clustering edges ``(a, b, 0)``, leaving out pairs that are
        already `existing` edges (weight 0: the centre of a star takes a word-shingle copy as
        its pivot before a translation, and a translation shares no shingles, so the
        coherence guard of `dedup.cluster` never refuses it)."""
        have = {(a, b) for a, b, _ in existing}
        return [(t.a, t.b, 0) for t in self.pairs if (t.a, t.b) not in have]

    def member_match(
        self, i: int, origin: int, group: Sequence[int], entries: Sequence[Entry], copy: bool
    ) -> tuple[str | None, float | None]:
        """(``"translation"``, anchor score against the origin) for member `i` of the cluster
        `group` when it is not a word-shingle `copy` of the `origin` and is either in another
        language than the origin or a verified translation of another member; else
        (None, None). The score is exact (`translation_score` with this scan's weights)."""
        if copy or i == origin:
            return None, None
        mine, theirs = entries[i].language, entries[origin].language
        other_language = mine is not None and theirs is not None and mine != theirs
        if not other_language:
            members = set(group)
            if not any(k in members for k in self.partners.get(i, ())):
                return None, None
        a, b = entries[i].anchors, entries[origin].anchors
        if a is None or b is None:
            return "translation", None
        return "translation", translation_score(a, b, self.weights).score


#: the anchors of a document without any
NO_ANCHORS = Anchors(np.empty(0, np.uint64), np.empty(0, np.uint64))


def find_translations(
    anchors: Sequence[Anchors | None],
    languages: Sequence[str | None],
    cfg: CrossLingualConfig,
    progress: ProgressHook | None = None,
    sets: Sequence[HashArray] | None = None,
) -> Translations:
    """Every pair of documents in different languages that `is_translation` accepts, among the
    LSH candidates of their anchors (`None`: a document without anchors), and whose word
    shingle `sets` (when given) are not `same_language`. Weights are the document frequencies
    over these documents."""
    docs = [a if a is not None else NO_ANCHORS for a in anchors]
    weights = AnchorWeights.of(docs)
    sigs = anchor_signatures(docs, cfg)
    valid = np.array([takes_part(a, x) for a, x in zip(docs, languages, strict=True)], dtype=bool)
    pairs = cross_candidates(sigs, languages, cfg, valid)
    profiles: dict[int, _Profile] = {}

    def prof(i: int) -> _Profile:
        if i not in profiles:
            profiles[i] = profile(docs[i], weights)
        return profiles[i]

    out: list[Translation] = []
    total = len(pairs)
    for k, (a, b) in enumerate(pairs.tolist()):
        s = compare(prof(a), prof(b))
        if is_translation(s, cfg) and (sets is None or not same_language(sets[a], sets[b])):
            out.append(Translation(a, b, s))
        if progress is not None and k % 4096 == 0:
            progress("translate", k, total)
    if progress is not None:
        progress("translate", total, total)
    return Translations(out, total, weights)
