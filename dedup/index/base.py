"""What every persistent index back end shares: the stored record, the `Store` protocol, the
byte layout of stored arrays, and the settings recorded in an index (its "meta").

An index records every setting that changes a signature or a band key (`meta_of`): the shingle
scheme version, each field of `ShingleConfig` and `MinHashConfig`, the byte order of its blobs
and `ScanConfig.fingerprint()`. `check_meta` refuses a config that differs, naming the setting.
Verification settings (`VerifyConfig`) are not recorded: they apply when a query is verified,
so the same index can be queried under another copy rule.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from dedup.config import SHINGLE_SCHEME_VERSION, MinHashConfig, ScanConfig, ShingleConfig
from dedup.errors import ConfigError, IndexStoreError
from dedup.index.lsh import band_keys
from dedup.shingle import HashArray
from dedup.signature import from_bytes

#: written in every index; anything else is not ours
FORMAT = "dedup-index"
#: version of the stored layout (tables or keys, blob encodings); bump on any change
FORMAT_VERSION = 1
KeyArray = npt.NDArray[np.uint64]

#: how a setting is named in an error message ("built with shingle size 5, asked for 4")
_LABELS = {
    "shingle_scheme": "shingle scheme version",
    "shingle.size": "shingle size",
    "minhash.num_perm": "num_perm (MinHash permutations)",
    "minhash.bands": "bands (LSH)",
    "minhash.seed": "hash seed",
    "byte_order": "byte order",
}


@dataclass(frozen=True, slots=True)
class StoredDoc:
    """One indexed document as a back end stores it.

    `shingles`: its sorted unique 64-bit shingle hashes, little-endian (`shingles_to_bytes`);
    `signature`: its MinHash signature, little-endian uint32 (`dedup.signature.to_bytes`).
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
        """Store `docs` (unique ids) with their band keys ``keys[i]`` in one transaction.
        Per document: "added", "replaced" (`replace` and the id was there) or "exists"
        (not `replace` and the id was there: nothing written for it)."""

    def lookup(self, keys: KeyArray) -> list[StoredDoc]:
        """The documents sharing at least one band key with ``keys`` (one key a band), as of
        one moment: the candidates of a query."""

    def candidate_ids(self, keys: KeyArray) -> list[str]:
        """The ids of `lookup` without reading the documents (cheaper; unsorted)."""

    def delete(self, ids: Sequence[str]) -> list[str]:
        """Remove the documents with these ids in one transaction; return the ids removed."""

    def count(self) -> int:
        """Number of documents."""

    def check(self) -> list[str]:
        """Problems found by reading the whole store (empty: none). Slow: reads everything."""

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


def keys_of(signature: bytes, bands: int) -> KeyArray:
    """The band keys of one stored signature, shape ``(bands,)``."""
    keys: KeyArray = band_keys(from_bytes(signature)[None, :], bands)[0]
    return keys


def _flat(cfg: ScanConfig) -> dict[str, Any]:
    out: dict[str, Any] = {"shingle_scheme": SHINGLE_SCHEME_VERSION}
    out.update({f"shingle.{k}": v for k, v in asdict(cfg.shingle).items()})
    out.update({f"minhash.{k}": v for k, v in asdict(cfg.minhash).items()})
    out["byte_order"] = "little"
    return out


def meta_of(cfg: ScanConfig) -> dict[str, str]:
    """Everything an index records about how its signatures and band keys were made."""
    meta = {k: json.dumps(v) for k, v in _flat(cfg).items()}
    meta["format"] = FORMAT
    meta["format_version"] = str(FORMAT_VERSION)
    meta["fingerprint"] = cfg.fingerprint()
    return meta


def check_format(location: str, meta: Mapping[str, str]) -> None:
    """IndexStoreError unless `meta` is that of a dedup index this version can read."""
    if meta.get("format") != FORMAT:
        raise IndexStoreError(f"{location}: not a dedup index")
    if meta.get("format_version") != str(FORMAT_VERSION):
        raise IndexStoreError(
            f"{location}: dedup index format version {meta.get('format_version')}, "
            f"this dedup reads version {FORMAT_VERSION}"
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
    if meta.get("fingerprint") != cfg.fingerprint():
        raise IndexStoreError(
            f"{location}: built with configuration fingerprint {meta.get('fingerprint')}, "
            f"asked for {cfg.fingerprint()}"
        )


def config_from_meta(location: str, meta: Mapping[str, str], base: ScanConfig) -> ScanConfig:
    """`base` with the shingle and MinHash settings the index was built with."""
    check_format(location, meta)

    def part(prefix: str, cls: type[ShingleConfig] | type[MinHashConfig]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(cls):
            raw = meta.get(f"{prefix}.{f.name}")
            if raw is None:
                raise IndexStoreError(f"{location}: index settings lack {prefix}.{f.name}")
            out[f.name] = json.loads(raw)
        return out

    try:
        cfg = replace(
            base,
            shingle=ShingleConfig(**part("shingle", ShingleConfig)),
            minhash=MinHashConfig(**part("minhash", MinHashConfig)),
        )
    except (ConfigError, ValueError, TypeError) as exc:
        raise IndexStoreError(f"{location}: unreadable index settings: {exc}") from None
    check_meta(location, meta, cfg)
    return cfg
