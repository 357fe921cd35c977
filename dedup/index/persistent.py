"""`dedup.Index`: a persistent, incremental index of documents, to ask of each new article
"is this a copy of anything seen before, and of what?".

A query finds its candidates as a scan does (`dedup.candidates.all_candidates`): from the
index's LSH buckets (the same bands) and from the inverted index of passage fingerprints (the
same `sampled` fingerprints, the same `min_hits` and `max_df` rule applied by
`dedup.candidates.passage_partners`, document frequencies those of the indexed documents plus
the query). It verifies each with `dedup.verify.verified` (passage alignment on the stored
shingle sets and layouts): its matches are exactly the indexed documents that `dedup.scan`
would verify as copies of it under the same config, with the same evidence (passages, shared
words and sentences).

*Site templates* are not applied by the index: a scan learns them from its whole corpus
(`dedup.templates.learn`: per site, the pages holding each shingle and how much of each page
is its own text), which an index would have to maintain for every shingle of every site on
each add and remove. `ScanConfig.templates` is ignored; a query's matches are those of a scan
with ``TemplateConfig(enabled=False)``.

With cross-lingual matching (an index built with it, queried with it) a query also
finds the translations a scan would verify (`dedup.index.translations`). Back ends: one SQLite
file (`dedup.index.sqlite`, the default) or a Redis server (``redis://host:port/db``,
`dedup.index.redis`), shared by processes on several machines.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import replace
from types import TracebackType
from typing import Literal

import numpy as np
import numpy.typing as npt

from dedup.candidates import band_keys, passage_partners, sampled
from dedup.config import DUPLICATE_POLICIES, ScanConfig
from dedup.engines.pool import prepare_all
from dedup.errors import ConfigError, IndexStoreError
from dedup.ids import index_choice, skip_of
from dedup.index.base import (
    Postings,
    Store,
    check_meta,
    config_from_meta,
    crosslingual_from_meta,
    meta_of,
    stored_text,
)
from dedup.index.ingest import Reader, Totals, stored
from dedup.index.results import (
    AddResult,
    IndexMatch,
    IndexStats,
    QueryReport,
    QueryResult,
    RemoveResult,
)
from dedup.index.sqlite import DEFAULT_CACHE_MB, SQLiteStore
from dedup.index.translations import anchor_query, bucket_sets, translation_matches
from dedup.model import (
    Anchors,
    Batch,
    Document,
    HashArray,
    Layout,
    ProgressHook,
    SkipLog,
    no_progress,
)
from dedup.prepare import prepare_chunk
from dedup.sources import Input, as_inputs
from dedup.verify import Shingled, similarity, verified

DuplicatePolicy = Literal["refuse", "replace"]
#: documents written a transaction by `Index.add`: bucket rows are written sorted, so larger
#: batches touch each b-tree page fewer times; a crash loses at most the batch being written
DEFAULT_BATCH = 10_000
#: id given to a query made from bare text
TEXT_QUERY_ID = "(query)"
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


def _open_store(
    location: str | os.PathLike[str], create: bool, cache_mb: int, read_only: bool
) -> Store:
    loc = os.fspath(location)
    if loc.startswith(REDIS_SCHEMES):
        from dedup.index.redis import RedisStore

        return RedisStore(loc)
    return SQLiteStore(loc, create=create, cache_mb=cache_mb, read_only=read_only)


def _names_a_file(text: str) -> bool:
    """True for a text that is the name of an existing file (one short line, no spaces)."""
    if len(text) > 4096 or not text.strip() or any(c.isspace() for c in text):
        return False
    try:
        return os.path.isfile(text)
    except (OSError, ValueError):
        return False


class Index:
    """A persistent index of documents' shingle sets, signatures and LSH buckets.

    ``Index.open("news.db")`` opens (or creates) an SQLite index; ``Index.open("redis://host:
    6379/0")`` one on a Redis server. Use it as a context manager, or `close()` it::

        with dedup.Index.open("news.db") as index:
            index.add(["crawl/"])
            for m in index.query(text):
                print(m.id, m.jaccard, m.containment)

    Contract: `query` returns exactly the indexed documents that a `dedup.scan` of the index's
    documents plus the query would verify as copies of the query (same LSH bands and passage
    fingerprints, the same passage alignment; no site templates, as a scan with
    ``TemplateConfig(enabled=False)``), with exact Jaccard and containments and the alignment's
    evidence (passages, shared words and sentences), best first. With cross-lingual matching
    on (``config.crosslingual.enabled``; the index must have been built with it), also exactly
    the documents that scan would verify as translations of the query (same anchor bands and
    bucket cap, the same anchor weights: those of the index's documents plus the query, see
    `dedup.index.translations`), as matches ``match="translation"`` with their `score`. An
    index records the settings its signatures were made with (shingle scheme and size,
    permutations, bands, seed, passage fingerprint settings, byte order,
    `ScanConfig.fingerprint()`, and for cross-lingual
    data the anchor scheme and anchor MinHash settings) and refuses a config that differs
    (`IndexStoreError` naming the setting). An index built with cross-lingual data stores it
    for every document added later, whatever the config of the add. Each add batch is one
    transaction: a crash loses at most the batch being written, and running the same add again
    is safe. Readers never see part of a batch. Several processes may add and query at once
    (SQLite serialises writers; Redis runs each batch atomically); within a process, use one
    `Index` a thread.
    """

    def __init__(self, store: Store, config: ScanConfig, meta: dict[str, str]) -> None:
        """Use `Index.open`."""
        self._store = store
        self._meta = meta
        self._config = config
        self._bands = config.minhash.bands
        #: the anchor settings of an index with cross-lingual data (what adds store), else None
        self._xl = crosslingual_from_meta(store.location, meta, config.crosslingual)

    @classmethod
    def open(
        cls,
        location: str | os.PathLike[str],
        config: ScanConfig | None = None,
        *,
        create: bool = True,
        cache_mb: int = DEFAULT_CACHE_MB,
        read_only: bool = False,
    ) -> Index:
        """Open the index at `location` (a file path, or ``redis://host:port/db``).

        `config` None: an existing index is used with the settings it was built with
        (cross-lingual matching on if it holds cross-lingual data), a new one is built with the
        defaults; otherwise its shingle and MinHash settings must be those of the index. A new
        index built with ``config.crosslingual.enabled`` holds cross-lingual data; an existing
        one without it refuses such a config (`IndexStoreError`: rebuild it with cross-lingual
        data). `create` False: a missing index is an error. `cache_mb`: SQLite's page cache per
        connection (the memory a querying process uses does not grow with the index).
        `read_only`: an SQLite index is opened read-only (adding or removing is then an
        `IndexStoreError`); an existing one is so opened anyway when this process may not write
        to the file or its directory, so that it can be queried from a read-only place.
        Raises `IndexStoreError` for a missing (with `create` False), corrupt, foreign,
        unreachable or mismatched index; the index is then left untouched.
        """
        if config is not None and not isinstance(config, ScanConfig):
            raise ConfigError("config must be a dedup.ScanConfig")
        store = _open_store(location, create and not read_only, cache_mb, read_only)
        loc = store.location
        try:
            meta = store.meta()
            if meta is None:
                if not create:
                    raise IndexStoreError(f"{loc}: no such index (empty)")
                cfg = config or ScanConfig()
                meta = store.create(meta_of(cfg))
                check_meta(loc, meta, cfg)
            elif config is None:
                cfg = config_from_meta(loc, meta, ScanConfig())
            else:
                check_meta(loc, meta, config)
                cfg = config
        except BaseException:
            store.close()
            raise
        return cls(store, cfg, meta)

    @property
    def location(self) -> str:
        return self._store.location

    @property
    def config(self) -> ScanConfig:
        """The config in use. It may be replaced by one with the same signature settings, e.g.
        ``index.config = replace(index.config, verify=VerifyConfig(min_jaccard=0.6))``."""
        return self._config

    @config.setter
    def config(self, value: ScanConfig) -> None:
        if not isinstance(value, ScanConfig):
            raise ConfigError("config must be a dedup.ScanConfig")
        check_meta(self.location, self._meta, value)
        self._config = value

    @property
    def crosslingual(self) -> bool:
        """Does the index hold cross-lingual data (may it be queried for translations)?"""
        return self._xl is not None

    def _add_config(self) -> ScanConfig:
        """The config documents are prepared with for adding: with cross-lingual data on in an
        index that holds it, whatever the config in use for queries."""
        if self._xl is None:
            return self._config
        return replace(self._config, crosslingual=self._xl)

    # --- adding ------------------------------------------------------------------------------

    def _policy(self, on_duplicate: str) -> bool:
        if on_duplicate not in DUPLICATE_POLICIES:
            raise ConfigError(
                f"on_duplicate must be one of {', '.join(DUPLICATE_POLICIES)}, got {on_duplicate!r}"
            )
        return on_duplicate == "replace"

    def add(
        self,
        inputs: Input | Iterable[Input],
        *,
        on_duplicate: DuplicatePolicy = "refuse",
        jobs: int = 1,
        batch_size: int = DEFAULT_BATCH,
        progress: ProgressHook | None = None,
    ) -> AddResult:
        """Add documents: `inputs` are paths (files or directories, every format `scan` reads;
        one given alone is one path) and/or `Document`s, read, extracted and signed as a scan
        does (in `jobs` processes: this one and ``jobs - 1`` workers). `progress` is called as
        ``progress("add", done, total)`` before the first chunk and after each: the input
        prepared so far and the whole input in the measure of a scan's "prepare" stage (bytes
        of files, characters of documents) when `inputs` is a path, a list or a tuple; else
        ``progress("add", records prepared, None)``.

        A document whose id is already in the index is refused (a skip saying so) with
        ``on_duplicate="refuse"``, or replaces the indexed one with ``"replace"``; an id is
        never held twice. Within one add, the first of several records with one id wins under
        "refuse", the last under "replace". Written in input order, `batch_size` documents a
        transaction (the last one fewer).
        """
        replace_ = self._policy(on_duplicate)
        if batch_size < 1 or jobs < 1:
            raise ConfigError("batch_size and jobs must be at least 1")
        hook = progress or no_progress
        cfg = self._add_config()
        reader = Reader(as_inputs(inputs), cfg)
        total = Totals(skipped=SkipLog(cfg.report.max_listed_skips))
        pending = Batch(sigs=np.empty((0, cfg.minhash.num_perm), dtype=np.uint32))
        reader.report(hook, "add")
        for part in prepare_all(reader.records(), cfg, jobs):
            reader.prepared(part.read)
            total.skipped.merge(part.skips)
            part.skips = SkipLog(cfg.report.max_listed_skips)
            pending = Batch.concat([pending, part])
            while len(pending) >= batch_size:
                n = len(pending)
                head, pending = pending.take(range(batch_size)), pending.take(range(batch_size, n))
                total.update(self._write(head, replace_))
            reader.report(hook, "add")
        total.update(self._write(pending, replace_))
        reader.prepared(0)
        reader.report(hook, "add")
        total.skipped.merge(reader.skips)
        return AddResult(
            added=tuple(total.added),
            replaced=tuple(total.replaced),
            skipped=tuple(total.skipped.listed()),
            unlisted=tuple(total.skipped.unlisted()),
            unread_dates=tuple(total.skipped.unread_date_fields()),
            files=reader.files,
            read=reader.read,
            documents=self._store.count(),
        )

    def add_prepared(
        self, prepared: Batch, *, on_duplicate: DuplicatePolicy = "refuse"
    ) -> AddResult:
        """Add documents already prepared (`dedup.prepare.prepare_chunk`) in one transaction.
        An index with cross-lingual data needs them prepared with cross-lingual matching on
        (a document without anchors is stored as having none)."""
        total = Totals(skipped=SkipLog(self._config.report.max_listed_skips))
        total.update(self._write(prepared, self._policy(on_duplicate)))
        total.skipped.merge(prepared.skips)
        return AddResult(
            added=tuple(total.added),
            replaced=tuple(total.replaced),
            skipped=tuple(total.skipped.listed()),
            unlisted=tuple(total.skipped.unlisted()),
            unread_dates=tuple(total.skipped.unread_date_fields()),
            documents=self._store.count(),
        )

    def _write(self, part: Batch, replace_: bool) -> Totals:
        """One transaction: the batch's documents (one an id, `dedup.ids.index_choice`)."""
        out = Totals(skipped=SkipLog(self._config.report.max_listed_skips))
        if len(part.layouts) != len(part.entries):
            raise ConfigError(
                "documents to add need their layouts (prepare them with "
                "dedup.prepare.prepare_chunk): a query aligns passages on them"
            )
        rows, refused = index_choice(part.entries, replace_)
        out.skipped.extend(refused)
        if not rows:
            return out
        sample = self._config.candidates.sample
        if self._xl is None:
            docs = [stored(part, i, sample) for i in rows]
        else:
            entries = [part.entries[i] for i in rows]
            buckets = bucket_sets(
                [e.anchors for e in entries], [e.language for e in entries], self._xl
            )
            docs = [stored(part, i, sample, b) for i, b in zip(rows, buckets, strict=True)]
        sigs = part.sigs[rows]
        status = self._store.put(docs, band_keys(sigs, self._bands), replace_)
        for i, st in zip(rows, status, strict=True):
            e = part.entries[i]
            if st == "added":
                out.added.append(e.id)
            elif st == "replaced":
                out.replaced.append(e.id)
            else:
                out.skipped.add(skip_of(e, f"id {e.id!r} is already in the index (not replaced)"))
        return out

    # --- querying ----------------------------------------------------------------------------

    def query(
        self,
        document_or_text: Document | str | os.PathLike[str],
        *,
        limit: int | None = None,
    ) -> list[IndexMatch]:
        """Verified matches of one document, best first: copies by highest Jaccard, then
        highest containment either way, then id; then (cross-lingual matching on) translations
        by highest score, then id. An indexed document with the query's own id is left out (a
        document is no copy of itself). A text with no words matches nothing.

        `document_or_text`: a `Document`; a ``str``, the text itself; an ``os.PathLike``
        (``pathlib.Path``), a file holding one document (`query_many` reads files of many).
        A ``str`` that is the name of an existing file is refused (ConfigError): it is not
        clear whether the text or the file is meant. `limit`: at most this many matches.
        """
        if isinstance(document_or_text, Document):
            doc, exclude = document_or_text, document_or_text.id
        elif isinstance(document_or_text, os.PathLike):
            return self._query_file(document_or_text, limit)
        elif isinstance(document_or_text, str):
            if _names_a_file(document_or_text):
                raise ConfigError(
                    f"query: document_or_text {document_or_text!r} is the name of a file: pass "
                    f"pathlib.Path({document_or_text!r}) to query the document in it, or "
                    "dedup.Document(id, text) to query these words as text"
                )
            doc, exclude = Document(id=TEXT_QUERY_ID, text=document_or_text), None
        else:
            raise ConfigError(
                "query: document_or_text must be a dedup.Document, a text (str) or a path "
                f"(os.PathLike), not {type(document_or_text).__name__}"
            )
        part = prepare_chunk([doc], self._config)
        if not part.entries:
            return []
        e = part.entries[0]
        return self.match(
            part.sets[0],
            part.sigs[0],
            part.layouts[0],
            site=e.site,
            exclude=exclude,
            limit=limit,
            anchors=e.anchors,
            language=e.language,
        )

    def _query_file(self, path: os.PathLike[str], limit: int | None) -> list[IndexMatch]:
        """The matches of the one document of the file `path`; ConfigError if it holds none
        that can be read (saying why) or several."""
        got = self.query_many([path], limit=limit)
        if len(got.results) == 1:
            return list(got.results[0].matches)
        if not got.results:
            why = f": {got.skipped[0].reason}" if got.skipped else ""
            raise ConfigError(f"query: {os.fspath(path)} holds no document to query{why}")
        raise ConfigError(
            f"query: {os.fspath(path)} holds {len(got.results)} documents; query takes one "
            "(query_many queries each)"
        )

    def query_many(
        self,
        inputs: Input | Iterable[Input],
        *,
        limit: int | None = None,
        jobs: int = 1,
        progress: ProgressHook | None = None,
    ) -> QueryReport:
        """`query` every document under `inputs` (paths and/or `Document`s, read as `add`
        reads them; one given alone is one path); results in input order, unusable records as
        skips. `limit`: at most this many matches a document; `jobs`: processes reading and
        preparing, as for `add`; `progress` is called as for `add`, with the stage "query"."""
        hook = progress or no_progress
        self._store.refuse_damaged("queried")  # before reading what may be a large input
        reader = Reader(as_inputs(inputs), self._config)
        results: list[QueryResult] = []
        skips = SkipLog(self._config.report.max_listed_skips)
        reader.report(hook, "query")
        for part in prepare_all(reader.records(), self._config, jobs):
            reader.prepared(part.read)
            skips.merge(part.skips)
            for e, s, sig, lay in zip(
                part.entries, part.sets, part.sigs, part.layouts, strict=True
            ):
                matches = self.match(
                    s,
                    sig,
                    lay,
                    site=e.site,
                    exclude=e.id,
                    limit=limit,
                    anchors=e.anchors,
                    language=e.language,
                )
                results.append(
                    QueryResult(
                        e.id, e.url, e.site, e.title, e.date, e.source, tuple(matches), e.language
                    )
                )
            reader.report(hook, "query")
        reader.prepared(0)
        reader.report(hook, "query")
        skips.merge(reader.skips)
        return QueryReport(
            tuple(results),
            tuple(skips.listed()),
            reader.files,
            reader.read,
            crosslingual=self._config.crosslingual.enabled,
            unlisted=tuple(skips.unlisted()),
            unread_dates=tuple(skips.unread_date_fields()),
        )

    def match(
        self,
        shingles: HashArray,
        signature: npt.NDArray[np.uint32],
        layout: Layout,
        *,
        site: str | None = None,
        exclude: str | None = None,
        limit: int | None = None,
        anchors: Anchors | None = None,
        language: str | None = None,
    ) -> list[IndexMatch]:
        """`query` for a document already prepared: its sorted unique shingle set, its
        signature, its layout and site, and with cross-lingual matching its anchors and
        language (as `dedup.prepare.prepare_chunk` makes them; without them no translation is
        looked for, nor for a document whose language is unknown or that has no anchor
        keys). A damaged index is refused (`IndexStoreError`), checked before the first query
        (SQLite: its quick check)."""
        self._store.refuse_damaged("queried")
        cfg = self._config
        c = cfg.candidates
        keys = band_keys(np.asarray(signature, dtype=np.uint32)[None, :], self._bands)[0]

        def passages(posts: Postings) -> list[str]:
            # as in a scan of the indexed documents plus the query, which stands in for the
            # indexed document with its id: that one is no holder, and the query is one
            holders = [[h for h in hs if h != exclude] for hs in posts.holders]
            gone = np.fromiter(
                (len(a) - len(b) for a, b in zip(posts.holders, holders, strict=True)),
                dtype=np.int64,
                count=len(holders),
            )
            return passage_partners(holders, posts.counts - gone + 1, c.min_hits, c.max_df)

        query = Shingled(shingles, layout, site)
        # a fingerprint on more than max_df + 1 indexed documents is on more than max_df of
        # the scanned ones (the query stands in for at most one of them): its holders are
        # not read
        found = self._store.lookup(keys, sampled(shingles, c.sample), c.max_df + 1, passages)
        out: list[IndexMatch] = []
        for d in found:
            if d.id == exclude:
                continue
            theirs, layout = stored_text(self.location, d.id, d.shingles, d.layout)
            al = verified(
                query,
                Shingled(theirs, layout, d.site),
                cfg.verify,
                cfg.shingle.shingle_size,
            )
            if al is not None:
                out.append(IndexMatch.of(d, similarity(shingles, theirs), language, al))
        out.sort(key=lambda m: (-m.jaccard, -max(m.containment, m.reuse), m.id))
        xl = self._config.crosslingual
        if xl.enabled and anchors is not None and language is not None and anchors.keys.size:
            hits = self._store.anchor_lookup(anchor_query(anchors, language, exclude, xl))
            copies = {m.id for m in out}
            out += translation_matches(hits, shingles, anchors, language, xl, copies)
        return out if limit is None else out[: max(0, limit)]

    def candidates(self, signature: npt.NDArray[np.uint32]) -> list[str]:
        """Ids of the indexed documents sharing a band with `signature`, unverified and
        unsorted: what an LSH index returns (`match` verifies them)."""
        keys = band_keys(np.asarray(signature, dtype=np.uint32)[None, :], self._bands)[0]
        return self._store.candidate_ids(keys)

    # --- the rest ----------------------------------------------------------------------------

    def remove(self, ids: Iterable[str]) -> RemoveResult:
        """Remove documents by id, in one transaction; ids not in the index are reported."""
        wanted = list(dict.fromkeys(ids))
        removed = set(self._store.delete(wanted)) if wanted else set()
        return RemoveResult(
            removed=tuple(i for i in wanted if i in removed),
            missing=tuple(i for i in wanted if i not in removed),
            documents=self._store.count(),
        )

    def stats(self) -> IndexStats:
        """Documents held, size where known, and the settings the index was built with."""
        details = self._store.details()
        cfg = self._config
        settings = {
            "shingle_scheme": int(self._meta["shingle_scheme"]),
            "shingle_size": cfg.shingle.shingle_size,
            "num_perm": cfg.minhash.num_perm,
            "bands": cfg.minhash.bands,
            "rows": cfg.minhash.rows,
            "seed": cfg.minhash.seed,
            "passage_sample": cfg.candidates.sample,
            "passage_min_hits": cfg.candidates.min_hits,
            "passage_max_df": cfg.candidates.max_df,
            "byte_order": "little",
            "cross_lingual": self._xl is not None,
        }
        if self._xl is not None:
            settings["anchor_scheme"] = int(self._meta["crosslingual.anchor_scheme"])
            settings["anchor_num_perm"] = self._xl.num_perm
            settings["anchor_bands"] = self._xl.bands
            settings["anchor_seed"] = self._xl.seed
        return IndexStats(
            location=self.location,
            backend=str(details.get("backend")),
            documents=self._store.count(),
            fingerprint=self._meta["fingerprint"],
            settings=settings,
            bytes=details.get("bytes"),
        )

    def check(self) -> list[str]:
        """Read the whole index and return the problems found (empty: sound). SQLite: its
        `quick_check` of every page (an operation only notices damage in the pages it reads);
        then every stored document is decoded and checked (`stored_text`), each damaged one
        named. Takes time proportional to the index."""
        problems = self._store.check()
        if problems:  # damaged pages: the documents are not read through them
            return problems
        try:
            for doc_id, shingles, layout in self._store.texts():
                try:
                    stored_text(self.location, doc_id, shingles, layout)
                except IndexStoreError as exc:
                    problems.append(str(exc).removeprefix(f"{self.location}: "))
        except IndexStoreError as exc:  # the store itself unreadable part way
            problems.append(str(exc).removeprefix(f"{self.location}: "))
        return problems

    def __len__(self) -> int:
        return self._store.count()

    def close(self) -> None:
        self._store.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
