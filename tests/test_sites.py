"""The site view (`Report.sites`, `--format sites`) and the republication graph (`--graph`:
CSV edges, GraphML that networkx loads)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dedup import Document, ReportConfig, ScanConfig, scan
from dedup.cli import app
from dedup.output.sites import delay_text, render_edges_csv, render_graphml, render_sites
from tests.conftest import ROOT

SAMPLE = str(ROOT / "sample" / "articles")
STORY = (
    "The city council voted on Tuesday to close the old bridge for repairs next spring. "
    "Engineers found cracks in two of the main supports during an inspection in March. "
    "The closure will last about eight months and traffic will be sent over the river road. "
    "Shop owners near the bridge said they feared losing customers during the works. "
)
LONE = (
    "A new library opened downtown with a large hall for children and a cafe on the roof. "
    "Volunteers spent the weekend moving thousands of books from the old building nearby. "
)


def _docs(site_b: str = "b.com") -> list[Document]:
    return [
        Document("o", "(AP) - " + STORY, site="a.com", date="2024-03-01T08:00:00Z"),
        Document("x", STORY + "\nSource: AP\n", site=site_b, date="2024-03-01T09:00:00Z"),
        Document("y", STORY, site=site_b, date="2024-03-01T11:00:00Z"),
        Document("z", STORY, site="c.com"),
        Document("lone", LONE, site="d.com", date="2024-03-01"),
        Document("nosite", LONE + STORY[:40], date="2024-03-01"),
    ]


def test_site_rows() -> None:
    r = scan(_docs())
    rows = {s.site: s for s in r.sites}
    assert set(rows) == {"a.com", "b.com", "c.com", "d.com"}  # every site scanned
    b = rows["b.com"]
    assert (b.scanned, b.origins, b.copies, b.credited, b.uncredited) == (2, 0, 2, 1, 1)
    assert b.credits == (("AP", 1),) and b.from_sites == (("a.com", 2),)
    assert b.median_delay == 2 * 3600  # 1h and 3h
    c = rows["c.com"]
    assert (c.copies, c.median_delay) == (1, None)  # no date: no delay
    assert (rows["a.com"].origins, rows["d.com"].scanned, rows["d.com"].copies) == (1, 1, 0)
    assert [s.site for s in r.sites][:2] == ["b.com", "c.com"]  # by copies carried
    d = r.to_dict()["sites"][0]
    assert d == {
        "site": "b.com",
        "scanned": 2,
        "origins": 0,
        "copies": 2,
        "credited": 1,
        "uncredited": 1,
        "credits": {"AP": 1},
        "from_sites": {"a.com": 2},
        "median_delay_seconds": 7200.0,
    }


def test_site_sort_and_filters() -> None:
    r = scan(_docs(), ScanConfig(report=ReportConfig(sort="site")))
    assert [s.site for s in r.sites] == ["a.com", "b.com", "c.com", "d.com"]
    r = scan(_docs(), ScanConfig(report=ReportConfig(sort="delay")))
    assert r.sites[0].site == "b.com"
    # a filter changes the clusters: the view is counted over those kept
    r = scan(_docs(), ScanConfig(report=ReportConfig(window=3600)))
    rows = {s.site: s for s in r.sites}
    assert (rows["b.com"].copies, rows["c.com"].copies, rows["b.com"].scanned) == (1, 0, 2)


def test_delay_text() -> None:
    assert [delay_text(x) for x in (None, 0, 59 * 60, 3 * 3600 + 300, 2 * 86400 + 4 * 3600)] == [
        "",
        "0m",
        "59m",
        "3h05m",
        "2d04h",
    ]


def test_edges_csv() -> None:
    r = scan(_docs())
    rows = list(csv.reader(io.StringIO(render_edges_csv(r))))
    assert rows == [
        ["source", "target", "copies", "credited", "credit_rate"],
        ["a.com", "b.com", "2", "1", "0.5"],
        ["a.com", "c.com", "1", "0", "0.0"],
    ]


def test_graphml_loads_in_networkx_and_escapes(tmp_path: Path) -> None:
    nx = pytest.importorskip("networkx", reason="networkx is in the test extra")
    hostile = "b\"<x>&'\x01\n\t.com"
    r = scan(_docs(site_b=hostile))
    path = tmp_path / "g.graphml"
    path.write_text(render_graphml(r), encoding="utf-8")
    g = nx.read_graphml(path)
    assert g.is_directed()
    # a character XML cannot hold is U+FFFD; line breaks and tabs are kept (character
    # references: an XML parser turns them into spaces in attributes otherwise)
    shown = "b\"<x>&'\ufffd\n\t.com"
    assert set(g.nodes) == {"a.com", shown, "c.com", "d.com"}
    e = g.edges["a.com", shown]
    assert (e["copies"], e["credited"], e["credit_rate"]) == (2, 1, 0.5)
    assert g.nodes["a.com"]["origins"] == 1


def test_cli_sites_and_graph(tmp_path: Path) -> None:
    args = ["scan", SAMPLE, "-j", "1", "-q"]
    res = CliRunner().invoke(app, [*args, "-f", "sites", "--sort", "uncredited"])
    assert res.exit_code == 0, res.stderr
    lines = res.stdout.splitlines()
    assert lines[0].startswith("sites") and "median delay" in lines[2]
    assert "foxbusiness.com" in lines[4]  # 2 copies, both uncredited
    edges = tmp_path / "edges.csv"
    res = CliRunner().invoke(app, [*args, "-f", "json", "--graph", str(edges)])
    assert res.exit_code == 0
    report = json.loads(res.stdout)
    n = sum(int(row["copies"]) for row in csv.DictReader(edges.open(encoding="utf-8")))
    assert n == sum(s["copies"] for s in report["sites"]) == report["stats"]["copies"]
    res = CliRunner().invoke(app, [*args, "--graph", str(tmp_path / "g.txt")])
    assert res.exit_code == 2 and "name a .csv or a .graphml file" in res.stderr
    res = CliRunner().invoke(app, [*args, "--graph", str(tmp_path / "no" / "g.csv")])
    assert res.exit_code == 1 and "does not exist" in res.stderr


def test_render_sites_is_literal() -> None:
    r = scan(_docs(site_b="\x1b[2Jevil.com"))
    out = render_sites(r)
    assert "\x1b" not in out and "\\x1b[2Jevil.com" in out
