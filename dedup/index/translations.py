"""Cross-lingual matching against a persistent index: the pure part (the stores do the I/O).

A query in language L finds its candidates in the anchor buckets (anchor band keys,
`dedup.crosslingual.translations.anchor_band_keys`) it shares with indexed documents, keeping
only documents whose language is known and is not L, then verifies each with `translation_score` and
`is_translation`, as `dedup.crosslingual.translations.find_translations` does in a scan.

*The bucket cap* (`open_buckets`). A scan skips a bucket that would give more than
`max_bucket_pairs` pairs of different languages. The index keeps, for every bucket, how many
documents of each language it holds, so the same rule is decided from counts before any member
is read: the bucket as a scan of the indexed documents plus the query would see it (the query
counted in, the indexed document with the query's id counted out) is skipped when its
cross-language pairs exceed the cap. A bucket that is read yields only its members of other
languages than the query's, and there are at most `max_bucket_pairs` of them (each makes a
cross-language pair with the query), so a query reads at most ``bands x max_bucket_pairs``
candidates whatever the size of the index; a bucket of a million copies in the query's own
language costs one count.

*Weights* (`query_weights`). A scan weighs anchors by their document frequency over every
scanned document (`AnchorWeights.of`). The index keeps the document frequency of every anchor
feature and the number of documents, and a query reads them for the features it and its
candidates hold only. The query is counted as one more document (and the indexed document with
its id, which it stands in for, as one fewer), so the weights are exactly those of a scan of
the indexed documents plus the query; when the query is an indexed document itself (the same
text under the same id), exactly those of a scan of the index.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from dedup.config import CrossLingualConfig
from dedup.crosslingual import translations as crosslingual
from dedup.index.base import AnchorHits, AnchorQuery, KeyArray, StoredDoc, shingles_from_bytes
from dedup.index.results import IndexMatch
from dedup.model import Anchors, HashArray
from dedup.verify import similarity

_NO_KEYS: KeyArray = np.empty(0, dtype=np.uint64)


def keys_to_bytes(keys: KeyArray) -> bytes:
    """uint64 keys or features as stored: 8 bytes each, little-endian."""
    return np.asarray(keys, dtype=np.uint64).astype("<u8").tobytes()


def keys_from_bytes(blob: bytes | None) -> KeyArray:
    """Inverse of `keys_to_bytes` (None or empty: no keys)."""
    if not blob:
        return _NO_KEYS
    return np.frombuffer(blob, dtype="<u8").astype(np.uint64)


def bucket_sets(
    anchors: Sequence[Anchors | None], languages: Sequence[str | None], cfg: CrossLingualConfig
) -> list[KeyArray]:
    """The distinct anchor band keys (sorted) of each document, empty for a document that takes
    no part (`dedup.crosslingual.translations.takes_part`): what an index stores as its anchor
    buckets."""
    out = [_NO_KEYS] * len(anchors)
    part = [
        (i, a)
        for i, (a, lg) in enumerate(zip(anchors, languages, strict=True))
        if a is not None and crosslingual.takes_part(a, lg)
    ]
    if part:
        keys = crosslingual.anchor_band_keys([a for _, a in part], cfg)
        for row, (i, _) in enumerate(part):
            out[i] = np.unique(keys[row])
    return out


def cross_pairs(sizes: Mapping[str, int]) -> int:
    """Pairs of documents of different languages in a bucket holding ``sizes[language]``."""
    n = sum(sizes.values())
    return (n * n - sum(c * c for c in sizes.values())) // 2


def open_buckets(
    keys: Iterable[int],
    language: str,
    sizes: Mapping[int, Mapping[str, int]],
    excluded: tuple[str, frozenset[int]] | None,
    max_pairs: int,
) -> tuple[list[tuple[int, str]], int]:
    """Which (bucket, language) member lists a query reads, and how many of its buckets the cap
    skips (module docstring). `keys`: the query's distinct bucket keys; `sizes[key]`: documents
    of each language the index holds in that bucket; `excluded`: the language and bucket keys
    of the indexed document the query stands in for."""
    reads: list[tuple[int, str]] = []
    skipped = 0
    for key in keys:
        counts = dict(sizes.get(key, {}))
        if excluded is not None and key in excluded[1]:
            counts[excluded[0]] = counts.get(excluded[0], 0) - 1
        counts[language] = counts.get(language, 0) + 1
        pairs = cross_pairs(counts)
        if pairs > max_pairs:
            skipped += 1
        elif pairs > 0:
            reads += [(key, lg) for lg in sorted(counts) if lg != language and counts[lg] > 0]
    return reads, skipped


def feature_union(query: KeyArray, docs: Iterable[StoredDoc]) -> KeyArray:
    """The sorted distinct anchor features of the query and of `docs`: those whose document
    frequencies a query needs."""
    parts = [np.asarray(query, dtype=np.uint64)]
    parts += [keys_from_bytes(d.anchors) for d in docs]
    out: KeyArray = np.unique(np.concatenate(parts))
    return out


def query_weights(query: Anchors, hits: AnchorHits) -> crosslingual.AnchorWeights:
    """Anchor weights of a scan of the indexed documents plus the query, in place of the indexed
    document with its id (`hits.excluded`); see the module docstring."""
    keys = hits.features
    counts = hits.counts.astype(np.int64).copy()
    n_docs = hits.documents + 1
    if hits.excluded is not None:
        n_docs -= 1
        gone = np.isin(keys, keys_from_bytes(hits.excluded.anchors))
        counts[gone] -= 1
    counts[np.isin(keys, query.seq)] += 1
    # every feature asked for is held by the query or a candidate: a count below 1 cannot
    # happen in a consistent read; kept finite all the same
    np.maximum(counts, 1, out=counts)
    return crosslingual.AnchorWeights.from_counts(keys, counts, n_docs)


@dataclass(frozen=True, slots=True)
class Found:
    """A verified translation among the candidates of a query: the document and its score."""

    doc: StoredDoc
    score: crosslingual.TranslationScore


def verify_translations(
    query: Anchors,
    language: str,
    hits: AnchorHits,
    cfg: CrossLingualConfig,
    shingles: HashArray | None = None,
) -> list[Found]:
    """The candidates of `hits` (another known language than the query's) that `is_translation`
    accepts, with the weights of `query_weights`, and whose word shingles are not
    `same_language` as the query's `shingles` (when given); in the order of `hits.docs`."""
    if not hits.docs:
        return []
    weights = query_weights(query, hits)
    mine = crosslingual.profile(query, weights)
    out: list[Found] = []
    for d in hits.docs:
        if d.language is None or d.language == language:
            continue
        seq = keys_from_bytes(d.anchors)
        s = crosslingual.compare(mine, crosslingual.profile(Anchors(seq, _NO_KEYS), weights))
        if not crosslingual.is_translation(s, cfg):
            continue
        if shingles is not None and crosslingual.same_language(
            shingles, shingles_from_bytes(d.shingles)
        ):
            continue
        out.append(Found(d, s))
    return out


def anchor_query(
    anchors: Anchors, language: str, exclude: str | None, cfg: CrossLingualConfig
) -> AnchorQuery:
    """What a store is asked for the cross-lingual candidates of a query (`AnchorQuery`)."""
    return AnchorQuery(
        language=language,
        bands=bucket_sets([anchors], [language], cfg)[0],
        features=np.unique(anchors.seq),
        exclude=exclude,
        max_bucket_pairs=cfg.max_bucket_pairs,
    )


def translation_matches(
    hits: AnchorHits,
    shingles: HashArray,
    anchors: Anchors,
    language: str,
    cfg: CrossLingualConfig,
    copies: set[str],
) -> list[IndexMatch]:
    """The verified translations among `hits` that are not already matched as `copies`, as
    matches (exact word-shingle figures against the query's `shingles`), best score first."""
    out: list[IndexMatch] = []
    for found in verify_translations(anchors, language, hits, cfg, shingles):
        d = found.doc
        if d.id in copies:
            continue
        sim = similarity(shingles, shingles_from_bytes(d.shingles))
        out.append(IndexMatch.of(d, sim, language, None, "translation", found.score.score))
    out.sort(key=lambda m: (-(m.score or 0.0), m.id))
    return out


def feature_counts(
    docs: Iterable[bytes | None],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """(features, number of `docs` holding each): the change of the document frequencies when
    `docs` (anchor sequences as stored) are added, or removed. Features as signed 64-bit
    integers (the bits of the uint64 hashes), sorted."""
    parts = [np.unique(keys_from_bytes(a)) for a in docs if a]
    if not parts:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    feats, counts = np.unique(np.concatenate(parts), return_counts=True)
    return feats.view(np.int64), counts.astype(np.int64)
