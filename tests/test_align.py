"""Passage alignment and what it reads: layouts, sentences, quotations, furniture, site
templates and passage candidates (`dedup.align`, `dedup.shingle`, `dedup.furniture`,
`dedup.templates`, `dedup.candidates`)."""

from __future__ import annotations

import json

import numpy as np
import pytest

import dedup
from dedup import align
from dedup.candidates import passage_pairs
from dedup.config import ScanConfig, TemplateConfig, VerifyConfig
from dedup.furniture import furniture_batch, furniture_lines
from dedup.model import Document, Layout
from dedup.normalize import tokens
from dedup.prepare import prepare_chunk
from dedup.templates import learn
from dedup.verify import Shingled, compare, verified
from tests.conftest import FIXTURES

STORIES = {s["id"]: s for s in json.loads((FIXTURES / "bbc_stories.json").read_text())["stories"]}
CFG = ScanConfig()


def _shingled(*texts: str, site: str | None = None) -> list[Shingled]:
    batch = prepare_chunk(
        [Document(id=f"d{i}", text=t, site=site) for i, t in enumerate(texts)], CFG
    )
    return [Shingled(s, lay, site) for s, lay in zip(batch.sets, batch.layouts, strict=True)]


def _norm(text: str) -> list[str]:
    return tokens(text)


def _paragraphs(story: str) -> list[str]:
    return [p for p in story.split("\n") if p.strip()]


def test_passages_point_at_the_same_words_in_both_texts() -> None:
    story = STORIES["politics/020"]["text"]
    paras = _paragraphs(story)
    chrome = "Home | News | Sport\n\nBy Staff Reporter\n\n"
    copy = chrome + "\n\n".join(paras[: len(paras) // 2]) + "\n\nLeave a comment"
    a, b = _shingled(copy, story)
    al = compare(a, b, CFG.verify, CFG.shingle.shingle_size)
    assert al.passages
    for p in al.passages:
        assert _norm(copy[p.a_start : p.a_end]) == _norm(story[p.b_start : p.b_end])
        assert p.a_words == len(_norm(copy[p.a_start : p.a_end]))
    # the copy holds the first half of the paragraphs: that is what it shares
    assert al.coverage_a > 0.8 and 0.2 < al.coverage_b < 0.7


def test_offsets_are_the_texts_own_where_normalisation_changes_them() -> None:
    """NFKC and case folding change lengths ("ﬁ" -> "fi", "ß" -> "ss", an emoji is two UTF-16
    units): offsets are still into the text as given."""
    base = _paragraphs(STORIES["tech/040"]["text"])
    weird = "😀 Straße ﬁnal ﬁgures — « quoted » …\n\n"
    a_text = weird + "\n\n".join(base)
    b_text = "Other words here.\n\n" + "\n\n".join(base)
    a, b = _shingled(a_text, b_text)
    al = compare(a, b, CFG.verify, CFG.shingle.shingle_size)
    assert al.passages
    for p in al.passages:
        assert _norm(a_text[p.a_start : p.a_end]) == _norm(b_text[p.b_start : p.b_end])
    words = [a_text[s:e] for s, e in zip(a.layout.starts, a.layout.ends, strict=True)]
    assert words[:5] == ["😀", "Straße", "ﬁnal", "ﬁgures", "quoted"] or words[:4] == [
        "Straße",
        "ﬁnal",
        "ﬁgures",
        "quoted",
    ]


def test_alignment_does_not_depend_on_which_side_asks() -> None:
    story = STORIES["business/010"]["text"]
    a, b = _shingled(story[: len(story) // 2] + " Extra words at the end of this page.", story)
    assert compare(a, b, CFG.verify, 5) == compare(b, a, CFG.verify, 5).swapped()


def test_layout_round_trips_through_one_array_and_refuses_a_wrong_one() -> None:
    (x,) = _shingled("A caption here (AP Photo/Jane Doe)\nThe story begins. It goes on, he said.")
    back = Layout.from_array(x.layout.to_array())
    for name in ("order", "starts", "ends", "sentences", "quoted", "furniture"):
        assert np.array_equal(getattr(back, name), getattr(x.layout, name)), name
    with pytest.raises(ValueError):
        Layout.from_array(x.layout.to_array()[:-1])
    with pytest.raises(ValueError):
        Layout.from_array(np.array([1, 2], dtype=np.int32))


def test_sentences_keep_abbreviations_initials_and_decimals() -> None:
    text = (
        "The plan is for Mr. Trump and Sen. Mark Warner to meet in the U.S. capital soon. "
        "It rose 2.1 billion dlrs last week to a record. Then it fell again!\n\n"
        "A new paragraph starts here and ends here"
    )
    (x,) = _shingled(text)
    starts = [text[x.layout.starts[i] :][:12] for i in x.layout.sentences]
    assert starts == ["The plan is ", "It rose 2.1 ", "Then it fell", "A new paragr"]


def test_quotations_and_embedded_posts_are_marked() -> None:
    text = (
        'He said: "We will never give up this fight for our people, ever." Then he left.\n\n'
        '"A quote that opens the paragraph and runs on. It has two sentences."\n\n'
        "Our relationship with Russia has NEVER been worse thanks to many years of folly.\n\n"
        "— Donald J. Trump (@realDonaldTrump) July 16, 2018\n\n"
        "The summit opened on Monday in the Finnish capital, officials said."
    )
    (x,) = _shingled(text)
    got = {
        text[x.layout.starts[i] :][:10]: bool(q)
        for i, q in zip(x.layout.sentences, x.layout.quoted, strict=True)
    }
    assert got == {
        'He said: "': True,
        "Then he le": False,
        "A quote th": True,
        "It has two": True,
        "Our relati": True,
        "Donald J. ": True,
        "The summit": False,
    }


def test_shared_quotations_are_not_a_copy_but_shared_narrative_is() -> None:
    quote = " ".join(
        f'"{s}."'
        for s in (
            "We want peace in the region now",
            "The talks went well today and will go on",
            "Nobody expected this outcome at all here",
        )
    )
    own = _paragraphs(STORIES["politics/020"]["text"])[:2]
    other = _paragraphs(STORIES["sport/030"]["text"])[:2]
    a, b = _shingled(quote + "\n\n" + "\n\n".join(own), quote + "\n\n" + "\n\n".join(other))
    assert verified(a, b, CFG.verify, 5) is None


def test_photo_captions_are_furniture_not_shared_text() -> None:
    captions = "\n\n".join(
        f"President Donald Trump arrives at the airport in Helsinki, Finland, Sunday, July 15, "
        f"2018 on the eve of his meeting number {i} with Russian President Vladimir Putin. "
        f"(AP Photo/Pablo Martinez Monsivais)"
        for i in range(4)
    )
    a_story = "\n\n".join(_paragraphs(STORIES["politics/020"]["text"])[:3])
    b_story = "\n\n".join(_paragraphs(STORIES["tech/040"]["text"])[:3])
    a, b = _shingled(captions + "\n\n" + a_story, captions + "\n\n" + b_story)
    assert a.layout.furniture.size == 8  # four caption lines
    assert verified(a, b, CFG.verify, 5) is None
    # a credit alone on its line makes the line before it (the caption) furniture too
    text = "The story.\n\nA caption of the photo here\n\nPhoto: Mel Evans, AP\n\nMore story."
    spans = [text[s:e] for s, e in furniture_lines(text)]
    assert spans == ["A caption of the photo here", "Photo: Mel Evans, AP"]


def test_gallery_captions_are_furniture() -> None:
    """A gallery (as Hearst pages print AP photos): counters, the captions beside them and
    captions ending with the "less" / "... more" toggle; a story line ending with "more" is
    not one."""
    text = (
        "Story headline\n\nPhoto: Mel Evans, AP\n\nImage 1 of 4\n\n"
        "Nielsen addresses a convention in Philadelphia. She told the gathering so. less\n"
        "Nielsen addresses a convention in ... more\n\n"
        "Image 2 of 4\n\nMouse pads are seen on a vendor's table.\n\n"
        "The story says that prices rose and then fell once more\n\nThe end."
    )
    spans = [text[s:e] for s, e in furniture_lines(text)]
    assert "Image 1 of 4" in spans and "Image 2 of 4" in spans
    assert "Nielsen addresses a convention in Philadelphia. She told the gathering so. less" in (
        spans
    )
    assert "Nielsen addresses a convention in ... more" in spans
    assert "Mouse pads are seen on a vendor's table." in spans
    assert "The story says that prices rose and then fell once more" not in spans
    assert "The end." not in spans


def test_gallery_rule_keeps_hard_wrapped_body_lines_and_does_not_depend_on_batch_order() -> None:
    wrapped = (
        "Exports to the U.S. more\nthan tripled last year, the ministry said.\n"
        "The Social Democrats (SPD) more\nthan doubled their vote at 10 a.m. less\n"
        "than an hour after polls opened."
    )
    assert furniture_lines(wrapped) == []
    caption = "Intro line.\n\nNielsen addresses a convention in Philadelphia ... more"
    other = "Another text.\n\nIt has no gallery at all."
    first = furniture_batch([caption, other])[0]
    last = furniture_batch([other, caption])[1]
    assert first == last == furniture_lines(caption)
    assert [caption[s:e] for s, e in first] == [
        "Nielsen addresses a convention in Philadelphia ... more"
    ]


def _templated_pages(n: int) -> list[Document]:
    footer = (
        "Support independent journalism: subscribe to The Valley Gazette from just 3 pounds a "
        "month and get the morning edition delivered to your inbox every day. Our newsletter "
        "brings you the news, sport and weather of the valley every morning at seven. Read by "
        "forty thousand people in the county, it is the paper the valley trusts for its news."
    )
    ids = sorted(STORIES)[:n]
    return [
        Document(
            id=f"p{i}",
            text="\n\n".join(_paragraphs(STORIES[k]["text"])[:2]) + "\n\n" + footer,
            site="valleygazette.example",
        )
        for i, k in enumerate(ids)
    ]


def test_a_site_template_never_makes_two_of_its_pages_copies() -> None:
    pages = _templated_pages(6)
    assert dedup.scan(pages).stats.verified_pairs == 0
    off = ScanConfig(templates=TemplateConfig(enabled=False))
    assert dedup.scan(pages, off).stats.verified_pairs > 0  # the footer alone would link them


def test_the_same_page_crawled_five_times_is_not_a_template() -> None:
    page = "\n\n".join(_paragraphs(STORIES["business/010"]["text"]))
    docs = [Document(id=f"u{i}", text=page, site="one.example") for i in range(5)]
    batch = prepare_chunk(docs, CFG)
    t = learn([d.site for d in docs], batch.sets, CFG.templates)
    assert t.shingles == 0
    report = dedup.scan(docs)  # one text: matched once, every pair a copy
    assert report.stats.same_text == 4 and len(report.pairs()) == 10


def test_passage_index_finds_a_third_of_a_story_inside_a_long_page() -> None:
    story = _paragraphs(STORIES["politics/020"]["text"])
    filler = [p for k in sorted(STORIES)[5:12] for p in _paragraphs(STORIES[k]["text"])]
    page = "\n\n".join(filler[:12] + story[: max(3, len(story) // 3)] + filler[12:30])
    batch = prepare_chunk(
        [Document(id="story", text="\n\n".join(story)), Document(id="page", text=page)], CFG
    )
    c = CFG.candidates
    found = passage_pairs(batch.sets, c.sample, c.min_hits, c.max_df)
    assert found.tolist() == [[0, 1]]
    a, b = (Shingled(s, lay, None) for s, lay in zip(batch.sets, batch.layouts, strict=True))
    assert verified(a, b, VerifyConfig(), 5) is not None
    report = dedup.scan(
        [Document(id="story", text="\n\n".join(story)), Document(id="page", text=page)]
    )
    assert report.pairs() == {frozenset(("story", "page"))}


def test_fingerprints_on_too_many_documents_propose_nothing() -> None:
    sets = [np.array([0, 8, 16, 24, 1000 + i * 8], dtype=np.uint64) for i in range(5)]
    assert passage_pairs(sets, 8, 2, 64).shape[0] == 10
    assert passage_pairs(sets, 8, 2, 4).shape[0] == 0


def test_chinese_sentences_end_at_full_width_stops() -> None:
    """A full-width stop ends a sentence without a space after it; a copy of six of eight
    Chinese sentences is a copy."""
    sents = [
        "今天天气很好我们一起去公园散步吧。",
        "明天可能会下雨所以出门要记得带伞。",
        "后天是周末大家都可以在家里好好休息。",
        "市政府宣布将在下个月开放新的图书馆。",
        "这座图书馆拥有超过十万册中外文藏书。",
        "开馆当天将举行隆重的剪彩仪式和讲座。",
        "专家认为这将大大丰富市民的文化生活。",
        "有关部门表示还会继续建设更多公共设施。",
    ]
    (x,) = _shingled("".join(sents))
    assert x.layout.sentences.size == 8
    a, b = _shingled("".join(sents), "".join(sents[:6]) + "编辑：张三")
    assert verified(a, b, VerifyConfig(), 5) is not None


def _pairs_of_real_texts() -> list[tuple[Shingled, Shingled]]:
    """Pairs of real BBC stories and of their edited copies: cuts, reordered paragraphs, a
    changed or a dropped word in every paragraph, a paragraph printed twice, other stories
    around them."""
    stories = [STORIES[k]["text"] for k in sorted(STORIES)][:12]
    texts: list[str] = []
    for n, story in enumerate(stories):
        paras = _paragraphs(story)
        other = _paragraphs(stories[(n + 1) % len(stories)])
        edited = [
            " ".join(w if i != 3 else "changed" for i, w in enumerate(p.split())) for p in paras
        ]
        texts += [
            story,
            "\n\n".join(paras[: max(1, len(paras) // 3)]),
            "\n\n".join(paras[::-1]),
            "\n\n".join(edited),
            "\n\n".join(" ".join(p.split()[:3] + p.split()[4:]) for p in paras),
            "\n\n".join(other[:2] + paras[1:4] + paras[1:2] + other[2:4]),
        ]
    docs = _shingled(*texts)
    return [(docs[i], docs[j]) for i in range(len(docs)) for j in range(len(docs)) if i != j]


def _passages_by_runs(
    a: Shingled, b: Shingled, k: int, max_gap: int, mpw: int
) -> list[tuple[int, int, int, int]]:
    """Passages as the module describes them, step by step: runs of places consecutive in
    both texts, then a run joined to the one before it when it follows it in both texts
    within `max_gap` words."""
    ia, ib = align.common(a.set, b.set)
    pa, pb = align._places_any(a.set, a.layout, b.set, b.layout, ia, ib)
    runs: list[list[int]] = []  # [a first, a last, b first, b last]
    for x, y in zip(pa.tolist(), pb.tolist(), strict=True):
        if runs and x == runs[-1][1] + 1 and y == runs[-1][3] + 1:
            runs[-1][1], runs[-1][3] = x, y
        else:
            runs.append([x, x, y, y])
    passages: list[list[int]] = []
    for r in runs:
        if passages and (
            r[2] > passages[-1][3]
            and r[0] - (passages[-1][1] + k) <= max_gap
            and r[2] - (passages[-1][3] + k) <= max_gap
        ):
            passages[-1][1], passages[-1][3] = r[1], r[3]
        else:
            passages.append(list(r))
    out = []
    for a0, a_last, b0, b_last in passages:
        a1, b1 = min(a_last + k, a.layout.words), min(b_last + k, b.layout.words)
        if a1 - a0 >= mpw:
            out.append((a0, a1, b0, b1))
    return out


@pytest.mark.parametrize("max_gap", [0, 1, 3, 8])
def test_match_finds_the_passages_of_runs_joined_step_by_step(max_gap: int) -> None:
    """`match` cuts passages from the shared places in one step, and reads places directly
    where no shingle repeats: on real pairs both give what the two-step rule of the module
    (`_passages_by_runs`) and the general placing (`_places_any`) give."""
    k, mpw = CFG.shingle.shingle_size, CFG.verify.min_passage_words
    fast = 0
    for a, b in _pairs_of_real_texts():
        ia, ib = align.common(a.set, b.set)
        got = align._places(a.set, a.layout, b.set, b.layout, ia, ib)
        want = align._places_any(a.set, a.layout, b.set, b.layout, ia, ib)
        assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])
        fast += a.layout.order.size == a.set.size and b.layout.order.size == b.set.size
        mt = align.match(a.set, a.layout, b.set, b.layout, k, max_gap, mpw)
        cols = (mt.a0.tolist(), mt.a1.tolist(), mt.b0.tolist(), mt.b1.tolist())
        found = list(zip(*cols, strict=True))
        assert found == _passages_by_runs(a, b, k, max_gap, mpw)
    assert fast > 100  # the pairs exercise the no-repeat path...
    assert fast < len(_pairs_of_real_texts())  # ...and the general one
