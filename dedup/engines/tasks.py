"""The work a distributed scan does on its workers: pure functions over partitions.

A partition holds the prepared documents of one input file (or one byte range of a large
JSONL file, or one chunk of documents given in memory). A document is referred to across
partitions by ``ref = partition << 32 | index``. Every function here is deterministic and
takes and returns plain values, so a scheduler may run it anywhere, and again after a worker
is lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import xxhash

from dedup.api import build_clusters, dedupe_key, duplicate_skip
from dedup.config import ScanConfig
from dedup.crosslingual import AnchorWeights, Translation, Translations, TranslationScore
from dedup.index.lsh import band_keys, bucket_pairs
from dedup.model import Document, Member, Skip
from dedup.parallel import prepare_all
from dedup.prepare import Entry
from dedup.shingle import HashArray
from dedup.sources import FilePart, RawRecord, read_part
from dedup.syndication import origin_key
from dedup.verify import is_copy, similarity

RefArray = npt.NDArray[np.int64]
_SHIFT = 32


@dataclass(slots=True)
class Part:
    """The prepared documents of one partition (kept on a worker)."""

    entries: list[Entry] = field(default_factory=list)
    sets: list[HashArray] = field(default_factory=list)
    sigs: npt.NDArray[np.uint32] = field(default_factory=lambda: np.empty((0, 0), np.uint32))
    skips: list[Skip] = field(default_factory=list)
    read: int = 0


def ref(partition: int, index: int | npt.NDArray[np.int64]) -> int | RefArray:
    return (partition << _SHIFT) | index


def prepare_part(source: FilePart | Sequence[Document], cfg: ScanConfig) -> Part:
    """Read and prepare one partition (extraction, shingles, signatures)."""
    part = Part()
    items: list[RawRecord | Document] = []
    if isinstance(source, FilePart):
        for rec in read_part(source, cfg.input):
            part.read += 1
            if isinstance(rec, Skip):
                part.skips.append(rec)
            else:
                items.append(rec)
    else:
        items.extend(source)
        part.read = len(items)
    sigs: list[npt.NDArray[np.uint32]] = []
    for _, prepared in prepare_all(items, cfg, jobs=1):
        part.entries.extend(prepared.entries)
        part.sets.extend(prepared.sets)
        sigs.extend(prepared.sigs)
        part.skips.extend(prepared.skips)
    num_perm = cfg.minhash.num_perm
    part.sigs = np.stack(sigs) if sigs else np.empty((0, num_perm), dtype=np.uint32)
    return part


def _bucket_of(text: str, buckets: int) -> int:
    return xxhash.xxh3_64_intdigest(text.encode()) % buckets


# --- one document per id ----------------------------------------------------------------------

IdRow = tuple[str, tuple[object, ...], int]  # (id, dedupe key, ref)


def id_rows(part: Part, p: int, buckets: int) -> list[list[IdRow]]:
    """The ids of a partition, hashed into `buckets` lists."""
    out: list[list[IdRow]] = [[] for _ in range(buckets)]
    for i, (e, s) in enumerate(zip(part.entries, part.sets, strict=True)):
        out[_bucket_of(e.id, buckets)].append((e.id, dedupe_key(e, s), int(ref(p, i))))
    return out


def keeper_refs(rows: Sequence[list[IdRow]]) -> list[tuple[int, int]]:
    """(dropped ref, kept ref) for every duplicate id in these rows."""
    merged = sorted((r for lst in rows for r in lst), key=lambda r: r[1])
    out: list[tuple[int, int]] = []
    kept = -1
    for k, row in enumerate(merged):
        if k and merged[k - 1][0] == row[0]:
            out.append((row[2], kept))
        else:
            kept = row[2]
    return out


def entries_at(part: Part, indices: Sequence[int]) -> list[Entry]:
    return [part.entries[i] for i in indices]


def drop_duplicates(part: Part, drops: Sequence[tuple[int, Entry]]) -> Part:
    """`part` without the documents at the given indices, each with its skip (kept entry given)."""
    gone = {i for i, _ in drops}
    keep = [i for i in range(len(part.entries)) if i not in gone]
    skips = list(part.skips)
    for i, kept in drops:
        skips.append(duplicate_skip(part.entries[i], kept))
    return Part(
        entries=[part.entries[i] for i in keep],
        sets=[part.sets[i] for i in keep],
        sigs=part.sigs[keep] if keep else part.sigs[:0],
        skips=skips,
        read=part.read,
    )


def part_summary(part: Part) -> tuple[int, int, list[Skip]]:
    """(records read, documents kept, skips) of a partition."""
    return part.read, len(part.entries), part.skips


# --- LSH: band keys shuffled so that each bucket is grouped on one worker ---------------------


def band_rows(part: Part, p: int, bands: int, buckets: int) -> list[npt.NDArray[np.uint64]]:
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
    owner = pairs[:, 0] >> _SHIFT
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
    return np.unique(b[(b >> _SHIFT) == q] & ((1 << _SHIFT) - 1))


def partitions_needed(pairs: RefArray) -> list[int]:
    return sorted({int(x) for x in np.unique(pairs[:, 1] >> _SHIFT)}) if pairs.size else []


def fetch_sets(
    part: Part, indices: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], list[HashArray]]:
    """The shingle sets at `indices` of a partition (sent to where a pair is verified)."""
    return indices, [part.sets[int(i)] for i in indices]


def verify_pairs(
    part: Part,
    p: int,
    pairs: RefArray,
    fetched: dict[int, tuple[npt.NDArray[np.int64], list[HashArray]]],
    cfg: ScanConfig,
) -> RefArray:
    """Exact verification of the candidate pairs owned by partition p: the verified ones as
    ``(ref_a, ref_b, shared shingles)`` rows, 24 bytes an edge whatever the documents."""
    lookup: dict[int, HashArray] = {}
    for q, (indices, sets) in fetched.items():
        for i, s in zip(indices.tolist(), sets, strict=True):
            lookup[int(ref(q, i))] = s
    mask = (1 << _SHIFT) - 1
    out: list[tuple[int, int, int]] = []
    for a, b in pairs.tolist():
        sim = similarity(part.sets[a & mask], lookup[b])
        if is_copy(sim, cfg.verify):
            out.append((a, b, sim.shared))
    return np.array(out, dtype=np.int64).reshape(-1, 3)


# --- clusters ---------------------------------------------------------------------------------


def members_at(part: Part, indices: Sequence[int]) -> tuple[list[Entry], list[HashArray]]:
    return [part.entries[i] for i in indices], [part.sets[i] for i in indices]


ClusterOut = tuple[tuple[object, ...], list[Member]]


def group_translations(
    refs: Sequence[int],
    rows: RefArray,
    scores: npt.NDArray[np.float64],
    weights: AnchorWeights,
) -> Translations:
    """The verified translations of one group of components as `build_clusters` takes them:
    ``(ref_a, ref_b, shared, chain)`` `rows` turned into indices in `refs` (sorted, so a pair
    keeps its orientation), with their partners and the scan's `weights` (what
    `Translations.member_match` scores members with)."""
    index = {r: i for i, r in enumerate(refs)}
    pairs = [
        Translation(index[a], index[b], TranslationScore(score, shared, chain))
        for (a, b, shared, chain), score in zip(rows.tolist(), scores.tolist(), strict=True)
    ]
    partners: dict[int, list[int]] = {}
    for t in pairs:
        partners.setdefault(t.a, []).append(t.b)
        partners.setdefault(t.b, []).append(t.a)
    return Translations(pairs, len(pairs), weights, partners)


def cluster_group(
    refs: Sequence[int],
    fetched: Sequence[tuple[list[Entry], list[HashArray]]],
    edges: RefArray,
    cfg: ScanConfig,
    translations: tuple[RefArray, npt.NDArray[np.float64]] | None = None,
    weights: AnchorWeights | None = None,
) -> list[ClusterOut]:
    """Clusters of one group of connected components, with the local engine's own code.

    `refs` lists the group's documents (sorted) in the order of the concatenated `fetched`
    lists; `edges` are its verified ``(ref_a, ref_b, shared)`` rows; with cross-lingual
    matching, `translations` are its verified ``(ref_a, ref_b, shared, chain)`` rows and their
    scores, and `weights` the scan's anchor weights. Returns each cluster's members with its
    global sort key (size, then origin key).
    """
    entries = [e for es, _ in fetched for e in es]
    sets = [s for _, ss in fetched for s in ss]
    index = {r: i for i, r in enumerate(refs)}
    local = [(index[a], index[b], w) for a, b, w in edges.tolist()]
    found = None
    if translations is not None and weights is not None:
        found = group_translations(refs, translations[0], translations[1], weights)
    clusters = build_clusters(entries, sets, local, cfg, found)
    by_id = {e.id: (e, s) for e, s in zip(entries, sets, strict=True)}
    out: list[ClusterOut] = []
    for c in clusters:
        e, s = by_id[c.origin]
        out.append(((-len(c.members), origin_key(e, int(s.size))), list(c.members)))
    return out
