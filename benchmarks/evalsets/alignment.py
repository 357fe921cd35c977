"""Sentence alignment: the labelling method for real pages (no word-shingle MinHash/Jaccard).

Each article body is cut into sentences (`prepare`: furniture paragraphs dropped, abbreviations
kept whole, wire datelines removed), and a sentence counts as shared when the other article holds
the same normalised sentence or one with nearly the same words (Dice >= 0.7 on word sets;
`covered_sentences`). The share of each article's body words that is shared (`align`) decides the
label (`label_alignment`); `label_by_alignment` labels a whole collection.
"""

from __future__ import annotations

import itertools
import re
import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

Label = Literal["copy", "ignore", "distinct"]

_WORD_RE = re.compile(r"\w+")
# Abbreviations whose full stop must not end a sentence ("U.S. President", "Mr. Putin", "R. Kelly").
_ABBREV_RE = re.compile(
    r"\b(Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Sgt|St|Jr|Sr|Inc|Co|Corp|Ltd|No|Jan|Feb|Mar|Apr"
    r"|Aug|Sept?|Oct|Nov|Dec|U\.S|U\.K|U\.N|[A-Z])\.(?=\s)"
)
# typographic quotes and dashes written as escapes: \u2018/\u2019 single, \u201c/\u201d double,
# \u2013 en dash, \u2014 em dash
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])[\"\u201d\u2019')\]]*\s+(?=[\"\u201c\u2018(\[]?[A-Z0-9])")
# Wire datelines that one copy has and another lacks: "HELSINKI (AP) — ", "(CNN) ", "LONDON - ".
_DATELINE_RE = re.compile(
    r"^(?:[A-Z][A-Za-z .,'/-]{1,40}\s)?\((?:AP|Reuters|AFP|CNN|UPI)\)\s*[-\u2014\u2013:]*\s*"
    r"|^[A-Z][A-Z .,'/-]{2,40}\s*[-\u2014\u2013:]+\s+"
)
# Paragraphs that are page furniture rather than story: photo captions and credits, embedded-tweet
# signatures, copyright notices, newsletter/cookie/subscription prompts, gallery counters.
_CHROME_RE = re.compile(
    r"\bAP Photo\b|\bPhoto:|\bPhotograph\b|Getty Images|\bfile photo\b|^FILE\b|_taboola"
    r"|\(@\w+\)|All rights reserved|may not be published, broadcast|^Copyright|\bSign up\b"
    r"|newsletter|Facebook commenting|% of readers think|\bcookies?\b|subscri(?:be|ption)"
    r"|^Image \d+ of \d+|Your weather is set|^Read more\b|^Share this\b|^Leave a comment\b"
    r"|^Related stories\b|\bvia AP\b|^Credit:|\([^()]*/[^()]*\)\s*$"
    # wire photo captions name the day in full ("... in Helsinki, Finland, Sunday, July 15, 2018,
    # on the eve of ..."; "In this July 14, 2018, photo ...")
    r"|\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,? (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct"
    r"|Nov|Dec)[a-z]*\.? \d{1,2},? \d{4}\b|^In this\b.{0,40}\bphoto\b",
    re.IGNORECASE,
)
# Body paragraphs end as sentences do; headlines, bylines, photo credits ("Evan Vucci / AP"),
# tweet embeds ending in a link and menus do not.
_SENTENCE_FINAL_RE = re.compile(r"[.!?:;\u2026][\"\u201d\u2019')\]]*$")
# The signature line under an embedded tweet: "— Donald J. Trump (@realDonaldTrump) July 15, 2018".
_TWEET_SIGNATURE_RE = re.compile(r"^\s*[\u2014\u2013-]+\s*[^()]{0,60}\(@\w+\)")
#: Paragraphs shorter than this many words are not body text (menus, bylines, dates, buttons).
MIN_BODY_PARAGRAPH_WORDS = 8
#: Sentences this long or longer can match on their own; shorter ones only beside a matched one.
MIN_MATCH_SENTENCE_WORDS = 6
#: Two sentences match when the Dice coefficient of their word sets reaches this.
FUZZY_SENTENCE_DICE = 0.7
_HASH_BUCKETS = 1 << 32


def words_of(text: str) -> list[str]:
    """Lower-cased words (runs of word characters) of a text."""
    return _WORD_RE.findall(text.lower())


def _quoted_sentences(paragraph: str) -> list[tuple[list[str], bool]]:
    """Word lists of the sentences of one paragraph, wire datelines removed, each with whether
    it is a quotation (more than half of its words inside double quotes; an unclosed quote
    runs to the end of the paragraph, as in wire style)."""
    p = _DATELINE_RE.sub("", paragraph.strip())
    p = _ABBREV_RE.sub(r"\1", p)
    inside = []
    state = False
    for ch in p:
        if ch == "\u201c":
            state = True
        elif ch == "\u201d":
            state = False
        elif ch == '"':
            state = not state
        inside.append(state)
    out = []
    start = 0
    ends = [(m.start(), m.end()) for m in _SENTENCE_END_RE.finditer(p)] + [(len(p), len(p))]
    for stop, nxt in ends:
        segment = p[start:stop]
        spans = [m.start() for m in _WORD_RE.finditer(segment)]
        if spans:
            quoted = sum(inside[start + i] for i in spans)
            out.append((words_of(segment), 2 * quoted > len(spans)))
        start = nxt
    return out


def _sentences(paragraph: str) -> list[list[str]]:
    """Word lists of the sentences of one paragraph, wire datelines removed."""
    return [w for w, _ in _quoted_sentences(paragraph)]


def sentence_texts(paragraph: str) -> list[str]:
    """The sentences of one paragraph as text (abbreviations kept whole, datelines kept)."""
    p = _ABBREV_RE.sub(lambda m: m.group(0).replace(".", "\0"), paragraph)
    return [s.replace("\0", ".") for s in _SENTENCE_END_RE.split(p) if s.strip()]


def body_paragraphs(paragraphs: Iterable[str], *, sentence_end: bool = True) -> list[str]:
    """The paragraphs that carry story text: long enough, not a headline-like single sentence
    without a final stop (with `sentence_end`), not furniture, first occurrence only."""
    paragraphs = list(paragraphs)
    return [paragraphs[i].strip() for i in _body_indices(paragraphs, sentence_end)]


def _headline_like(paragraph: str) -> bool:
    """One sentence that does not end as a sentence does: a headline, byline, credit or menu.

    (A teaser cut off mid-sentence holds earlier sentences, so it stays body text.)"""
    return not _SENTENCE_FINAL_RE.search(paragraph) and not _SENTENCE_END_RE.search(paragraph)


def _body_indices(paragraphs: Sequence[str], sentence_end: bool) -> list[int]:
    seen: set[str] = set()
    out = []
    for i, p in enumerate(paragraphs):
        p = p.strip()
        if (
            len(p.split()) < MIN_BODY_PARAGRAPH_WORDS
            or (sentence_end and _headline_like(p))
            or _CHROME_RE.search(p)
        ):
            continue
        key = " ".join(words_of(p))
        if key in seen:
            continue
        seen.add(key)
        out.append(i)
    return out


@dataclass(frozen=True)
class _SentenceWords:
    """Word sets of sentences in coordinate form: sentence `rows[i]` holds word `cols[i]`."""

    rows: np.ndarray
    cols: np.ndarray
    sizes: np.ndarray

    @classmethod
    def of(cls, sentences: Sequence[Sequence[str]]) -> _SentenceWords:
        rows: list[int] = []
        cols: list[int] = []
        sizes = []
        for i, s in enumerate(sentences):
            buckets = sorted({_word_bucket(w) for w in s})
            sizes.append(len(buckets))
            rows.extend([i] * len(buckets))
            cols.extend(buckets)
        return cls(
            np.asarray(rows, dtype=np.int64),
            np.asarray(cols, dtype=np.int64),
            np.asarray(sizes, dtype=np.float64),
        )

    def shared_counts(self, other: _SentenceWords) -> np.ndarray:
        """Matrix of |words of my sentence i & words of other's sentence j|.

        A join on the word: every entry (i, word) of mine meets every entry (j, word) of the
        other's, and the meetings are counted per (i, j). (A sentence holds a word once, so
        this is the sparse product of the two sentence x word incidence matrices, in numpy.)
        """
        n_theirs = len(other.sizes)
        order = np.argsort(other.cols, kind="stable")
        their_cols, their_rows = other.cols[order], other.rows[order]
        # my entry k meets the other's sorted entries lo[k] .. hi[k] - 1 (same word)
        lo = np.searchsorted(their_cols, self.cols, side="left")
        meets = np.searchsorted(their_cols, self.cols, side="right") - lo
        ends = np.cumsum(meets)
        partner = np.arange(ends[-1] if len(ends) else 0) + np.repeat(lo - (ends - meets), meets)
        cells = np.repeat(self.rows, meets) * n_theirs + their_rows[partner]
        counts = np.bincount(cells, minlength=len(self.sizes) * n_theirs)
        return counts.reshape(len(self.sizes), n_theirs).astype(np.float64)


@dataclass(frozen=True)
class PreparedText:
    """One document cut into sentences for alignment."""

    #: every sentence of the page (body and furniture), as normalised strings
    all_keys: frozenset[str]
    #: body sentences per body paragraph, as word lists
    body: tuple[tuple[tuple[str, ...], ...], ...]
    #: per body sentence (flat, in order): is it a quotation (most words inside double quotes)?
    quoted: tuple[bool, ...]
    body_words: int
    total_words: int
    all_sets: _SentenceWords
    body_sets: _SentenceWords


@dataclass(frozen=True)
class Alignment:
    """How much of each document's body is found in the other (shares of body words), and how
    many of each side's body sentences of >= 6 words that are not quotations are shared."""

    cover_a: float
    cover_b: float
    body_a: int
    body_b: int
    #: shared body sentences of >= 6 words on each side ...
    sentences_a: int = 0
    sentences_b: int = 0
    #: ... of which not quotations (most words inside double quotes)
    narrative_a: int = 0
    narrative_b: int = 0

    @property
    def low(self) -> float:
        return min(self.cover_a, self.cover_b)

    @property
    def high(self) -> float:
        return max(self.cover_a, self.cover_b)

    @property
    def shared_words(self) -> float:
        """Body words of the smaller side that are shared (a size, not a share)."""
        return min(self.cover_a * self.body_a, self.cover_b * self.body_b)

    @property
    def shorter_cover(self) -> float:
        """Coverage of the shorter page (fewer body words; on a tie, the less covered one)."""
        if self.body_a != self.body_b:
            return self.cover_a if self.body_a < self.body_b else self.cover_b
        return self.low

    @property
    def shared_sentences(self) -> int:
        """Shared body sentences of >= 6 words, counted on the side that has fewer of them."""
        return min(self.sentences_a, self.sentences_b)

    @property
    def shared_narrative(self) -> int:
        """Shared body sentences of >= 6 words that are not quotations, on the side with fewer."""
        return min(self.narrative_a, self.narrative_b)


def _word_bucket(word: str) -> int:
    return zlib.crc32(word.encode("utf-8")) % _HASH_BUCKETS


def prepare(paragraphs: Sequence[str], *, sentence_end: bool = True) -> PreparedText:
    """Cut a document (its paragraphs) into sentences, separating body text from furniture.

    `sentence_end=False` keeps body paragraphs that do not end as a sentence does (wire
    bodies without headlines, whose tables and notices have no full stop)."""
    all_sents = [s for p in paragraphs for s in _sentences(p)]
    body_q = []
    for i in _body_indices(paragraphs, sentence_end):
        sents = _quoted_sentences(paragraphs[i])
        if i + 1 < len(paragraphs) and _TWEET_SIGNATURE_RE.search(paragraphs[i + 1]):
            # an embedded tweet: its text is the quoted statement, quote marks or not
            sents = [(w, True) for w, _ in sents]
        body_q.append(sents)
    body = tuple(tuple(tuple(w) for w, _ in para) for para in body_q)
    flat_body = [s for p in body for s in p]
    return PreparedText(
        all_keys=frozenset(" ".join(s) for s in all_sents),
        body=body,
        quoted=tuple(q for para in body_q for _, q in para),
        body_words=sum(len(s) for s in flat_body),
        total_words=sum(len(s) for s in all_sents),
        all_sets=_SentenceWords.of(all_sents),
        body_sets=_SentenceWords.of(flat_body),
    )


def covered_sentences(x: PreparedText, y: PreparedText) -> list[bool]:
    """For each body sentence of `x` (in order): does `y` hold it, exactly or nearly?"""
    if not x.body or not y.all_keys:
        return [False] * sum(len(p) for p in x.body)
    inter = x.body_sets.shared_counts(y.all_sets)
    sizes = x.body_sets.sizes[:, None] + y.all_sets.sizes[None, :]
    best = (2 * inter / np.maximum(sizes, 1)).max(axis=1)
    out: list[bool] = []
    k = 0
    for para in x.body:
        flags: list[bool | None] = []
        for s in para:
            exact = " ".join(s) in y.all_keys
            if len(s) >= MIN_MATCH_SENTENCE_WORDS:
                flags.append(exact or bool(best[k] >= FUZZY_SENTENCE_DICE))
            else:
                # a short sentence ("Huge ratings.") counts only inside a matched paragraph
                flags.append(None if exact else False)
            k += 1
        para_matched = any(f for f in flags)
        out.extend(bool(f) or (f is None and para_matched) for f in flags)
    return out


def _covered(x: PreparedText, y: PreparedText) -> tuple[int, int, int]:
    """Body words of `x` in sentences that `y` also holds (exactly or nearly), the number of such
    sentences of >= MIN_MATCH_SENTENCE_WORDS words, and how many of those are not quotations."""
    flat = [s for p in x.body for s in p]
    words = sentences = narrative = 0
    for s, q, c in zip(flat, x.quoted, covered_sentences(x, y), strict=True):
        if c:
            words += len(s)
            if len(s) >= MIN_MATCH_SENTENCE_WORDS:
                sentences += 1
                narrative += not q
    return words, sentences, narrative


def align(a: PreparedText, b: PreparedText) -> Alignment:
    """Share of each document's body words found, sentence by sentence, in the other."""
    ca, sa, na = _covered(a, b)
    cb, sb, nb = _covered(b, a)
    return Alignment(
        cover_a=ca / a.body_words if a.body_words else 0.0,
        cover_b=cb / b.body_words if b.body_words else 0.0,
        body_a=a.body_words,
        body_b=b.body_words,
        sentences_a=sa,
        sentences_b=sb,
        narrative_a=na,
        narrative_b=nb,
    )


#: Rule thresholds (see `label_alignment` and benchmarks/README.md): the users' definition of a
#: copy, "at least about three shared sentences and at least about a quarter of the shorter
#: article's body".
COPY_SENTENCES = 3  # shared body sentences of >= MIN_MATCH_SENTENCE_WORDS words ...
COPY_NARRATIVE = 2  # ... of which not quotations (two articles quoting one statement: no copy)
NEAR_IDENTICAL = 0.8  # ... unless both pages are this much shared (the same page, quotes and all)
COPY_SHORTER_COVER = 0.25  # shared share of the shorter page's body words
#: Pages with fewer body words than this are story-less (photo galleries, video stubs): when two
#: of them are much the same page, the pair is ignored (see `label_by_alignment`).
MIN_STORY_WORDS = 40


def label_alignment(al: Alignment) -> Label:
    """Copy or distinct, by the users' definition of a copy.

    copy: >= 3 shared body sentences (of >= 6 words; counted on the side with fewer), >= 2 of
    them the articles' own words rather than quotations (unless both pages are >= 0.8 shared:
    the same page, quotes and all), and the shared body words are >= 1/4
    of the shorter page's body (the page with fewer body words). Everything else is distinct:
    shared quotes or tweets (however many), background
    paragraphs that are a small part of both stories, a digest item that is a small part of
    the shorter article, a related-stories box. (`label_by_alignment` adds identical pages and
    story-less pages, and the reading overrides in `OVERRIDES`.)
    """
    if (
        al.shared_sentences >= COPY_SENTENCES
        and (al.shared_narrative >= COPY_NARRATIVE or al.low >= NEAR_IDENTICAL)
        and al.shorter_cover >= COPY_SHORTER_COVER
    ):
        return "copy"
    return "distinct"


def candidate_pairs(prepared: dict[str, PreparedText]) -> set[tuple[str, str]]:
    """Pairs of documents sharing at least one normalised sentence of >= 8 words."""
    by_sentence: dict[str, list[str]] = defaultdict(list)
    for doc_id, p in prepared.items():
        for key in p.all_keys:
            if key.count(" ") >= 7:
                by_sentence[key].append(doc_id)
    out: set[tuple[str, str]] = set()
    for ids in by_sentence.values():
        out.update(itertools.combinations(sorted(set(ids)), 2))
    return out


def label_by_alignment(
    paragraphs: dict[str, list[str]],
    *,
    sentence_end: bool = True,
    also: Iterable[tuple[str, str]] = (),
) -> tuple[set[frozenset[str]], set[frozenset[str]], dict[tuple[str, str], Alignment]]:
    """Gold and ignored pairs of a collection, by sentence alignment of candidate pairs.

    Documents with no body text are labelled on their whole text: identical pages are copies.
    `also`: more pairs to align (pairs read that share only reworded sentences).
    Returns (gold, ignore, alignments of all candidate pairs).
    """
    prepared = {k: prepare(v, sentence_end=sentence_end) for k, v in paragraphs.items()}
    cands = candidate_pairs(prepared) | {(min(a, b), max(a, b)) for a, b in also}
    # identical pages (also those whose text is all furniture) are candidates too
    by_text: dict[str, list[str]] = defaultdict(list)
    for k, v in paragraphs.items():
        key = " ".join(words_of(" ".join(v)))
        if key:
            by_text[key].append(k)
    identical: set[tuple[str, str]] = set()
    for ids in by_text.values():
        identical.update(itertools.combinations(sorted(ids), 2))
    gold: set[frozenset[str]] = set()
    ignore: set[frozenset[str]] = set()
    aligned: dict[tuple[str, str], Alignment] = {}

    def label(pairs: Iterable[tuple[str, str]]) -> None:
        for a, b in sorted(pairs):
            al = align(prepared[a], prepared[b])
            aligned[(a, b)] = al
            pa, pb = prepared[a], prepared[b]
            if (a, b) in identical and pa.total_words >= 20:
                verdict: Label = "copy"
            elif min(pa.body_words, pb.body_words) < MIN_STORY_WORDS and _furniture_alike(pa, pb):
                # pages without a story (photo galleries, video stubs) that are much the same
                # page: the same furniture under other headlines is no copy, nor clearly not
                verdict = "ignore"
            else:
                verdict = label_alignment(al)
            if verdict == "copy":
                gold.add(frozenset((a, b)))
            elif verdict == "ignore":
                ignore.add(frozenset((a, b)))

    label(cands | identical)
    # Write-thrus can share only reworded sentences: also align every other pair of documents
    # that copy links join into one group, so a clustering is not scored against pairs
    # nobody looked at.
    label(p for p in _group_pairs(gold) if p not in aligned)
    return gold, ignore, aligned


def _furniture_alike(a: PreparedText, b: PreparedText) -> bool:
    """Whether each page has most of its sentences (furniture included) on the other page."""
    large = max(len(a.all_keys), len(b.all_keys))
    return large > 0 and len(a.all_keys & b.all_keys) >= 0.5 * large


def _group_pairs(links: Iterable[frozenset[str]]) -> set[tuple[str, str]]:
    """All pairs of documents in the connected components of `links`."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for link in links:
        a, b = sorted(link)
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = defaultdict(list)
    for x in sorted(parent):
        groups[find(x)].append(x)
    return {p for g in groups.values() for p in itertools.combinations(g, 2)}
