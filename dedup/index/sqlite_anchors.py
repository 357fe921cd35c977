"""The cross-lingual tables of the SQLite back end (`dedup.index.sqlite`): written in the
transactions of `SQLiteStore.put` and `delete`, read in the transaction of a query.

An index built with cross-lingual data (meta ``crosslingual.anchor_scheme``) has five more
tables; an index without them is unchanged::

    xl_docs(doc INTEGER PRIMARY KEY,                     -- docs.n
            language TEXT,                               -- ISO 639-1, NULL if unknown
            anchors BLOB,                                -- Anchors.seq, uint64 little-endian
            bands BLOB)                                  -- distinct anchor band keys, uint64 LE
    xl_buckets(key INTEGER, language TEXT, doc INTEGER,  -- one row a (document, anchor key)
               PRIMARY KEY (key, language, doc)) WITHOUT ROWID
    xl_bucket_sizes(key INTEGER, language TEXT, n INTEGER, -- documents of each language a key
                    PRIMARY KEY (key, language)) WITHOUT ROWID
    xl_df(feature INTEGER PRIMARY KEY, n INTEGER)        -- documents holding an anchor feature
    xl_counts(name TEXT PRIMARY KEY, n INTEGER)          -- 'documents': rows of docs

Keys and features are stored as SQLite's signed 64-bit integers (the same bits). A query reads
the sizes of its buckets first, then the members of the other languages in the buckets the cap
keeps (`dedup.index.translations.open_buckets`), their documents, and the frequencies of the
features they and the query hold: bounded work whatever the size of the index. Rows of size or
frequency zero are deleted, so removing every document leaves the tables empty (and
``xl_counts`` at 0).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

import numpy as np

from dedup.errors import IndexStoreError
from dedup.index.base import AnchorHits, AnchorQuery, KeyArray, StoredDoc
from dedup.index.translations import feature_counts, feature_union, keys_from_bytes, open_buckets

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS xl_docs (doc INTEGER PRIMARY KEY, language TEXT,"
    " anchors BLOB NOT NULL, bands BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS xl_buckets (key INTEGER NOT NULL, language TEXT NOT NULL,"
    " doc INTEGER NOT NULL, PRIMARY KEY (key, language, doc)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS xl_bucket_sizes (key INTEGER NOT NULL, language TEXT NOT NULL,"
    " n INTEGER NOT NULL, PRIMARY KEY (key, language)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS xl_df (feature INTEGER PRIMARY KEY, n INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS xl_counts (name TEXT PRIMARY KEY, n INTEGER NOT NULL)"
    " WITHOUT ROWID",
    "INSERT OR IGNORE INTO xl_counts VALUES ('documents', 0)",
)
DOC_COLUMNS = "d.id, d.url, d.site, d.title, d.date, d.source, d.credit, d.shingles, d.signature"
_SELECT = (
    f"SELECT d.n, {DOC_COLUMNS}, x.language, x.anchors, x.bands"
    " FROM docs d JOIN xl_docs x ON x.doc = d.n"
)
_IN_JSON = "(SELECT value FROM json_each(?))"


def _json(values: Sequence[object]) -> str:
    return json.dumps(list(values))


def _signed(keys: KeyArray) -> list[int]:
    out: list[int] = np.asarray(keys, dtype=np.uint64).view(np.int64).tolist()
    return out


def _anchored(row: Sequence[Any]) -> StoredDoc:
    """A document row (without its number) with its language, anchors and anchor bands."""
    return StoredDoc(*row[:12])


def drop(con: sqlite3.Connection, numbers: Sequence[int]) -> int:
    """Withdraw the cross-lingual data of documents `numbers`: their rows, bucket rows and
    sizes, and feature counts. Returns how many documents had some."""
    rows = con.execute(
        f"SELECT doc, language, anchors, bands FROM xl_docs WHERE doc IN {_IN_JSON}",
        (_json(numbers),),
    ).fetchall()
    if not rows:
        return 0
    members: list[tuple[int, str, int]] = []
    sizes: dict[tuple[int, str], int] = {}
    for doc, lang, _, bands in rows:
        if lang is None:
            continue
        for key in _signed(keys_from_bytes(bands)):
            members.append((key, lang, doc))
            sizes[(key, lang)] = sizes.get((key, lang), 0) + 1
    members.sort()
    con.executemany("DELETE FROM xl_buckets WHERE key = ? AND language = ? AND doc = ?", members)
    con.executemany(
        "UPDATE xl_bucket_sizes SET n = n - ? WHERE key = ? AND language = ?",
        [(n, k, lg) for (k, lg), n in sorted(sizes.items())],
    )
    con.executemany(
        "DELETE FROM xl_bucket_sizes WHERE key = ? AND language = ? AND n <= 0", sorted(sizes)
    )
    feats, counts = feature_counts(r[2] for r in rows)
    con.executemany(
        "UPDATE xl_df SET n = n - ? WHERE feature = ?",
        zip(counts.tolist(), feats.tolist(), strict=True),
    )
    con.execute(
        f"DELETE FROM xl_df WHERE feature IN {_IN_JSON} AND n <= 0", (_json(feats.tolist()),)
    )
    con.execute(f"DELETE FROM xl_docs WHERE doc IN {_IN_JSON}", (_json([r[0] for r in rows]),))
    return len(rows)


def add(con: sqlite3.Connection, items: Sequence[tuple[int, StoredDoc]], location: str) -> None:
    """Write the cross-lingual data of documents (number, document) and count it in."""
    if any(d.anchors is None for _, d in items):
        raise IndexStoreError(
            f"{location}: a document without cross-lingual data cannot be added to an index "
            "built with it"
        )
    con.executemany(
        "INSERT INTO xl_docs (doc, language, anchors, bands) VALUES (?, ?, ?, ?)",
        [(n, d.language, d.anchors, d.anchor_bands) for n, d in items],
    )
    members: list[tuple[int, str, int]] = []
    for n, d in items:
        if d.language is not None:
            members += [(k, d.language, n) for k in _signed(keys_from_bytes(d.anchor_bands))]
    members.sort()
    con.executemany("INSERT OR IGNORE INTO xl_buckets VALUES (?, ?, ?)", members)
    sizes: dict[tuple[int, str], int] = {}
    for k, lg, _ in members:
        sizes[(k, lg)] = sizes.get((k, lg), 0) + 1
    con.executemany(
        "INSERT INTO xl_bucket_sizes VALUES (?, ?, ?)"
        " ON CONFLICT (key, language) DO UPDATE SET n = n + excluded.n",
        [(k, lg, c) for (k, lg), c in sorted(sizes.items())],
    )
    feats, counts = feature_counts(d.anchors for _, d in items)
    con.executemany(
        "INSERT INTO xl_df VALUES (?, ?) ON CONFLICT (feature) DO UPDATE SET n = n + excluded.n",
        zip(feats.tolist(), counts.tolist(), strict=True),
    )


def count_documents(con: sqlite3.Connection, delta: int) -> None:
    """Documents added (> 0) or removed (< 0)."""
    if delta:
        con.execute("UPDATE xl_counts SET n = n + ? WHERE name = 'documents'", (delta,))


def lookup(con: sqlite3.Connection, query: AnchorQuery) -> AnchorHits:
    """`dedup.index.base.Store.anchor_lookup`, inside the caller's read transaction."""
    keys = _signed(query.bands)
    excluded: StoredDoc | None = None
    ex_n = -1
    ex_keys: tuple[str, frozenset[int]] | None = None
    if query.exclude is not None:
        row = con.execute(f"{_SELECT} WHERE d.id = ?", (query.exclude,)).fetchone()
        if row is not None:
            ex_n, excluded = row[0], _anchored(row[1:])
            if excluded.language is not None:
                ex_bands = frozenset(_signed(keys_from_bytes(excluded.anchor_bands)))
                ex_keys = (excluded.language, ex_bands)
    sizes: dict[int, dict[str, int]] = {}
    for key, lang, n in con.execute(
        f"SELECT key, language, n FROM xl_bucket_sizes WHERE key IN {_IN_JSON}", (_json(keys),)
    ):
        sizes.setdefault(key, {})[lang] = n
    reads, skipped = open_buckets(keys, query.language, sizes, ex_keys, query.max_bucket_pairs)
    members: set[int] = set()
    for key, lang in reads:
        members.update(
            r[0]
            for r in con.execute(
                "SELECT doc FROM xl_buckets WHERE key = ? AND language = ?", (key, lang)
            )
        )
    members.discard(ex_n)
    docs = [
        _anchored(r[1:])
        for r in con.execute(
            f"{_SELECT} WHERE d.n IN {_IN_JSON} ORDER BY d.n", (_json(sorted(members)),)
        )
    ]
    feats = feature_union(query.features, docs)
    signed = _signed(feats)
    counts = dict(
        con.execute(
            f"SELECT feature, n FROM xl_df WHERE feature IN {_IN_JSON}", (_json(signed),)
        ).fetchall()
    )
    (documents,) = con.execute("SELECT n FROM xl_counts WHERE name = 'documents'").fetchone()
    freq = np.array([counts.get(f, 0) for f in signed], dtype=np.int64)
    return AnchorHits(docs, feats, freq, int(documents), excluded, skipped)
