"""The embedded back end: one SQLite file (stdlib `sqlite3`), in WAL mode.

Schema (format version 3; 4 with cross-lingual data)::

    meta(key TEXT PRIMARY KEY, value TEXT)               -- settings, see dedup.index.base
    docs(n INTEGER PRIMARY KEY,                          -- internal number, used by buckets
         id TEXT NOT NULL UNIQUE, url, site, title, date, source, credit TEXT,
         signature BLOB,                                 -- uint32 little-endian
         shingles BLOB,                                  -- sorted uint64 little-endian
         layout BLOB,                                    -- Layout.to_array, int32 LE
         fingerprints BLOB)                              -- sampled shingles, uint64 LE
    buckets(key INTEGER, band INTEGER, doc INTEGER,       -- one row a (document, band)
            PRIMARY KEY (key, band, doc)) WITHOUT ROWID
    postings(key INTEGER, doc INTEGER,                    -- one row a (fingerprint, document)
             PRIMARY KEY (key, doc)) WITHOUT ROWID

A band key already depends on its band (`dedup.candidates.band_keys`), so the bucket table is
keyed by the 64-bit key first: a query finds its candidates with one ``key IN (...)`` look-up
of its own keys (one a band) and keeps the rows whose band is the band of that key, exactly the
candidates a scan would pair. Bucket rows are written sorted by key, a batch a transaction.
The postings are the inverted index of passage fingerprints (`dedup.candidates.sampled`): a
query reads, for each of its fingerprints, at most ``limit + 1`` rows (a fingerprint on more
documents proposes nothing, `dedup.candidates.proposing`), in the same read transaction as
its buckets and its candidates' documents.
An index built with cross-lingual data has five more tables, written in the same transactions
(`dedup.index.sqlite_anchors`).

Each write is one transaction (`BEGIN IMMEDIATE`); readers run in a read transaction, so they
see whole batches or nothing (WAL: readers never wait for the writer). ``synchronous=NORMAL``:
a killed process loses nothing committed; a power cut may lose the last transactions but never
leaves a broken file. Memory: SQLite's page cache is capped (`cache_mb`), so a process querying
the index holds the pages it touched, never the index.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
import urllib.parse
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import numpy as np

from dedup.errors import IndexStoreError
from dedup.index import sqlite_anchors as xl
from dedup.index.base import (
    AnchorHits,
    AnchorQuery,
    Chooser,
    KeyArray,
    Postings,
    StoredDoc,
    check_format,
    has_crosslingual,
    keys_of,
    read_blob,
    shingles_from_bytes,
)
from dedup.model import plural

SQLITE_MAGIC = b"SQLite format 3\x00"
#: 8 KiB pages: documents carry a few KiB of shingles, bucket rows ~20 bytes; larger pages make
#: fewer, shallower b-tree levels for the bucket table without much waste on the blobs.
PAGE_SIZE = 8192
#: page cache of a connection, MiB (SQLite's default is 2); a cap, filled only as pages are read
DEFAULT_CACHE_MB = 64
#: seconds a writer waits for another writer's transaction before giving up
BUSY_TIMEOUT_S = 600

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS docs (n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
    " url TEXT, site TEXT, title TEXT, date TEXT, source TEXT, credit TEXT,"
    " signature BLOB NOT NULL, shingles BLOB NOT NULL, layout BLOB NOT NULL,"
    " fingerprints BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS buckets (key INTEGER NOT NULL, band INTEGER NOT NULL,"
    " doc INTEGER NOT NULL, PRIMARY KEY (key, band, doc)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS postings (key INTEGER NOT NULL, doc INTEGER NOT NULL,"
    " PRIMARY KEY (key, doc)) WITHOUT ROWID",
)
_DOC_COLUMNS = "id, url, site, title, date, source, credit, shingles, signature"
_IN_JSON = "(SELECT value FROM json_each(?))"


def _json_list(values: Sequence[object]) -> str:
    """A list bound as one JSON parameter (``x IN (SELECT value FROM json_each(?))``): one
    cached statement whatever the list's length, no limit on the number of variables."""
    return json.dumps(list(values))


def _describe(exc: sqlite3.Error) -> str:
    msg = str(exc)
    if "not a database" in msg or "malformed" in msg:
        return f"corrupt or not a dedup index ({msg})"
    return msg


def _signed(keys: KeyArray) -> list[int]:
    """uint64 band keys as SQLite's signed 64-bit integers (same bits)."""
    out: list[int] = keys.astype(np.uint64).view(np.int64).tolist()
    return out


def _writable(path: str) -> bool:
    """May this process write to the index file at `path` and create SQLite's files beside it
    (`-wal`, `-shm`)? A missing file is writable if its directory is."""
    folder = os.path.dirname(os.path.abspath(path))
    exists = os.path.exists(path)
    return os.access(folder, os.W_OK) and (not exists or os.access(path, os.W_OK))


def _read_only_uri(path: str) -> str:
    """The URI opening `path` read-only. In a directory this process cannot write to, SQLite
    cannot create the `-shm` file a WAL database is read through: the file is then opened as
    immutable (no locks: a process writing to it meanwhile goes unseen), unless a `-wal` file
    holds changes not yet in it, which only a normal read-only opening sees."""
    uri = "file:" + urllib.parse.quote(os.path.abspath(path)) + "?mode=ro"
    folder = os.path.dirname(os.path.abspath(path))
    wal = path + "-wal"
    pending = os.path.exists(wal) and os.path.getsize(wal) > 0
    if not os.access(folder, os.W_OK) and not pending:
        uri += "&immutable=1"
    return uri


def _with_layout(row: Sequence[Any], layout: bytes) -> StoredDoc:
    """A document from its columns (`_DOC_COLUMNS`, then the language if read) and layout."""
    return replace(StoredDoc(*row), layout=layout)


class SQLiteStore:
    """`dedup.index.base.Store` in one SQLite file; see the module docstring for the layout."""

    def __init__(
        self, path: str | os.PathLike[str], create: bool, cache_mb: int, read_only: bool = False
    ) -> None:
        self.location = os.fspath(path)
        self.read_only = read_only or (not create and not _writable(self.location))
        self._con = self._connect(create and not self.read_only, cache_mb)
        self._bands: int | None = None
        self._xl = False
        self._sound = False  # `check` found nothing wrong (`_refuse_damaged`)

    # --- opening -----------------------------------------------------------------------------

    def _connect(self, create: bool, cache_mb: int) -> sqlite3.Connection:
        loc = self.location
        exists = os.path.exists(loc)
        if exists:
            if os.path.isdir(loc):
                raise IndexStoreError(f"{loc}: is a directory, not an index file")
            try:
                with open(loc, "rb") as fh:
                    head = fh.read(len(SQLITE_MAGIC))
            except OSError as exc:
                raise IndexStoreError(f"{loc}: cannot read: {exc.strerror}") from None
            # an empty file is a new index; anything else must be SQLite, checked before
            # SQLite is let near it, so that a foreign file is never written to
            if head and head != SQLITE_MAGIC:
                raise IndexStoreError(f"{loc}: not a dedup index (not an SQLite database)")
        elif not create:
            raise IndexStoreError(
                f"{loc}: no such index (create one with `dedup index add PATH --index {loc}`)"
            )
        elif not os.path.isdir(os.path.dirname(os.path.abspath(loc))):
            raise IndexStoreError(f"{loc}: the directory to create the index in does not exist")
        try:
            if self.read_only:
                con = sqlite3.connect(
                    _read_only_uri(loc), isolation_level=None, check_same_thread=False, uri=True
                )
            else:
                con = sqlite3.connect(loc, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise IndexStoreError(f"{loc}: cannot open: {exc}") from None
        try:
            con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
            con.execute(f"PRAGMA cache_size = -{max(1, cache_mb) * 1024}")
        except sqlite3.Error as exc:
            con.close()
            raise IndexStoreError(f"{loc}: {_describe(exc)}") from None
        return con

    def _configure(self) -> None:
        """WAL and durability settings; run once the file is known to be ours. Switching the
        journal mode does not wait on SQLite's busy handler: while another process creates the
        same index it fails with "database is locked", so it is retried here."""
        if self.read_only:
            return
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                self._con.execute("PRAGMA journal_mode = WAL")
                self._con.execute("PRAGMA synchronous = NORMAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.005)

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.DatabaseError as exc:
            raise IndexStoreError(f"{self.location}: {_describe(exc)}") from None

    @contextmanager
    def _txn(self, write: bool) -> Iterator[sqlite3.Connection]:
        with self._errors():
            self._con.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield self._con
            except BaseException:
                if self._con.in_transaction:
                    self._con.execute("ROLLBACK")
                raise
            self._con.execute("COMMIT")

    def meta(self) -> dict[str, str] | None:
        with self._errors():
            tables = {
                r[0] for r in self._con.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if not tables:
                return None
            if "meta" not in tables:
                raise IndexStoreError(f"{self.location}: not a dedup index (an SQLite database)")
            meta = dict(self._con.execute("SELECT key, value FROM meta").fetchall())
        if not meta:
            return None
        check_format(self.location, meta)
        self._configure()
        try:
            self._bands = int(meta["minhash.bands"])
        except (KeyError, ValueError):
            raise IndexStoreError(
                f"{self.location}: unreadable index settings: minhash.bands is "
                f"{meta.get('minhash.bands', '(not recorded)')!r}, not a number"
            ) from None
        self._xl = has_crosslingual(meta)
        return meta

    def create(self, meta: Mapping[str, str]) -> dict[str, str]:
        with self._errors():
            if not self._con.execute("SELECT 1 FROM sqlite_master").fetchone():
                self._con.execute(f"PRAGMA page_size = {PAGE_SIZE}")
            self._configure()
        with self._txn(write=True) as con:
            if con.execute("SELECT 1 FROM sqlite_master WHERE name='meta'").fetchone() is None:
                if con.execute("SELECT 1 FROM sqlite_master").fetchone():
                    raise IndexStoreError(
                        f"{self.location}: not a dedup index (an SQLite database)"
                    )
            for stmt in _SCHEMA:
                con.execute(stmt)
            con.executemany("INSERT OR IGNORE INTO meta VALUES (?, ?)", sorted(meta.items()))
            # the settings in force (another process may have been first) say which tables
            if has_crosslingual(dict(con.execute("SELECT key, value FROM meta").fetchall())):
                for stmt in xl.SCHEMA:
                    con.execute(stmt)
        got = self.meta()
        if got is None:  # pragma: no cover - written just above
            raise IndexStoreError(f"{self.location}: could not record the index settings")
        return got

    @property
    def bands(self) -> int:
        if self._bands is None:  # pragma: no cover - Index always reads meta first
            raise IndexStoreError(f"{self.location}: index settings not read")
        return self._bands

    # --- writing -----------------------------------------------------------------------------

    def _existing(
        self, con: sqlite3.Connection, ids: Sequence[str]
    ) -> dict[str, tuple[int, bytes, bytes]]:
        rows = con.execute(
            f"SELECT id, n, signature, fingerprints FROM docs WHERE id IN {_IN_JSON}",
            (_json_list(ids),),
        )
        return {r[0]: (r[1], r[2], r[3]) for r in rows}

    def _drop_buckets(
        self, con: sqlite3.Connection, olds: Mapping[str, tuple[int, bytes, bytes]]
    ) -> None:
        rows: list[tuple[int, int, int]] = []
        posts: list[tuple[int, int]] = []
        loc, bands = self.location, self.bands
        for doc_id, (n, sig, fps) in olds.items():
            keys = read_blob(loc, doc_id, "signature", lambda b: keys_of(b, bands), sig)
            for band, key in enumerate(_signed(keys)):
                rows.append((key, band, n))
            fingerprints = read_blob(loc, doc_id, "fingerprints", shingles_from_bytes, fps)
            posts += [(key, n) for key in _signed(fingerprints)]
        rows.sort()
        posts.sort()
        con.executemany("DELETE FROM buckets WHERE key = ? AND band = ? AND doc = ?", rows)
        con.executemany("DELETE FROM postings WHERE key = ? AND doc = ?", posts)

    def _refuse_damaged(self) -> None:
        """Before a write: refused when read-only, or damaged (`refuse_damaged`)."""
        if self.read_only:
            raise IndexStoreError(
                f"{self.location}: opened read-only (asked for, or no write access to the file or "
                "its directory), not written to"
            )
        self.refuse_damaged("written to")

    def refuse_damaged(self, doing: str) -> None:
        """Before the first write or query through this connection: SQLite's quick check of
        the whole file (b-tree pages, records, ordering; not the agreement of indexes with
        their tables), and `IndexStoreError` if it finds damage, so that a damaged file is
        never written to, nor answers queries from the pages that happen to be sound (`doing`:
        "written to", "queried"). Its cost is a read of the file: 0.3-0.7 s for a
        21k-document, 164 MB index (README)."""
        if self._sound:
            return
        problems = [
            line
            for found in self.check()
            for line in found.splitlines()
            if line.strip() and not line.startswith("*** in database")
        ]
        if problems:
            more = f", and {plural(len(problems) - 1, 'more problem')}" if len(problems) > 1 else ""
            raise IndexStoreError(
                f"{self.location}: damaged index ({problems[0]}{more}); not {doing}: rebuild "
                "it (`dedup index stats --check` lists the damage)"
            )
        self._sound = True

    def put(self, docs: Sequence[StoredDoc], keys: KeyArray, replace: bool) -> list[str]:
        status: list[str] = []
        self._refuse_damaged()
        with self._txn(write=True) as con:
            old = self._existing(con, [d.id for d in docs])
            if replace and old:
                self._drop_buckets(con, old)
                if self._xl:
                    xl.drop(con, [n for n, _, _ in old.values()])
            (top,) = con.execute("SELECT coalesce(max(n), 0) FROM docs").fetchone()
            numbers: list[int] = []
            rows: list[tuple[object, ...]] = []
            blobs: list[tuple[bytes, bytes, bytes, bytes]] = []
            posts: list[tuple[int, int]] = []
            for d in docs:
                prev = old.get(d.id)
                if prev is not None and not replace:
                    status.append("exists")
                    numbers.append(-1)
                    continue
                if prev is not None:
                    n = prev[0]
                    status.append("replaced")
                else:
                    top += 1
                    n = top
                    status.append("added")
                numbers.append(n)
                rows.append((n, d.id, d.url, d.site, d.title, d.date, d.source, d.credit))
                blobs.append((d.signature, d.shingles, d.layout, d.fingerprints))
                posts += [(key, n) for key in _signed(shingles_from_bytes(d.fingerprints))]
            con.executemany(
                "INSERT OR REPLACE INTO docs (n, id, url, site, title, date, source, credit,"
                " signature, shingles, layout, fingerprints)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(*r, *b) for r, b in zip(rows, blobs, strict=True)],
            )
            posts.sort()
            con.executemany("INSERT OR IGNORE INTO postings (key, doc) VALUES (?, ?)", posts)
            nums = np.asarray(numbers, dtype=np.int64)
            keep = nums >= 0
            if keep.any():
                bands = keys.shape[1]
                k = keys[keep].astype(np.uint64).view(np.int64).ravel()
                b = np.tile(np.arange(bands, dtype=np.int64), int(keep.sum()))
                doc = np.repeat(nums[keep], bands)
                order = np.lexsort((doc, b, k))
                con.executemany(
                    "INSERT OR IGNORE INTO buckets (key, band, doc) VALUES (?, ?, ?)",
                    zip(k[order].tolist(), b[order].tolist(), doc[order].tolist(), strict=True),
                )
            if self._xl:
                written = [(n, d) for n, d in zip(numbers, docs, strict=True) if n >= 0]
                xl.add(con, written, self.location)
                xl.count_documents(con, status.count("added"))
        return status

    def delete(self, ids: Sequence[str]) -> list[str]:
        self._refuse_damaged()
        with self._txn(write=True) as con:
            old = self._existing(con, ids)
            self._drop_buckets(con, old)
            if self._xl:
                xl.drop(con, [n for n, _, _ in old.values()])
                xl.count_documents(con, -len(old))
            con.executemany("DELETE FROM docs WHERE n = ?", [(n,) for n, _, _ in old.values()])
        return [i for i in ids if i in old]

    # --- reading -----------------------------------------------------------------------------

    def _bucket_docs(self, con: sqlite3.Connection, keys: KeyArray) -> list[int]:
        signed = _signed(keys)
        band_of = {k: b for b, k in enumerate(signed)}
        rows = con.execute(
            f"SELECT key, band, doc FROM buckets WHERE key IN {_IN_JSON}", (_json_list(signed),)
        )
        return sorted({doc for key, band, doc in rows if band_of.get(key) == band})

    def _postings(self, con: sqlite3.Connection, fingerprints: KeyArray, limit: int) -> Postings:
        """Per fingerprint, its documents (numbers) if at most `limit`, as ids."""
        counts: list[int] = []
        numbers: list[list[int]] = []
        for key in _signed(fingerprints):
            rows = con.execute(
                "SELECT doc FROM postings WHERE key = ? LIMIT ?", (key, limit + 1)
            ).fetchall()
            counts.append(len(rows))
            numbers.append([r[0] for r in rows] if len(rows) <= limit else [])
        wanted = sorted({n for ns in numbers for n in ns})
        ids: dict[int, str] = {}
        if wanted:
            ids = dict(
                con.execute(
                    f"SELECT n, id FROM docs WHERE n IN {_IN_JSON}", (_json_list(wanted),)
                ).fetchall()
            )
        lost = next((n for n in wanted if n not in ids), None)
        if lost is not None:
            raise IndexStoreError(
                f"{self.location}: damaged index: a passage fingerprint names document number "
                f"{lost}, which the index does not hold; rebuild the index "
                "(`dedup index stats --check` lists the damage)"
            )
        return Postings(
            np.asarray(counts, dtype=np.int64), [[ids[n] for n in ns] for ns in numbers]
        )

    def lookup(
        self, keys: KeyArray, fingerprints: KeyArray, limit: int, choose: Chooser
    ) -> list[StoredDoc]:
        with self._txn(write=False) as con:
            docs = self._bucket_docs(con, keys)
            chosen = sorted(set(choose(self._postings(con, fingerprints, limit))))
            if not docs and not chosen:
                return []
            where = f"(d.n IN {_IN_JSON} OR d.id IN {_IN_JSON})"
            params = (_json_list(docs), _json_list(chosen))
            if self._xl:
                rows = con.execute(
                    f"SELECT {xl.DOC_COLUMNS}, x.language, d.layout FROM docs d"
                    f" LEFT JOIN xl_docs x ON x.doc = d.n WHERE {where} ORDER BY d.n",
                    params,
                ).fetchall()
                return [_with_layout(r[:10], r[10]) for r in rows]
            rows = con.execute(
                f"SELECT {_DOC_COLUMNS}, d.layout FROM docs d WHERE {where} ORDER BY d.n", params
            ).fetchall()
        return [_with_layout(r[:9], r[9]) for r in rows]

    def candidate_ids(self, keys: KeyArray) -> list[str]:
        with self._txn(write=False) as con:
            docs = self._bucket_docs(con, keys)
            if not docs:
                return []
            rows = con.execute(
                f"SELECT id FROM docs WHERE n IN {_IN_JSON}", (_json_list(docs),)
            ).fetchall()
        return [r[0] for r in rows]

    def anchor_lookup(self, query: AnchorQuery) -> AnchorHits:
        if not self._xl:  # pragma: no cover - Index refuses a cross-lingual query first
            raise IndexStoreError(f"{self.location}: built without cross-lingual data")
        with self._txn(write=False) as con:
            return xl.lookup(con, query)

    def count(self) -> int:
        with self._errors():
            (n,) = self._con.execute("SELECT count(*) FROM docs").fetchone()
        return int(n)

    def check(self) -> list[str]:
        try:
            rows = self._con.execute("PRAGMA quick_check").fetchall()
        except sqlite3.DatabaseError as exc:
            return [_describe(exc)]
        return [] if rows == [("ok",)] else [str(r[0]) for r in rows]

    def texts(self) -> Iterator[tuple[str, bytes, bytes]]:
        with self._errors():
            rows = self._con.execute("SELECT id, shingles, layout FROM docs ORDER BY n")
            for doc_id, shingles, layout in rows:
                yield str(doc_id), bytes(shingles or b""), bytes(layout or b"")

    def details(self) -> dict[str, Any]:
        size = sum(
            os.path.getsize(self.location + s)
            for s in ("", "-wal")
            if os.path.exists(self.location + s)
        )
        return {"backend": "sqlite", "bytes": size}

    def close(self) -> None:
        self._con.close()
