"""Per-record work, done in batches (and in worker processes with `jobs` > 1):
extraction (HTML -> text), credit detection, language identification, shingling and MinHash
signing, and with cross-lingual matching on, anchor extraction.

The text of a document is not kept past this stage: later stages need its shingle set, its
signature and its metadata only. That keeps a scan's memory at about the size of the shingle
sets (8 bytes a distinct shingle) rather than of the texts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from dedup.config import ScanConfig
from dedup.errors import RecordError
from dedup.extract import extract_html
from dedup.language import SAMPLE_CHARS as LANGUAGE_SAMPLE_CHARS
from dedup.language import detect_languages
from dedup.model import Document, Skip
from dedup.shingle import HashArray, shingle_batch
from dedup.signature import MinHasher
from dedup.sources import RawRecord, site_of
from dedup.syndication import CreditClues, credit_clues, credit_from

if TYPE_CHECKING:
    from dedup.anchors import Anchors


@dataclass(frozen=True, slots=True)
class Entry:
    """What the later stages know of a document: its metadata, the clues to the credit it
    gives, the head of its text (what language identification reads) and, with cross-lingual
    matching on, its language (ISO 639-1, None if unknown) and its anchors.

    The credit (`credit`) is decided from the clues when asked, and without cross-lingual
    matching the language is identified from `head` when asked (`detected_languages`): a report
    asks for the documents it lists only. Identification costs ~60 us a document (in a batch)
    and the credit rules ~20 us, more than shingling and signing, and only listed documents
    need them.
    """

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

    @property
    def credit(self) -> str | None:
        """The agency or outlet the document credits (`dedup.syndication.credit_from`)."""
        return credit_from(self.clues) if self.clues is not None else None


def detected_languages(entries: Sequence[Entry]) -> list[str | None]:
    """The language of every entry: identified at preparation, or now, from `head`, for those
    not identified yet (in one batch)."""
    todo = [k for k, e in enumerate(entries) if e.language is None]
    found = detect_languages([entries[k].head for k in todo])
    out = [e.language for e in entries]
    for k, lang in zip(todo, found, strict=True):
        out[k] = lang
    return out


@dataclass(slots=True)
class Prepared:
    """The result of preparing a chunk of records, in record order."""

    entries: list[Entry] = field(default_factory=list)
    sets: list[HashArray] = field(default_factory=list)
    sigs: list[npt.NDArray[np.uint32]] = field(default_factory=list)
    skips: list[Skip] = field(default_factory=list)

    def extend(self, other: Prepared) -> None:
        """Append `other`'s documents and skips."""
        self.entries.extend(other.entries)
        self.sets.extend(other.sets)
        self.sigs.extend(other.sigs)
        self.skips.extend(other.skips)

    def __reduce__(self) -> tuple[object, ...]:
        # sent between processes as three arrays, not one small array a document, and the
        # entries as a column a field, not one object a document (pickling a unit of ~500
        # entries: 3.0 + 2.8 ms as objects, 0.4 + 1.4 ms as columns)
        sizes = np.fromiter((s.size for s in self.sets), dtype=np.int64, count=len(self.sets))
        flat = np.concatenate(self.sets) if self.sets else np.empty(0, np.uint64)
        sigs = np.stack(self.sigs) if self.sigs else None
        return (_unpack, (_entry_columns(self.entries), flat, sizes, sigs, self.skips))


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
    sigs: npt.NDArray[np.uint32] | None,
    skips: list[Skip],
) -> Prepared:
    bounds = np.zeros(sizes.size + 1, dtype=np.int64)
    np.cumsum(sizes, out=bounds[1:])
    cut = bounds.tolist()
    sets = [flat[cut[i] : cut[i + 1]] for i in range(sizes.size)]
    entries = _entries_from(columns)
    return Prepared(entries, sets, list(sigs) if sigs is not None else [], skips)


def to_document(rec: RawRecord, cfg: ScanConfig) -> Document:
    """Extract (for HTML) and assemble a Document from a raw record; RecordError if unusable.

    Metadata a record names itself (JSONL/CSV fields) wins over what is found in the page;
    the site is the URL's host without ``www.`` unless the record names one.
    """
    title, date, url, page_site = rec.title, rec.date, rec.url, None
    if rec.text is not None:
        text = rec.text
    elif rec.html is not None:
        ex = extract_html(rec.html, cfg.extract, url=rec.url)
        text = ex.text
        title = title or ex.title
        date = date or ex.date
        url = url or ex.url
        page_site = ex.site
    else:  # pragma: no cover - readers never build such a record
        raise RecordError("record has neither text nor HTML")
    date = date or rec.fallback_date
    site = rec.site or site_of(url) or page_site
    return Document(
        id=rec.id, text=text, url=url, site=site, title=title, date=date, source=rec.where
    )


def _skip_for(doc: Document, reason: str, status: str = "skipped") -> Skip:
    src, _, loc = (doc.source or "(api)").partition(":")
    return Skip(src, reason, loc or None, status)


def prepare_chunk(items: Sequence[RawRecord | Document], cfg: ScanConfig) -> Prepared:
    """Documents of `items` with their shingle sets and signatures; unusable ones as skips.

    A record that makes the extractor raise is a "failed" skip; the chunk goes on.
    """
    out = Prepared()
    docs: list[Document] = []
    for item in items:
        if isinstance(item, Document):
            if item.site is None and item.url:
                item = replace(item, site=site_of(item.url))
            docs.append(item)
            continue
        try:
            docs.append(to_document(item, cfg))
        except RecordError as exc:
            out.skips.append(Skip(item.source, exc.reason, item.location))
        except Exception as exc:
            msg = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
            out.skips.append(
                Skip(item.source, f"extraction failed: {msg}", item.location, "failed")
            )
    if not docs:
        return out
    hasher = MinHasher(cfg.minhash.num_perm, cfg.shingle.size, cfg.minhash.seed)
    batch = shingle_batch([d.text for d in docs], cfg.shingle.size)
    sigs = hasher.sign_batch(batch)
    heads = [d.text[:LANGUAGE_SAMPLE_CHARS] for d in docs]
    langs = detect_languages(heads) if cfg.crosslingual.enabled else [None] * len(docs)
    for i, (d, s) in enumerate(zip(docs, batch.sets(), strict=True)):
        if s.size == 0:
            out.skips.append(_skip_for(d, "no words in text after normalisation"))
            continue
        head, lang, anchors = heads[i], langs[i], None
        if cfg.crosslingual.enabled:
            from dedup.anchors import extract_anchors  # cross-lingual runs only

            anchors = extract_anchors(d.text, lang)
        clues = credit_clues(d.text)
        out.entries.append(
            Entry(d.id, d.url, d.site, d.title, d.date, d.source, clues, lang, anchors, head)
        )
        out.sets.append(s)
        out.sigs.append(sigs[i])
    return out
