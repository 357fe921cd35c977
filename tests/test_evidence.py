"""Evidence per match: headline changes, the line a credit came from, the wire source of a
cluster, delays after the origin."""

from __future__ import annotations

import pytest

from dedup import Document, scan
from dedup.evidence import delay_seconds, parse_date, parse_span, title_changed, wire_source
from dedup.model import Member
from dedup.syndication import credit_clues, credit_evidence, credit_from


def _member(i: int, credit: str | None) -> Member:
    return Member(f"m{i}", None, None, None, None, "copy", 1.0, 1.0, 1.0, credit)


@pytest.mark.parametrize(
    ("a", "b", "changed"),
    [
        ("Spotify CEO says policy was wrong", "Spotify CEO Says Policy Was Wrong", False),
        (
            "Spotify CEO says policy was wrong | Star Tribune",
            "Spotify CEO says policy was wrong",
            False,
        ),
        ("Spotify ends policy - The Seattle Times", "Spotify ends policy", False),
        ("Spotify reverses artist conduct policy", "Spotify reverses policy weeks later", True),
        # a dash inside a headline is not a site name when too little would be left
        ("Trump - Putin", "Trump", True),
        (None, "Spotify", None),
        ("Spotify", "", None),
    ],
)
def test_title_changed(a: str | None, b: str | None, changed: bool | None) -> None:
    assert title_changed(a, b) is changed


def test_wire_source_majority_of_those_crediting() -> None:
    credits = ["AP", "AP", "AP", "Reuters", None, None]
    assert wire_source([_member(i, c) for i, c in enumerate(credits)]) == ("AP", 3, 2)


def test_wire_source_none_without_a_majority() -> None:
    credits = ["AP", "AP", "Reuters", "Reuters", None]
    assert wire_source([_member(i, c) for i, c in enumerate(credits)]) == (None, 0, 1)
    assert wire_source([_member(0, None), _member(1, None)]) == (None, 0, 2)


BODY = "Spotify changed its policy on Friday after criticism from artists and labels.\n"


@pytest.mark.parametrize(
    ("text", "credit", "line"),
    [
        ("NEW YORK (AP) — " + BODY, "AP", "NEW YORK (AP) —"),
        (BODY + "More text here.\nSource: Reuters\n", "Reuters", "Source: Reuters"),
        ("By The Associated Press\n" + BODY, "AP", "By The Associated Press"),
        (BODY + "jpost.com\n", "jpost.com", "jpost.com"),
        (BODY, None, None),
    ],
)
def test_credit_evidence_is_the_line_read(text: str, credit: str | None, line: str | None) -> None:
    clues = credit_clues(text)
    assert credit_from(clues) == credit
    assert credit_evidence(clues) == line


def test_no_credit_differs_from_crediting_someone_else() -> None:
    origin = "WASHINGTON (AP) — " + BODY * 6
    other = BODY * 6 + "Source: Reuters\n"
    none = BODY * 6
    docs = [
        Document("o", origin, site="a.com", date="2024-01-01T08:00:00Z", title="Spotify ends it"),
        Document("x", other, site="b.com", date="2024-01-01T09:00:00Z", title="Spotify ends it"),
        Document("y", none, site="c.com", date="2024-01-02", title="Another headline entirely"),
    ]
    (c,) = scan(docs).clusters
    got = {m.id: (m.credit, m.credit_evidence, m.title_changed) for m in c.members}
    assert got == {
        "o": ("AP", "WASHINGTON (AP) —", None),
        "x": ("Reuters", "Source: Reuters", False),
        "y": (None, None, True),
    }
    assert (c.wire_source, c.credited, c.uncredited) == (None, 0, 1)
    d = c.to_dict()
    assert d["members"][0]["credit_evidence"] == "WASHINGTON (AP) —"
    assert "title_changed" not in d["members"][0]  # an origin's headline is the reference


def test_delays() -> None:
    assert delay_seconds("2024-01-01T08:00:00Z", "2024-01-01T09:30:00Z") == 5400
    assert delay_seconds("2024-01-01T08:00:00+01:00", "2024-01-01T08:00:00Z") == 3600
    # a bare date: whole days
    assert delay_seconds("2024-01-01T23:00:00Z", "2024-01-03") == 2 * 86400
    assert delay_seconds("2024-01-01", None) is None
    assert delay_seconds("yesterday", "2024-01-01") is None
    assert parse_date("2024-01-01T08:00:00") is not None  # no zone: UTC


def test_parse_span() -> None:
    assert parse_span("3d") == 3 * 86400
    assert parse_span("1d12h") == 36 * 3600
    assert parse_span(" 90m ") == 5400
    for bad in ("", "3", "3 days", "d3", "-1d", "3x"):
        with pytest.raises(ValueError, match="not a time span"):
            parse_span(bad)


def test_table_names_the_wire_source_under_each_cluster() -> None:
    from dedup.model import Cluster
    from dedup.output.table import wire_line

    def cluster(*credits: str | None) -> Cluster:
        members = tuple(_member(i, c) for i, c in enumerate(credits))
        return Cluster("c1", "m0", members, *wire_source(members))

    assert (
        wire_line(cluster("AP", "AP", None)) == "wire source AP (2 of 3 credit it, 1 credit no one)"
    )
    assert wire_line(cluster(None, None)) == "no wire source: no member credits anyone"
    assert wire_line(cluster("AP", "Reuters", None)) == (
        "no wire source agreed (2 of 3 credit someone, 1 credit no one)"
    )
