"""One document per text: documents of one site with the same text are matched once and
listed beside the one kept (`dedup.ids.one_per_text`, `dedup.report.add_same_text`)."""

from __future__ import annotations

import json

import dedup
from dedup.output import render
from tests.conftest import SAMPLE

_RECORDS = [
    json.loads(x)
    for x in (SAMPLE / "articles" / "spotify.jsonl").read_text(encoding="utf-8").splitlines()
]


def _spaced(text: str, k: int) -> str:
    """`text` with its (k+1)-th space doubled."""
    parts = text.split(" ")
    return " ".join(parts[: k + 1]) + "  " + " ".join(parts[k + 1 :])


def _docs(spaced: bool) -> list[dedup.Document]:
    """The sample's Spotify records, each also as three more documents with its text (or, when
    `spaced`, its text with one extra space: the same words, another layout, so not one text)."""
    out = []
    for r in _RECORDS:
        out.append(dedup.Document(r["id"], r["text"], date=r["date"], url=r.get("url")))
        for k in range(3):
            text = _spaced(r["text"], k) if spaced else r["text"]
            out.append(
                dedup.Document(f"{r['id']}-again{k}", text, date=r["date"], url=r.get("url"))
            )
    return out


def test_a_text_is_matched_once_and_its_documents_listed_beside_it() -> None:
    same = dedup.scan(_docs(spaced=False))
    apart = dedup.scan(_docs(spaced=True))  # every document through every stage
    # (a few of the sample's records already share a text: spotify-3270 and spotify-4859)
    assert same.stats.same_text >= 3 * len(_RECORDS) and apart.stats.same_text < 10
    assert same.stats.candidate_pairs < apart.stats.candidate_pairs / 4
    assert same.stats.extracted == apart.stats.extracted == 4 * len(_RECORDS)
    # the same copy relations and the same clusters, at a fraction of the work
    assert same.pairs() == apart.pairs()
    assert [sorted(m.id for m in c.members) for c in same.clusters] == [
        sorted(m.id for m in c.members) for c in apart.clusters
    ]
    assert len(same.matches) < len(apart.matches)
    for c in same.clusters:
        for before, m in zip(c.members, c.members[1:], strict=False):
            if m.same_text_as is not None:
                kept = next(x for x in c.members if x.id == m.same_text_as)
                assert m.role == "copy" and kept.id in (before.id, before.same_text_as)
                if kept.role == "copy":
                    assert (m.jaccard, m.reuse, m.passages) == (
                        kept.jaccard,
                        kept.reuse,
                        kept.passages,
                    )
                else:
                    assert m.jaccard == 1.0 and m.passages


def test_a_text_no_other_document_matches_makes_its_own_cluster() -> None:
    text = _RECORDS[0]["text"]
    docs = [
        dedup.Document("late", text, date="2018-06-02T10:00:00Z"),
        dedup.Document("early", text, date="2018-06-01T10:00:00Z"),
        dedup.Document("undated", text),
    ]
    report = dedup.scan(docs)
    [c] = report.clusters
    assert [m.id for m in c.members] == ["early", "late", "undated"]  # origin: the earliest
    assert [m.same_text_as for m in c.members] == [None, "early", "early"]
    assert report.pairs() == {
        frozenset(p) for p in (("early", "late"), ("early", "undated"), ("late", "undated"))
    }
    assert json.loads(render(report, "json"))["stats"]["same_text"] == 2


def test_one_text_on_two_thousand_sites_costs_one() -> None:
    """A wire story run verbatim by every site: one text, whatever the sites."""
    text = _RECORDS[0]["text"]
    docs = [
        dedup.Document(
            f"d{i}", text, url=f"https://s{i}.example/story", date=f"2018-06-{1 + i % 9:02d}"
        )
        for i in range(2000)
    ]
    report = dedup.scan(docs)
    assert report.stats.same_text == 1999 and report.stats.candidate_pairs == 0
    [c] = report.clusters
    assert len(c) == 2000 and c.origin == "d0" and len(report.matches) == 1999
    assert {m.site for m in c.members} == {f"s{i}.example" for i in range(2000)}


def test_two_thousand_identical_texts_cost_one() -> None:
    text = _RECORDS[0]["text"]
    report = dedup.scan([dedup.Document(f"d{i}", text) for i in range(2000)])
    assert report.stats.candidate_pairs == 0 and report.stats.verified_pairs == 0
    [c] = report.clusters
    assert len(c.members) == 2000 and len(report.matches) == 1999
    assert len(report.pairs()) == 2000 * 1999 // 2


def test_identical_texts_too_short_to_be_copies_are_counted_not_clustered() -> None:
    report = dedup.scan([dedup.Document(f"d{i}", "Read more.") for i in range(50)])
    assert report.stats.same_text == 49 and report.stats.extracted == 50
    assert report.clusters == () and report.matches == ()
