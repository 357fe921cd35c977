"""The values passed between the stages of a scan, and the report it returns.

Stages pass values, never files: a `Document` (or a reader's record) in, one `Batch` of
prepared documents (`Entry` + shingle set + signature each) through the middle stages, and a
`Report` of `Cluster`s of `Member`s out. `Report.to_dict()` is the one serialisable view of a
report that every output format renders. Every value here is frozen but `Batch`, which engines
fill and cut.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from typing import Any, Literal, overload

import numpy as np
import numpy.typing as npt

#: a sorted array of distinct 64-bit hashes (a shingle set, anchor keys)
HashArray = npt.NDArray[np.uint64]

#: progress(stage, done, total): called as work advances; total is None when unknown
ProgressHook = Callable[[str, int, int | None], None]


def no_progress(stage: str, done: int, total: int | None) -> None:
    """The `ProgressHook` that reports nothing."""
    return None


_DIGITS = re.compile(r"(\d+)")


def natural(s: str) -> tuple[tuple[int, str], ...]:
    """Sort key that orders "line 9" before "line 10"."""
    return tuple((int(p), "") if p.isdigit() else (0, p) for p in _DIGITS.split(s))


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
class Extraction:
    """What the pipeline sees of one record (`dedup.extract_documents`): its document (text
    and metadata after extraction) and the language identified from its first characters."""

    document: Document
    language: str | None

    def to_dict(self) -> dict[str, Any]:
        d = self.document
        return {
            "id": d.id,
            "source": d.source,
            "url": d.url,
            "site": d.site,
            "title": d.title,
            "date": d.date,
            "language": self.language,
            "text": d.text,
        }


@dataclass(frozen=True, slots=True)
class Skip:
    """A record that was not scanned, where it was and why. Nothing is dropped silently."""

    source: str
    reason: str
    location: str | None = None
    status: str = "skipped"  # "skipped": unusable input; "failed": a stage raised on it
    #: the records this skip stands for: 1, or all of a file's when none of them has text
    #: (one skip says so for all: `dedup.sources.records.TextHint`)
    records: int = 1

    @property
    def where(self) -> str:
        return f"{self.source}:{self.location}" if self.location else self.source

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"

    def sort_key(self) -> tuple[object, ...]:
        """A report's order of skips: by source, location (in natural order: "line 9" before
        "line 10") and reason."""
        return (natural(self.source), natural(self.location or ""), self.reason)

    @property
    def kind(self) -> str:
        """The reason without its particulars (`reason_kind`): what a report counts skips by
        when it lists only some of them."""
        return reason_kind(self.reason)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "location": self.location,
            "reason": self.reason,
            "status": self.status,
        } | ({"records": self.records} if self.records != 1 else {})


#: a quoted value in a reason (an id, a field name: Python's repr quotes it either way)
_QUOTED = re.compile(r"'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"")
#: where a reason's details start: a colon or a parenthesis (an exception's message, a column,
#: the record kept instead), or a quote left open
_DETAILS = re.compile(r"[:(\'\"]")
_KIND_CHARS = 80
_kinds: dict[str, str] = {}


def reason_kind(reason: str) -> str:
    """`reason` without its particulars, so that the skips of one kind, in one file, count
    together however their reasons differ: quoted values written ``'…'``, numbers ``N``, and
    what follows the first colon or parenthesis dropped (``malformed JSON at column 22: Invalid
    control character`` -> ``malformed JSON at column N``; ``duplicate id 'a' (kept ...)`` ->
    ``duplicate id '…'``). The kinds are as few as the reasons dedup words, however hostile the
    input: a quoted or numbered value cannot make a new one."""
    kind = _kinds.get(reason)
    if kind is None:
        text = _QUOTED.sub("\0", reason)
        cut = _DETAILS.search(text)
        text = _DIGITS.sub("N", text[: cut.start()] if cut else text)
        kind = text.replace("\0", "'…'").strip()[:_KIND_CHARS]
        if len(_kinds) > 4096:  # a cache of the reasons met most recently
            _kinds.clear()
        _kinds[reason] = kind
    return kind


#: skips listed a (source, kind of reason, status) by default (`ReportConfig.max_listed_skips`)
MAX_LISTED_SKIPS = 20

SkipGroup = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class UnlistedSkips:
    """How many skipped records of one kind in one source a report counts but does not list."""

    source: str
    kind: str
    status: str
    count: int

    def __str__(self) -> str:
        return f"{self.source}: {self.count} more {self.status} ({self.kind}), not listed"

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "kind": self.kind,
            "status": self.status,
            "count": self.count,
        }


@dataclass(frozen=True, slots=True)
class UnreadDates:
    """A source whose date field gave no readable date (`dedup.dates`): how many were given,
    and one of them (the first in code-point order, whatever the split of the work)."""

    source: str
    field: str
    count: int
    example: str

    def __str__(self) -> str:
        dates = "1 date" if self.count == 1 else f"{self.count} dates"
        return (
            f"{self.source}: field {self.field!r}: no readable date ({dates}, such as "
            f"{self.example!r}); give its form with --date-format (a strptime format)"
        )


#: (source, date field) -> [dates read, dates unread, the smallest unread value]
DateCounts = dict[tuple[str, str], list[Any]]


@dataclass(slots=True)
class SkipLog:
    """The skips of a scan, counted exactly and listed in bounded memory.

    Every skip added is counted (`skipped`, `failed`); of each group of skips with the same
    source, kind of reason (`Skip.kind`) and status, the first `limit` in report order
    (`Skip.sort_key`) are kept to be listed and the others only counted. What is listed does not
    depend on the order skips arrive in or on how the work was split: logs filled by separate
    workers `merge` into the log one process would have filled. A group holds at most
    ``2 * limit + 1`` skips at any time, so two million junk lines cost a few kilobytes here,
    not gigabytes."""

    limit: int = MAX_LISTED_SKIPS
    skipped: int = 0
    failed: int = 0
    _groups: dict[SkipGroup, list[Skip]] = field(default_factory=dict, init=False)
    _unlisted: dict[SkipGroup, int] = field(default_factory=dict, init=False)
    # the dates records gave, read or not, by source and field: not skips, but they travel
    # with them (every engine merges the logs of its workers)
    _dates: DateCounts = field(default_factory=dict, init=False)

    def __len__(self) -> int:
        return self.skipped + self.failed

    def note_date(self, source: str, field_name: str, unread: str | None) -> None:
        """A date given in `field_name` of a record of `source`: read, or the value that
        could not be (`unread`)."""
        counts = self._dates.setdefault((source, field_name), [0, 0, None])
        if unread is None:
            counts[0] += 1
        else:
            counts[1] += 1
            counts[2] = unread if counts[2] is None else min(counts[2], unread)

    @property
    def unparsed_dates(self) -> int:
        """Dates given that could not be read."""
        return sum(c[1] for c in self._dates.values())

    def unread_date_fields(self) -> list[UnreadDates]:
        """The sources and fields of which no given date could be read, in natural order."""
        rows = [
            UnreadDates(src, name, c[1], c[2])
            for (src, name), c in self._dates.items()
            if c[0] == 0 and c[1]
        ]
        return sorted(rows, key=lambda u: (natural(u.source), u.field))

    def add(self, skip: Skip) -> None:
        if skip.status == "failed":
            self.failed += skip.records
        else:
            self.skipped += skip.records
        self._keep((skip.source, skip.kind, skip.status), [skip])

    def extend(self, skips: Iterable[Skip]) -> None:
        for skip in skips:
            self.add(skip)

    def merge(self, other: SkipLog) -> None:
        """Add the skips of `other` (its counts, listed skips and unlisted counts) to this log."""
        self.skipped += other.skipped
        self.failed += other.failed
        for key, kept in other._groups.items():
            self._keep(key, kept)
        for key, n in other._unlisted.items():
            self._unlisted[key] = self._unlisted.get(key, 0) + n
        for where, (read, unread, example) in other._dates.items():
            counts = self._dates.setdefault(where, [0, 0, None])
            counts[0] += read
            counts[1] += unread
            if example is not None:
                counts[2] = example if counts[2] is None else min(counts[2], example)

    def _keep(self, key: SkipGroup, skips: Sequence[Skip]) -> None:
        kept = self._groups.setdefault(key, [])
        kept.extend(skips)
        if len(kept) > 2 * self.limit:
            self._trim(key, kept)

    def _trim(self, key: SkipGroup, kept: list[Skip]) -> None:
        if len(kept) > self.limit:
            kept.sort(key=Skip.sort_key)
            more = sum(s.records for s in kept[self.limit :])
            self._unlisted[key] = self._unlisted.get(key, 0) + more
            del kept[self.limit :]

    def listed(self) -> list[Skip]:
        """The skips to list, in report order: the first `limit` of each group."""
        for key, kept in self._groups.items():
            self._trim(key, kept)
        return sorted((s for kept in self._groups.values() for s in kept), key=Skip.sort_key)

    def unlisted(self) -> list[UnlistedSkips]:
        """How many of each group are not listed, by source (natural order), kind and status."""
        for key, kept in self._groups.items():
            self._trim(key, kept)
        rows = [UnlistedSkips(*key, n) for key, n in self._unlisted.items() if n]
        return sorted(rows, key=lambda u: (natural(u.source), u.kind, u.status))


_NO_RANGES: npt.NDArray[np.int32] = np.empty(0, dtype=np.int32)


@dataclass(frozen=True, slots=True)
class Layout:
    """Where a document's shingles, words and sentences are in its text: what passage
    alignment (`dedup.align`) reads, so that the text itself need not be kept.

    - `order[p]`: the shingle at position p (p-th window of k words, in text order; a text of
      fewer than k words has one window of all of them), as its index in the document's sorted
      shingle set.
    - `starts[t]`, `ends[t]`: character offsets of word t in the text (end exclusive).
    - `sentences`: the word index at which each sentence starts, ascending, from 0.
    - `quoted[s]`: sentence s is a quotation (most of its words inside double quotes, or in
      an embedded social-media post).
    - `furniture`: word ranges ``[w0, w1)`` (flattened pairs) of page furniture, photo
      captions and credits (`dedup.furniture`): not part of the body.
    """

    order: npt.NDArray[np.int32]
    starts: npt.NDArray[np.int32]
    ends: npt.NDArray[np.int32]
    sentences: npt.NDArray[np.int32]
    quoted: npt.NDArray[np.bool_]
    furniture: npt.NDArray[np.int32] = field(default_factory=lambda: _NO_RANGES)

    @property
    def furniture_words(self) -> int:
        if self.furniture.size == 0:
            return 0
        return int((self.furniture[1::2] - self.furniture[0::2]).sum())

    @property
    def words(self) -> int:
        return int(self.starts.size)

    def to_array(self) -> npt.NDArray[np.int32]:
        """One int32 array holding the layout (what an index stores)."""
        head = np.array(
            [self.order.size, self.starts.size, self.sentences.size, self.furniture.size],
            dtype=np.int32,
        )
        parts = (self.order, self.starts, self.ends, self.sentences, self.quoted, self.furniture)
        return np.concatenate((head, *parts)).astype(np.int32)

    @staticmethod
    def from_array(a: npt.NDArray[np.int32]) -> Layout:
        """The layout `to_array` gave `a`; ValueError if `a` is not one."""
        if a.size < 4:
            raise ValueError("layout array too short")
        npos, nw, ns, nf = (int(x) for x in a[:4])
        if min(npos, nw, ns, nf) < 0 or a.size != 4 + npos + 2 * nw + 2 * ns + nf:
            raise ValueError("layout array of the wrong size")
        cut = np.cumsum([4, npos, nw, nw, ns, ns]).tolist()
        return Layout(
            a[cut[0] : cut[1]],
            a[cut[1] : cut[2]],
            a[cut[2] : cut[3]],
            a[cut[3] : cut[4]],
            a[cut[4] : cut[5]] != 0,
            a[cut[5] :],
        )


@dataclass(frozen=True, slots=True)
class Passage:
    """A passage two documents A and B share: character offsets into each one's text (end
    exclusive) and how many words of each it spans."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    a_words: int
    b_words: int

    def swapped(self) -> Passage:
        return Passage(
            self.b_start, self.b_end, self.a_start, self.a_end, self.b_words, self.a_words
        )

    def to_dict(self) -> dict[str, int]:
        return {
            "start": self.a_start,
            "end": self.a_end,
            "words": self.a_words,
            "origin_start": self.b_start,
            "origin_end": self.b_end,
            "origin_words": self.b_words,
        }


@dataclass(frozen=True, slots=True)
class Alignment:
    """What two documents A and B share, passage by passage (`dedup.align.figures`).

    `covered_a`: words of A inside shared passages that count; `body_a`: words of A that count
    (not furniture, not only in site template text); `sentences_a`: sentences of A at least
    60% covered (`own_a`: those that are not quotations); the same for B; `shared`: distinct
    shingles the two have in common; `density`: the share of A's shingles inside the passages
    that are shared (1.0 for verbatim passages). The shorter text is the one with the smaller
    body.
    """

    passages: tuple[Passage, ...]
    covered_a: int
    covered_b: int
    body_a: int
    body_b: int
    sentences_a: int
    sentences_b: int
    own_a: int
    own_b: int
    shared: int
    density: float

    @property
    def coverage(self) -> float:
        """Share of the shorter text's body inside shared passages (the smaller share when
        both bodies are the same size, so that the figure does not depend on the order)."""
        if self.body_a == self.body_b:
            return min(self.coverage_a, self.coverage_b)
        return self.coverage_a if self.body_a < self.body_b else self.coverage_b

    @property
    def coverage_a(self) -> float:
        return self.covered_a / self.body_a if self.body_a else 0.0

    @property
    def coverage_b(self) -> float:
        return self.covered_b / self.body_b if self.body_b else 0.0

    @property
    def own_sentences(self) -> int:
        """Shared sentences that are not quotations, on the side with fewer."""
        return min(self.own_a, self.own_b)

    @property
    def shared_sentences(self) -> int:
        """Shared sentences, on the side with fewer (a passage is the same sentences on both
        sides, but a sentence split differently counts differently)."""
        return min(self.sentences_a, self.sentences_b)

    def swapped(self) -> Alignment:
        return Alignment(
            tuple(p.swapped() for p in self.passages),
            self.covered_b,
            self.covered_a,
            self.body_b,
            self.body_a,
            self.sentences_b,
            self.sentences_a,
            self.own_b,
            self.own_a,
            self.shared,
            self.density,
        )


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


#: a cluster member's role: the origin (the earliest member) or a copy of it
Role = Literal["origin", "copy"]


def parse_iso_date(value: str | None) -> datetime | None:
    """An ISO 8601 date (``2018-07-16``: midnight UTC) or moment (``2018-07-16T09:30:00Z``; one
    without an offset is taken as UTC) as an aware `datetime`; None when absent or unreadable."""
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return None
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Member:
    """One article of a cluster, compared exactly with the cluster's origin.

    `containment` is the share of this member's text found in the origin (how much of the copy is
    reused material); `reuse` is the share of the origin's text that this member reproduces.
    Both are 1.0 for the origin itself. For a copy, `passages` are the passages it shares with
    the origin (`Passage`: offsets and words in this member's text, then in the origin's),
    `shared_words` the words of its text inside them and `shared_sentences` its sentences at
    least half inside them (`dedup.align`). `language` is the detected language (ISO 639-1; an
    estimate, None if unknown). A member in another language than the origin that is not a
    word-shingle copy of it has `match` ``"translation"`` and `score`, its exact cross-lingual
    score against the origin (see `dedup.crosslingual`); for every other member both are None.
    `credit_evidence` is the line of the text its `credit` was read from (None when it credits
    no one); `title_changed`, for a copy, whether its headline differs from the origin's
    (`dedup.evidence.title_changed`; None when either has no title).
    """

    id: str
    url: str | None
    site: str | None
    title: str | None
    date: str | None
    role: Role
    jaccard: float
    containment: float
    reuse: float
    credit: str | None
    source: str | None = None
    language: str | None = None
    match: str | None = None
    score: float | None = None
    shared_sentences: int | None = None
    shared_words: int | None = None
    passages: tuple[Passage, ...] = ()
    same_text_as: str | None = None
    credit_evidence: str | None = None
    title_changed: bool | None = None

    @property
    def published(self) -> datetime | None:
        """`date` as an aware `datetime` (UTC; a date alone is its midnight), None if unknown."""
        return parse_iso_date(self.date)

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
            "credit_evidence": self.credit_evidence,
            "source": self.source,
        }
        if self.role != "origin":
            out["title_changed"] = self.title_changed
            out["shared_sentences"] = self.shared_sentences
            out["shared_words"] = self.shared_words
            out["passages"] = [p.to_dict() for p in self.passages]
        if self.match is not None:  # translations only: a copy has no match/score keys
            out["match"] = self.match
            out["score"] = None if self.score is None else round(self.score, 4)
        if self.same_text_as is not None:
            out["same_text_as"] = self.same_text_as
        return out


@dataclass(frozen=True, slots=True)
class Cluster:
    """Copies of one story: `origin` is the id of the earliest member, listed first in `members`
    (`origin_member`). A cluster is the sequence of its members: ``len(cluster)``,
    ``cluster[0]`` (the origin), ``for member in cluster``.

    `wire_source` is the agency or outlet the members credit when they agree
    (`dedup.evidence.wire_source`), `credited` how many members credit it and `uncredited`
    how many credit no one."""

    id: str
    origin: str
    members: tuple[Member, ...]
    wire_source: str | None = None
    credited: int = 0
    uncredited: int = 0

    @property
    def origin_member(self) -> Member:
        """The origin itself (`origin` is its id, as the JSON report gives it)."""
        return self.members[0]

    @property
    def copies(self) -> tuple[Member, ...]:
        """The members but the origin, in report order."""
        return self.members[1:]

    def __len__(self) -> int:
        return len(self.members)

    def __iter__(self) -> Iterator[Member]:
        return iter(self.members)

    @overload
    def __getitem__(self, i: int) -> Member: ...
    @overload
    def __getitem__(self, i: slice) -> tuple[Member, ...]: ...
    def __getitem__(self, i: int | slice) -> Member | tuple[Member, ...]:
        return self.members[i]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "origin": self.origin,
            "size": len(self.members),
            "wire_source": self.wire_source,
            "credited": self.credited,
            "uncredited": self.uncredited,
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
    #: documents matched as another of the same text (`dedup.ids.one_per_text`)
    same_text: int = 0
    #: dates given in records that could not be read (`dedup.dates`); listed when not 0
    unparsed_dates: int = 0

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
        if self.translation_pairs:  # listed only when a translation was found
            out["translation_candidates"] = self.translation_candidates
            out["translation_pairs"] = self.translation_pairs
        if self.same_text:  # listed only when some documents had the same text
            out["same_text"] = self.same_text
        if self.unparsed_dates:  # listed only then: most reports have none
            out["unparsed_dates"] = self.unparsed_dates
        return out


@dataclass(frozen=True, slots=True)
class Match:
    """A verified copy pair, `a` before `b` (natural order of ids): the words of each text
    inside the passages they share, each text's share of its body inside them, and the shared
    sentences (`dedup.align`); `kind` "translation" for a cross-lingual match (words and
    shares are then 0)."""

    a: str
    b: str
    a_words: int
    b_words: int
    a_share: float
    b_share: float
    shared_sentences: int
    kind: str = "copy"

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "kind": self.kind,
            "a_words": self.a_words,
            "b_words": self.b_words,
            "a_share": round(self.a_share, 4),
            "b_share": round(self.b_share, 4),
            "shared_sentences": self.shared_sentences,
        }


@dataclass(frozen=True, slots=True)
class SiteRow:
    """What one site did in a scan (`dedup.sites`): documents `scanned` on it, clusters whose
    `origins` it is, `copies` it carried (members that are not their cluster's origin), of
    them `credited` (crediting anyone) and `uncredited`; whom those copies credit
    (`credits`: name -> copies) and whose stories they are (`from_sites`: origin's site ->
    copies); the median delay of its copies after their origins in seconds (None when no
    copy has a known delay)."""

    site: str
    scanned: int
    origins: int
    copies: int
    credited: int
    uncredited: int
    credits: tuple[tuple[str, int], ...]
    from_sites: tuple[tuple[str, int], ...]
    median_delay: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "site": self.site,
            "scanned": self.scanned,
            "origins": self.origins,
            "copies": self.copies,
            "credited": self.credited,
            "uncredited": self.uncredited,
            "credits": dict(self.credits),
            "from_sites": dict(self.from_sites),
            "median_delay_seconds": self.median_delay,
        }


@dataclass(frozen=True, slots=True)
class Report:
    """The result of a scan: counts, clusters of copies (largest first), every verified copy
    pair (`matches`, sorted by ids), and the skips: every one counted in `stats`, listed in
    `skipped` up to a bound a file and kind of reason (`SkipLog`), the others in `unlisted`.

    A cluster groups the copies of one story around its origin; `matches` are the copy
    relations themselves. The two differ where copying is partial: a page that carries
    parts of two stories is a copy of both but sits in one cluster, and two excerpts of one
    story that share no passage with each other are in its cluster but not a match.

    A report is the sequence of its clusters: ``len(report)``, ``report[0]`` (the largest),
    ``for cluster in report`` (so a report without clusters is false)."""

    stats: Stats
    clusters: tuple[Cluster, ...]
    skipped: tuple[Skip, ...]
    matches: tuple[Match, ...] = ()
    #: the skips counted in `stats` but not listed in `skipped` (`SkipLog`), by source and kind
    unlisted: tuple[UnlistedSkips, ...] = ()
    #: the sources and fields that gave dates of which none could be read (a warning for the
    #: user, not part of the report's output)
    unread_dates: tuple[UnreadDates, ...] = ()
    #: documents scanned on each site, by site (what `sites` is counted from)
    scanned_sites: tuple[tuple[str, int], ...] = ()
    #: the site view (`dedup.sites.site_rows`): one row a site scanned or clustered
    sites: tuple[SiteRow, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out = {
            "stats": self.stats.to_dict(),
            "clusters": [c.to_dict() for c in self.clusters],
            "matches": [m.to_dict() for m in self.matches],
            "sites": [s.to_dict() for s in self.sites],
            "skipped": [s.to_dict() for s in self.skipped],
        }
        if self.unlisted:  # only then: a report that lists every skip reads as it always did
            out["skipped_not_listed"] = [u.to_dict() for u in self.unlisted]
        return out

    def __len__(self) -> int:
        return len(self.clusters)

    def __iter__(self) -> Iterator[Cluster]:
        return iter(self.clusters)

    @overload
    def __getitem__(self, i: int) -> Cluster: ...
    @overload
    def __getitem__(self, i: slice) -> tuple[Cluster, ...]: ...
    def __getitem__(self, i: int | slice) -> Cluster | tuple[Cluster, ...]:
        return self.clusters[i]

    def pairs(self) -> set[frozenset[str]]:
        """Every copy pair (`all_matches`), as unordered pairs of ids."""
        return {frozenset((m.a, m.b)) for m in self.all_matches()}

    def all_matches(self) -> Iterator[Match]:
        """Every copy pair with its evidence: `matches`, and for each member with the text
        of another (`Member.same_text_as`) every pair of that other one, with its figures
        (`matches` lists only its pair with that one). As many as there are pairs: quadratic
        in the number of documents of one text."""
        same: dict[str, list[str]] = {}
        for c in self.clusters:
            for member in c.members:
                if member.same_text_as is not None:
                    same.setdefault(member.same_text_as, []).append(member.id)
        seen: set[tuple[str, str]] = set()
        for m in self.matches:
            for x in (m.a, *same.get(m.a, ())):
                for y in (m.b, *same.get(m.b, ())):
                    if x == y:
                        continue
                    if natural(x) <= natural(y):
                        found = replace(m, a=x, b=y)
                    else:  # seen from the other side
                        found = replace(
                            m,
                            a=y,
                            b=x,
                            a_words=m.b_words,
                            b_words=m.a_words,
                            a_share=m.b_share,
                            b_share=m.a_share,
                        )
                    if (found.a, found.b) not in seen:
                        seen.add((found.a, found.b))
                        yield found

    def cluster_pairs(self) -> set[frozenset[str]]:
        """Every unordered pair of document ids placed in the same cluster."""
        out: set[frozenset[str]] = set()
        for c in self.clusters:
            ids = [m.id for m in c.members]
            for i, x in enumerate(ids):
                for y in ids[i + 1 :]:
                    out.add(frozenset((x, y)))
        return out


@dataclass(frozen=True, slots=True)
class CreditClues:
    """The parts of a text that credit detection reads (`dedup.syndication`), kept small so
    that they are found for every document as it is prepared (a few microseconds) and the
    credit decided (`dedup.syndication.credit_from`) only for the documents a report lists.

    `dateline`: the agency of the first dateline in the first 600 characters, else the first
    further in (`late` says which); `edge`: the first twelve and then the last six non-empty
    lines (stripped) that are short enough to be credit lines, joined by newlines (one string:
    a few hundred bytes a document), the first `n_first` of them from the top (empty when an
    early dateline decides alone); `dateline_line`: the dateline from the start of its line to
    its dash (``NEW YORK (AP) —``), what a report shows as the evidence of a dateline credit.
    """

    dateline: str | None = None
    late: bool = False
    edge: str = ""
    n_first: int = 0
    dateline_line: str = ""

    def lines(self) -> tuple[list[str], list[str]]:
        """The first and the last lines kept."""
        lines = self.edge.split("\n") if self.edge else []
        return lines[: self.n_first], lines[self.n_first :]


@dataclass(frozen=True, slots=True)
class Anchors:
    """A text's cross-lingual anchors (`dedup.crosslingual.anchors`): `seq` the feature hash
    of every anchor occurrence in text order; `keys` the sorted distinct features used to find
    candidates (numbers under 10, months without a day and weekdays left out: too common to
    tell stories apart)."""

    seq: HashArray
    keys: HashArray

    @property
    def size(self) -> int:
        return int(self.seq.size)


@dataclass(frozen=True, slots=True)
class Entry:
    """What the stages after preparation know of a document: its metadata, the clues to the
    credit it gives (decided in `dedup.syndication` for listed documents only), the head of
    its text (what language identification reads) and, with cross-lingual matching on, its
    language (ISO 639-1, None if unknown) and its anchors. The text itself is not kept."""

    id: str
    url: str | None
    site: str | None
    title: str | None
    date: str | None
    source: str | None
    clues: CreditClues | None
    language: str | None = None
    anchors: Anchors | None = field(default=None, compare=False, repr=False)
    head: str = field(default="", compare=False, repr=False)


def _no_sigs() -> npt.NDArray[np.uint32]:
    return np.empty((0, 0), dtype=np.uint32)


@dataclass(slots=True)
class Batch:
    """Prepared documents, in order: `entries[i]`, its shingle set `sets[i]` (sorted distinct
    uint64) and its MinHash signature `sigs[i]` (a row of an ``(n, num_perm)`` uint32 array);
    the `skips` of the records that gave no document, and how many records were `read` to
    make it. The one container of prepared documents: what a worker returns for a unit of
    work, a Dask partition, a batch of an index add, and a whole scan's corpus."""

    entries: list[Entry] = field(default_factory=list)
    sets: list[HashArray] = field(default_factory=list)
    sigs: npt.NDArray[np.uint32] = field(default_factory=_no_sigs)
    skips: SkipLog = field(default_factory=SkipLog)
    read: int = 0
    #: `layouts[i]`: where document i's shingles and words are in its text (`Layout`)
    layouts: list[Layout] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.entries)

    def take(self, indices: Sequence[int]) -> Batch:
        """The documents at `indices`, in that order (no skips, nothing read)."""
        idx = list(indices)
        return Batch(
            [self.entries[i] for i in idx],
            [self.sets[i] for i in idx],
            self.sigs[idx] if idx else self.sigs[:0],
            layouts=[self.layouts[i] for i in idx],
        )

    @staticmethod
    def concat(batches: Sequence[Batch], num_perm: int = 0) -> Batch:
        """One batch of `batches` in order: documents, skips (merged into a log with the
        largest of their limits) and counts; `num_perm` gives the width of the signatures when
        there is no document."""
        sigs = [b.sigs for b in batches if len(b.entries)]
        skips = SkipLog(max((b.skips.limit for b in batches), default=MAX_LISTED_SKIPS))
        for b in batches:
            skips.merge(b.skips)
        return Batch(
            [e for b in batches for e in b.entries],
            [s for b in batches for s in b.sets],
            np.concatenate(sigs) if sigs else np.empty((0, num_perm), dtype=np.uint32),
            skips,
            sum(b.read for b in batches),
            [x for b in batches for x in b.layouts],
        )

    def __reduce__(self) -> tuple[object, ...]:
        # sent between processes as a few arrays, not one small array a document, and the
        # entries as a column a field, not one object a document (pickling a unit of ~500
        # entries: 3.0 + 2.8 ms as objects, 0.4 + 1.4 ms as columns)
        sizes = np.fromiter((s.size for s in self.sets), dtype=np.int64, count=len(self.sets))
        flat = np.concatenate(self.sets) if self.sets else np.empty(0, np.uint64)
        packed = [x.to_array() for x in self.layouts]
        lay_sizes = np.fromiter((a.size for a in packed), dtype=np.int64, count=len(packed))
        lay_flat = np.concatenate(packed) if packed else np.empty(0, np.int32)
        return (
            _unpack,
            (
                _entry_columns(self.entries),
                flat,
                sizes,
                self.sigs,
                self.skips,
                self.read,
                lay_flat,
                lay_sizes,
            ),
        )


_ENTRY_FIELDS = tuple(f.name for f in fields(Entry))
_CLUE_FIELDS = tuple(f.name for f in fields(CreditClues))


def _entry_columns(entries: Sequence[Entry]) -> tuple[list[object], ...]:
    clues = [e.clues for e in entries]
    own = tuple([getattr(e, name) for e in entries] for name in _ENTRY_FIELDS if name != "clues")
    has = [c is not None for c in clues]
    return (*own, has, *([getattr(c, name, None) for c in clues] for name in _CLUE_FIELDS))


def _entries_from(columns: tuple[list[Any], ...]) -> list[Entry]:
    n_own = len(_ENTRY_FIELDS) - 1
    own, has, clue_cols = columns[:n_own], columns[n_own], columns[n_own + 1 :]
    at = _ENTRY_FIELDS.index("clues")
    out = []
    for i, present in enumerate(has):
        values = [col[i] for col in own]
        values.insert(at, CreditClues(*(col[i] for col in clue_cols)) if present else None)
        out.append(Entry(*values))
    return out


def _unpack(
    columns: tuple[list[Any], ...],
    flat: HashArray,
    sizes: npt.NDArray[np.int64],
    sigs: npt.NDArray[np.uint32],
    skips: SkipLog,
    read: int,
    lay_flat: npt.NDArray[np.int32],
    lay_sizes: npt.NDArray[np.int64],
) -> Batch:
    sets = _split(flat, sizes)
    layouts = [Layout.from_array(a) for a in _split(lay_flat, lay_sizes)]
    return Batch(_entries_from(columns), sets, sigs, skips, read, layouts)


def _split(flat: npt.NDArray[Any], sizes: npt.NDArray[np.int64]) -> list[npt.NDArray[Any]]:
    bounds = np.zeros(sizes.size + 1, dtype=np.int64)
    np.cumsum(sizes, out=bounds[1:])
    cut = bounds.tolist()
    return [flat[cut[i] : cut[i + 1]] for i in range(sizes.size)]


def plural(n: int, word: str, words: str | None = None) -> str:
    """``1 file``, ``2 files``, ``1 copy``, ``2 copies`` (`words`: the plural when it is not
    `word` + ``s``)."""
    return f"{n} {word if n == 1 else (words or word + 's')}"
