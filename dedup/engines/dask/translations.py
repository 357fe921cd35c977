"""The cross-lingual stage of a distributed scan, on its workers: pure functions over partitions
(each a `Batch`), the same steps as `dedup.crosslingual.translations.find_translations`.

1. *Weights*: each partition counts the documents holding each anchor feature; the counts are
   added up in a tree (`merge_anchor_counts`) into one `AnchorWeights`, exactly the local
   engine's (integer counts, the same document count).
2. *Candidates*: (anchor band key, ref, language) rows are hashed into buckets so that every
   LSH bucket is whole on one worker, which applies the local engine's bucket rule
   (`dedup.crosslingual.translations.bucket_cross_pairs`: different languages, the cap) and
   sends each pair to the partition of its first document.
3. *Verification* where the first document's anchors are, the other's fetched from its
   partition with its word shingles (`same_language`); the score is computed in the local
   engine's orientation (the smaller id first), so that it is the same float.

Documents are referred to by `refs.ref`; a pair is ``(ref_a, ref_b)``
with ref_a < ref_b, the orientation of the copy edges, so `Translations.edges` on a group of
components leaves out exactly the pairs the local engine leaves out.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from dedup.candidates import band_keys
from dedup.config import CrossLingualConfig
from dedup.crosslingual.translations import (
    NO_ANCHORS,
    AnchorWeights,
    anchor_signatures,
    bucketed_cross_pairs,
    compare,
    document_frequencies,
    is_translation,
    language_table,
    merge_frequencies,
    profile,
    same_language,
    takes_part,
)
from dedup.engines.dask.refs import MASK, SHIFT, RefArray, ref
from dedup.model import Anchors, Batch, HashArray

#: (sorted anchor features, documents holding each, documents counted)
Counts = tuple[HashArray, npt.NDArray[np.int64], int]
#: verified translations: ``(ref_a, ref_b, shared, chain)`` rows and their scores
TranslationRows = tuple[RefArray, npt.NDArray[np.float64]]


# --- weights ----------------------------------------------------------------------------------


def anchor_counts(part: Batch) -> Counts:
    """Document frequencies of the anchor features of a partition (a document without anchors
    counts as one with none, as in `find_translations`)."""
    docs = [e.anchors if e.anchors is not None else NO_ANCHORS for e in part.entries]
    keys, counts = document_frequencies(docs)
    return keys, counts, len(docs)


def merge_anchor_counts(*parts: Counts) -> Counts:
    """The counts of several partitions added up (a step of the tree reduction)."""
    keys, counts = merge_frequencies([(k, c) for k, c, _ in parts])
    return keys, counts, sum(n for _, _, n in parts)


def anchor_weights(counts: Counts) -> AnchorWeights:
    keys, df, n = counts
    return AnchorWeights.from_counts(keys, df, n)


# --- candidates -------------------------------------------------------------------------------


def languages_of(part: Batch) -> set[str]:
    """The known languages of a partition's documents."""
    return {e.language for e in part.entries if e.language is not None}


def scan_language_table(*sets: set[str]) -> dict[str, int]:
    """`language_table` of the languages of every partition, the same on every worker."""
    return language_table(set().union(*sets))


def anchor_band_rows(
    part: Batch, p: int, cfg: CrossLingualConfig, codes: dict[str, int], buckets: int
) -> list[npt.NDArray[np.uint64]]:
    """(anchor band key, ref, language code) rows of the partition's documents that can be
    candidates (known language, anchor keys), as ``(m, 3)`` uint64 arrays, one per hash bucket."""
    idx = [i for i, e in enumerate(part.entries) if takes_part(e.anchors, e.language)]
    if not idx:
        return [np.empty((0, 3), dtype=np.uint64) for _ in range(buckets)]
    anchors = [part.entries[i].anchors or NO_ANCHORS for i in idx]
    keys = band_keys(anchor_signatures(anchors, cfg), cfg.bands).ravel()
    refs = ref(p, np.array(idx, dtype=np.int64))
    lang = np.array([codes[part.entries[i].language or ""] for i in idx], dtype=np.uint64)
    rows = np.stack(
        (keys, np.repeat(refs, cfg.bands).astype(np.uint64), np.repeat(lang, cfg.bands)), axis=1
    )
    which = (keys % np.uint64(buckets)).astype(np.int64)
    return [rows[which == b] for b in range(buckets)]


def translation_pairs_by_owner(
    rows: Sequence[npt.NDArray[np.uint64]], partitions: int, max_bucket_pairs: int
) -> list[RefArray]:
    """Candidate pairs (ref_a < ref_b, not unique) of the anchor LSH buckets in these rows (all
    the rows of each of their buckets), by partition of ref_a."""
    allrows = np.concatenate(rows) if rows else np.empty((0, 3), dtype=np.uint64)
    pairs = bucketed_cross_pairs(
        allrows[:, 0],
        allrows[:, 1].astype(np.int64),
        allrows[:, 2].astype(np.int64),
        max_bucket_pairs,
    )
    owner = pairs[:, 0] >> SHIFT
    return [pairs[owner == q] for q in range(partitions)]


# --- verification -----------------------------------------------------------------------------


#: what `fetch_anchors` sends: indices, ids, anchors and word shingle sets
Fetched = tuple[npt.NDArray[np.int64], list[str], list[Anchors], list[HashArray]]


def fetch_anchors(part: Batch, indices: npt.NDArray[np.int64]) -> Fetched:
    """The ids, anchors and word shingle sets at `indices` of a partition (sent to where a
    pair is verified)."""
    idx = [int(i) for i in indices]
    entries = [part.entries[i] for i in idx]
    return (
        indices,
        [e.id for e in entries],
        [e.anchors or NO_ANCHORS for e in entries],
        [part.sets[i] for i in idx],
    )


def verify_translations(
    part: Batch,
    p: int,
    pairs: RefArray,
    fetched: dict[int, Fetched],
    weights: AnchorWeights,
    cfg: CrossLingualConfig,
) -> TranslationRows:
    """The candidate pairs owned by partition p that `is_translation` accepts and whose word
    shingles are not `same_language`, scored as the local engine scores them (`compare` of
    the profiles, the smaller id first)."""
    docs: dict[int, tuple[str, Anchors, HashArray]] = {}
    for q, (indices, ids, anchors, sets) in fetched.items():
        for i, doc_id, a, shingles in zip(indices.tolist(), ids, anchors, sets, strict=True):
            docs[ref(q, i)] = (doc_id, a, shingles)
    for i in np.unique(pairs[:, 0] & MASK).tolist() if pairs.size else []:
        e = part.entries[i]
        docs[ref(p, i)] = (e.id, e.anchors or NO_ANCHORS, part.sets[i])
    profiles = {r: profile(a, weights) for r, (_, a, _) in docs.items()}
    rows: list[tuple[int, int, int, int]] = []
    scores: list[float] = []
    for a, b in pairs.tolist():
        first, second = (a, b) if docs[a][0] < docs[b][0] else (b, a)
        s = compare(profiles[first], profiles[second])
        if is_translation(s, cfg) and not same_language(docs[a][2], docs[b][2]):
            rows.append((a, b, s.shared, s.chain))
            scores.append(s.score)
    return np.array(rows, dtype=np.int64).reshape(-1, 4), np.array(scores, dtype=np.float64)
