"""Evaluation sets for the copy-detection quality benchmark (`benchmarks/quality.py`).

Every public function returns an `EvalSet`: documents plus the set of document-id pairs that are
copies of each other (`gold`) and the pairs too ambiguous to score (`ignore`). All sets are built
deterministically (fixed seeds, sorted inputs) from the read-only data in ``/work/shared/data``
(override with the ``DEDUP_DATA`` environment variable).

Labels never come from word-shingle MinHash/Jaccard, which is what the benchmark evaluates:

* `articlecomparisons()` labels real pages by *sentence alignment* (`prepare`, `align`): each
  article body is cut into sentences, and a sentence counts as shared when the other article holds
  the same normalised sentence or one with nearly the same words (Dice >= 0.7 on word sets).
  The share of each article's body words that is shared decides the label (`label_alignment`).
* `planted_bbc()` plants copies into real BBC articles, so its labels are known by construction.
* `reuters_exact()` labels identical wire bodies; near-identical re-sends are ignored.

See benchmarks/README.md for how the rules were checked by reading pairs.
"""

from __future__ import annotations

import csv
import difflib
import gzip
import html
import itertools
import json
import os
import random
import re
import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
from scipy import sparse

from dedup.model import Document

DATA_DIR = Path(
    os.environ.get("DEDUP_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)

Label = Literal["copy", "ignore", "distinct"]


@dataclass
class EvalSet:
    """Documents with their copy-pair labels.

    `gold` holds the positive pairs; `ignore` the ambiguous pairs, which are removed from both the
    predicted and the gold pairs before scoring. Every other pair of documents is a negative.
    """

    name: str
    docs: list[Document]
    gold: set[frozenset[str]]
    ignore: set[frozenset[str]] = field(default_factory=set)
    notes: str = ""
    #: optional doc id -> kind of document ("original", "chrome", ...), for error breakdowns
    kinds: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        ids = [d.id for d in self.docs]
        if len(set(ids)) != len(ids):
            raise ValueError(f"{self.name}: duplicate document ids")
        known = set(ids)
        for pair in self.gold | self.ignore:
            if len(pair) != 2 or not pair <= known:
                raise ValueError(f"{self.name}: bad pair {sorted(pair)}")
        if self.gold & self.ignore:
            raise ValueError(f"{self.name}: a pair is both gold and ignored")


# ---------------------------------------------------------------------------------------------
# Sentence alignment (the labelling method for real data)
# ---------------------------------------------------------------------------------------------

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
    r"|^Related stories\b|\bvia AP\b|^Credit:|\([^()]*/[^()]*\)\s*$",
    re.IGNORECASE,
)
#: Paragraphs shorter than this many words are not body text (menus, bylines, dates, buttons).
MIN_BODY_PARAGRAPH_WORDS = 8
#: Sentences this long or longer can match on their own; shorter ones only beside a matched one.
MIN_MATCH_SENTENCE_WORDS = 6
#: Two sentences match when the Dice coefficient of their word sets reaches this.
FUZZY_SENTENCE_DICE = 0.7
_HASH_BUCKETS = 1 << 32


def _words(text: str) -> list[str]:
    return _WORD_RE.findall(text.lower())


def _sentences(paragraph: str) -> list[list[str]]:
    """Word lists of the sentences of one paragraph, wire datelines removed."""
    p = _DATELINE_RE.sub("", paragraph.strip())
    p = _ABBREV_RE.sub(r"\1", p)
    out = []
    for s in _SENTENCE_END_RE.split(p):
        w = _words(s)
        if w:
            out.append(w)
    return out


def body_paragraphs(paragraphs: Iterable[str]) -> list[str]:
    """The paragraphs that carry story text: long enough, not furniture, first occurrence only."""
    seen: set[str] = set()
    out = []
    for p in paragraphs:
        p = p.strip()
        if len(p.split()) < MIN_BODY_PARAGRAPH_WORDS or _CHROME_RE.search(p):
            continue
        key = " ".join(_words(p))
        if key in seen:
            continue
        seen.add(key)
        out.append(p)
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
        """Matrix of |words of my sentence i & words of other's sentence j|."""
        uniq, inv = np.unique(np.concatenate([self.cols, other.cols]), return_inverse=True)
        n = len(self.cols)
        mine = sparse.csr_matrix(
            (np.ones(n), (self.rows, inv[:n])), shape=(len(self.sizes), len(uniq))
        )
        theirs = sparse.csr_matrix(
            (np.ones(len(other.cols)), (other.rows, inv[n:])),
            shape=(len(other.sizes), len(uniq)),
        )
        return np.asarray((mine @ theirs.T).toarray())


@dataclass(frozen=True)
class PreparedText:
    """One document cut into sentences for alignment."""

    #: every sentence of the page (body and furniture), as normalised strings
    all_keys: frozenset[str]
    #: body sentences per body paragraph, as word lists
    body: tuple[tuple[tuple[str, ...], ...], ...]
    body_words: int
    total_words: int
    all_sets: _SentenceWords
    body_sets: _SentenceWords


@dataclass(frozen=True)
class Alignment:
    """How much of each document's body is found in the other (shares of body words)."""

    cover_a: float
    cover_b: float
    body_a: int
    body_b: int

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


def _word_bucket(word: str) -> int:
    return zlib.crc32(word.encode("utf-8")) % _HASH_BUCKETS


def prepare(paragraphs: Sequence[str]) -> PreparedText:
    """Cut a document (its paragraphs) into sentences, separating body text from furniture."""
    all_sents = [s for p in paragraphs for s in _sentences(p)]
    body = tuple(tuple(tuple(s) for s in _sentences(p)) for p in body_paragraphs(paragraphs))
    flat_body = [s for p in body for s in p]
    return PreparedText(
        all_keys=frozenset(" ".join(s) for s in all_sents),
        body=body,
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


def _covered_words(x: PreparedText, y: PreparedText) -> int:
    """Body words of `x` in sentences that `y` also holds (exactly or nearly)."""
    flat = [s for p in x.body for s in p]
    return sum(len(s) for s, c in zip(flat, covered_sentences(x, y), strict=True) if c)


def align(a: PreparedText, b: PreparedText) -> Alignment:
    """Share of each document's body words found, sentence by sentence, in the other."""
    ca = _covered_words(a, b)
    cb = _covered_words(b, a)
    return Alignment(
        cover_a=ca / a.body_words if a.body_words else 0.0,
        cover_b=cb / b.body_words if b.body_words else 0.0,
        body_a=a.body_words,
        body_b=b.body_words,
    )


#: Rule thresholds (see `label_alignment` and benchmarks/README.md).
COPY_LOW = 0.5  # the less-covered side: at least half of it is shared ...
COPY_HIGH = 0.65  # ... and the more-covered side is mostly shared
DISTINCT_LOW = 0.2  # below this on one side the pair is not a copy ...
EXCERPT_HIGH = 0.8  # ... unless the other side is nearly all shared
EXCERPT_WORDS = 80  # ... and that shared text is a real excerpt, not a headline + lede
MIN_SHARED_WORDS = 40  # fewer shared body words than this: too little to call a copy
SOLID_SHARED_WORDS = 80  # a partial copy must share this much; below, only near-identical texts
NEAR_IDENTICAL = 0.8  # ... i.e. both sides this much shared


def label_alignment(al: Alignment) -> Label:
    """Copy, distinct or ignore, following the product spec.

    copy: at least half of each body is shared and most of one (truncated copies holding >= 1/2
    of the story, a story embedded with as much again of other text, write-thrus sharing most
    paragraphs), with >= 80 shared words unless both texts are nearly all shared. distinct: one
    side shares under a fifth unless it is a whole excerpt of >= 80 words (a related-stories box,
    a shared quote or a headline + lede is not a copy), or fewer than 40 words are shared and the
    texts are mostly different. Everything in between (excerpts holding 20-50% of a story,
    write-thrus sharing about half, short pages sharing a few sentences) is ignored.
    """
    if al.shared_words < MIN_SHARED_WORDS:
        return "ignore" if al.low >= COPY_LOW else "distinct"
    if al.low >= COPY_LOW and al.high >= COPY_HIGH:
        if al.shared_words >= SOLID_SHARED_WORDS or al.low >= NEAR_IDENTICAL:
            return "copy"
        return "ignore"
    if al.low < DISTINCT_LOW and not (al.high >= EXCERPT_HIGH and al.shared_words >= EXCERPT_WORDS):
        return "distinct"
    return "ignore"


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
) -> tuple[set[frozenset[str]], set[frozenset[str]], dict[tuple[str, str], Alignment]]:
    """Gold and ignored pairs of a collection, by sentence alignment of candidate pairs.

    Documents with no body text are labelled on their whole text: identical pages are copies.
    Returns (gold, ignore, alignments of all candidate pairs).
    """
    prepared = {k: prepare(v) for k, v in paragraphs.items()}
    cands = candidate_pairs(prepared)
    # identical pages (also those whose text is all furniture) are candidates too
    by_text: dict[str, list[str]] = defaultdict(list)
    for k, v in paragraphs.items():
        key = " ".join(_words(" ".join(v)))
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
            elif min(pa.body_words, pb.body_words) < MIN_SHARED_WORDS and _furniture_alike(pa, pb):
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


# ---------------------------------------------------------------------------------------------
# 1. ArticleComparisons: real same-event news with natural wire syndication
# ---------------------------------------------------------------------------------------------

_AC_FILES = ("census", "helsinki", "spotify")


def _read_articlecomparisons() -> list[tuple[str, str, str, list[str]]]:
    """(id, publisher, scrape_time, paragraphs) of the 680 articles, ids prefixed by file."""
    csv.field_size_limit(1 << 30)
    out = []
    for name in _AC_FILES:
        path = DATA_DIR / "news_syndication_articlecomparisons" / f"{name}_articles.csv.gz"
        with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                paras = [p.strip() for p in row["text"].split(" ### ") if p.strip()]
                out.append((f"{name}:{row['id']}", row["publisher"], row["scrape_time"], paras))
    return out


def articlecomparisons() -> EvalSet:
    """All 680 real articles of ArticleComparisons; labels from sentence alignment."""
    rows = _read_articlecomparisons()
    docs = [
        Document(
            id=doc_id,
            text="\n\n".join(paras),
            url=f"https://{publisher}/articlecomparisons/{doc_id.replace(':', '-')}",
            site=publisher,
            title=None,
            date=scrape_time,
        )
        for doc_id, publisher, scrape_time, paras in rows
    ]
    gold, ignore, aligned = label_by_alignment({r[0]: r[3] for r in rows})
    notes = (
        f"{len(docs)} real pages (census 32, helsinki 612, spotify 36); {len(aligned)} pairs "
        f"aligned (sharing a >= 8-word sentence, or in one copy group); {len(gold)} copy pairs, "
        f"{len(ignore)} ignored (partial overlap: excerpts of 20-50%, write-thrus sharing about "
        "half, whole short stories inside digests)."
    )
    return EvalSet("articlecomparisons", docs, gold, ignore, notes)


# ---------------------------------------------------------------------------------------------
# 2. BBC with planted copies
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _BBC:
    id: str
    category: str
    title: str
    paragraphs: tuple[str, ...]

    @property
    def words(self) -> int:
        return sum(len(p.split()) for p in self.paragraphs)


def _read_bbc() -> list[_BBC]:
    path = DATA_DIR / "news_bbc_2225" / "bbc_articles.jsonl.gz"
    out = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            paras = tuple(" ".join(p.split()) for p in r["text"].split("\n\n") if p.strip())
            out.append(_BBC(r["id"], r["category"], r["title"].strip(), paras))
    return sorted(out, key=lambda a: a.id)


_SITES = (
    "dailyledger.example.com",
    "morningpost.example.net",
    "newswire24.example.org",
    "thecourier.example.com",
    "globalreport.example.net",
    "citytimes.example.com",
    "lepetitjournal.example.fr",
    "infoexpress.example.fr",
    "businessdigest.example.com",
    "sportsnow.example.com",
    "techpulse.example.io",
    "weeklyobserver.example.co.uk",
    "aggregator.example.news",
    "regionalherald.example.com",
    "eveningstar.example.net",
)
_BYLINES = (
    "By Sarah Mitchell, Staff Reporter",
    "By James O'Connor",
    "Par Claire Dubois",
    "By Priya Raman, Business Correspondent",
    "By Tom Hughes and Ana Lopes",
    "Staff and agencies",
    "By our London correspondent",
)
_SUBHEADS = (
    "What happens next",
    "Background",
    "Reaction",
    "The numbers",
    "Why it matters",
    "A long road",
    "Looking ahead",
    "Key facts",
    "In context",
    "Analysis",
)
_CREDITS_START = ("LONDON (Reuters) - ", "LONDON, Feb 3 (Reuters) - ", "(AFP) - ", "LONDON - ")
_CREDITS_END = ("bbc.co.uk", "Source: BBC News", "This article first appeared on BBC News.")
_HEADLINE_PREFIXES = ("UPDATE 2-", "Breaking: ", "Analysis: ", "", "WATCH: ", "Report: ")


def _sentences_of(paragraph: str) -> list[str]:
    p = _ABBREV_RE.sub(lambda m: m.group(0).replace(".", "\0"), paragraph)
    return [s.replace("\0", ".") for s in _SENTENCE_END_RE.split(p) if s.strip()]


def _first_sentence(a: _BBC) -> str:
    return _sentences_of(a.paragraphs[0])[0]


def _chrome_lines(rng: random.Random, date: str) -> tuple[list[str], list[str]]:
    """Lines a republishing site adds above and below a story."""
    head = [rng.choice(_BYLINES)]
    if rng.random() < 0.6:
        head.append(f"Publié par {rng.choice(('admin', 'la rédaction', 'webdesk'))} le {date}")
    tail = []
    for line in ("Read more", "Leave a comment", "Share this article"):
        if rng.random() < 0.7:
            tail.append(line)
    if not tail:
        tail.append("Share this article")
    return head, tail


def _caption(a: _BBC, rng: random.Random) -> str:
    words = a.title.split()
    agency = rng.choice(("Getty Images", "PA", "EPA", "AFP"))
    return f"{' '.join(words[: max(3, len(words) - 1)])} (Photo: {agency})"


def _with_chrome(
    a: _BBC, body: list[str], rng: random.Random, date: str, *, subheads: bool = True
) -> list[str]:
    """A republished page: new headline, byline, caption twice, sub-headings, credit, prompts."""
    body = list(body)
    if subheads and len(body) >= 3:
        for subhead in rng.sample(_SUBHEADS, rng.randint(1, 3)):
            body.insert(rng.randint(1, len(body) - 1), subhead)
    credit_start = rng.random() < 0.5
    if credit_start:
        body[0] = rng.choice(_CREDITS_START) + body[0]
    head, tail = _chrome_lines(rng, date)
    caption = _caption(a, rng)
    headline = rng.choice(_HEADLINE_PREFIXES) + a.title
    page = [headline, *head, caption, *body[:1], caption, *body[1:]]
    if not credit_start:
        page.append(rng.choice(_CREDITS_END))
    return page + tail


def _light_edit(paragraph: str, rng: random.Random, rate: float) -> str:
    """Drop or substitute about `rate` of the words (never the first word)."""
    fillers = ("also", "now", "still", "said", "reportedly", "however", "the", "further")
    out = []
    for i, w in enumerate(paragraph.split()):
        r = rng.random()
        if i and r < rate / 2:
            continue
        if i and r < rate:
            out.append(rng.choice(fillers))
            continue
        out.append(w)
    return " ".join(out)


def _truncate_sentences(
    paragraphs: Sequence[str],
    low: float,
    high: float,
    rng: random.Random,
    cap: float | None = None,
) -> list[str]:
    """The first sentences of a text, paragraphs kept, holding a share of its words drawn from
    [low, high] (or, with `cap`, at most `cap` words)."""
    total = sum(len(p.split()) for p in paragraphs)
    target = rng.uniform(low, high) * total
    out: list[str] = []
    kept = 0
    for p in paragraphs:
        take = []
        for s in _sentences_of(p):
            n = len(s.split())
            if kept >= target or (cap is not None and kept + n > cap):
                break
            take.append(s)
            kept += n
        if take:
            out.append(" ".join(take))
        if len(take) < len(_sentences_of(p)):
            break
    return out


def _slug(title: str) -> str:
    return "-".join(_words(title))[:60] or "story"


def planted_bbc(seed: int = 20240611) -> EvalSet:
    """Real BBC articles with planted copies (labels known by construction).

    ~300 originals and ~300 same-category distractors; copies of five kinds (chrome, truncated,
    embedded, write-thru, light edits) of a subset of originals; natural exact duplicates; and
    planted negatives (related-stories boxes, shared site templates).
    """
    rng = random.Random(seed)
    articles = _read_bbc()
    by_id = {a.id: a for a in articles}

    # Natural duplicates: group identical title+text; keep exact groups, exclude near-duplicates
    # (updated re-edits) entirely so that no unlabelled natural copy pair enters the set.
    groups: dict[tuple[str, tuple[str, ...]], list[str]] = defaultdict(list)
    for a in articles:
        groups[(a.title, a.paragraphs)].append(a.id)
    exact_groups = sorted(sorted(g) for g in groups.values() if len(g) > 1)
    in_exact = {i for g in exact_groups for i in g}
    singles = [a for a in articles if a.id not in in_exact]
    uniq = [by_id[g[0]] for g in exact_groups] + singles
    near = _natural_near_duplicates(uniq)
    blocked = {i for pair in near for i in pair}
    pool = [a for a in singles if a.id not in blocked]
    rng.shuffle(pool)

    # originals: real multi-paragraph stories (some BBC files have lost words in scraping and
    # consist of fragments; those stay available as distractors)
    eligible = [
        a for a in pool if sum(len(p.split()) >= 15 for p in a.paragraphs) >= 5 and a.words >= 150
    ]
    originals = sorted(eligible[:300], key=lambda a: a.id)
    used = {a.id for a in originals}
    rest = [a for a in pool if a.id not in used]
    distractors = sorted(rest[:300], key=lambda a: a.id)
    used |= {a.id for a in distractors}
    # articles never shown on their own: filler text for embedded pages and write-thru updates
    spare = _Spares(rest[300:])

    natural = [g for g in exact_groups if not (set(g) & blocked)]
    rng.shuffle(natural)
    natural = sorted(natural[:20])

    docs: list[Document] = []
    story_groups: list[list[str]] = []
    base_dates: dict[str, str] = {}

    def bbc_doc(
        a: _BBC, doc_id: str, day: int, paragraphs: Sequence[str] | None = None
    ) -> Document:
        date = f"2005-{1 + day // 28:02d}-{1 + day % 28:02d}T{8 + day % 10:02d}:00:00Z"
        base_dates[doc_id] = date
        cat, num = a.id.split("/")
        return Document(
            id=doc_id,
            text="\n\n".join([a.title, *(paragraphs or a.paragraphs)]),
            url=f"https://news.bbc.co.uk/{cat}/{num}.stm",
            site="bbc.co.uk",
            title=a.title,
            date=date,
        )

    for a in originals:
        docs.append(bbc_doc(a, f"bbc:{a.id}", rng.randrange(0, 250)))
    # distractors; some get a shared site template (header + footer around an unrelated story)
    templates = [_template(rng, k) for k in range(12)]
    # the shortest distractors (local-news briefs) get templates: the chrome weighs most there
    templated: dict[str, int] = {}
    for k, a in enumerate(sorted(distractors, key=lambda a: (a.words, a.id))[:48]):
        templated[a.id] = k % 12
    for a in distractors:
        d = bbc_doc(a, f"bbc:{a.id}", rng.randrange(0, 250))
        if a.id in templated:
            header, footer = templates[templated[a.id]]
            d = Document(
                id=d.id,
                text="\n\n".join([*header, d.text, *footer]),
                url=d.url,
                site=f"template{templated[a.id]}.example.com",
                title=d.title,
                date=d.date,
            )
        docs.append(d)
    for g in natural:
        day = rng.randrange(0, 250)
        for doc_id in g:
            docs.append(bbc_doc(by_id[doc_id], f"bbc:{doc_id}", day))
        story_groups.append([f"bbc:{i}" for i in g])

    # planted copies
    copy_kinds = ("chrome", "truncated", "embedded", "writethru", "edited")
    order = list(originals)
    rng.shuffle(order)
    with_copies = order[:170]
    related_hosts = order[170:200]  # originals whose related-box page is their only copy
    counts: dict[str, int] = defaultdict(int)
    copy_no = 0
    for a in with_copies:
        n = rng.choice((1, 1, 2, 2, 3))
        group = [f"bbc:{a.id}"]
        for kind in rng.sample(copy_kinds, n):
            copy_no += 1
            doc = _make_copy(a, kind, copy_no, base_dates[f"bbc:{a.id}"], rng, spare)
            docs.append(doc)
            group.append(doc.id)
            counts[kind] += 1
        story_groups.append(group)

    # related-stories boxes: X's page is a copy of X, not of the three boxed stories
    boxed_pool = [a for a in with_copies]
    for a in related_hosts:
        copy_no += 1
        boxed = rng.sample([b for b in boxed_pool if b.category == a.category] or boxed_pool, 3)
        date = _later(base_dates[f"bbc:{a.id}"], rng)
        page = _with_chrome(a, list(a.paragraphs), rng, date, subheads=False)
        box = ["Related stories"]
        for b in boxed:
            box += [b.title, _first_sentence(b)]
        page = page[:-1] + box + page[-1:]
        doc = _copy_document(a, f"copy{copy_no:04d}:related", page, date, rng)
        docs.append(doc)
        story_groups.append([f"bbc:{a.id}", doc.id])
        counts["related-box"] += 1

    gold: set[frozenset[str]] = set()
    for g in story_groups:
        for x, y in itertools.combinations(g, 2):
            gold.add(frozenset((x, y)))
    docs.sort(key=lambda d: d.id)
    kinds = {d.id: d.id.split(":")[-1] for d in docs if d.id.startswith("copy")}
    kinds.update({f"bbc:{a.id}": "original" for a in originals})
    kinds.update({f"bbc:{a.id}": "distractor" for a in distractors})
    kinds.update({f"bbc:{a.id}": "template" for a in distractors if a.id in templated})
    kinds.update({f"bbc:{i}": "natural-dup" for g in natural for i in g})
    notes = (
        f"{len(originals)} originals, {len(distractors)} distractors ({len(templated)} in 12 "
        f"shared site templates), {len(natural)} natural exact-duplicate groups; planted copies: "
        + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        + f"; {len(near)} natural near-duplicate pairs kept out of the set."
    )
    return EvalSet("planted_bbc", docs, gold, set(), notes, kinds)


def _natural_near_duplicates(articles: Sequence[_BBC]) -> set[tuple[str, str]]:
    """BBC pairs that share material (updated versions), by sentence alignment."""
    prepared = {a.id: prepare([a.title, *a.paragraphs]) for a in articles}
    out = set()
    for x, y in candidate_pairs(prepared):
        al = align(prepared[x], prepared[y])
        if al.high >= DISTINCT_LOW:
            out.add((x, y))
    return out


_TEMPLATE_PLACES = ("Valley", "Harbour", "Northern", "County", "Metro", "Riverside")
_TEMPLATE_PAPERS = ("Gazette", "Echo", "Chronicle", "Sentinel")


def _template(rng: random.Random, k: int) -> tuple[list[str], list[str]]:
    """Header and footer paragraphs (~45 words together) shared by every page of one site."""
    place = rng.choice(_TEMPLATE_PLACES)
    name = f"The {place} {rng.choice(_TEMPLATE_PAPERS)}"
    header = [
        f"{name} | Home | News | Sport | Business | What's on | Contact",
        f"Welcome to {name}, your trusted source of news, sport and weather for the {place} "
        f"area since {rng.randint(1850, 1990)}.",
    ]
    footer = [
        f"Support independent journalism: subscribe to {name} from just £{rng.randint(2, 9)} a "
        "month and get the morning edition delivered to your inbox every day.",
        f"© 2005 {name} ({k}). All rights reserved. Registered office: {rng.randint(1, 200)} "
        f"{rng.choice(('High Street', 'Station Road', 'Market Square'))}.",
    ]
    return header, footer


def _later(date: str, rng: random.Random) -> str:
    """An ISO date 1-10 days after `date` (dates stay inside 2005)."""
    y, m, d = int(date[:4]), int(date[5:7]), int(date[8:10])
    day = (m - 1) * 28 + (d - 1) + rng.randint(1, 10)
    hour, minute = rng.randint(6, 22), rng.randint(0, 59)
    return f"{y}-{1 + day // 28:02d}-{1 + day % 28:02d}T{hour:02d}:{minute:02d}:00Z"


def _copy_document(
    a: _BBC, doc_id: str, page: Sequence[str], date: str, rng: random.Random
) -> Document:
    site = rng.choice(_SITES)
    number = zlib.crc32(doc_id.encode()) % 100000
    return Document(
        id=doc_id,
        text="\n\n".join(page),
        url=f"https://www.{site}/{date[:4]}/{date[5:7]}/{_slug(a.title)}-{number}",
        site=site,
        title=page[0],
        date=date,
    )


class _Spares:
    """Articles never shown on their own, each handed out once (filler and update text)."""

    def __init__(self, articles: Sequence[_BBC]) -> None:
        self._left = list(articles)

    def take(self, category: str | None = None, min_words: int = 0) -> _BBC:
        for i in range(len(self._left) - 1, -1, -1):
            a = self._left[i]
            if (category is None or a.category == category) and a.words >= min_words:
                return self._left.pop(i)
        raise RuntimeError(f"no spare article left (category {category})")


def _make_copy(
    a: _BBC,
    kind: str,
    n: int,
    original_date: str,
    rng: random.Random,
    spare: _Spares,
) -> Document:
    """One planted copy of `a` of the given kind."""
    date = _later(original_date, rng)
    paras = list(a.paragraphs)
    if kind == "chrome":
        page = _with_chrome(a, paras, rng, date)
    elif kind == "truncated":
        page = _with_chrome(a, _truncate_sentences(paras, 0.5, 0.9, rng), rng, date)
    elif kind == "embedded":
        # "as much again" of unrelated text at most: 60-100% of the story's length
        cap = rng.uniform(0.6, 1.0) * a.words
        donor = spare.take(min_words=int(cap) + 1)
        filler = _truncate_sentences(donor.paragraphs, 1.0, 1.0, rng, cap=cap)
        cut = rng.randint(0, len(filler))
        page = [a.title, *filler[:cut], *paras, *filler[cut:]]
    elif kind == "writethru":
        page = _writethru(a, paras, rng, spare)
    elif kind == "edited":
        edited = [_light_edit(p, rng, 1 / 15) for p in paras]
        page = _with_chrome(a, edited, rng, date, subheads=rng.random() < 0.5)
    else:
        raise ValueError(kind)
    return _copy_document(a, f"copy{n:04d}:{kind}", page, date, rng)


def _writethru(a: _BBC, paras: list[str], rng: random.Random, spare: _Spares) -> list[str]:
    """A later version: most paragraphs kept (a few lightly edited), 1-3 replaced or added.

    New paragraphs come from one unused article of the same category.
    """
    total = a.words
    donor = spare.take(a.category)
    for _ in range(50):
        out = list(paras)
        changes = rng.randint(1, 3)
        new = [p for p in donor.paragraphs[1:] if len(p.split()) >= 15][:changes] or list(
            donor.paragraphs[:1]
        )
        for p in new:
            if rng.random() < 0.5 and len(out) > 3:
                out[rng.randrange(1, len(out))] = p  # replaced
            else:
                out.insert(rng.randrange(1, len(out) + 1), p)  # added
        kept = sum(len(p.split()) for p in out if p in paras)
        added = sum(len(p.split()) for p in out if p not in paras)
        if kept >= 0.7 * total and added <= 0.3 * (kept + added):
            for i in rng.sample(range(len(out)), k=min(2, len(out))):
                if out[i] in paras:
                    out[i] = _light_edit(out[i], rng, 0.04)
            return [rng.choice(_HEADLINE_PREFIXES) + a.title, *out]
    # story too short to absorb a new paragraph: add one short sentence instead
    return [a.title, *paras, _first_sentence(donor)]


# ---------------------------------------------------------------------------------------------
# 3. Reuters-21578: identical wire bodies
# ---------------------------------------------------------------------------------------------

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
        path = DATA_DIR / "news_reuters21578" / f"reut2-{k:03d}.sgm.gz"
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
    _, _, aligned = label_by_alignment(paragraphs)
    ignore = {
        frozenset(pair) for pair, al in aligned.items() if label_alignment(al) != "distinct"
    } - gold
    words = {d.id: _words(d.text) for d in docs}
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
            by_title[" ".join(_words(d.title))].append(d.id)
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


# ---------------------------------------------------------------------------------------------
# Registry and HTML rendering
# ---------------------------------------------------------------------------------------------

SETS = {
    "planted_bbc": planted_bbc,
    "articlecomparisons": articlecomparisons,
    "reuters_exact": reuters_exact,
}


_NAV = ("Home", "World", "Business", "Politics", "Technology", "Sport", "Entertainment", "Opinion")


def _render_page(doc: Document, related: Sequence[str]) -> str:
    """A saved article page: head metadata, nav, article, related sidebar, footer, cookie banner."""
    e = html.escape
    paras = [p for p in doc.text.split("\n\n") if p.strip()]
    title = doc.title or (paras[0] if paras else doc.id)
    if paras and paras[0].strip() == title.strip():
        paras = paras[1:]
    site = doc.site or "example.com"
    head = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{e(title)} | {e(site)}</title>",
    ]
    if doc.url:
        head.append(f'<link rel="canonical" href="{e(doc.url)}">')
    head.append(f'<meta property="og:site_name" content="{e(site)}">')
    head.append(f'<meta property="og:title" content="{e(title)}">')
    if doc.date:
        head.append(f'<meta property="article:published_time" content="{e(doc.date)}">')
    head += [
        "<style>body{font-family:Georgia,serif}.sidebar{float:right;width:30%}"
        "#cookie-banner{position:fixed;bottom:0}</style>",
        '<script>window.dataLayer=window.dataLayer||[];dataLayer.push({"event":"pageview",'
        f'"section":"news","site":"{e(site)}"}});</script>',
        '<script type="application/ld+json">{"@context":"https://schema.org",'
        f'"@type":"NewsArticle","headline":{json.dumps(title)}}}</script>',
        "</head>",
        "<body>",
    ]
    nav = "".join(f'<li><a href="/{n.lower()}">{n}</a></li>' for n in _NAV)
    body = [
        f'<header><div class="logo"><a href="/">{e(site)}</a></div>'
        f"<nav><ul>{nav}</ul></nav></header>",
        '<main><article class="story">',
        f"<h1>{e(title)}</h1>",
    ]
    if doc.date:
        body.append(f'<time datetime="{e(doc.date)}">{e(doc.date[:10])}</time>')
    body += [f"<p>{e(p)}</p>" for p in paras]
    body.append("</article>")
    links = "".join(f'<li><a href="/related/{i}">{e(t)}</a></li>' for i, t in enumerate(related))
    body += [
        f'<aside class="sidebar"><h2>Most read</h2><ul>{links}</ul></aside>',
        "</main>",
        f'<footer><p>© {e(site)}. All rights reserved.</p><ul><li><a href="/about">About us</a>'
        '</li><li><a href="/privacy">Privacy policy</a></li><li><a href="/terms">Terms of use</a>'
        "</li></ul></footer>",
        '<div id="cookie-banner"><p>We use cookies to improve your experience on our site and '
        "to show you personalised advertising.</p><button>Accept all</button></div>",
        "</body>",
        "</html>",
    ]
    return "\n".join(head + body) + "\n"


def html_pages(evalset: EvalSet, dirpath: str | os.PathLike[str]) -> dict[str, str]:
    """Write each document as a saved HTML page `NNNN.html` in `dirpath`; return {path: doc id}.

    Paths are ``str(Path(dirpath) / name)``, the form in which they are passed to the scanner.
    """
    out_dir = Path(dirpath)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"html:{evalset.name}")
    titles = [
        d.title or next((p for p in d.text.split("\n\n") if p.strip()), d.id)[:90]
        for d in evalset.docs
    ]
    mapping: dict[str, str] = {}
    for i, doc in enumerate(evalset.docs):
        related = [
            titles[j] for j in rng.sample(range(len(titles)), k=min(5, len(titles))) if j != i
        ]
        path = out_dir / f"{i:04d}.html"
        with open(path, "w", encoding="utf-8") as f:
            f.write(_render_page(doc, related[:4]))
        mapping[str(path)] = doc.id
    return mapping
