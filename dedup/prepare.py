"""Records to a `Batch` of prepared documents: extraction (HTML -> text), credit clues,
shingling and MinHash signing, and with cross-lingual matching on, language identification and
anchor extraction. Pure: records in, values out (engines decide where it runs).

The text of a document is not kept past this stage: later stages need its shingle set, its
layout (where its shingles, words and sentences are), its signature and its metadata only.
That keeps a scan's memory at about 8 bytes a distinct shingle and 12 a word, rather than the
size of the texts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from dedup.config import ScanConfig
from dedup.dates import parse_date
from dedup.errors import RecordError, describe
from dedup.extract import extract_html
from dedup.filters import outside_period
from dedup.furniture import furniture_batch, furniture_words
from dedup.language import SAMPLE_CHARS as LANGUAGE_SAMPLE_CHARS
from dedup.language import detect_languages
from dedup.model import Batch, Document, Entry, Skip, SkipLog
from dedup.paragraphs import lined
from dedup.shingle import shingle_batch
from dedup.signature import MinHasher
from dedup.sources import RawRecord, site_of
from dedup.syndication import credit_clues


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


#: the fields of a document that a report prints; a lone surrogate in one cannot be written
_PRINTED_FIELDS = ("id", "url", "site", "title", "date")


def _unicode_problem(doc: Document, fields: Sequence[str]) -> str | None:
    """The reason `doc` cannot be reported (a lone surrogate, which no output encoding can
    write, in one of `fields`), or None."""
    for name in fields:
        value = getattr(doc, name)
        if value is None:
            continue
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return f"field {name!r} is not valid Unicode (it holds a lone surrogate)"
    return None


def _document(item: RawRecord | Document, cfg: ScanConfig) -> Document:
    """The document of a record (`to_document`) or a given document (its site from its URL
    when it names none, its date read: `dedup.dates`); RecordError if it is unusable."""
    if isinstance(item, Document):
        doc = replace(item, site=site_of(item.url)) if item.site is None and item.url else item
        if doc.date is not None:
            doc = replace(doc, date=parse_date(doc.date, cfg.input.date_format))
    else:
        doc = to_document(item, cfg)
    problem = _unicode_problem(doc, _PRINTED_FIELDS) or outside_period(doc.date, cfg.report)
    if problem is not None:
        raise RecordError(problem)
    return doc


def document_or_skip(item: RawRecord | Document, cfg: ScanConfig) -> Document | Skip:
    """The document of `item` as the later stages see it, or the skip saying why there is none:
    a record that is unusable is a skip, one on which extraction raises a "failed" skip."""
    try:
        return _document(item, cfg)
    except RecordError as exc:
        if isinstance(item, Document):
            return _skip_for(item, exc.reason)
        return Skip(item.source, exc.reason, item.location)
    except Exception as exc:
        why = f"extraction failed: {describe(exc)}"
        if isinstance(item, Document):
            return _skip_for(item, why, "failed")
        return Skip(item.source, why, item.location, "failed")


def prepare_chunk(items: Sequence[RawRecord | Document], cfg: ScanConfig) -> Batch:
    """Documents of `items` with their shingle sets and signatures, in order; unusable ones as
    skips (`read` is left to the caller, who knows what its reader counted).

    The record boundary: a record that is unusable is a skip, and one on which extraction or
    preparation raises is a "failed" skip naming it; the others are prepared as usual.
    """
    skips: list[Skip] = []
    docs: list[Document] = []
    log = SkipLog(cfg.report.max_listed_skips)
    for item in items:
        _note_date(log, item, cfg)
        got = document_or_skip(item, cfg)
        if isinstance(got, Skip):
            skips.append(got)
        else:
            docs.append(got)
    out = _prepare_guarded(docs, cfg)
    log.extend(skips)
    log.merge(out.skips)
    out.skips = log
    return out


def _note_date(log: SkipLog, item: RawRecord | Document, cfg: ScanConfig) -> None:
    """Count the date `item` gives in `log`: read, or not (`SkipLog.note_date`)."""
    if isinstance(item, Document):
        if item.date is not None and str(item.date).strip():
            unread = parse_date(item.date, cfg.input.date_format) is None
            source = (item.source or "(api)").partition(":")[0]
            log.note_date(source, "date", str(item.date).strip() if unread else None)
    elif item.date_field is not None:
        log.note_date(item.source, item.date_field, item.date_given)


def _empty_batch(cfg: ScanConfig) -> Batch:
    return Batch(
        sigs=np.empty((0, cfg.minhash.num_perm), dtype=np.uint32),
        skips=SkipLog(cfg.report.max_listed_skips),
    )


def _prepare_guarded(docs: Sequence[Document], cfg: ScanConfig) -> Batch:
    """`_prepare` of the whole batch; if it raises, of each document alone, so that only the
    document that raises is lost (a "failed" skip; a lone surrogate in the text is a plain
    skip). Each document's result is the same either way."""
    try:
        return _prepare(docs, cfg)
    except Exception as exc:
        if len(docs) > 1:
            parts = [_prepare_guarded([d], cfg) for d in docs]
            return Batch.concat(parts, cfg.minhash.num_perm)
        out = _empty_batch(cfg)
        problem = _unicode_problem(docs[0], ("text",))
        if problem is not None:
            out.skips.add(_skip_for(docs[0], problem))
        else:
            out.skips.add(_skip_for(docs[0], f"preparation failed: {describe(exc)}", "failed"))
        return out


def _prepare(docs: Sequence[Document], cfg: ScanConfig) -> Batch:
    """Shingles, signature, credit clues (and language and anchors when cross-lingual) of
    every document; a document without words is a skip."""
    out = _empty_batch(cfg)
    if not docs:
        return out
    hasher = MinHasher(cfg.minhash.num_perm, cfg.shingle.shingle_size, cfg.minhash.seed)
    # the stages read lines of the text with its paragraph separator as blank lines, of the
    # same length (offsets are into the text as given)
    texts = [lined(d.text, cfg.input.paragraph_separator) for d in docs]
    batch = shingle_batch(texts, cfg.shingle.shingle_size, layouts=True)
    sigs = hasher.sign_batch(batch)
    heads = [d.text[:LANGUAGE_SAMPLE_CHARS] for d in docs]
    langs = detect_languages(heads) if cfg.crosslingual.enabled else [None] * len(docs)
    kept: list[int] = []
    sets, layouts = batch.sets_and_layouts()
    furniture = furniture_batch(texts)
    for i, (d, s) in enumerate(zip(docs, sets, strict=True)):
        if s.size == 0:
            out.skips.add(_skip_for(d, "no words in text after normalisation"))
            continue
        head, lang, anchors = heads[i], langs[i], None
        if cfg.crosslingual.enabled:
            from dedup.crosslingual.anchors import extract_anchors  # cross-lingual runs only

            anchors = extract_anchors(d.text, lang)
        clues = credit_clues(texts[i])
        out.entries.append(
            Entry(d.id, d.url, d.site, d.title, d.date, d.source, clues, lang, anchors, head)
        )
        out.sets.append(s)
        lay = layouts[i]
        found = furniture_words(furniture[i], lay.starts, lay.ends)
        out.layouts.append(replace(lay, furniture=found) if found.size else lay)
        kept.append(i)
    out.sigs = sigs[kept] if len(kept) < len(docs) else sigs
    return out
