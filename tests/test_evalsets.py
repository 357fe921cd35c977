"""The evaluation sets of the quality benchmark (`benchmarks.evalsets`) and their data helper.

The labelling rules are tested on small hand-written pages (no data needed); the real sets are
built only when their data sets are present (``../shared/data`` or ``$DEDUP_DATA``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from benchmarks import data
from benchmarks.evalsets import SETS, EvalSet, html_pages
from benchmarks.evalsets.alignment import (
    Alignment,
    _group_pairs,
    _SentenceWords,
    align,
    body_paragraphs,
    candidate_pairs,
    covered_sentences,
    label_alignment,
    label_by_alignment,
    prepare,
    sentence_texts,
    words_of,
)
from benchmarks.evalsets.comparisons import READ_PAIRS
from dedup.model import Document

# ---------------------------------------------------------------------------------------------
# Hand-written story material: every sentence its own paragraph, distinct vocabulary per story
# ---------------------------------------------------------------------------------------------


def _sentence(topic: str, k: int, n: int = 15) -> str:
    """A sentence of `n` words, unique to (topic, k), capitalised and ending in a full stop."""
    body = " ".join(f"{topic}{k}w{i}" for i in range(n - 1))
    return f"{body.capitalize()} ends."


def _story(topic: str, n: int, words: int = 15) -> list[str]:
    return [_sentence(topic, k, words) for k in range(n)]


def _reword(sentence: str) -> str:
    """The same sentence with its second word replaced (Dice 14/15 on 15 words)."""
    w = sentence.split()
    w[1] = "changed"
    return " ".join(w)


def _label(a: list[str], b: list[str]) -> str:
    """The label label_by_alignment gives the pair (a, b): copy, ignore or distinct."""
    gold, ignore, _ = label_by_alignment({"a": a, "b": b})
    pair = frozenset(("a", "b"))
    if pair in gold:
        return "copy"
    if pair in ignore:
        return "ignore"
    return "distinct"


CHROME = [
    "By Sarah Mitchell, Staff Reporter",
    "Helsinki leaders meet at the palace for the summit (AP Photo/Alexander Zemlianichenko)",
    "Sign up for our morning newsletter and get the day's top stories in your inbox every day.",
    "Read more stories like this one from our award-winning team of reporters in the field.",
    "Share this article",
]


# ---------------------------------------------------------------------------------------------
# Sentences, words, body text
# ---------------------------------------------------------------------------------------------


def test_words_are_lower_case_word_runs() -> None:
    assert words_of("Trump-Putin SUMMIT, 2018: it's on!") == [
        "trump",
        "putin",
        "summit",
        "2018",
        "it",
        "s",
        "on",
    ]


def test_sentence_texts_keep_abbreviations_whole() -> None:
    para = "Mr. Putin met U.S. President Trump. They talked for two hours! R. Kelly was not there."
    assert sentence_texts(para) == [
        "Mr. Putin met U.S. President Trump.",
        "They talked for two hours!",
        "R. Kelly was not there.",
    ]


def test_wire_dateline_is_removed_before_matching() -> None:
    # the same story with and without "HELSINKI (AP) — ": the sentence matches exactly
    lede = "President Donald Trump and Russian President Vladimir Putin met in Helsinki on Monday."
    with_dateline = prepare(["HELSINKI (AP) \u2014 " + lede])
    without = prepare([lede])
    assert with_dateline.all_keys == without.all_keys
    assert covered_sentences(with_dateline, without) == [True]


@pytest.mark.parametrize(
    "paragraph",
    [
        "Helsinki leaders meet at the palace for the summit (AP Photo/Alexander Zemlianichenko)",
        "Trump and Putin arrive for their meeting in the palace. (Lehtikuva via AP)",
        "Trump and Putin shake hands before the talks begin in Finland, Getty Images reports here",
        "Sign up for our daily newsletter to get the latest headlines delivered to you each day",
        "Copyright 2018 The Associated Press and its partners, with every reservation in place.",
        "Image 3 of 12 shows the motorcade arriving at the presidential palace in Helsinki",
        "Read more about the summit and the reaction in Washington on our live coverage page",
        "Related stories on the summit, the meddling probe and the Russian election hacking case",
    ],
)
def test_furniture_paragraphs_are_not_body_text(paragraph: str) -> None:
    assert len(paragraph.split()) >= 8  # long enough: dropped as furniture, not for its length
    assert body_paragraphs([paragraph]) == []


def test_body_paragraphs_drop_short_and_repeated_paragraphs() -> None:
    seven = "One two three four five six seven."
    eight = "One two three four five six seven eight."
    story = _sentence("story", 0)
    # a repeat differing only in case and punctuation is still the same paragraph
    assert body_paragraphs([seven, eight, story, story.upper().rstrip(".")]) == [eight, story]


# ---------------------------------------------------------------------------------------------
# Sentence matching (covered_sentences)
# ---------------------------------------------------------------------------------------------


def _sentence_of(words: list[str]) -> str:
    return " ".join(words).capitalize() + "."


@pytest.mark.parametrize(
    ("size", "shared", "expected"),
    [(10, 7, True), (10, 6, False), (25, 18, True), (25, 17, False)],
)
def test_near_sentence_matches_from_dice_0_7(size: int, shared: int, expected: bool) -> None:
    # two `size`-word sentences sharing `shared` words: Dice = 2 * shared / (2 * size):
    # 0.7 and 0.72 match, 0.6 and 0.68 do not
    ours = [f"word{i}" for i in range(size)]
    theirs = ours[:shared] + [f"other{i}" for i in range(size - shared)]
    x, y = prepare([_sentence_of(ours)]), prepare([_sentence_of(theirs)])
    assert covered_sentences(x, y) == [expected]


def test_short_sentences_match_only_beside_a_matched_sentence() -> None:
    long_s = _sentence("long", 0)
    short = "Huge ratings followed."  # 3 words: below MIN_MATCH_SENTENCE_WORDS (6)
    x = prepare([f"{long_s} {short}"])
    # beside the matched long sentence, the short one counts
    assert covered_sentences(x, prepare([f"{long_s} {short}"])) == [True, True]
    # the long one missing: the same short sentence on its own does not count
    other = prepare([f"{_sentence('other', 0)} {short}"])
    assert covered_sentences(x, other) == [False, False]


def test_short_sentence_needs_an_exact_match() -> None:
    # 5-word sentences: the reworded one is not matched even beside a matched long sentence
    long_s = _sentence("long", 0)
    x = prepare([f"{long_s} Ratings rose by ten points."])
    y = prepare([f"{long_s} Ratings fell by ten points."])
    assert covered_sentences(x, y) == [True, False]


def test_six_word_sentence_matches_on_its_own() -> None:
    six = "Officials confirmed the meeting took place."
    x = prepare([f"{_sentence('mine', 0)} {six}"])
    y = prepare([f"{_sentence('theirs', 0)} {six}"])
    assert covered_sentences(x, y) == [False, True]


def test_no_body_or_empty_other_page_covers_nothing() -> None:
    story = prepare(_story("s", 3))
    assert covered_sentences(prepare(["too short to be body"]), story) == []
    assert covered_sentences(story, prepare([])) == [False, False, False]


def test_shared_counts_equal_word_set_intersections() -> None:
    rng = np.random.default_rng(7)
    vocab = [f"w{i}" for i in range(40)]
    mine = [list(rng.choice(vocab, size=rng.integers(1, 15))) for _ in range(9)]
    theirs = [list(rng.choice(vocab, size=rng.integers(1, 15))) for _ in range(6)]
    counts = _SentenceWords.of(mine).shared_counts(_SentenceWords.of(theirs))
    expected = [[len(set(a) & set(b)) for b in theirs] for a in mine]
    assert counts.dtype == np.float64
    assert counts.tolist() == expected
    # nothing in common: a zero matrix of the right shape
    none = _SentenceWords.of([["zzz"]]).shared_counts(_SentenceWords.of(theirs))
    assert none.shape == (1, 6) and not none.any()


# ---------------------------------------------------------------------------------------------
# The rule (label_alignment) at its thresholds
# ---------------------------------------------------------------------------------------------


def _al(
    cover_a: float, cover_b: float, body_a: int, body_b: int, sents: int = 3, narrative: int = 3
) -> Alignment:
    return Alignment(cover_a, cover_b, body_a, body_b, sents, sents, narrative, narrative)


@pytest.mark.parametrize(
    ("al", "expected"),
    [
        # copy: >= 3 shared sentences, >= 2 of them not quotations, >= 1/4 of the shorter body
        (_al(0.25, 0.1, 200, 500), "copy"),
        (_al(0.24, 0.9, 200, 500), "distinct"),  # the shorter page 0.24 shared
        (_al(0.25, 0.1, 200, 500, sents=2, narrative=2), "distinct"),  # two sentences
        (_al(0.7, 0.9, 200, 200, sents=3, narrative=1), "distinct"),  # mostly shared quotes
        (_al(0.8, 0.9, 200, 200, sents=3, narrative=1), "copy"),  # ... on nearly the same page
        (_al(0.9, 0.9, 200, 200, sents=3, narrative=2), "copy"),
        # the shorter page decides, whichever side is less covered
        (_al(0.1, 0.3, 1000, 100), "copy"),  # 100-word page 0.3 inside a long page
        (_al(0.3, 0.1, 1000, 100), "distinct"),  # the 100-word page only 0.1 shared
        (_al(0.2, 0.3, 100, 100), "distinct"),  # same length: the less covered side
    ],
)
def test_label_alignment_thresholds(al: Alignment, expected: str) -> None:
    assert label_alignment(al) == expected


def test_shared_sentences_count_the_side_with_fewer() -> None:
    al = Alignment(0.5, 0.5, 100, 100, 5, 3, 4, 1)
    assert (al.shared_sentences, al.shared_narrative) == (3, 1)
    assert label_alignment(al) == "distinct"


def test_alignment_low_high_and_shared_words() -> None:
    al = _al(0.25, 0.75, 400, 100)
    assert (al.low, al.high, al.shared_words) == (0.25, 0.75, 75.0)


# ---------------------------------------------------------------------------------------------
# Labelled pairs of hand-written pages (label_by_alignment)
# ---------------------------------------------------------------------------------------------


def test_copy_with_new_headline_and_added_chrome_is_a_copy() -> None:
    story = ["Trump and Putin meet in Helsinki", *_story("summit", 8)]
    copy = ["UPDATE 2-Trump, Putin open summit in Finland", *CHROME[:2], *story[1:], *CHROME[2:]]
    assert _label(story, copy) == "copy"
    assert align(prepare(story), prepare(copy)) == _al(1.0, 1.0, 120, 120, 8, 8)


def test_page_running_a_quarter_of_a_story_is_a_copy() -> None:
    story = _story("story", 12)  # 180 body words
    assert _label(story, [*CHROME[:2], *story[:3]]) == "copy"  # 3 sentences: the whole page
    assert _label(story, story[:2]) == "distinct"  # two sentences only
    # a long page holding 3 of the story's 12 sentences (a quarter of the shorter, the story)
    assert _label(story, [*story[:3], *_story("other", 20)]) == "copy"
    assert _label(story, [*story[:2], *_story("other", 20)]) == "distinct"
    # under a quarter of the shorter page: 3 sentences of 13 (0.23)
    assert _label([*story, _sentence("extra", 0)], [*story[:3], *_story("o", 20)]) == "distinct"


def test_headline_lines_are_not_body_text() -> None:
    # a 9-word headline without a full stop is furniture: two stories under one headline share
    # nothing
    head = "Trump and Putin meet in Helsinki for summit talks"
    a = [head, *_story("first", 6)]
    b = [head, *_story("second", 6)]
    assert align(prepare(a), prepare(b)).shared_words == 0
    assert _label(a, b) == "distinct"


def test_wire_photo_captions_are_not_body_text() -> None:
    caption = (
        "U.S. President Donald Trump arrives at the airport in Helsinki, Finland, Sunday, "
        "July 15, 2018 on the eve of his meeting with Russian President Vladimir Putin."
    )
    assert body_paragraphs([caption]) == []
    a = [caption, caption.replace("arrives at", "waves at"), *_story("first", 6)]
    b = [caption, caption.replace("arrives at", "waves at"), *_story("second", 6)]
    assert _label(a, b) == "distinct"


def test_two_articles_quoting_the_same_statement_are_distinct() -> None:
    quote = (
        '"We discussed the issues of strategic stability and the situation in Syria at length '
        'today," Putin told reporters after the meeting.'
    )
    a = [*_story("first", 8), quote]
    b = [quote, *_story("second", 10)]
    assert _label(a, b) == "distinct"
    assert ("a", "b") in candidate_pairs({"a": prepare(a), "b": prepare(b)})  # it was aligned


def test_shared_background_paragraph_is_distinct() -> None:
    background = _sentence("background", 0, 40)  # a 40-word paragraph: >= 40 shared words
    a = [*_story("first", 12), background]
    b = [background, *_story("second", 14)]
    al = align(prepare(a), prepare(b))
    assert al.shared_words == 40 and al.low < 0.2
    assert _label(a, b) == "distinct"


def test_same_photo_caption_on_different_stories_is_distinct() -> None:
    caption = (
        "Helsinki leaders meet at the palace for the summit (AP Photo/Alexander Zemlianichenko)"
    )
    a = [caption, *_story("first", 6)]
    b = [caption, *_story("second", 6)]
    assert align(prepare(a), prepare(b)) == _al(0.0, 0.0, 90, 90, 0, 0)
    assert _label(a, b) == "distinct"
    # the same sentence as body text would be shared
    story_line = caption.removesuffix(" (AP Photo/Alexander Zemlianichenko)") + " today."
    assert align(prepare([story_line, *a[1:]]), prepare([story_line, *b[1:]])).cover_a > 0


def test_digest_item_is_a_copy_only_when_it_is_a_quarter_of_the_shorter_page() -> None:
    # a round-up of one-paragraph items, one of them the first paragraph (3 sentences) of a story
    story = [" ".join(_story("lede", 3)), *_story("rest", 12)]  # 225 words, 15 sentences
    items = [" ".join(_story(f"item{k}", 3)) for k in range(6)]
    digest = [*items[:3], story[0], *items[3:]]  # 7 items, 315 words
    al = align(prepare(story), prepare(digest))
    assert al.shared_sentences == 3 and al.shorter_cover == 0.2
    assert _label(story, digest) == "distinct"
    # a short story (4 sentences) whose first 3 are the item: the substantial part of it
    short = [story[0], _sentence("tail", 0)]
    assert _label(short, digest) == "copy"


def test_shared_quotes_and_tweets_do_not_make_a_copy() -> None:
    quotes = [f'"{_sentence("quote", k)[:-1]}," the company said in a statement.' for k in range(4)]
    a = [*_story("first", 6), *quotes]
    b = [*quotes, *_story("second", 6)]
    al = align(prepare(a), prepare(b))
    assert al.shared_sentences == 4 and al.shared_narrative == 0 and al.low >= 0.25
    assert _label(a, b) == "distinct"
    # the same text shared as the article's own words is a copy
    own = [q.replace('"', "") for q in quotes]
    assert _label([*_story("first", 6), *own], [*own, *_story("second", 6)]) == "copy"
    # an embedded tweet: the paragraph above a tweet signature line is a quotation
    tweet = [
        "Heading to Helsinki, Finland, and looking forward to meeting the President tomorrow.",
        "\u2014 Donald J. Trump (@realDonaldTrump) July 15, 2018",
    ]
    tweets = [t for k in range(3) for t in (f"{tweet[0][:-1]} number {k}.", tweet[1])]
    x, y = [*_story("first", 4), *tweets], [*tweets, *_story("second", 4)]
    al = align(prepare(x), prepare(y))
    assert al.shared_sentences == 3 and al.shared_narrative == 0
    assert _label(x, y) == "distinct"


def test_identical_pages_are_copies_even_without_body_text() -> None:
    # a photo page: every paragraph under 8 words, so no body text; 20 words in all
    page = ["Photos: the Helsinki summit", "Trump arrives at the palace", *(["Putin waves"] * 5)]
    page.append("Crowds")
    assert prepare(page).body_words == 0 and prepare(page).total_words == 20
    assert _label(page, list(page)) == "copy"
    # 19 words: identical, but too little text: ignored (same furniture) rather than a copy
    assert prepare(page[:-1]).total_words == 19
    assert _label(page[:-1], page[:-1]) == "ignore"


def test_story_less_pages_with_the_same_furniture_are_ignored() -> None:
    furniture = [f"Gallery caption number {k} from the summit (Lehtikuva via AP)" for k in range(4)]
    a = ["Trump and Putin meet", *furniture]
    b = ["Summit opens without talk of meddling", *furniture]
    assert _label(a, b) == "ignore"
    # the same pages with different furniture: distinct
    other = [f"Different caption {k} for another story (Reuters/Someone)" for k in range(4)]
    assert _label(a, ["Summit opens", *other]) == "distinct"


def test_copy_groups_align_pairs_sharing_only_reworded_sentences() -> None:
    s = _story("wire", 8)
    a = s[:4] + [_reword(x) for x in s[4:]]
    b = s
    c = [_reword(x) for x in s[:4]] + s[4:]
    prepared = {k: prepare(v) for k, v in {"a": a, "b": b, "c": c}.items()}
    assert ("a", "c") not in candidate_pairs(prepared)  # no exact sentence in common
    gold, ignore, aligned = label_by_alignment({"a": a, "b": b, "c": c})
    assert ("a", "c") in aligned
    assert gold == {frozenset(p) for p in (("a", "b"), ("b", "c"), ("a", "c"))}
    assert ignore == set()


def test_group_pairs_are_all_pairs_of_each_component() -> None:
    links = {frozenset(p) for p in (("b", "a"), ("c", "b"), ("x", "y"))}
    assert _group_pairs(links) == {("a", "b"), ("a", "c"), ("b", "c"), ("x", "y")}


def test_labels_do_not_depend_on_input_order() -> None:
    s = _story("wire", 8)
    pages = {
        "p1": s,
        "p2": s[:5],
        "p3": [*CHROME, *s],
        "p4": _story("other", 8),
        "p5": [*s[:2], *_story("x", 6)],
    }
    forward = label_by_alignment(pages)
    backward = label_by_alignment(dict(reversed(list(pages.items()))))
    assert forward[:2] == backward[:2]
    assert frozenset(("p1", "p3")) in forward[0]


# ---------------------------------------------------------------------------------------------
# EvalSet, HTML pages, the data directory
# ---------------------------------------------------------------------------------------------


def _docs(*ids: str) -> list[Document]:
    return [Document(id=i, text=f"Title {i}\n\nBody of {i}.", site="example.com") for i in ids]


def test_evalset_rejects_inconsistent_labels() -> None:
    with pytest.raises(ValueError, match="duplicate document ids"):
        EvalSet("s", _docs("a", "a"), set())
    with pytest.raises(ValueError, match="bad pair"):
        EvalSet("s", _docs("a", "b"), {frozenset(("a", "z"))})
    with pytest.raises(ValueError, match="both gold and ignored"):
        pair = frozenset(("a", "b"))
        EvalSet("s", _docs("a", "b"), {pair}, {pair})


def test_html_pages_map_paths_back_to_documents(tmp_path: Path) -> None:
    es = EvalSet("s", _docs("a", "b", "c"), {frozenset(("a", "b"))})
    mapping = html_pages(es, tmp_path / "one")
    assert list(mapping.values()) == ["a", "b", "c"]
    assert list(mapping) == [str(tmp_path / "one" / f"{i:04d}.html") for i in range(3)]
    page = Path(next(iter(mapping))).read_text("utf-8")
    assert "<h1>Title a</h1>" in page and "<p>Body of a.</p>" in page
    assert '<meta property="og:site_name" content="example.com">' in page
    # the same set renders to the same bytes (seeded by the set's name)
    again = html_pages(es, tmp_path / "two")
    for p1, p2 in zip(mapping, again, strict=True):
        assert Path(p1).read_bytes() == Path(p2).read_bytes()


def test_data_dir_defaults_beside_the_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(data.DATA_ENV, raising=False)
    root = Path(__file__).resolve().parents[1]
    assert data.data_dir() == root.parent / "shared" / "data"


def test_dataset_dir_honours_dedup_data(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "news_bbc_2225").mkdir()
    monkeypatch.setenv("DEDUP_DATA", str(tmp_path))
    assert data.dataset_dir("news_bbc_2225") == tmp_path / "news_bbc_2225"


def test_missing_data_set_is_a_one_line_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DEDUP_DATA", str(tmp_path))
    with pytest.raises(data.MissingDataError) as info:
        data.dataset_dir("news_bbc_2225")
    message = str(info.value)
    assert "\n" not in message
    assert str(tmp_path / "news_bbc_2225") in message and "DEDUP_DATA" in message
    assert isinstance(info.value, FileNotFoundError)


# ---------------------------------------------------------------------------------------------
# The real sets (only when their data is present)
# ---------------------------------------------------------------------------------------------

_SET_DATA = {
    "planted_bbc": "news_bbc_2225",
    "articlecomparisons": "news_syndication_articlecomparisons",
    "reuters_exact": "news_reuters21578",
}
#: name -> (documents, gold pairs, ignored pairs), as recorded in benchmarks/README.md
_SET_SIZES = {
    "planted_bbc": (1375, 655, 0),
    "articlecomparisons": (680, 1495, 11),
    "reuters_exact": (4584, 94, 235),
}


def _needs_data(name: str) -> pytest.MarkDecorator:
    folder = data.data_dir() / _SET_DATA[name]
    return pytest.mark.skipif(
        not folder.is_dir(),
        reason=f"{folder} (real evaluation data, ../shared/data or $DEDUP_DATA) is not present",
    )


_REAL = [pytest.param(name, marks=_needs_data(name)) for name in _SET_DATA]
_built: dict[str, EvalSet] = {}


def _build(name: str) -> EvalSet:
    if name not in _built:
        _built[name] = SETS[name]()
    return _built[name]


def _fingerprint(es: EvalSet) -> tuple[object, ...]:
    docs = [(d.id, d.text, d.url, d.site, d.title, d.date) for d in es.docs]
    return (es.name, docs, es.gold, es.ignore, es.kinds, es.notes)


def test_every_set_has_its_data_set() -> None:
    assert set(SETS) == set(_SET_DATA) == set(_SET_SIZES)


@pytest.mark.parametrize("name", _REAL)
def test_real_set_sizes(name: str) -> None:
    es = _build(name)
    assert es.name == name
    assert (len(es.docs), len(es.gold), len(es.ignore)) == _SET_SIZES[name]
    if name == "planted_bbc":  # built in random order, then sorted by id
        ids = [d.id for d in es.docs]
        assert ids == sorted(ids)


@pytest.mark.parametrize("name", _REAL)
def test_real_set_is_deterministic(name: str) -> None:
    assert _fingerprint(SETS[name]()) == _fingerprint(_build(name))


@pytest.mark.skipif(
    not (data.data_dir() / _SET_DATA["planted_bbc"]).is_dir(),
    reason="news_bbc_2225 (real evaluation data) is not present",
)
def test_planted_copies_share_their_story_group() -> None:
    es = _build("planted_bbc")
    kinds = es.kinds
    assert set(kinds.values()) >= {"original", "chrome", "truncated", "related"}
    # every planted copy is gold with at least one original; no distractor is in a gold pair
    for pair in es.gold:
        assert not any(kinds.get(i) in ("distractor", "template") for i in pair), sorted(pair)
    copies = [i for i, k in kinds.items() if i.startswith("copy")]
    for c in copies:
        assert any(
            kinds.get(other) == "original" for pair in es.gold if c in pair for other in pair
        ), c


@pytest.mark.skipif(
    not (data.data_dir() / _SET_DATA["articlecomparisons"]).is_dir(),
    reason="news_syndication_articlecomparisons (real evaluation data) is not present",
)
def test_articlecomparisons_labels_follow_the_pairs_read() -> None:
    es = _build("articlecomparisons")
    assert len(READ_PAIRS) >= 40
    for a, b, label, reason in READ_PAIRS:
        pair = frozenset((a, b))
        got = "copy" if pair in es.gold else "ignore" if pair in es.ignore else "distinct"
        assert got == label, (a, b, reason)
    # the rule agrees with every pair read (no override needed)
    assert "0 overriding" in es.notes
    # ignored pairs are only story-less pages: a handful, none with a story on both sides
    assert len(es.ignore) <= 20


_HARD_KINDS = ("truncated-quarter", "embedded-long", "writethru-partial")
_TRAPS = ("trap-background", "trap-quote", "trap-roundup", "template", "related")


@pytest.mark.skipif(
    not (data.data_dir() / _SET_DATA["planted_bbc"]).is_dir(),
    reason="news_bbc_2225 (real evaluation data) is not present",
)
def test_planted_hard_kinds_and_traps_are_labelled_by_the_definition() -> None:
    es = _build("planted_bbc")
    docs = {d.id: d for d in es.docs}
    by_kind: dict[str, list[str]] = {}
    for doc_id, kind in es.kinds.items():
        by_kind.setdefault(kind, []).append(doc_id)
    for kind in (*_HARD_KINDS, "trap-background", "trap-quote", "trap-roundup", "template"):
        assert len(by_kind[kind]) >= 40, kind
        assert all(i.endswith(":" + kind.removeprefix("trap-")) for i in by_kind[kind][:1]) or (
            kind == "template"
        )
    prepared = {i: prepare(d.text.split("\n\n")) for i, d in docs.items()}

    def label(a: str, b: str) -> str:
        return label_alignment(align(prepared[a], prepared[b]))

    gold_of: dict[str, set[str]] = {}
    for pair in es.gold:
        a, b = sorted(pair)
        gold_of.setdefault(a, set()).add(b)
        gold_of.setdefault(b, set()).add(a)
    # every hard copy is gold with exactly its original, and a copy by the aligner
    for kind in _HARD_KINDS:
        for c in by_kind[kind]:
            (orig,) = gold_of[c]
            assert es.kinds[orig] == "original"
            assert label(c, orig) == "copy", (c, orig)
    # truncations down to a quarter: the page holds 25-50% of the story's words, >= 3 sentences
    shares = []
    for c in by_kind["truncated-quarter"]:
        (orig,) = gold_of[c]
        assert sum(len(p) for p in prepared[c].body) >= 3
        shares.append(prepared[c].body_words / prepared[orig].body_words)
    # (shares of body words: 25-50% of all words by construction, a little more where the
    # original has paragraphs that are not body text)
    assert max(shares) < 0.9 and sorted(shares)[len(shares) * 4 // 5] < 0.55
    assert min(shares) < 0.3
    # traps are in no gold pair, and every pair of them sharing a sentence is distinct
    trap_ids = {i for k in _TRAPS if k != "related" for i in by_kind[k]}
    assert not any(pair & trap_ids for pair in es.gold)
    shared = candidate_pairs(prepared)
    trap_pairs = [(a, b) for a, b in shared if {a, b} & trap_ids]
    assert len(trap_pairs) >= 40 + 20 + 20  # roundups x originals, background and quote pairs
    for a, b in trap_pairs:
        assert label(a, b) == "distinct", (a, b)
    # background paragraphs are under a fifth of each host; quotes are one or two sentences
    for a, b in shared:
        if es.kinds.get(a) == es.kinds.get(b) == "trap-background":
            al = align(prepared[a], prepared[b])
            assert al.high < 0.2 and al.shared_sentences >= 2
    # site templates: >= 6 pages of one site, 60-100 words of shared template text
    sites: dict[str, int] = {}
    for i in by_kind["template"]:
        sites[docs[i].site or ""] = sites.get(docs[i].site or "", 0) + 1
    assert min(sites.values()) >= 6
    # no pair outside the gold is a copy by the aligner
    for a, b in shared:
        if frozenset((a, b)) not in es.gold:
            assert label(a, b) == "distinct", (a, b)


def test_quality_reports_per_kind_and_coverage_band() -> None:
    from benchmarks.quality import Run, per_kind, recall_by_coverage

    docs = _docs("o", "c", "t1", "t2")
    gold = {frozenset(("o", "c"))}
    kinds = {"o": "original", "c": "truncated-quarter", "t1": "trap-quote", "t2": "trap-quote"}
    es = EvalSet("s", docs, gold, kinds=kinds, coverage={frozenset(("o", "c")): 0.3})
    run = Run(es, "text", "dedup", {frozenset(("t1", "t2")), frozenset(("o", "t1"))}, 0.0)
    ks = {k.kind: k for k in per_kind(run)}
    assert (ks["truncated-quarter"].gold, ks["truncated-quarter"].found) == (1, 0)
    assert (ks["trap-quote"].predicted, ks["trap-quote"].false) == (2, 2)
    assert ks["trap-quote"].precision == 0.0 and ks["trap-quote"].recall is None
    bands = recall_by_coverage(run, es.coverage)
    assert ("0.25-0.50", 1, 0) in bands
    found = Run(es, "text", "dedup", set(gold), 0.0)
    assert ("0.25-0.50", 1, 1) in recall_by_coverage(found, es.coverage)
