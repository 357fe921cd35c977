"""The shared back end: one Redis server, so that crawler processes on several machines add to
and query one index. Location: ``redis://[:password@]host:port/db`` (also ``rediss://`` and
``unix:///path.sock?db=0``); ``?prefix=NAME:`` keeps several indexes in one database
(default prefix ``dedup:``).

Keys (``P`` the prefix)::

    P meta                  hash: the settings (see dedup.index.base)
    P ids                   set: every document id
    P d:<id>                hash: url site title date source credit (absent when unknown),
                            sh (shingles, uint64 little-endian), sig (signature, uint32
                            little-endian), ly (Layout.to_array, int32 little-endian), fp
                            (passage fingerprints, uint64 little-endian), k (the document's
                            bucket names, 10 bytes each)
    P b<band><key>          set: ids of the documents in this bucket; <band> 2 bytes and <key>
                            8 bytes, little-endian, so equal keys in other bands are other buckets
    P f<key>                set: ids of the documents holding passage fingerprint <key> (8
                            bytes, little-endian)
    P gen                   counter: incremented by every write (a batch, a removal)

An index built with cross-lingual data (meta ``crosslingual.anchor_scheme``) also has::

    P d:<id>                fields lang (ISO 639-1, absent when unknown), xa (Anchors.seq,
                            uint64 little-endian), xk (distinct anchor band keys, 8 bytes each)
    P xc<key>               hash: language -> documents of that language in anchor bucket <key>
                            (8 bytes, little-endian)
    P xb<key><language>     set: ids of the documents of that language in the bucket
    P xdf                   hash: anchor feature (8 bytes, little-endian) -> documents holding it

written by the same scripts as the documents (a field or count that falls to zero is deleted,
so removing every document leaves none of these keys). A cross-lingual query is one script too:
it reads the sizes of its buckets, the members of the other languages in the buckets the cap
keeps (the rule of `dedup.index.translations.open_buckets`), their documents and the
frequencies of the features they and the query hold.

Every write (a batch of documents, a removal) is one Lua script (`dedup.index.redis_scripts`),
which Redis runs atomically: no reader sees part of a document or of a batch. A query reads in
two scripts (its buckets and fingerprint postings, then the documents chosen from them) and
does both again when the write generation changed between them, so it too sees one moment.
The scripts name keys they build from the prefix, so a Redis Cluster (keys
spread over nodes) is not supported; a single server (with replicas) is. Durability is the
server's (AOF or RDB, as configured).

Start a server for it (Debian: ``apt-get install redis-server``)::

    redis-server --port 6379 --appendonly yes --dir /var/lib/dedup-redis
    dedup index add crawl/ --index redis://localhost:6379/0
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any, cast
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np
import redis as redis_lib

from dedup.errors import IndexStoreError
from dedup.index import redis_scripts as scripts
from dedup.index.base import (
    AnchorHits,
    AnchorQuery,
    Chooser,
    KeyArray,
    Postings,
    StoredDoc,
    check_format,
    has_crosslingual,
)
from dedup.index.translations import keys_from_bytes, keys_to_bytes

DEFAULT_PREFIX = "dedup:"
_FIELDS = ("url", "site", "title", "date", "source", "credit")
_BUCKET_BYTES = 10  # band (uint16) + key (uint64), little-endian
#: times a query reads again when a write came between its two reads
_READ_TRIES = 100


def _shown(url: str) -> str:
    """The location without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


def _bucket_blob(keys: KeyArray) -> bytes:
    """The bucket names of one document's band keys: (band, key) little-endian, 10 bytes each."""
    k = np.asarray(keys, dtype=np.uint64)
    return b"".join(struct.pack("<HQ", b, int(v)) for b, v in enumerate(k.tolist()))


def _text(v: bytes | None) -> str | None:
    return None if v is None else v.decode("utf-8")


def _doc(id_: bytes, vals: list[Any]) -> StoredDoc:
    """A document from the values of its fields, in the order of the scripts' HMGET (url, site,
    title, date, source, credit, sh, sig, then lang, xa, xk where asked for)."""
    url, site, title, date, source, credit = (_text(v) for v in vals[:6])
    rest = list(vals[8:]) + [None] * (11 - len(vals))
    return StoredDoc(
        id=id_.decode("utf-8"),
        url=url,
        site=site,
        title=title,
        date=date,
        source=source,
        credit=credit,
        shingles=bytes(vals[6]),
        signature=bytes(vals[7]),
        language=_text(rest[0]),
        anchors=None if rest[1] is None else bytes(rest[1]),
        anchor_bands=b"" if rest[2] is None else bytes(rest[2]),
    )


class RedisStore:
    """`dedup.index.base.Store` on a Redis server; see the module docstring for the keys."""

    def __init__(self, url: str) -> None:
        try:
            parts = urlsplit(url)
            _ = parts.port  # a port that is not a number raises here
        except ValueError as exc:
            hidden = re.sub(r"//[^@/]*@", "//***@", url)  # a password is never shown
            raise IndexStoreError(f"{hidden}: not a Redis location ({exc})") from None
        self.location = _shown(url)
        query = parse_qsl(parts.query, keep_blank_values=True)
        prefix = dict(query).get("prefix", DEFAULT_PREFIX)
        rest = urlencode([(k, v) for k, v in query if k != "prefix"])
        self._prefix = prefix.encode("utf-8")
        # urlunsplit would write unix:///x.sock as unix:/x.sock, which redis-py refuses
        target = (
            f"unix://{parts.path}" + (f"?{rest}" if rest else "")
            if parts.scheme == "unix"
            else urlunsplit(parts._replace(query=rest))
        )
        try:
            self._r = redis_lib.Redis.from_url(target)
            self._r.ping()
        except (redis_lib.RedisError, ValueError) as exc:
            raise IndexStoreError(f"{self.location}: cannot connect: {exc}") from None
        self._create = self._r.register_script(scripts.CREATE)
        self._put = self._r.register_script(scripts.PUT)
        self._lookup = self._r.register_script(scripts.LOOKUP)
        self._delete = self._r.register_script(scripts.DELETE)
        self._xl_lookup = self._r.register_script(scripts.XL_LOOKUP)
        self._candidates = self._r.register_script(scripts.CANDIDATES)
        self._read = self._r.register_script(scripts.READ)
        self._xl = False

    def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except redis_lib.ResponseError as exc:
            if "WRONGTYPE" in str(exc):
                raise IndexStoreError(
                    f"{self.location}: not a dedup index (keys under prefix "
                    f"{self._prefix.decode()!r} hold other data)"
                ) from None
            raise IndexStoreError(f"{self.location}: {exc}") from None
        except redis_lib.RedisError as exc:
            raise IndexStoreError(f"{self.location}: {exc}") from None

    def meta(self) -> dict[str, str] | None:
        raw = cast(dict[bytes, bytes], self._call(self._r.hgetall, self._prefix + b"meta"))
        if not raw:
            return None
        meta = {k.decode(): v.decode() for k, v in raw.items()}
        check_format(self.location, meta)
        self._xl = has_crosslingual(meta)
        return meta

    def create(self, meta: Mapping[str, str]) -> dict[str, str]:
        flat = [x for kv in sorted(meta.items()) for x in kv]
        raw = cast(list[bytes], self._call(self._create, keys=[self._prefix + b"meta"], args=flat))
        got = {raw[i].decode(): raw[i + 1].decode() for i in range(0, len(raw), 2)}
        check_format(self.location, got)
        self._xl = has_crosslingual(got)
        return got

    def put(self, docs: Sequence[StoredDoc], keys: KeyArray, replace: bool) -> list[str]:
        args: list[bytes | str] = [self._prefix, "1" if replace else "0"]
        for d, k in zip(docs, keys, strict=True):
            fields: list[bytes | str] = []
            for name in _FIELDS:
                value = getattr(d, name)
                if value is not None:
                    fields += [name, value]
            fields += ["sh", d.shingles, "sig", d.signature, "ly", d.layout]
            fields += ["fp", d.fingerprints]
            if self._xl:
                if d.anchors is None:
                    raise IndexStoreError(
                        f"{self.location}: a document without cross-lingual data cannot be "
                        "added to an index built with it"
                    )
                if d.language is not None:
                    fields += ["lang", d.language]
                fields += ["xa", d.anchors, "xk", d.anchor_bands]
            args += [d.id, _bucket_blob(k), str(len(fields) // 2), *fields]
        out = cast(list[bytes], self._call(self._put, args=args))
        return [s.decode() for s in out]

    def lookup(
        self, keys: KeyArray, fingerprints: KeyArray, limit: int, choose: Chooser
    ) -> list[StoredDoc]:
        fps = keys_to_bytes(fingerprints)
        for _ in range(_READ_TRIES):
            gen, ids, counts, holders = cast(
                list[Any],
                self._call(
                    self._candidates, args=[self._prefix, _bucket_blob(keys), fps, str(limit)]
                ),
            )
            posts = Postings(
                np.asarray([int(c) for c in counts], dtype=np.int64),
                [[h.decode("utf-8") for h in hs] for hs in holders],
            )
            wanted = sorted({i.decode("utf-8") for i in ids} | set(choose(posts)))
            again, raw = cast(list[Any], self._call(self._read, args=[self._prefix, *wanted]))
            if again == gen:
                break
        else:  # pragma: no cover - writes between every pair of reads
            raise IndexStoreError(f"{self.location}: the index kept changing during a query")
        out: list[StoredDoc] = []
        for i in range(0, len(raw), 2):
            vals = raw[i + 1]
            if vals[6] is None:  # pragma: no cover - ids and documents are written together
                continue
            out.append(replace(_doc(raw[i], vals[:9]), layout=bytes(vals[9] or b"")))
        return out

    def anchor_lookup(self, query: AnchorQuery) -> AnchorHits:
        args = [
            self._prefix,
            query.language,
            keys_to_bytes(query.bands),
            keys_to_bytes(query.features),
            query.exclude or "",
            str(query.max_bucket_pairs),
        ]
        raw = cast(list[Any], self._call(self._xl_lookup, args=args))
        ex_vals, skipped, documents, flat, feats, counts = raw
        excluded = (
            _doc((query.exclude or "").encode("utf-8"), ex_vals)
            if ex_vals and ex_vals[6] is not None
            else None
        )
        docs = [
            _doc(flat[i], flat[i + 1]) for i in range(0, len(flat), 2) if flat[i + 1][6] is not None
        ]
        keys = keys_from_bytes(b"".join(feats))
        freq = np.array([int(c) for c in counts], dtype=np.int64)
        order = np.argsort(keys, kind="stable")
        return AnchorHits(docs, keys[order], freq[order], int(documents), excluded, int(skipped))

    def candidate_ids(self, keys: KeyArray) -> list[str]:
        raw = cast(
            list[bytes], self._call(self._lookup, args=[self._prefix, _bucket_blob(keys), "0"])
        )
        return [r.decode("utf-8") for r in raw]

    def delete(self, ids: Sequence[str]) -> list[str]:
        out = cast(list[bytes], self._call(self._delete, args=[self._prefix, *ids]))
        return [r.decode("utf-8") for r in out]

    def count(self) -> int:
        return int(cast(int, self._call(self._r.scard, self._prefix + b"ids")))

    def refuse_damaged(self, doing: str) -> None:
        """Nothing to check first: Redis keeps its own data sound (a document changed by hand
        is named when it is read)."""
        return None

    def check(self) -> list[str]:
        """Every id has its document and every document its id (Redis keeps its own data
        sound; this finds keys changed by hand)."""
        ids = cast(set[bytes], self._call(self._r.smembers, self._prefix + b"ids"))
        problems = []
        for i in sorted(ids):
            if not self._call(self._r.exists, self._prefix + b"d:" + i):
                problems.append(f"document {i.decode('utf-8')!r} is listed but missing")
        return problems

    def texts(self) -> Iterator[tuple[str, bytes, bytes]]:
        ids = cast(set[bytes], self._call(self._r.smembers, self._prefix + b"ids"))
        for i in sorted(ids):
            sh, ly = cast(
                list[Any], self._call(self._r.hmget, self._prefix + b"d:" + i, ["sh", "ly"])
            )
            if sh is not None:
                yield i.decode("utf-8"), bytes(sh), bytes(ly or b"")

    def details(self) -> dict[str, Any]:
        return {"backend": "redis", "bytes": None}

    def close(self) -> None:
        self._r.close()
