"""The values passed between the stages of a scan, and the report it returns.

All are frozen dataclasses: stages pass values, never files. `Report.to_dict()` is the one
serialisable view of a report that every output format renders.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Document:
    """One article: its text and what is known about where and when it was published.

    `id` must be unique within a scan. `date` is an ISO 8601 string (``2018-07-16`` or
    ``2018-07-16T09:30:00Z``); readers normalise what they find to that form. `source` says where
    the document came from (``file``, ``file:line 3``, ``crawl.warc.gz:record 12``).
    """

    id: str
    text: str
    url: str | None = None
    site: str | None = None
    title: str | None = None
    date: str | None = None
    source: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id:
            raise ValueError("Document.id must be a non-empty string")
        if not isinstance(self.text, str):
            raise ValueError(f"Document {self.id!r}: text must be a string")


@dataclass(frozen=True, slots=True)
class Skip:
    """A record that was not scanned, where it was and why. Nothing is dropped silently."""

    source: str
    reason: str
    location: str | None = None
    status: str = "skipped"  # "skipped": unusable input; "failed": a stage raised on it

    @property
    def where(self) -> str:
        return f"{self.source}:{self.location}" if self.location else self.source

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "location": self.location,
            "reason": self.reason,
            "status": self.status,
        }


@dataclass(frozen=True, slots=True)
class Similarity:
    """Exact similarity of two shingle sets A and B (not an estimate).

    `containment_ab` = |A∩B| / |A|: how much of A is found in B. `shared` = |A∩B|.
    """

    jaccard: float
    containment_ab: float
    containment_ba: float
    shared: int
    size_a: int
    size_b: int


@dataclass(frozen=True, slots=True)
class Match:
    """A verified copy relation between documents `a` and `b` (a < b by scan order)."""

    a: int
    b: int
    similarity: Similarity


@dataclass(frozen=True, slots=True)
class Member:
    """One article of a cluster, compared exactly with the cluster's origin.

    `containment` is the share of this member's text found in the origin (how much of the copy is
    reused material); `reuse` is the share of the origin's text that this member reproduces.
    Both are 1.0 for the origin itself. `language` is the detected language (ISO 639-1; an
    estimate, None if unknown). A member in another language than the origin that is not a
    word-shingle copy of it has `match` ``"translation"`` and `score`, its exact cross-lingual
    score against the origin (see `dedup.crosslingual`); for every other member both are None.
    """

    id: str
    url: str | None
    site: str | None
    title: str | None
    date: str | None
    role: str  # "origin" or "copy"
    jaccard: float
    containment: float
    reuse: float
    credit: str | None
    source: str | None = None
    language: str | None = None
    match: str | None = None
    score: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "role": self.role,
            "url": self.url,
            "site": self.site,
            "title": self.title,
            "date": self.date,
            "language": self.language,
            "jaccard": round(self.jaccard, 4),
            "containment": round(self.containment, 4),
            "reuse": round(self.reuse, 4),
            "credit": self.credit,
            "source": self.source,
        }
        if self.match is not None:  # only translations: other members read as before
            out["match"] = self.match
            out["score"] = None if self.score is None else round(self.score, 4)
        return out


@dataclass(frozen=True, slots=True)
class Cluster:
    """Copies of one story: `origin` is the id of the earliest member, listed first in `members`."""

    id: str
    origin: str
    members: tuple[Member, ...]

    @property
    def copies(self) -> tuple[Member, ...]:
        return self.members[1:]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "origin": self.origin,
            "size": len(self.members),
            "members": [m.to_dict() for m in self.members],
        }


@dataclass(frozen=True, slots=True)
class Stats:
    """Counts of everything a scan saw. read = extracted + skipped + failed.

    `candidate_pairs` and `verified_pairs` are the word-shingle path's; the cross-lingual
    stage's (`translation_candidates`, `translation_pairs`: pairs of different languages) are
    listed by `to_dict` only when it found a translation, so that a report without one reads
    exactly as a report of a scan without cross-lingual matching."""

    files: int = 0
    read: int = 0
    extracted: int = 0
    skipped: int = 0
    failed: int = 0
    candidate_pairs: int = 0
    verified_pairs: int = 0
    clusters: int = 0
    clustered_documents: int = 0
    copies: int = 0
    translation_candidates: int = 0
    translation_pairs: int = 0

    def to_dict(self) -> dict[str, int]:
        out = {
            "files": self.files,
            "read": self.read,
            "extracted": self.extracted,
            "skipped": self.skipped,
            "failed": self.failed,
            "candidate_pairs": self.candidate_pairs,
            "verified_pairs": self.verified_pairs,
            "clusters": self.clusters,
            "clustered_documents": self.clustered_documents,
            "copies": self.copies,
        }
        if self.translation_pairs:  # only when translations were found: else as before
            out["translation_candidates"] = self.translation_candidates
            out["translation_pairs"] = self.translation_pairs
        return out


@dataclass(frozen=True, slots=True)
class Report:
    """The result of a scan: counts, clusters of copies (largest first), and every skip."""

    stats: Stats
    clusters: tuple[Cluster, ...]
    skipped: tuple[Skip, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "stats": self.stats.to_dict(),
            "clusters": [c.to_dict() for c in self.clusters],
            "skipped": [s.to_dict() for s in self.skipped],
        }

    def pairs(self) -> set[frozenset[str]]:
        """Every unordered pair of document ids placed in the same cluster."""
        out: set[frozenset[str]] = set()
        for c in self.clusters:
            ids = [m.id for m in c.members]
            for i, x in enumerate(ids):
                for y in ids[i + 1 :]:
                    out.add(frozenset((x, y)))
        return out
