"""`planted_bbc()`: real BBC articles (``news_bbc_2225``) with planted copies.

Labels are known by construction: copies of five kinds (chrome, truncated, embedded, write-thru,
light edits), natural exact duplicates, and planted negatives (related-stories boxes, shared site
templates). Natural near-duplicates are found by sentence alignment and kept out of the set.
"""

from __future__ import annotations

import gzip
import itertools
import json
import random
import zlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from benchmarks.data import dataset_dir
from benchmarks.evalsets.alignment import (
    align,
    candidate_pairs,
    prepare,
    sentence_texts,
    words_of,
)
from benchmarks.evalsets.evalset import EvalSet
from dedup.model import Document


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
    path = dataset_dir("news_bbc_2225") / "bbc_articles.jsonl.gz"
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


#: Copies of each hard kind (truncated to a quarter, embedded in 1-3x other text, write-thrus
#: keeping 30-60% of the paragraphs), each of its own original.
HARD_KINDS = ("truncated-quarter", "embedded-long", "writethru-partial")
HARD_PER_KIND = 45
HARD_SPARE = 10


class _NoClearCopy(Exception):
    """No copy of this kind of the story is clearly a copy by the definition."""


#: Trap pairs of each kind (two pages sharing background paragraphs; sharing a quote), and
#: news-in-brief round-ups carrying one original's first paragraph.
TRAP_PAIRS = 20
ROUNDUPS = 40
#: Hosts of the shared background paragraphs are long enough for two paragraphs of <= 40 words to
#: stay under a fifth of either page.
BACKGROUND_HOST_WORDS = 400
#: Site templates (header and footer of ~60-100 words) and the pages of each.
N_TEMPLATES = 8
TEMPLATE_PAGES = 7
_SPEAKERS = (
    "a government spokesman",
    "the company's chief executive",
    "a senior official",
    "the minister",
    "an analyst at a City bank",
    "the head of the union",
)


def _first_paragraph_share(a: _BBC) -> float:
    return len(a.paragraphs[0].split()) / a.words


def _first_sentence(a: _BBC) -> str:
    return sentence_texts(a.paragraphs[0])[0]


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
        for s in sentence_texts(p):
            n = len(s.split())
            if kept >= target or (cap is not None and kept + n > cap):
                break
            take.append(s)
            kept += n
        if take:
            out.append(" ".join(take))
        if len(take) < len(sentence_texts(p)):
            break
    return out


def _slug(title: str) -> str:
    return "-".join(words_of(title))[:60] or "story"


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
    # originals of the hard kinds: each has exactly one copy, in its own story group, so no
    # copy-copy pair of two hard copies has to be labelled
    # (a few more than needed: a story whose write-thru cannot keep enough own sentences, e.g.
    # one made mostly of quotations, stays an original without copies)
    hard_originals = sorted(
        eligible[300 : 300 + len(HARD_KINDS) * HARD_PER_KIND + HARD_SPARE], key=lambda a: a.id
    )
    used = {a.id for a in originals} | {a.id for a in hard_originals}
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
    templates = [_template(rng, k) for k in range(N_TEMPLATES)]
    # the shortest distractors (local-news briefs) get templates: the chrome weighs most there
    templated: dict[str, int] = {}
    for k, a in enumerate(
        sorted(distractors, key=lambda a: (a.words, a.id))[: N_TEMPLATES * TEMPLATE_PAGES]
    ):
        templated[a.id] = k % N_TEMPLATES
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

    # hard copies: one per original of hard_originals, kinds in turn
    for a in hard_originals:
        docs.append(bbc_doc(a, f"bbc:{a.id}", rng.randrange(0, 250)))
    hard_order = list(hard_originals)
    rng.shuffle(hard_order)
    queue = iter(hard_order)
    for kind in [k for _ in range(HARD_PER_KIND) for k in HARD_KINDS]:
        for a in queue:
            try:
                doc = _make_copy(a, kind, copy_no + 1, base_dates[f"bbc:{a.id}"], rng, spare)
            except _NoClearCopy:
                continue
            copy_no += 1
            docs.append(doc)
            story_groups.append([f"bbc:{a.id}", doc.id])
            counts[kind] += 1
            break

    # traps: pages that share text and are not copies by the definition
    trap_no = 0

    def trap_doc(kind: str, title: str, page: Sequence[str]) -> Document:
        nonlocal trap_no
        trap_no += 1
        date = _later(f"2005-{rng.randint(1, 9):02d}-{rng.randint(1, 28):02d}", rng)
        site = rng.choice(_SITES)
        doc_id = f"trap{trap_no:04d}:{kind}"
        return Document(
            id=doc_id,
            text="\n\n".join([title, *page]),
            url=f"https://www.{site}/{date[:4]}/{date[5:7]}/{_slug(title)}-{trap_no}",
            site=site,
            title=title,
            date=date,
        )

    for _ in range(TRAP_PAIRS):
        # (a) two unrelated long stories carrying the same two background paragraphs
        donor = spare.take(min_words=0, paragraphs_of=(15, 40), n_paragraphs=2)
        shared = [p for p in donor.paragraphs if 15 <= len(p.split()) <= 40][:2]
        for _side in range(2):
            host = spare.take(min_words=BACKGROUND_HOST_WORDS)
            page = list(host.paragraphs)
            for p in shared:
                page.insert(rng.randint(1, len(page)), p)
            docs.append(trap_doc("background", host.title, page))
        counts["trap-background"] += 2
    for _ in range(TRAP_PAIRS):
        # (b) two unrelated articles quoting the same one or two sentences
        donor = spare.take(min_words=0)
        quote = sentence_texts(max(donor.paragraphs[1:] or donor.paragraphs, key=len))[:2]
        speaker = rng.choice(_SPEAKERS)
        said = f'"{" ".join(quote).rstrip(".")}," {speaker} said.'
        for _side in range(2):
            host = spare.take(min_words=150)
            page = list(host.paragraphs)
            page.insert(rng.randint(1, len(page)), said)
            docs.append(trap_doc("quote", host.title, page))
        counts["trap-quote"] += 2
    # originals without copies whose first paragraph is under a quarter of the story and holds at
    # most two sentences (so the round-up can never share three)
    roundup_sources = [
        a
        for a in order[200:]
        if _first_paragraph_share(a) < 0.25 and len(sentence_texts(a.paragraphs[0])) <= 2
    ]
    for a in roundup_sources[:ROUNDUPS]:
        # (c) a news-in-brief page of 5-8 one-paragraph items, one the original's first paragraph
        items = [spare.take(min_words=0) for _ in range(rng.randint(4, 7))]
        # ... and it is under a fifth of the round-up too
        while len(items) < 7 and 5 * len(a.paragraphs[0].split()) >= sum(
            len(b.paragraphs[0].split()) for b in items
        ) + len(a.paragraphs[0].split()):
            items.append(spare.take(min_words=0))
        entries = [(b.title, b.paragraphs[0]) for b in items]
        entries.insert(rng.randint(0, len(entries)), (a.title, a.paragraphs[0]))
        page = [line for title, first in entries for line in (title, first)]
        docs.append(trap_doc("roundup", f"News in brief: {entries[0][0]}", page))
        counts["trap-roundup"] += 1

    gold: set[frozenset[str]] = set()
    for g in story_groups:
        for x, y in itertools.combinations(g, 2):
            gold.add(frozenset((x, y)))
    docs.sort(key=lambda d: d.id)
    kinds = {d.id: d.id.split(":")[-1] for d in docs if d.id.startswith("copy")}
    kinds.update({d.id: "trap-" + d.id.split(":")[-1] for d in docs if d.id.startswith("trap")})
    kinds.update({f"bbc:{a.id}": "original" for a in [*originals, *hard_originals]})
    kinds.update({f"bbc:{a.id}": "distractor" for a in distractors})
    kinds.update({f"bbc:{a.id}": "template" for a in distractors if a.id in templated})
    kinds.update({f"bbc:{i}": "natural-dup" for g in natural for i in g})
    notes = (
        f"{len(originals) + len(hard_originals)} originals, {len(distractors)} distractors "
        f"({len(templated)} in {N_TEMPLATES} shared site templates of {TEMPLATE_PAGES} pages), "
        f"{len(natural)} natural exact-duplicate groups; planted copies and traps: "
        + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        + f"; {len(near)} natural near-duplicate pairs kept out of the set."
    )
    return EvalSet("planted_bbc", docs, gold, set(), notes, kinds)


#: BBC pairs sharing this much of one side, or this many sentences (an updated story keeping the
#: lede: a truncated copy of one would be a copy of the other), are natural near-duplicates (kept
#: out of the set).
NEAR_DUPLICATE_SHARE = 0.2
NEAR_DUPLICATE_SENTENCES = 3


def _natural_near_duplicates(articles: Sequence[_BBC]) -> set[tuple[str, str]]:
    """BBC pairs that share material (updated versions), by sentence alignment."""
    prepared = {a.id: prepare([a.title, *a.paragraphs]) for a in articles}
    out = set()
    for x, y in candidate_pairs(prepared):
        al = align(prepared[x], prepared[y])
        if al.high >= NEAR_DUPLICATE_SHARE or al.shared_sentences >= NEAR_DUPLICATE_SENTENCES:
            out.add((x, y))
    return out


_TEMPLATE_PLACES = ("Valley", "Harbour", "Northern", "County", "Metro", "Riverside")
_TEMPLATE_PAPERS = ("Gazette", "Echo", "Chronicle", "Sentinel")


def _template(rng: random.Random, k: int) -> tuple[list[str], list[str]]:
    """Header and footer paragraphs (~60-100 words together) printed on every page of one site:
    menu, newsletter and subscription prompts, cookie notice, copyright."""
    place = rng.choice(_TEMPLATE_PLACES)
    name = f"The {place} {rng.choice(_TEMPLATE_PAPERS)}"
    header = [
        f"{name} | Home | News | Sport | Business | What's on | Contact",
        f"Sign up for the {name} newsletter: the day's news, sport and weather for the {place} "
        f"area in your inbox every morning since {rng.randint(1850, 1990)}.",
    ]
    footer = [
        f"Support independent journalism: subscribe to {name} from just £{rng.randint(2, 9)} a "
        "month and get the morning edition delivered to your door every day.",
        "We use cookies to improve your experience. By continuing you agree to our cookie policy.",
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

    def __len__(self) -> int:
        return len(self._left)

    def take(
        self,
        category: str | None = None,
        min_words: int = 0,
        paragraphs_of: tuple[int, int] | None = None,
        n_paragraphs: int = 0,
    ) -> _BBC:
        """The last unused article of `category` with >= `min_words` words (and with
        >= `n_paragraphs` paragraphs whose length is within `paragraphs_of`)."""
        for i in range(len(self._left) - 1, -1, -1):
            a = self._left[i]
            if (category is None or a.category == category) and a.words >= min_words:
                if paragraphs_of is not None:
                    lo, hi = paragraphs_of
                    if sum(lo <= len(p.split()) <= hi for p in a.paragraphs) < n_paragraphs:
                        continue
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
        filler = _filler(rng.uniform(0.6, 1.0) * a.words, rng, spare)
        cut = rng.randint(0, len(filler))
        page = [a.title, *filler[:cut], *paras, *filler[cut:]]
    elif kind == "writethru":
        page = _writethru(a, paras, rng, spare)
    elif kind == "truncated-quarter":
        # the first sentences holding 25-50% of the words, at least three sentences
        kept = _truncate_sentences(paras, 0.25, 0.5, rng)
        while sum(len(sentence_texts(p)) for p in kept) < 3:
            kept = _truncate_sentences(paras, 0.25 + 0.05 * len(kept), 0.5, rng)
        page = _with_chrome(a, kept, rng, date, subheads=False)
    elif kind == "embedded-long":
        # 1-3x as much other text as the story, from one or more unused articles
        filler = _filler(rng.uniform(1.0, 3.0) * a.words, rng, spare)
        cut = rng.randint(0, len(filler))
        page = [a.title, *filler[:cut], *paras, *filler[cut:]]
    elif kind == "writethru-partial":
        page = _partial_writethru(a, paras, rng, spare)
    elif kind == "edited":
        edited = [_light_edit(p, rng, 1 / 15) for p in paras]
        page = _with_chrome(a, edited, rng, date, subheads=rng.random() < 0.5)
    else:
        raise ValueError(kind)
    return _copy_document(a, f"copy{n:04d}:{kind}", page, date, rng)


def _filler(cap: float, rng: random.Random, spare: _Spares) -> list[str]:
    """About `cap` words of other text: the first sentences of one unused article longer than
    that, or whole unused articles one after the other when none is left."""
    try:
        donor = spare.take(min_words=int(cap) + 1)
        return _truncate_sentences(donor.paragraphs, 1.0, 1.0, rng, cap=cap)
    except RuntimeError:
        pass
    filler: list[str] = []
    while sum(len(p.split()) for p in filler) < cap:
        left = cap - sum(len(p.split()) for p in filler)
        donor = spare.take()
        filler += _truncate_sentences(donor.paragraphs, 1.0, 1.0, rng, cap=left) or [
            donor.paragraphs[0]
        ]
    return filler


def _partial_writethru(a: _BBC, paras: list[str], rng: random.Random, spare: _Spares) -> list[str]:
    """A later version keeping 30-60% of the original's paragraphs (in order, a few words
    edited), the others replaced by paragraphs of unused same-category articles."""
    new: list[str] = []
    while len(new) < len(paras):
        try:
            donor = spare.take(a.category)
        except RuntimeError:  # same-category spares used up: any unused article
            donor = spare.take()
        new += [p for p in donor.paragraphs if len(p.split()) >= 8]
    n = len(paras)
    original = prepare([a.title, *paras])
    best: tuple[float, list[str]] = (-1.0, [])
    for _ in range(200):
        keep_n = max(2, min(n - 1, round(rng.uniform(0.3, 0.6) * n)))
        keep = set(rng.sample(range(n), keep_n))
        share = sum(len(paras[i].split()) for i in keep) / a.words
        if not 0.3 <= share <= 0.6:
            continue
        fresh = iter(new)
        out = [
            _light_edit(p, rng, 0.03) if i in keep else next(fresh, "") for i, p in enumerate(paras)
        ]
        page = [rng.choice(_HEADLINE_PREFIXES) + a.title, *(p for p in out if p)]
        # clearly a copy by the definition, checked with the sentence aligner: >= 4 shared
        # sentences, >= 3 of them not quotations, >= 0.3 of the shorter page
        al = align(original, prepare(page))
        margin = min(al.shorter_cover - 0.3, al.shared_sentences - 4, al.shared_narrative - 3)
        if margin >= 0:
            return page
        if margin > best[0] or not best[1]:
            best = (margin, page)
    raise _NoClearCopy(a.id)


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
