"""What every persistent index back end shares: the stored record, the `Store` protocol, the
byte layout of stored arrays, and the settings recorded in an index (its "meta").

An index records every setting that changes a signature or a band key (`meta_of`): the shingle
scheme version, each field of `ShingleConfig`, `MinHashConfig` and `CandidateConfig` (which
fingerprints are stored, and the passage-candidate rule, part of the fingerprint), the byte
order of its blobs and the word-shingle `ScanConfig.fingerprint()` (that of the config with
cross-lingual matching off). `check_meta` refuses a config that differs, naming the setting.
Verification settings (`VerifyConfig`, the thresholds of `CrossLingualConfig`) are not
recorded: they apply when a query is verified, so the same index can be queried under another
rule. `TemplateConfig` is not recorded either: an index applies no site templates (see
`dedup.index.persistent`).

An index built with cross-lingual data (`CrossLingualConfig.enabled` when it was created) also
records ``crosslingual.anchor_scheme`` (`ANCHOR_SCHEME_VERSION`) and ``crosslingual.num_perm``,
``.bands``, ``.seed`` (what makes its anchor band keys); it then holds every document's
language, anchors and anchor band keys, and the document frequencies of anchor features. Such
an index can be queried with or without cross-lingual matching; one built without it refuses a
cross-lingual config (`IndexStoreError`: rebuild it with cross-lingual data).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Protocol, TypeVar

import numpy as np
import numpy.typing as npt

from dedup.candidates import band_keys
from dedup.config import (
    ANCHOR_SCHEME_VERSION,
    SHINGLE_SCHEME_VERSION,
    CandidateConfig,
    CrossLingualConfig,
    MinHashConfig,
    ScanConfig,
    ShingleConfig,
)
from dedup.errors import ConfigError, IndexStoreError
from dedup.model import HashArray, Layout
from dedup.signature import from_bytes

#: written in every index; anything else is not ours
FORMAT = "dedup-index"
#: version of the stored layout (tables or keys, blob encodings); bump on any change to them.
#: 3: each document's `Layout` and its passage fingerprints (`dedup.candidates.sampled`, with
#: their inverted index) are stored, for passage alignment; versions 1 and 2 lack them
FORMAT_VERSION = 3
#: the version an index with cross-lingual data records: its word-shingle layout is version 3's,
#: but every write must also keep the anchor tables and their counts, which a dedup that reads
#: only version 3 does not know of; so such a dedup refuses these indexes instead of writing
#: to them
CROSSLINGUAL_FORMAT_VERSION = 4
#: versions written by older dedups (no layouts, no fingerprints): refused, to be rebuilt
OLD_FORMAT_VERSIONS = ("1", "2")
KeyArray = npt.NDArray[np.uint64]

#: how a setting is named in an error message ("built with shingle size 5, asked for 4")
_LABELS = {
    "shingle_scheme": "shingle scheme version",
    "shingle.size": "shingle size",
    "minhash.num_perm": "num_perm (MinHash permutations)",
    "minhash.bands": "bands (LSH)",
    "minhash.seed": "hash seed",
    "candidates.sample": "passage fingerprint sample",
    "candidates.min_hits": "passage fingerprint min_hits",
    "candidates.max_df": "passage fingerprint max_df",
    "byte_order": "byte order",
    "crosslingual.num_perm": "cross-lingual num_perm",
    "crosslingual.bands": "cross-lingual bands",
    "crosslingual.seed": "cross-lingual hash seed",
}
#: recorded in an index built with cross-lingual data (the version of its anchors)
CROSSLINGUAL_KEY = "crosslingual.anchor_scheme"
_CROSSLINGUAL_FIELDS = ("num_perm", "bands", "seed")


@dataclass(frozen=True, slots=True)
class StoredDoc:
    """One indexed document as a back end stores it.

    `shingles`: its sorted unique 64-bit shingle hashes, little-endian (`shingles_to_bytes`);
    `signature`: its MinHash signature, little-endian uint32 (`dedup.signature.to_bytes`);
    `layout`: its `Layout` (`layout_to_bytes`: `Layout.to_array`, int32 little-endian);
    `fingerprints`: its passage fingerprints (`dedup.candidates.sampled` of its shingles,
    sorted uint64 little-endian), which a store keeps in an inverted index (`Store.lookup`).

    Cross-lingual data, in an index built with it (else `language` and `anchors` None):
    `language` (ISO 639-1, None if unknown); `anchors`, its `Anchors.seq` (uint64 little-endian,
    text order); `anchor_bands`, its distinct anchor band keys (uint64 little-endian, sorted),
    empty when it takes no part in cross-lingual candidates (language unknown, no anchor keys).
    Look-ups fill `language` (and cross-lingual look-ups `anchors`) where the index holds them.
    """

    id: str
    url: str | None
    site: str | None
    title: str | None
    date: str | None
    source: str | None
    credit: str | None
    shingles: bytes
    signature: bytes
    language: str | None = None
    anchors: bytes | None = None
    anchor_bands: bytes = b""
    layout: bytes = b""
    fingerprints: bytes = b""


@dataclass(frozen=True, slots=True)
class Postings:
    """What a store read of a query's passage fingerprints (`Store.lookup`), parallel to them:
    ``counts[f]``, the indexed documents holding fingerprint f (a count above the limit asked
    for may be given as limit + 1), and ``holders[f]``, their ids (read, and given, only when
    ``counts[f]`` is within the limit; else empty)."""

    counts: npt.NDArray[np.int64]
    holders: list[list[str]]


#: given the postings of a query's fingerprints, the ids of the documents to read with the
#: LSH candidates (the passage candidates, `dedup.candidates.passage_partners`)
Chooser = Callable[[Postings], Iterable[str]]


@dataclass(frozen=True, slots=True)
class AnchorQuery:
    """What a store needs to find a query's cross-lingual candidates (`Store.anchor_lookup`):
    its language, its distinct anchor band keys, its distinct anchor features (for their
    document frequencies), the id it stands in for (the indexed document with that id is no
    candidate and does not count in the bucket sizes; None: a new document) and the bucket cap
    (`CrossLingualConfig.max_bucket_pairs`)."""

    language: str
    bands: KeyArray
    features: KeyArray
    exclude: str | None
    max_bucket_pairs: int


@dataclass(frozen=True, slots=True)
class AnchorHits:
    """The cross-lingual candidates of a query, read at one moment: the documents of another
    language in the buckets it shares and that the cap keeps (each with `language` and
    `anchors`); the document frequency ``counts[i]`` of ``features[i]`` (sorted: the query's
    features and its candidates', 0 for a feature no document holds); the number of indexed
    documents; the indexed document with the query's id, if any (`excluded`); and the buckets
    skipped for the cap."""

    docs: list[StoredDoc]
    features: KeyArray
    counts: npt.NDArray[np.int64]
    documents: int
    excluded: StoredDoc | None = None
    skipped: int = 0


class Store(Protocol):
    """A back end of `dedup.Index`. Every method is atomic: a reader never sees part of a
    document or of a batch; a write either happens whole or not at all."""

    #: the location as the user gave it, for messages
    location: str

    def meta(self) -> dict[str, str] | None:
        """The settings recorded in the index; None if the index holds none yet (new)."""

    def create(self, meta: Mapping[str, str]) -> dict[str, str]:
        """Record `meta` unless some are recorded already (another process may have been
        first); return the settings in force."""

    def put(self, docs: Sequence[StoredDoc], keys: KeyArray, replace: bool) -> list[str]:
        """Store `docs` (unique ids) with their band keys ``keys[i]`` and their passage
        fingerprints (`StoredDoc.fingerprints`, in the inverted index) in one transaction.
        Per document: "added", "replaced" (`replace` and the id was there) or "exists"
        (not `replace` and the id was there: nothing written for it). In an index with
        cross-lingual data every document carries its `anchors`, and its anchor buckets and
        the feature counts change in the same transaction (a replaced document's are
        withdrawn first)."""

    def lookup(
        self, keys: KeyArray, fingerprints: KeyArray, limit: int, choose: Chooser
    ) -> list[StoredDoc]:
        """The candidates of a query, read as of one moment (with their layouts): the
        documents sharing at least one band key with ``keys`` (one key a band), and those
        `choose` picks from the `Postings` of the query's `fingerprints` (documents holding
        each; the holders of a fingerprint held by more than `limit` documents are not read:
        the cost of a query is bounded whatever the size of the index)."""

    def candidate_ids(self, keys: KeyArray) -> list[str]:
        """The ids of `lookup` without reading the documents (cheaper; unsorted)."""

    def anchor_lookup(self, query: AnchorQuery) -> AnchorHits:
        """The cross-lingual candidates of `query`, as of one moment (index with cross-lingual
        data only). A bucket (anchor band key) is read unless, counting the query in place of
        the excluded document, it would pair more than `query.max_bucket_pairs` documents of
        different languages (`dedup.index.translations.open_buckets`): the cost of a query is
        bounded whatever the size of the index."""

    def delete(self, ids: Sequence[str]) -> list[str]:
        """Remove the documents with these ids (and their cross-lingual data) in one
        transaction; return the ids removed."""

    def count(self) -> int:
        """Number of documents."""

    def check(self) -> list[str]:
        """Problems found by reading the whole store (empty: none). Slow: reads everything."""

    def texts(self) -> Iterator[tuple[str, bytes, bytes]]:
        """Every stored document as (id, shingles blob, layout blob), one at a time, in a
        fixed order (for a full check)."""

    def refuse_damaged(self, doing: str) -> None:
        """`IndexStoreError` ("damaged index (...); not `doing`") when the store is found
        damaged, checked once a connection, before its first write or query."""

    def details(self) -> dict[str, Any]:
        """Back-end facts for `stats` (kind, size on disk...)."""

    def close(self) -> None:
        """Release connections; the store is not used afterwards."""


def shingles_to_bytes(shingles: HashArray) -> bytes:
    """A shingle set as stored: 8 bytes a hash, little-endian."""
    return shingles.astype("<u8").tobytes()


def shingles_from_bytes(blob: bytes) -> HashArray:
    """Inverse of `shingles_to_bytes`."""
    return np.frombuffer(blob, dtype="<u8").astype(np.uint64)


def layout_to_bytes(layout: Layout) -> bytes:
    """A layout as stored: `Layout.to_array`, 4 bytes a value, little-endian."""
    return layout.to_array().astype("<i4").tobytes()


def layout_from_bytes(blob: bytes) -> Layout:
    """Inverse of `layout_to_bytes` (ValueError if `blob` is not a layout)."""
    return Layout.from_array(np.frombuffer(blob, dtype="<i4").astype(np.int32))


def keys_of(signature: bytes, bands: int) -> KeyArray:
    """The band keys of one stored signature, shape ``(bands,)`` (ValueError if `signature` is
    not one of `bands` bands)."""
    sig = from_bytes(signature)
    if not sig.size or sig.size % bands:
        raise ValueError(f"{sig.size} MinHash values, not a multiple of the {bands} bands")
    keys: KeyArray = band_keys(sig[None, :], bands)[0]
    return keys


Decoded = TypeVar("Decoded")


def read_blob(
    location: str, doc_id: str, what: str, decode: Callable[[bytes], Decoded], blob: bytes
) -> Decoded:
    """`decode(blob)`, a blob of document `doc_id` read from the index; a damaged blob
    (ValueError from the decoder) is an `IndexStoreError` naming the document and the blob."""
    try:
        return decode(blob)
    except (ValueError, TypeError) as exc:
        raise damaged(location, doc_id, f"its {what} blob is unreadable ({exc})") from None


def damaged(location: str, doc_id: str, reason: str) -> IndexStoreError:
    """The error of a stored document found damaged (one line naming it)."""
    return IndexStoreError(
        f"{location}: damaged index: document {doc_id!r}: {reason}; rebuild the index"
    )


def layout_damage(shingles: HashArray, layout: Layout) -> str | None:
    """What is wrong with a stored document's shingle set and layout, None if nothing: the
    invariants alignment relies on (`Layout`), checked in a few vectorised passes."""
    n, words = int(shingles.size), layout.words
    order, starts, ends = layout.order, layout.starts, layout.ends
    sentences, furniture = layout.sentences, layout.furniture
    if n > 1 and not bool((shingles[1:] > shingles[:-1]).all()):
        return "its shingle set is not sorted"
    if order.size and (int(order.min()) < 0 or int(order.max()) >= n):
        return f"a shingle position is outside its {n} shingles"
    if bool(words) != bool(order.size) or order.size > max(words, 1) or order.size < n:
        return f"{order.size} shingle positions do not fit {words} words and {n} shingles"
    if words and (
        int(starts[0]) < 0
        or not bool((starts <= ends).all())
        or not bool((starts[1:] >= starts[:-1]).all())
    ):
        return "its word offsets are negative or out of order"
    if sentences.size and (
        int(sentences[0]) != 0
        or int(sentences[-1]) >= words
        or not bool((sentences[1:] > sentences[:-1]).all())
    ):
        return f"its sentence starts are not ascending from 0 within its {words} words"
    if furniture.size % 2:
        return "its furniture ranges are not pairs"
    if furniture.size and (
        int(furniture.min()) < 0
        or int(furniture.max()) > words
        or not bool((furniture[0::2] <= furniture[1::2]).all())
    ):
        return f"a furniture range is outside its {words} words"
    return None


def stored_text(
    location: str, doc_id: str, shingles: bytes, layout: bytes
) -> tuple[HashArray, Layout]:
    """A stored document's shingle set and layout, decoded and checked (`layout_damage`);
    `IndexStoreError` naming the document if either is damaged."""
    theirs = read_blob(location, doc_id, "shingles", shingles_from_bytes, shingles)
    lay = read_blob(location, doc_id, "layout", layout_from_bytes, layout)
    problem = layout_damage(theirs, lay)
    if problem is not None:
        raise damaged(location, doc_id, problem)
    return theirs, lay


def _flat(cfg: ScanConfig) -> dict[str, Any]:
    out: dict[str, Any] = {"shingle_scheme": SHINGLE_SCHEME_VERSION}
    # stored under its former name ("shingle.size"): existing indexes stay readable
    out["shingle.size"] = cfg.shingle.shingle_size
    out.update({f"minhash.{k}": v for k, v in asdict(cfg.minhash).items()})
    out.update({f"candidates.{k}": v for k, v in asdict(cfg.candidates).items()})
    out["byte_order"] = "little"
    return out


def word_fingerprint(cfg: ScanConfig) -> str:
    """The fingerprint an index records: `cfg`'s with cross-lingual matching off (whether a
    query looks for translations does not change the word-shingle signatures)."""
    return replace(cfg, crosslingual=replace(cfg.crosslingual, enabled=False)).fingerprint()


def meta_of(cfg: ScanConfig) -> dict[str, str]:
    """Everything an index records about how its signatures and band keys were made (with
    `cfg.crosslingual.enabled`, its anchor scheme and anchor MinHash settings too)."""
    meta = {k: json.dumps(v) for k, v in _flat(cfg).items()}
    meta["format"] = FORMAT
    meta["format_version"] = str(
        CROSSLINGUAL_FORMAT_VERSION if cfg.crosslingual.enabled else FORMAT_VERSION
    )
    meta["fingerprint"] = word_fingerprint(cfg)
    if cfg.crosslingual.enabled:
        meta[CROSSLINGUAL_KEY] = json.dumps(ANCHOR_SCHEME_VERSION)
        for name in _CROSSLINGUAL_FIELDS:
            meta[f"crosslingual.{name}"] = json.dumps(getattr(cfg.crosslingual, name))
    return meta


def has_crosslingual(meta: Mapping[str, str]) -> bool:
    """Was the index built with cross-lingual data?"""
    return CROSSLINGUAL_KEY in meta


def crosslingual_from_meta(
    location: str, meta: Mapping[str, str], base: CrossLingualConfig
) -> CrossLingualConfig | None:
    """`base`, enabled, with the anchor MinHash settings the index was built with; None for an
    index without cross-lingual data. IndexStoreError if its anchors are of another scheme."""
    if not has_crosslingual(meta):
        return None
    scheme = _show(meta.get(CROSSLINGUAL_KEY))
    if scheme != str(ANCHOR_SCHEME_VERSION):
        raise IndexStoreError(
            f"{location}: built with anchor scheme version {scheme}, this dedup uses "
            f"{ANCHOR_SCHEME_VERSION} (rebuild the index)"
        )
    try:
        values = {n: json.loads(meta[f"crosslingual.{n}"]) for n in _CROSSLINGUAL_FIELDS}
        return replace(base, enabled=True, **values)
    except KeyError as exc:
        raise IndexStoreError(f"{location}: index settings lack {exc.args[0]}") from None
    except (ConfigError, ValueError, TypeError) as exc:
        raise IndexStoreError(f"{location}: unreadable index settings: {exc}") from None


def check_format(location: str, meta: Mapping[str, str]) -> None:
    """IndexStoreError unless `meta` is that of a dedup index this version can read."""
    if meta.get("format") != FORMAT:
        raise IndexStoreError(f"{location}: not a dedup index")
    version = meta.get("format_version")
    if version in OLD_FORMAT_VERSIONS:
        raise IndexStoreError(
            f"{location}: dedup index format version {version}, written by an older dedup "
            f"(no passage layouts); rebuild the index (this dedup reads versions "
            f"{FORMAT_VERSION} and {CROSSLINGUAL_FORMAT_VERSION})"
        )
    if version not in (str(FORMAT_VERSION), str(CROSSLINGUAL_FORMAT_VERSION)):
        raise IndexStoreError(
            f"{location}: dedup index format version {version}, this dedup reads versions "
            f"{FORMAT_VERSION} and {CROSSLINGUAL_FORMAT_VERSION}"
        )
    if (version == str(CROSSLINGUAL_FORMAT_VERSION)) != has_crosslingual(meta):
        raise IndexStoreError(
            f"{location}: damaged index settings (format version {version} "
            f"{'without' if version == str(CROSSLINGUAL_FORMAT_VERSION) else 'with'} "
            "cross-lingual settings)"
        )


def _show(raw: str | None) -> str:
    if raw is None:
        return "(not recorded)"
    try:
        value = json.loads(raw)
    except ValueError:
        return raw
    return str(value)


def check_meta(location: str, meta: Mapping[str, str], cfg: ScanConfig) -> None:
    """IndexStoreError naming the first setting of `cfg` that differs from the index's."""
    check_format(location, meta)
    for key, value in _flat(cfg).items():
        want = json.dumps(value)
        if meta.get(key) != want:
            label = _LABELS.get(key, key)
            if key == "shingle_scheme":
                raise IndexStoreError(
                    f"{location}: built with {label} {_show(meta.get(key))}, this dedup uses "
                    f"{value} (rebuild the index)"
                )
            raise IndexStoreError(
                f"{location}: built with {label} {_show(meta.get(key))}, asked for {value}"
            )
    if meta.get("fingerprint") != word_fingerprint(cfg):
        raise IndexStoreError(
            f"{location}: built with configuration fingerprint {meta.get('fingerprint')}, "
            f"asked for {word_fingerprint(cfg)}"
        )
    stored = crosslingual_from_meta(location, meta, cfg.crosslingual)
    if not cfg.crosslingual.enabled:
        return
    if stored is None:
        raise IndexStoreError(
            f"{location}: built without cross-lingual data; rebuild it with --cross-lingual "
            "(CrossLingualConfig(enabled=True)) to query it for translations"
        )
    for name in _CROSSLINGUAL_FIELDS:
        want, have = getattr(cfg.crosslingual, name), getattr(stored, name)
        if want != have:
            label = _LABELS[f"crosslingual.{name}"]
            raise IndexStoreError(f"{location}: built with {label} {have}, asked for {want}")


def _setting(location: str, meta: Mapping[str, str], key: str) -> Any:
    raw = meta.get(key)
    if raw is None:
        raise IndexStoreError(f"{location}: index settings lack {key}")
    return json.loads(raw)


def config_from_meta(location: str, meta: Mapping[str, str], base: ScanConfig) -> ScanConfig:
    """`base` with the shingle, MinHash and passage-fingerprint settings the index was built
    with, and with
    cross-lingual matching on (its anchor settings) if it was built with cross-lingual data."""
    check_format(location, meta)

    def part(prefix: str, cls: type[MinHashConfig] | type[CandidateConfig]) -> dict[str, Any]:
        return {f.name: _setting(location, meta, f"{prefix}.{f.name}") for f in fields(cls)}

    try:
        cfg = replace(
            base,
            shingle=ShingleConfig(shingle_size=_setting(location, meta, "shingle.size")),
            minhash=MinHashConfig(**part("minhash", MinHashConfig)),
            candidates=CandidateConfig(**part("candidates", CandidateConfig)),
        )
        crosslingual = crosslingual_from_meta(location, meta, base.crosslingual)
        if crosslingual is not None:
            cfg = replace(cfg, crosslingual=crosslingual)
    except (ConfigError, ValueError, TypeError) as exc:
        raise IndexStoreError(f"{location}: unreadable index settings: {exc}") from None
    check_meta(location, meta, cfg)
    return cfg
