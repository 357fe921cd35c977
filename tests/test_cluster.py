"""Clustering over verified matches, and the guard against chaining."""

from __future__ import annotations

import json

import dedup
from dedup.cluster import star_clusters
from tests.conftest import FIXTURES

STORIES = {s["id"]: s for s in json.loads((FIXTURES / "bbc_stories.json").read_text())["stories"]}


def _doc(i: str, text: str, date: str) -> dedup.Document:
    return dedup.Document(id=i, text=text, date=date)


def test_star_clusters_is_deterministic_and_edge_order_free() -> None:
    edges = [(0, 1, 50, 50), (1, 2, 40, 40), (0, 2, 30, 30), (3, 4, 10, 10)]
    a = star_clusters(6, edges, [0, 1, 2, 3, 4, 5])
    b = star_clusters(6, list(reversed(edges)), [0, 1, 2, 3, 4, 5])
    assert a == b == [[0, 1, 2], [3, 4]]


def test_star_members_always_match_the_centre() -> None:
    # a path 0-1-2-3: no cluster may hold two nodes that are not both matched to its centre
    clusters = star_clusters(4, [(0, 1, 9, 9), (1, 2, 9, 9), (2, 3, 9, 9)], [0, 1, 2, 3])
    assert clusters == [[0, 1, 2]]


def _digest_docs() -> list[dedup.Document]:
    a = STORIES["politics/020"]["text"]
    b = STORIES["tech/040"]["text"]
    return [
        _doc("a-original", a, "2005-01-01"),
        _doc("a-copy", "Read more\n" + a + "\nLeave a comment", "2005-01-02"),
        _doc("b-original", b, "2005-01-01"),
        _doc("b-copy", b + "\nShare this article", "2005-01-03"),
        _doc("digest", a + "\n\n" + b, "2005-01-04"),
    ]


def test_digest_page_chains_two_stories_without_the_guard() -> None:
    """The hazard is real: with both guards off, the digest joins both stories."""
    cfg = dedup.ScanConfig(verify=dedup.VerifyConfig(min_coherence=0.0, min_links=0.0))
    report = dedup.scan(_digest_docs(), cfg)
    assert report.stats.verified_pairs == 6  # the digest matches all four, each story its copy
    assert [len(c.members) for c in report.clusters] == [5]


def test_star_centre_is_the_story_its_copies_reuse_most_of() -> None:
    """A digest of two stories matches four pages but each covers only part of it; a story
    whose copy carries all of it is the better centre (`words` weighs the share reused)."""
    # 0: story (100 words), 1: its copy, 2: digest (300 words) holding 0 and 3, 3: other story
    edges = [(0, 1, 100, 100), (0, 2, 100, 100), (1, 2, 100, 100), (2, 3, 100, 100)]
    clusters = star_clusters(4, edges, [0, 1, 2, 3], words=[100, 100, 300, 100])
    assert clusters[0] == [0, 1, 2]


def test_links_guard_keeps_a_cluster_a_clique() -> None:
    """With min_links 1.0, a member must match every member already in (not only the
    centre): two excerpts of a story that share nothing are not put together."""
    edges = [(0, 1, 90, 90), (0, 2, 30, 90), (0, 3, 30, 90)]  # 2 and 3: disjoint excerpts of 0
    assert star_clusters(4, edges, [0, 1, 2, 3], min_links=1.0) == [[0, 1]]
    assert star_clusters(4, edges, [0, 1, 2, 3], min_links=0.0) == [[0, 1, 2, 3]]


def test_digest_page_does_not_chain_two_stories() -> None:
    """A page carrying two whole stories matches both; they must not end in one cluster."""
    report = dedup.scan(_digest_docs())
    groups = [{m.id for m in c.members} for c in report.clusters]
    for g in groups:
        assert not ({"a-original", "a-copy"} & g and {"b-original", "b-copy"} & g), groups
    # the copies themselves are still found
    assert any({"a-original", "a-copy"} <= g for g in groups)
    assert any({"b-original", "b-copy"} <= g for g in groups)


def test_related_box_and_shared_template_do_not_link_stories() -> None:
    template_top = "Home News Sport Business Weather Subscribe to our newsletter for daily updates"
    template_end = (
        "Copyright 2005 Example Media Group. All rights reserved. Terms of use, privacy policy, "
        "cookie settings, contact us, advertise with us, careers, accessibility statement."
    )

    def page(story: str, related: list[str]) -> str:
        box = "\n".join(
            f"Related: {STORIES[r]['title']}. {STORIES[r]['text'].split('.')[0]}." for r in related
        )
        return f"{template_top}\n{STORIES[story]['text']}\n{box}\n{template_end}"

    docs = [
        _doc("biz", STORIES["business/010"]["text"], "2005-01-01"),
        _doc("biz-page", page("business/010", ["sport/030", "tech/040"]), "2005-01-02"),
        _doc("sport", STORIES["sport/030"]["text"], "2005-01-01"),
        _doc("sport-page", page("sport/030", ["business/010", "tech/040"]), "2005-01-02"),
        _doc("tech-page", page("tech/040", ["business/010", "sport/030"]), "2005-01-02"),
    ]
    report = dedup.scan(docs)
    groups = sorted(sorted(m.id for m in c.members) for c in report.clusters)
    assert groups == [["biz", "biz-page"], ["sport", "sport-page"]]
