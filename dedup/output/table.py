"""A readable rich table of clusters and members, for a terminal or a text file."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table

from dedup.model import Report
from dedup.output.literal import literal

MAX_SKIPS_SHOWN = 20


def _pct(x: float) -> str:
    return f"{x * 100:.0f}%"


def render_table(report: Report, width: int = 160, color: bool = False) -> str:
    """Clusters as tables (origin first), then the counts and the skipped records. Every
    value is shown literally (`dedup.output.literal`: no markup, control characters escaped)."""
    buf = io.StringIO()
    con = Console(
        file=buf,
        width=width,
        color_system="standard" if color else None,
        highlight=False,
        markup=False,
        emoji=False,
    )
    for c in report.clusters:
        origin = c.members[0]
        t = Table(
            title=literal(
                f"{c.id}: {len(c.members)} articles, origin {origin.site or origin.id}"
                f" {origin.date or '(no date)'}" + (f": {origin.title}" if origin.title else "")
            ),
            title_justify="left",
            expand=False,
        )
        t.add_column("role")
        t.add_column("site")
        t.add_column("date")
        t.add_column("lang")
        t.add_column("sentences", justify="right")
        t.add_column("passages", justify="right")
        t.add_column("in origin", justify="right")
        t.add_column("of origin", justify="right")
        t.add_column("credit")
        t.add_column("id", overflow="fold")
        for m in c.members:
            role = m.role if m.match is None else f"{m.match} {m.score or 0:.2f}"
            cells = (
                role,
                m.site or "",
                (m.date or "")[:16],
                m.language or "",
                "" if m.shared_sentences is None else str(m.shared_sentences),
                "" if m.role == "origin" else str(len(m.passages)),
                _pct(m.containment),
                _pct(m.reuse),
                m.credit or "",
                m.id,
            )
            t.add_row(*map(literal, cells))
        con.print(t)
        con.print()
    s = report.stats
    con.print(
        f"{s.read} read ({s.files} files), {s.extracted} scanned, {s.skipped} skipped, "
        f"{s.failed} failed; {s.candidate_pairs} candidate pairs, {s.verified_pairs} verified; "
        f"{s.clusters} clusters, {s.copies} copies"
    )
    if report.clusters:
        con.print(
            "'sentences': the article's sentences shared with the origin; 'passages': the "
            "passages it shares with it (--format json lists them)."
        )
        con.print(
            "'in origin': share of the article's text found in the origin; 'of origin': share "
            "of the origin it reproduces."
        )
    if s.translation_pairs:  # as for JSON: shown only when a translation was found
        con.print(
            f"cross-lingual: {s.translation_candidates} candidate pairs, "
            f"{s.translation_pairs} translations ('translation 0.53': a translation of the story, "
            "with its anchor score against the origin)"
        )
    if report.skipped:
        con.print(f"skipped {len(report.skipped)}:")
        for sk in report.skipped[:MAX_SKIPS_SHOWN]:
            con.print(literal(f"  {sk}"))
        if len(report.skipped) > MAX_SKIPS_SHOWN:
            con.print(f"  ... and {len(report.skipped) - MAX_SKIPS_SHOWN} more (see --format json)")
    return buf.getvalue()
