"""The values `dedup.Index` returns: matches of a query, and what an add, a remove and `stats`
did or found. All frozen; `to_dict()` is the one serialisable view every output renders."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from dedup.index.base import StoredDoc
from dedup.model import Alignment, Passage, Similarity, Skip, UnlistedSkips, UnreadDates


def skip_counts(listed: Sequence[Skip], unlisted: Sequence[UnlistedSkips]) -> tuple[int, int]:
    """(skipped, failed): the skips listed and those counted but not listed (`SkipLog`)."""
    failed = sum(s.records for s in listed if s.status == "failed")
    failed += sum(u.count for u in unlisted if u.status == "failed")
    every = sum(s.records for s in listed) + sum(u.count for u in unlisted)
    return every - failed, failed


def _skips_dict(listed: Sequence[Skip], unlisted: Sequence[UnlistedSkips]) -> dict[str, Any]:
    out: dict[str, Any] = {"skipped": [s.to_dict() for s in listed]}
    if unlisted:  # only then, as in a scan report
        out["skipped_not_listed"] = [u.to_dict() for u in unlisted]
    return out


def _r(x: float) -> float:
    return round(x, 4)


def _passage(p: Passage) -> dict[str, int]:
    """A passage as a query result shows it: `Passage.to_dict`, the matched document in place
    of a scan's origin."""
    return {k.replace("origin_", "match_"): v for k, v in p.to_dict().items()}


@dataclass(frozen=True, slots=True)
class IndexMatch:
    """An indexed document that the query is a copy of (or that is a copy of the query), or,
    with cross-lingual matching, a translation of it.

    Every figure is exact, computed on the two shingle sets: `jaccard`; `containment`, the share
    of the query's text found in this document (1.0: the query is wholly made of it); `reuse`,
    the share of this document's text that the query reproduces; `shared`, the shingles both
    hold. The same figures a scan reports for a copy (`containment`) against its origin (`reuse`).

    The evidence of a copy, from the passage alignment that verified it (`dedup.align`, as a
    scan's `Match` and `Member` carry it): `passages`, the passages the two share (`Passage`:
    offsets and words in the query's text, then in this document's; ``match_start``,
    ``match_end``, ``match_words`` in JSON); `shared_words`, the query's words inside them, and
    `match_words`, this document's; `share` and `match_share`, those words as a share of each
    text's body (a scan's ``a_share``/``b_share``); `shared_sentences`, the sentences shared
    (on the side with fewer, as a scan's `Match`). None (no passages) for a translation.

    `match`: ``"copy"`` (verified on word shingles) or ``"translation"`` (another language,
    verified on anchors: `score` is its exact anchor score against the query, see
    `dedup.crosslingual`; the word-shingle figures stay exact, near 0). `language` and
    `query_language`: the two documents' languages (ISO 639-1) where known (an index built with
    cross-lingual data knows its documents'; a cross-lingual query knows the query's).
    """

    id: str
    url: str | None
    site: str | None
    title: str | None
    date: str | None
    credit: str | None
    source: str | None
    jaccard: float
    containment: float
    reuse: float
    shared: int
    match: str = "copy"
    language: str | None = None
    query_language: str | None = None
    score: float | None = None
    shared_sentences: int | None = None
    shared_words: int | None = None
    match_words: int | None = None
    share: float | None = None
    match_share: float | None = None
    passages: tuple[Passage, ...] = ()

    @classmethod
    def of(
        cls,
        doc: StoredDoc,
        sim: Similarity,
        query_language: str | None,
        alignment: Alignment | None = None,
        match: str = "copy",
        score: float | None = None,
    ) -> IndexMatch:
        """The match of a stored document, `sim` its similarity with the query and `alignment`
        their alignment (query first, as A; None for a translation)."""
        al = alignment
        return cls(
            id=doc.id,
            url=doc.url,
            site=doc.site,
            title=doc.title,
            date=doc.date,
            credit=doc.credit,
            source=doc.source,
            jaccard=sim.jaccard,
            containment=sim.containment_ab,
            reuse=sim.containment_ba,
            shared=sim.shared,
            match=match,
            language=doc.language,
            query_language=query_language,
            score=score,
            shared_sentences=al.shared_sentences if al is not None else None,
            shared_words=al.covered_a if al is not None else None,
            match_words=al.covered_b if al is not None else None,
            share=al.coverage_a if al is not None else None,
            match_share=al.coverage_b if al is not None else None,
            passages=al.passages if al is not None else (),
        )

    @property
    def crosslingual(self) -> bool:
        """Does this match carry cross-lingual facts (a translation, or a language)?"""
        return self.match != "copy" or self.language is not None or self.query_language is not None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "url": self.url,
            "site": self.site,
            "title": self.title,
            "date": self.date,
            "jaccard": _r(self.jaccard),
            "containment": _r(self.containment),
            "reuse": _r(self.reuse),
            "shared": self.shared,
            "shared_sentences": self.shared_sentences,
            "shared_words": self.shared_words,
            "match_words": self.match_words,
            "share": None if self.share is None else _r(self.share),
            "match_share": None if self.match_share is None else _r(self.match_share),
            "passages": [_passage(p) for p in self.passages],
            "credit": self.credit,
            "source": self.source,
        }
        if self.crosslingual:  # a word-shingle-only query has no translation fields
            out["match"] = self.match
            out["language"] = self.language
            out["query_language"] = self.query_language
            out["score"] = None if self.score is None else _r(self.score)
        return out


@dataclass(frozen=True, slots=True)
class QueryResult:
    """One queried document and its verified matches, best first."""

    id: str
    url: str | None
    site: str | None
    title: str | None
    date: str | None
    source: str | None
    matches: tuple[IndexMatch, ...]
    #: the queried document's language, identified with cross-lingual matching on (else None)
    language: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "url": self.url,
            "site": self.site,
            "title": self.title,
            "date": self.date,
            "source": self.source,
        }
        if self.language is not None:
            out["language"] = self.language
        out["matches"] = [m.to_dict() for m in self.matches]
        return out


@dataclass(frozen=True, slots=True)
class QueryReport:
    """Every queried document of a batch query (in input order) and the records skipped;
    `crosslingual`: the queries looked for translations too."""

    results: tuple[QueryResult, ...]
    skipped: tuple[Skip, ...] = ()
    files: int = 0
    read: int = 0
    crosslingual: bool = False
    #: skips counted but not listed in `skipped` (`dedup.model.SkipLog`)
    unlisted: tuple[UnlistedSkips, ...] = ()
    #: sources and fields none of whose dates could be read (a warning, not output)
    unread_dates: tuple[UnreadDates, ...] = ()

    def counts(self) -> dict[str, int]:
        skipped, failed = skip_counts(self.skipped, self.unlisted)
        out = {
            "files": self.files,
            "read": self.read,
            "queried": len(self.results),
            "skipped": skipped,
            "failed": failed,
            "with_matches": sum(1 for r in self.results if r.matches),
            "matches": sum(len(r.matches) for r in self.results),
        }
        if self.crosslingual:
            out["translations"] = sum(
                1 for r in self.results for m in r.matches if m.match == "translation"
            )
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "stats": self.counts(),
            "results": [r.to_dict() for r in self.results],
            **_skips_dict(self.skipped, self.unlisted),
        }


@dataclass(frozen=True, slots=True)
class AddResult:
    """What an add did: ids added (new) and replaced, records skipped (with the reason: no
    text, unreadable, or an id already in the index under ``on_duplicate="refuse"``), and the
    number of documents in the index afterwards."""

    added: tuple[str, ...] = ()
    replaced: tuple[str, ...] = ()
    skipped: tuple[Skip, ...] = ()
    files: int = 0
    read: int = 0
    documents: int = 0
    #: skips counted but not listed in `skipped` (`dedup.model.SkipLog`)
    unlisted: tuple[UnlistedSkips, ...] = ()
    #: sources and fields none of whose dates could be read (a warning, not output)
    unread_dates: tuple[UnreadDates, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        skipped, failed = skip_counts(self.skipped, self.unlisted)
        return {
            "stats": {
                "files": self.files,
                "read": self.read,
                "added": len(self.added),
                "replaced": len(self.replaced),
                "skipped": skipped,
                "failed": failed,
                "documents": self.documents,
            },
            "added": list(self.added),
            "replaced": list(self.replaced),
            **_skips_dict(self.skipped, self.unlisted),
        }


@dataclass(frozen=True, slots=True)
class RemoveResult:
    """Ids removed, ids that were not in the index, documents left."""

    removed: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    documents: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "removed": list(self.removed),
            "missing": list(self.missing),
            "documents": self.documents,
        }


@dataclass(frozen=True, slots=True)
class IndexStats:
    """What an index holds and how it was built (the settings recorded in it)."""

    location: str
    backend: str
    documents: int
    fingerprint: str
    settings: dict[str, Any] = field(default_factory=dict)
    bytes: int | None = None  # on disk (SQLite: file and WAL); None where unknown

    def to_dict(self) -> dict[str, Any]:
        per_doc = round(self.bytes / self.documents) if self.bytes and self.documents else None
        return {
            "location": self.location,
            "backend": self.backend,
            "documents": self.documents,
            "bytes": self.bytes,
            "bytes_per_document": per_doc,
            "fingerprint": self.fingerprint,
            "settings": dict(self.settings),
        }
