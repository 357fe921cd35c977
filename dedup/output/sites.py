"""The site view of a report (`--format sites`) and the site-to-site republication graph
(`--graph FILE`: CSV edges or GraphML), from `Report.sites` and `dedup.sites.site_edges`."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence

from rich.table import Table

from dedup.model import Report
from dedup.output.literal import literal, literal_console
from dedup.output.text import csv_cell
from dedup.sites import SiteEdge, site_edges

#: names listed in a cell of "credits" and "from sites" before "+N more"
NAMES_SHOWN = 3


def delay_text(seconds: float | None) -> str:
    """A delay as a person reads it: ``45m``, ``3h05m``, ``2d04h`` (negative: ``-``)."""
    if seconds is None:
        return ""
    sign, s = ("-" if seconds < 0 else ""), round(abs(seconds))
    d, h, m = s // 86400, s % 86400 // 3600, s % 3600 // 60
    if d:
        return f"{sign}{d}d{h:02d}h"
    if h:
        return f"{sign}{h}h{m:02d}m"
    return f"{sign}{m}m"


def _names(counts: Sequence[tuple[str, int]]) -> str:
    shown = ", ".join(f"{name} {n}" for name, n in counts[:NAMES_SHOWN])
    more = len(counts) - NAMES_SHOWN
    return shown + (f", +{more} more" if more > 0 else "")


def render_sites(report: Report, width: int = 160) -> str:
    """One row a site (in the report's site order, `--sort`): documents scanned, stories it
    published first, copies carried, credited or not, whom they credit, whose stories they
    are, median delay after the origin. Every value shown literally."""
    buf = io.StringIO()
    con = literal_console(buf, width)
    t = Table(title="sites", title_justify="left")
    for name in ("site", "scanned", "origins", "copies", "credited", "uncredited"):
        t.add_column(name, justify="left" if name == "site" else "right", overflow="fold")
    t.add_column("median delay", justify="right")
    t.add_column("credits", overflow="fold")
    t.add_column("from sites", overflow="fold")
    for r in report.sites:
        cells = (
            r.site,
            str(r.scanned),
            str(r.origins),
            str(r.copies),
            str(r.credited),
            str(r.uncredited),
            delay_text(r.median_delay),
            _names(r.credits),
            _names(r.from_sites),
        )
        t.add_row(*map(literal, cells))
    con.print(t)
    con.print(
        "'origins': stories the site published first; 'copies': copies of other stories it "
        "carried; 'median delay': after the origin (copies of known dates)."
    )
    return buf.getvalue()


EDGE_COLUMNS = ("source", "target", "copies", "credited", "credit_rate")


def render_edges_csv(report: Report) -> str:
    """The republication graph as CSV edges: origin's site, copy's site, copies, credited,
    credit rate (text cells: `csv_cell`)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(EDGE_COLUMNS)
    for e in site_edges(report.clusters):
        w.writerow(
            [csv_cell(e.source), csv_cell(e.target), e.copies, e.credited, round(e.credit_rate, 4)]
        )
    return buf.getvalue()


#: characters XML 1.0 cannot hold, even escaped
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml(text: str) -> str:
    """`text` as XML character data or an attribute value: ``& < > " '`` escaped, line breaks
    and tabs as character references (an attribute keeps them), characters XML cannot hold
    written as U+FFFD."""
    text = _NOT_XML.sub("\ufffd", text)
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&apos;")
        .replace("\n", "&#10;")
        .replace("\r", "&#13;")
        .replace("\t", "&#9;")
    )


def render_graphml(report: Report) -> str:
    """The republication graph as GraphML (directed): a node a site of the site view (with
    its scanned, origins and copies counts), an edge origin's site -> copy's site with
    copies, credited and credit_rate."""
    edges: list[SiteEdge] = site_edges(report.clusters)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
        '  <key id="scanned" for="node" attr.name="scanned" attr.type="int"/>',
        '  <key id="origins" for="node" attr.name="origins" attr.type="int"/>',
        '  <key id="ncopies" for="node" attr.name="copies" attr.type="int"/>',
        '  <key id="copies" for="edge" attr.name="copies" attr.type="int"/>',
        '  <key id="credited" for="edge" attr.name="credited" attr.type="int"/>',
        '  <key id="credit_rate" for="edge" attr.name="credit_rate" attr.type="double"/>',
        '  <graph id="republication" edgedefault="directed">',
    ]
    rows = {r.site: r for r in report.sites}
    for site in sorted(rows.keys() | {e.source for e in edges} | {e.target for e in edges}):
        r = rows.get(site)
        out.append(f'    <node id="{_xml(site)}">')
        if r is not None:
            out.append(f'      <data key="scanned">{r.scanned}</data>')
            out.append(f'      <data key="origins">{r.origins}</data>')
            out.append(f'      <data key="ncopies">{r.copies}</data>')
        out.append("    </node>")
    for e in edges:
        out.append(f'    <edge source="{_xml(e.source)}" target="{_xml(e.target)}">')
        out.append(f'      <data key="copies">{e.copies}</data>')
        out.append(f'      <data key="credited">{e.credited}</data>')
        out.append(f'      <data key="credit_rate">{round(e.credit_rate, 4)}</data>')
        out.append("    </edge>")
    out += ["  </graph>", "</graphml>", ""]
    return "\n".join(out)


#: file name endings -> graph writer
GRAPH_FORMATS = {".csv": render_edges_csv, ".graphml": render_graphml}
