"""The work a distributed scan does on its workers: pure functions over partitions.

A partition is the `Batch` of prepared documents of one input file (or one byte range of a
large JSONL file, or one chunk of documents given in memory). A document is referred to across
partitions by its `refs.ref`. Every function here is deterministic and takes and returns plain
values, so a scheduler may run it anywhere, and again after a worker is lost; each applies a
stage's own function to what the partition holds (nothing here decides a rule).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import xxhash

from dedup.candidates import band_keys, bucket_pairs
from dedup.cluster import cluster_documents
from dedup.config import ScanConfig
from dedup.crosslingual.translations import (
    AnchorWeights,
    Translation,
    Translations,
    TranslationScore,
)
from dedup.engines.dask.refs import MASK, SHIFT, RefArray, ref
from dedup.engines.pool import Unit, prepare_unit
from dedup.ids import dedupe_key, duplicate_skip, losers
from dedup.model import Batch, Document, Entry, HashArray, Skip
from dedup.report import KeyedCluster, describe_clusters
from dedup.sources import FilePart
from dedup.verify import verify_pairs as verify_stage


def prepare_part(source: FilePart | Sequence[Document], cfg: ScanConfig) -> Batch:
    """Read and prepare one partition: the process pool's own unit of work, in this worker."""
    unit = Unit(parts=(source,)) if isinstance(source, FilePart) else Unit(items=tuple(source))
    return prepare_unit(unit, cfg)


def _bucket_of(text: str, buckets: int) -> int:
    return xxhash.xxh3_64_intdigest(text.encode()) % buckets


# --- one document per id ----------------------------------------------------------------------

IdRow = tuple[tuple[object, ...], int]  # (dedupe key, ref): what `dedup.ids.losers` takes


def id_rows(part: Batch, p: int, buckets: int) -> list[list[IdRow]]:
    """The ids of a partition as `dedup.ids.losers` rows, hashed by id into `buckets` lists
    (so that all the rows of an id meet in one bucket)."""
    out: list[list[IdRow]] = [[] for _ in range(buckets)]
    for i, (e, s) in enumerate(zip(part.entries, part.sets, strict=True)):
        out[_bucket_of(e.id, buckets)].append((dedupe_key(e, s), ref(p, i)))
    return out


def bucket_losers(rows: Sequence[list[IdRow]]) -> list[tuple[int, int]]:
    """(dropped ref, kept ref) for every duplicate id of one bucket (`dedup.ids.losers`)."""
    return losers([r for lst in rows for r in lst])


def entries_at(part: Batch, indices: Sequence[int]) -> list[Entry]:
    return [part.entries[i] for i in indices]


def drop_duplicates(part: Batch, drops: Sequence[tuple[int, Entry]]) -> Batch:
    """`part` without the documents at the given indices, each with its skip (kept entry given)."""
    gone = {i for i, _ in drops}
    out = part.take([i for i in range(len(part)) if i not in gone])
    out.skips = list(part.skips) + [duplicate_skip(part.entries[i], kept) for i, kept in drops]
    out.read = part.read
    return out


def part_summary(part: Batch) -> tuple[int, int, list[Skip]]:
    """(records read, documents kept, skips) of a partition."""
    return part.read, len(part.entries), part.skips


# --- LSH: band keys shuffled so that each bucket is grouped on one worker ---------------------


def band_rows(part: Batch, p: int, bands: int, buckets: int) -> list[npt.NDArray[np.uint64]]:
    """(band key, ref) rows of a partition as ``(m, 2)`` uint64 arrays, one per hash bucket."""
    n = len(part.entries)
    if n == 0:
        return [np.empty((0, 2), dtype=np.uint64) for _ in range(buckets)]
    keys = band_keys(part.sigs, bands).ravel()
    refs = np.repeat(ref(p, np.arange(n, dtype=np.int64)), bands).astype(np.uint64)
    rows = np.stack((keys, refs), axis=1)
    which = (keys % np.uint64(buckets)).astype(np.int64)
    return [rows[which == b] for b in range(buckets)]


def pairs_by_owner(rows: Sequence[npt.NDArray[np.uint64]], partitions: int) -> list[RefArray]:
    """Candidate pairs (ref_a < ref_b) of the LSH buckets in these rows, by partition of ref_a."""
    allrows = np.concatenate(rows) if rows else np.empty((0, 2), dtype=np.uint64)
    pairs = bucket_pairs(allrows[:, 0], allrows[:, 1].astype(np.int64))
    owner = pairs[:, 0] >> SHIFT
    return [pairs[owner == q] for q in range(partitions)]


def unique_pairs(*arrays: RefArray) -> RefArray:
    """The distinct pairs of several arrays, sorted."""
    pairs = np.concatenate(arrays) if arrays else np.empty((0, 2), dtype=np.int64)
    if pairs.shape[0] == 0:
        return pairs.reshape(0, 2)
    return np.unique(pairs, axis=0)


def needed(pairs: RefArray, q: int) -> npt.NDArray[np.int64]:
    """Indices in partition q of the second documents of `pairs`."""
    b = pairs[:, 1]
    return np.unique(b[(b >> SHIFT) == q] & MASK)


def partitions_needed(pairs: RefArray) -> list[int]:
    return sorted({int(x) for x in np.unique(pairs[:, 1] >> SHIFT)}) if pairs.size else []


def fetch_sets(
    part: Batch, indices: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], list[HashArray]]:
    """The shingle sets at `indices` of a partition (sent to where a pair is verified)."""
    return indices, [part.sets[int(i)] for i in indices]


def verify_pairs(
    part: Batch,
    p: int,
    pairs: RefArray,
    fetched: dict[int, tuple[npt.NDArray[np.int64], list[HashArray]]],
    cfg: ScanConfig,
) -> RefArray:
    """`dedup.verify.verify_pairs` of the candidate pairs owned by this partition: the first
    documents' sets are here (partition `p`), the second ones' `fetched` from theirs. Verified
    pairs as ``(ref_a, ref_b, shared)`` rows."""
    lookup: dict[int, HashArray] = {}
    for q, (indices, sets) in fetched.items():
        for i, s in zip(indices.tolist(), sets, strict=True):
            lookup[ref(q, i)] = s
    local = np.stack((pairs[:, 0] & MASK, pairs[:, 1]), axis=1).reshape(-1, 2)
    edges = verify_stage(local, part.sets, lookup, cfg.verify)
    edges[:, 0] = ref(p, edges[:, 0])
    return edges


# --- clusters ---------------------------------------------------------------------------------


def members_at(part: Batch, indices: Sequence[int]) -> tuple[list[Entry], list[HashArray]]:
    return [part.entries[i] for i in indices], [part.sets[i] for i in indices]


def group_translations(
    refs: Sequence[int],
    rows: RefArray,
    scores: npt.NDArray[np.float64],
    weights: AnchorWeights,
) -> Translations:
    """The verified translations of one group of components as `cluster_documents` takes them:
    ``(ref_a, ref_b, shared, chain)`` `rows` turned into indices in `refs` (sorted, so a pair
    keeps its orientation), with the scan's `weights` (what
    `Translations.member_match` scores members with)."""
    index = {r: i for i, r in enumerate(refs)}
    pairs = [
        Translation(index[a], index[b], TranslationScore(score, shared, chain))
        for (a, b, shared, chain), score in zip(rows.tolist(), scores.tolist(), strict=True)
    ]
    return Translations(pairs, len(pairs), weights)


def cluster_group(
    refs: Sequence[int],
    fetched: Sequence[tuple[list[Entry], list[HashArray]]],
    edges: RefArray,
    cfg: ScanConfig,
    translations: tuple[RefArray, npt.NDArray[np.float64]] | None = None,
    weights: AnchorWeights | None = None,
) -> list[KeyedCluster]:
    """The clusters of one group of connected components, by the stages' own functions
    (`dedup.cluster.cluster_documents`, `dedup.report.describe_clusters`).

    `refs` lists the group's documents (sorted) in the order of the concatenated `fetched`
    lists; `edges` are its verified ``(ref_a, ref_b, shared)`` rows; with cross-lingual
    matching, `translations` are its verified ``(ref_a, ref_b, shared, chain)`` rows and their
    scores, and `weights` the scan's anchor weights. Returns each cluster's members with its
    place in the report's order (`dedup.report.number_clusters`).
    """
    entries = [e for es, _ in fetched for e in es]
    sets = [s for _, ss in fetched for s in ss]
    index = {r: i for i, r in enumerate(refs)}
    local = [(index[a], index[b], w) for a, b, w in edges.tolist()]
    found = None
    if translations is not None and weights is not None:
        found = group_translations(refs, translations[0], translations[1], weights)
    groups = cluster_documents(entries, sets, local, cfg.verify, found)
    return describe_clusters(groups, entries, sets, cfg, found)
