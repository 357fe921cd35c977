"""A readable rich table of clusters and members, for a terminal or a text file."""

from __future__ import annotations

import io
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

from dedup.model import Cluster, Report, Skip, UnlistedSkips
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
            ).append("\n")
            + literal(wire_line(c)),
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
    if s.skipped + s.failed:
        con.print(f"skipped {s.skipped + s.failed}:")
        skip_lines(con, report.skipped, report.unlisted)
    return buf.getvalue()


def wire_line(c: Cluster) -> str:
    """A cluster's wire source beside its earliest publisher, and how many credit whom."""
    n, none = len(c.members), f"{c.uncredited} credit no one"
    if c.wire_source:
        return f"wire source {c.wire_source} ({c.credited} of {n} credit it, {none})"
    if c.uncredited == n:
        return "no wire source: no member credits anyone"
    return f"no wire source agreed ({n - c.uncredited} of {n} credit someone, {none})"


def skip_lines(
    con: Console,
    listed: Sequence[Skip],
    unlisted: Sequence[UnlistedSkips],
    prefix: str = "  ",
) -> None:
    """The skips of a report, shown literally: the first `MAX_SKIPS_SHOWN` listed ones, then
    how many of each file and kind of reason the report counts without listing them."""
    for sk in listed[:MAX_SKIPS_SHOWN]:
        con.print(literal(f"{prefix}{sk}"))
    if len(listed) > MAX_SKIPS_SHOWN:
        con.print(f"{prefix}... and {len(listed) - MAX_SKIPS_SHOWN} more (see --format json)")
    for u in unlisted[:MAX_SKIPS_SHOWN]:
        con.print(literal(f"{prefix}{u}"))
    if len(unlisted) > MAX_SKIPS_SHOWN:
        more = sum(u.count for u in unlisted[MAX_SKIPS_SHOWN:])
        con.print(
            f"{prefix}... and {more} more in {len(unlisted) - MAX_SKIPS_SHOWN} other files "
            "and kinds, not listed (see --format json)"
        )


def not_listed(unlisted: Sequence[UnlistedSkips]) -> str:
    """The end of a summary line when skips are counted but not listed, else nothing."""
    n = sum(u.count for u in unlisted)
    return f"; {n} skips not listed (--max-listed-skips)" if n else ""
