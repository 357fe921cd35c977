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

from dedup.candidates import (
    Hits,
    band_keys,
    bucket_pairs,
    enough_hits,
    fingerprints,
    hits_of,
    pair_hits,
    posting_pairs,
)
from dedup.cluster import cluster_documents
from dedup.config import CandidateConfig, ScanConfig, TemplateConfig
from dedup.crosslingual.translations import (
    AnchorWeights,
    Translation,
    Translations,
    TranslationScore,
)
from dedup.engines.dask.refs import MASK, SHIFT, RefArray, ref
from dedup.engines.pool import Unit, prepare_unit
from dedup.ids import dedupe_key, duplicate_skip, losers, same_text_rows
from dedup.model import Batch, Document, Entry, HashArray, SkipLog
from dedup.report import KeyedCluster, SameText, describe_clusters, same_texts
from dedup.shingle import mix64
from dedup.sources import FilePart
from dedup.templates import (
    NO_TEMPLATES,
    Runs,
    Templates,
    chosen,
    merge_shingle_pages,
    own_pages,
    shingle_pages,
    site_pages,
    site_rows,
    site_runs,
    table,
)
from dedup.verify import Edges, Shingled
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
    out.skips = SkipLog(part.skips.limit)  # a new log: `part` may be read by other tasks
    out.skips.merge(part.skips)
    out.skips.extend(duplicate_skip(part.entries[i], kept) for i, kept in drops)
    out.read = part.read
    return out


# --- one document per text (`dedup.ids.one_per_text`) -------------------------------------------


def text_rows(part: Batch, p: int, buckets: int) -> list[list[IdRow]]:
    """The texts of a partition as `dedup.ids.losers` rows (`dedup.ids.same_text_rows`, with
    refs), hashed by text key into `buckets` lists."""
    out: list[list[IdRow]] = [[] for _ in range(buckets)]
    for key, i in same_text_rows(part.entries, part.sets, part.layouts):
        out[int(key[0]) % buckets].append((key, ref(p, i)))  # type: ignore[call-overload]
    return out


def drop_same_text(part: Batch, indices: Sequence[int]) -> Batch:
    """`part` without the documents at `indices` (their text is kept in another document)."""
    gone = set(indices)
    out = part.take([i for i in range(len(part)) if i not in gone])
    out.skips, out.read = part.skips, part.read
    return out


def same_text_groups(
    part: Batch,
    wanted: Sequence[tuple[int, Sequence[Entry]]],
    cfg: ScanConfig,
    templates: Templates,
) -> list[SameText]:
    """The `dedup.report.SameText` of each (kept document's index, the others of its text)."""
    return same_texts(
        [(part.entries[i], _doc(part, i), others) for i, others in wanted], cfg, templates
    )


def part_summary(part: Batch) -> tuple[int, int, SkipLog]:
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


def _hash_buckets(keys: HashArray, buckets: int) -> npt.NDArray[np.int64]:
    """The bucket of each 64-bit key (mixed first: fingerprints share their low bits)."""
    return (mix64(keys) % np.uint64(buckets)).astype(np.int64)


# --- site templates (`dedup.templates.learn`'s steps): rows of a shingle meet in one bucket ---


def sites_of(part: Batch) -> dict[str, int]:
    """`dedup.templates.site_pages` of a partition."""
    return site_pages([e.site for e in part.entries])


#: (shingle, site code, ref) rows of the pages of big sites, and (shingle, pages holding it)
TemplateRows = tuple[HashArray, npt.NDArray[np.int64], RefArray, HashArray, npt.NDArray[np.int64]]


def template_rows(part: Batch, p: int, names: Sequence[str], buckets: int) -> list[TemplateRows]:
    """A partition's `site_rows` (pages of the sites `names`, by ref) and `shingle_pages`,
    hashed by shingle into `buckets`."""
    codes = {name: i for i, name in enumerate(names)}
    pages = ref(p, np.arange(len(part.entries), dtype=np.int64))
    hs, ss, ps = site_rows([e.site for e in part.entries], part.sets, codes, pages)
    uniq, total = shingle_pages(part.sets)
    w1, w2 = _hash_buckets(hs, buckets), _hash_buckets(uniq, buckets)
    return [
        (hs[w1 == b], ss[w1 == b], ps[w1 == b], uniq[w2 == b], total[w2 == b])
        for b in range(buckets)
    ]


#: a bucket's runs, and its shingles' page counts over the whole corpus
TemplateBucket = tuple[Runs, HashArray, npt.NDArray[np.int64]]


def template_bucket(rows: Sequence[TemplateRows], min_pages: int) -> TemplateBucket:
    """The `site_runs` of one bucket's rows from every partition, with the pages holding each
    of their shingles (`merge_shingle_pages`) over the corpus."""
    runs = site_runs(
        np.concatenate([r[0] for r in rows]),
        np.concatenate([r[1] for r in rows]),
        np.concatenate([r[2] for r in rows]),
        min_pages,
    )
    uniq, total = merge_shingle_pages(*[(r[3], r[4]) for r in rows])
    wanted = np.unique(runs.hs[runs.starts])
    return runs, wanted, total[np.searchsorted(uniq, wanted)]


def often_by_owner(
    bucket: TemplateBucket, min_pages: int, partitions: int
) -> list[tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]]:
    """`Runs.often_pages` of a bucket, by partition: (indices, counts) each."""
    pages, counts = bucket[0].often_pages(min_pages)
    owner = pages >> SHIFT
    return [(pages[owner == q] & MASK, counts[owner == q]) for q in range(partitions)]


def own_flags(
    part: Batch,
    cfg: TemplateConfig,
    *often: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]],
) -> npt.NDArray[np.bool_]:
    """`dedup.templates.own_pages` of a partition, its frequent shingles added up over the
    buckets."""
    n = len(part.entries)
    frequent = np.zeros(n, dtype=np.int64)
    for idx, counts in often:
        np.add.at(frequent, idx, counts)
    sizes = np.fromiter((x.size for x in part.sets), dtype=np.int64, count=n)
    return own_pages(frequent, sizes, cfg)


def template_choice(
    bucket: TemplateBucket, cfg: TemplateConfig, *flags: npt.NDArray[np.bool_]
) -> tuple[npt.NDArray[np.int64], HashArray]:
    """`dedup.templates.chosen` of one bucket (`flags[q]`: `own_flags` of partition q)."""
    runs, uniq, total = bucket
    offsets = np.cumsum([0] + [f.size for f in flags])
    every = np.concatenate(flags) if flags else np.empty(0, dtype=bool)
    own_row = every[offsets[runs.ps >> SHIFT] + (runs.ps & MASK)]
    return chosen(runs, own_row, uniq, total, cfg)


def template_table(
    names: Sequence[str], *choices: tuple[npt.NDArray[np.int64], HashArray]
) -> Templates:
    """The scan's `Templates` (`dedup.templates.table`) from every bucket's choice."""
    site = np.concatenate([c[0] for c in choices]) if choices else np.empty(0, np.int64)
    h = np.concatenate([c[1] for c in choices]) if choices else np.empty(0, np.uint64)
    return table(names, site, h)


# --- passage candidates (`dedup.candidates.passage_pairs`'s steps) ----------------------------


#: postings of a bucket: fingerprints, the refs holding them, the documents each ref stands for
Postings = tuple[HashArray, RefArray, npt.NDArray[np.int64]]


def fingerprint_rows(
    part: Batch,
    p: int,
    templates: Templates,
    cfg: CandidateConfig,
    buckets: int,
    weights: dict[int, int] | None = None,
) -> list[Postings]:
    """(fingerprint, ref, weight) postings of a partition (its documents' site templates left
    out), hashed by fingerprint into `buckets`; `weights[i]`: the documents document i stands
    for (`dedup.candidates.passage_pairs`), 1 if absent."""
    leave_out = [templates.shared_by(e.site, e.site) for e in part.entries]
    fps = fingerprints(part.sets, cfg.sample, leave_out)
    sizes = np.fromiter((f.size for f in fps), dtype=np.int64, count=len(fps))
    keys = np.concatenate(fps) if fps else np.empty(0, dtype=np.uint64)
    refs = np.repeat(ref(p, np.arange(len(fps), dtype=np.int64)), sizes)
    w = np.ones(len(fps), dtype=np.int64)
    for i, n in (weights or {}).items():
        w[i] = n
    ws = np.repeat(w, sizes)
    which = _hash_buckets(keys, buckets)
    return [(keys[which == b], refs[which == b], ws[which == b]) for b in range(buckets)]


def passage_hits_by_owner(rows: Sequence[Postings], partitions: int, max_df: int) -> list[Hits]:
    """The pairs (ref_a < ref_b) sharing fingerprints of one bucket (every posting of each),
    with their hits there, by partition of ref_a."""
    keys = np.concatenate([k for k, _, _ in rows]) if rows else np.empty(0, dtype=np.uint64)
    ids = np.concatenate([r for _, r, _ in rows]) if rows else np.empty(0, dtype=np.int64)
    ws = np.concatenate([w for _, _, w in rows]) if rows else np.empty(0, dtype=np.int64)
    pairs, hits = hits_of(posting_pairs(keys, ids, max_df, ws))
    owner = pairs[:, 0] >> SHIFT
    return [(pairs[owner == q], hits[owner == q]) for q in range(partitions)]


def passage_candidates(min_hits: int, *found: Hits) -> RefArray:
    """A partition's passage candidates: its pairs' hits added up over every bucket."""
    return enough_hits(pair_hits(*found), min_hits)


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


def _doc(part: Batch, i: int) -> Shingled:
    return Shingled(part.sets[i], part.layouts[i], part.entries[i].site)


def fetch_docs(
    part: Batch, indices: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], list[Shingled]]:
    """The documents at `indices` of a partition as verification sees them (set, layout,
    site), sent to where a pair is verified."""
    return indices, [_doc(part, int(i)) for i in indices]


def verify_pairs(
    part: Batch,
    p: int,
    pairs: RefArray,
    fetched: dict[int, tuple[npt.NDArray[np.int64], list[Shingled]]],
    cfg: ScanConfig,
    templates: Templates,
) -> Edges:
    """`dedup.verify.verify_pairs` of the candidate pairs owned by this partition: the first
    documents are here (partition `p`), the second ones `fetched` from theirs. Verified pairs
    as `dedup.verify.Edges` rows by ref."""
    lookup: dict[int, Shingled] = {}
    for q, (indices, docs) in fetched.items():
        for i, d in zip(indices.tolist(), docs, strict=True):
            lookup[ref(q, i)] = d
    local = np.stack((pairs[:, 0] & MASK, pairs[:, 1]), axis=1).reshape(-1, 2)
    first = {i: _doc(part, i) for i in np.unique(local[:, 0]).tolist()}
    edges = verify_stage(local, first, lookup, cfg.verify, cfg.shingle.size, templates)
    edges[:, 0] = ref(p, edges[:, 0])
    return edges


def ids_at(part: Batch, indices: Sequence[int]) -> list[str]:
    return [part.entries[i].id for i in indices]


# --- clusters ---------------------------------------------------------------------------------


def members_at(part: Batch, indices: Sequence[int]) -> tuple[list[Entry], list[Shingled]]:
    return [part.entries[i] for i in indices], [_doc(part, i) for i in indices]


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
    fetched: Sequence[tuple[list[Entry], list[Shingled]]],
    edges: Edges,
    cfg: ScanConfig,
    translations: tuple[RefArray, npt.NDArray[np.float64]] | None = None,
    weights: AnchorWeights | None = None,
    templates: Templates = NO_TEMPLATES,
) -> list[KeyedCluster]:
    """The clusters of one group of connected components, by the stages' own functions
    (`dedup.cluster.cluster_documents`, `dedup.report.describe_clusters`).

    `refs` lists the group's documents (sorted) in the order of the concatenated `fetched`
    lists; `edges` are its verified `dedup.verify.Edges` rows by ref; with cross-lingual
    matching, `translations` are its verified ``(ref_a, ref_b, shared, chain)`` rows and their
    scores, and `weights` the scan's anchor weights; `templates` the scan's site templates.
    Returns each cluster's members with its place in the report's order
    (`dedup.report.number_clusters`).
    """
    entries = [e for es, _ in fetched for e in es]
    docs = [d for _, ds in fetched for d in ds]
    index = {r: i for i, r in enumerate(refs)}
    local = [(index[a], index[b], *rest) for a, b, *rest in edges.tolist()]
    found = None
    if translations is not None and weights is not None:
        found = group_translations(refs, translations[0], translations[1], weights)
    words = [d.layout.words for d in docs]
    groups = cluster_documents(entries, [d.set for d in docs], local, cfg.verify, found, words)
    return describe_clusters(groups, entries, docs, cfg, found, templates)
