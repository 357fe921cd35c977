"""`reuters_exact()`: identical Reuters-21578 wire bodies; near-identical re-sends ignored."""

from __future__ import annotations

import difflib
import gzip
import html
import itertools
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence

from benchmarks.data import dataset_dir
from benchmarks.evalsets.alignment import (
    Alignment,
    label_alignment,
    label_by_alignment,
    words_of,
)
from benchmarks.evalsets.evalset import EvalSet
from dedup.model import Document

_REUTERS_RE = re.compile(r"<REUTERS[^>]*NEWID=\"(\d+)\"[^>]*>(.*?)</REUTERS>", re.S)
_BODY_RE = re.compile(r"<BODY>(.*?)</BODY>", re.S)
_TITLE_RE = re.compile(r"<TITLE>(.*?)</TITLE>", re.S)
_DATE_RE = re.compile(r"<DATE>\s*(\d+)-([A-Z]{3})-(\d{4}) (\d\d:\d\d:\d\d)")
_MONTHS = {
    m: i + 1 for i, m in enumerate("JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split())
}


#: Word-sequence similarity (difflib ratio) from which two unequal wire bodies are ignored.
NEAR_IDENTICAL_RATIO = 0.5


def _read_reuters(files: Iterable[int]) -> list[tuple[str, str, str, str]]:
    """(newid, title, iso date, body) of documents with a BODY."""
    out = []
    for k in files:
        path = dataset_dir("news_reuters21578") / f"reut2-{k:03d}.sgm.gz"
        raw = gzip.open(path, "rb").read().decode("latin-1")
        for m in _REUTERS_RE.finditer(raw):
            body = _BODY_RE.search(m.group(2))
            if not body:
                continue
            text = html.unescape(body.group(1)).replace("\x03", "")
            text = re.sub(r"\s*reuter\s*$", "", text.strip(), flags=re.IGNORECASE)
            title = _TITLE_RE.search(m.group(2))
            dm = _DATE_RE.search(m.group(2))
            date = (
                f"{dm.group(3)}-{_MONTHS[dm.group(2)]:02d}-{int(dm.group(1)):02d}T{dm.group(4)}Z"
                if dm
                else ""
            )
            out.append((m.group(1), html.unescape(title.group(1)) if title else "", date, text))
    return out


def _shares_material(al: Alignment) -> bool:
    """Whether a pair shares enough that a re-send is possible: >= 40 shared words and >= 0.2 of
    both texts, or >= 80 words that are >= 0.8 of one text, or >= 0.5 of both texts (the
    articlecomparisons rule before the users' definition; wire briefs of one or two sentences
    re-sent with a correction are near-identical although they share fewer than three
    sentences, so they stay ignored here rather than become negatives)."""
    if al.shared_words < 40:
        return al.low >= 0.5
    return al.low >= 0.2 or (al.high >= 0.8 and al.shared_words >= 80)


def reuters_exact(files: Sequence[int] = (0, 1, 2, 3, 4)) -> EvalSet:
    """Reuters-21578 bodies (five SGML files, ~4,600 stories); copies = identical bodies.

    Identical means equal after whitespace normalisation, with the "Reuter" sign-off removed.

    Pairs whose bodies are not identical but align as a copy or partially (corrections,
    re-sends with a changed figure) are ignored: they are copies by the product spec but the
    gold here only knows exact identity.
    """
    rows = _read_reuters(files)
    docs = []
    paragraphs: dict[str, list[str]] = {}
    by_body: dict[str, list[str]] = defaultdict(list)
    for newid, title, date, body in rows:
        doc_id = f"reuters:{newid}"
        # wire paragraphs are indented lines
        paras = [" ".join(p.split()) for p in re.split(r"\n\s{3,}", body) if p.strip()]
        paragraphs[doc_id] = paras
        text = "\n\n".join(paras)
        docs.append(
            Document(
                id=doc_id,
                text=text,
                url=None,
                site="reuters.com",
                title=title or None,
                date=date or None,
            )
        )
        by_body[" ".join(text.split())].append(doc_id)
    gold = {
        frozenset(p)
        for ids in by_body.values()
        if len(ids) > 1
        for p in itertools.combinations(ids, 2)
    }
    # near-identical bodies: sentence alignment finds re-sends of prose stories; earnings tables
    # ("Shr 12 cts vs 19 cts ...") and fixed-wording reports with new figures share no sentence,
    # so pairs with the same headline or sharing three rare tokens (figures, names: in <= 5
    # documents) are also compared word by word, and ignored when their word sequences are
    # largely the same
    _, _, aligned = label_by_alignment(paragraphs, sentence_end=False)
    ignore = {
        frozenset(pair)
        for pair, al in aligned.items()
        if label_alignment(al) == "copy" or _shares_material(al)
    } - gold
    words = {d.id: words_of(d.text) for d in docs}
    holders: dict[str, set[str]] = defaultdict(set)
    for d in docs:
        for token in {t.strip(".,;:()<>\"'").lower() for t in d.text.split()}:
            holders[token].add(d.id)
    shared_rare: dict[tuple[str, str], int] = defaultdict(int)
    for ids in holders.values():
        if 2 <= len(ids) <= 5:
            for a, b in itertools.combinations(sorted(ids), 2):
                shared_rare[(a, b)] += 1
    by_title: dict[str, list[str]] = defaultdict(list)
    for d in docs:
        if d.title:
            by_title[" ".join(words_of(d.title))].append(d.id)
    for same_title in by_title.values():
        for a, b in itertools.combinations(sorted(same_title), 2):
            shared_rare[(a, b)] += 3  # same headline: always compared
    for (a, b), n in sorted(shared_rare.items()):
        pair = frozenset((a, b))
        if n < 3 or pair in gold or pair in ignore:
            continue
        sm = difflib.SequenceMatcher(None, words[a], words[b], autojunk=False)
        if sm.ratio() >= NEAR_IDENTICAL_RATIO:
            ignore.add(pair)
    notes = (
        f"{len(docs)} Reuters-21578 bodies (files {', '.join(f'{k:03d}' for k in files)}); "
        f"{len(gold)} identical-body pairs; {len(ignore)} near-identical pairs ignored."
    )
    return EvalSet("reuters_exact", docs, gold, ignore, notes)
