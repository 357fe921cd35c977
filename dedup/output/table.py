"""A readable rich table of clusters and members, for a terminal or a text file."""

from __future__ import annotations

import io
from collections.abc import Sequence

from rich import box
from rich.console import Console, JustifyMethod
from rich.table import Table

from dedup.model import Cluster, Report, Skip, UnlistedSkips, plural
from dedup.output.literal import literal, literal_console

MAX_SKIPS_SHOWN = 20

#: below this many columns a table is laid out narrow: lighter borders, short headers, the
#: date without its time, no language or passage count (--format json has them all)
NARROW = 120
#: (header, justify, shown only when wide)
_COLUMNS: tuple[tuple[str, JustifyMethod, bool], ...] = (
    ("role", "left", False),
    ("site", "left", False),
    ("date", "left", False),
    ("lang", "left", True),
    ("sentences", "right", False),
    ("passages", "right", True),
    ("in origin", "right", False),
    ("of origin", "right", False),
    ("credit", "left", False),
    ("id", "left", False),
)
_SHORT = {"sentences": "sent.", "in origin": "in", "of origin": "of"}
#: the widths of the columns whose values are short, in a narrow table (a longer value, a
#: translation's role "translation 0.53", folds)
_FIXED = {"role": 6, "date": 10, "sentences": 5, "in origin": 4, "of origin": 4}


def _pct(x: float) -> str:
    return f"{x * 100:.0f}%"


def render_table(report: Report, width: int = 160, color: bool = False) -> str:
    """Clusters as tables (origin first), then the counts and the skipped records, laid out to
    `width` columns (narrower than `NARROW`: a compact table, values wrapped). Every value is
    shown literally (`dedup.output.literal`: no markup, control characters escaped)."""
    buf = io.StringIO()
    con = literal_console(buf, width, color)
    narrow = width < NARROW
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
            box=box.SIMPLE_HEAD if narrow else box.HEAVY_HEAD,
            pad_edge=not narrow,
            padding=(0, 1, 0, 0) if narrow else (0, 1),
        )
        for name, justify, wide_only in _COLUMNS:
            if narrow and wide_only:
                continue
            short = _SHORT.get(name, name) if narrow else name
            t.add_column(
                short,
                justify=justify,
                overflow="fold",
                width=_FIXED.get(name) if narrow else None,
            )
        for m in c.members:
            role = m.role if m.match is None else f"{m.match} {m.score or 0:.2f}"
            if m.same_text_as is not None:
                role = "same"
            cells = {
                "role": role,
                "site": m.site or "",
                "date": (m.date or "")[: 10 if narrow else 16],
                "lang": m.language or "",
                "sentences": "" if m.shared_sentences is None else str(m.shared_sentences),
                "passages": "" if m.role == "origin" else str(len(m.passages)),
                "in origin": _pct(m.containment),
                "of origin": _pct(m.reuse),
                "credit": m.credit or "",
                "id": m.id,
            }
            t.add_row(*(literal(cells[n]) for n, _, w in _COLUMNS if not (narrow and w)))
        con.print(t)
        con.print()
    s = report.stats
    con.print(
        f"{s.read} read ({plural(s.files, 'file')}), {s.extracted} scanned, {s.skipped} skipped, "
        f"{s.failed} failed; {plural(s.candidate_pairs, 'candidate pair')}, "
        f"{s.verified_pairs} verified; {plural(s.clusters, 'cluster')}, "
        f"{plural(s.copies, 'copy', 'copies')}"
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
        if any(m.same_text_as is not None for c in report.clusters for m in c.members):
            con.print(
                "'same': a copy with the very text of an article listed above it (matched once, "
                "as that one: --format json says which)."
            )
    if s.translation_pairs:  # as for JSON: shown only when a translation was found
        con.print(
            f"cross-lingual: {plural(s.translation_candidates, 'candidate pair')}, "
            f"{plural(s.translation_pairs, 'translation')} ('translation 0.53': a translation of "
            "the story, with its anchor score against the origin)"
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
    return f"; {plural(n, 'skip')} not listed (--max-listed-skips)" if n else ""
