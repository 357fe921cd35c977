"""Who republishes whom: the site view of a report and the site-to-site republication graph.

From a report's clusters (after its filters, `dedup.filters`) and the documents scanned on
each site (counted by the engines over every document scanned, clustered or not):

- `site_rows`: a `SiteRow` for every site scanned or clustered: documents scanned, stories it
  published first (`origins`), copies it carried (members that are not their cluster's
  origin), of them credited (crediting anyone: `Member.credit`) and uncredited, whom they
  credit and whose stories they are, and the median delay of its copies after their origins
  (`dedup.evidence.delay_seconds`; copies of unknown delay left out).
- `site_edges`: one `SiteEdge` a (origin's site, copy's site) pair: how many copies, how many
  of them credit anyone, the credit rate. A site-to-itself edge is a site republishing its
  own story (``--cross-site`` drops those copies).

Members without a site are in no row and on no edge.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from dedup.config import SITE_SORTS
from dedup.evidence import delay_seconds
from dedup.model import Cluster, SiteRow


@dataclass(frozen=True, slots=True)
class SiteEdge:
    """Copies of `source`'s stories carried by `target`: `copies` of them, `credited` of those
    crediting anyone."""

    source: str
    target: str
    copies: int
    credited: int

    @property
    def credit_rate(self) -> float:
        return self.credited / self.copies if self.copies else 0.0


def site_rows(
    clusters: Iterable[Cluster], scanned: Mapping[str, int], sort: str = "copies"
) -> tuple[SiteRow, ...]:
    """The site view (module docstring), in `sort` order (`SITE_SORTS`; another value, such
    as the clusters' "size" or "date", orders by copies), ties by site name."""
    origins: Counter[str] = Counter()
    copies: Counter[str] = Counter()
    credited: Counter[str] = Counter()
    credits: dict[str, Counter[str]] = {}
    from_sites: dict[str, Counter[str]] = {}
    delays: dict[str, list[float]] = {}
    for c in clusters:
        origin = c.members[0]
        if origin.site is not None:
            origins[origin.site] += 1
        for m in c.copies:
            if m.site is None:
                continue
            copies[m.site] += 1
            if m.credit is not None:
                credited[m.site] += 1
                credits.setdefault(m.site, Counter())[m.credit] += 1
            if origin.site is not None:
                from_sites.setdefault(m.site, Counter())[origin.site] += 1
            d = delay_seconds(origin.date, m.date)
            if d is not None:
                delays.setdefault(m.site, []).append(d)
    names = set(scanned) | set(origins) | set(copies)
    rows = [
        SiteRow(
            site=s,
            scanned=scanned.get(s, 0),
            origins=origins[s],
            copies=copies[s],
            credited=credited[s],
            uncredited=copies[s] - credited[s],
            credits=_counted(credits.get(s)),
            from_sites=_counted(from_sites.get(s)),
            median_delay=float(statistics.median(delays[s])) if s in delays else None,
        )
        for s in names
    ]
    rows.sort(key=lambda r: r.site)
    if sort == "delay":
        rows.sort(key=lambda r: (r.median_delay is None, r.median_delay or 0.0))
    elif sort in SITE_SORTS and sort != "site":
        rows.sort(key=lambda r: -int(getattr(r, sort)))
    elif sort != "site":
        rows.sort(key=lambda r: -r.copies)
    return tuple(rows)


def _counted(c: Counter[str] | None) -> tuple[tuple[str, int], ...]:
    """Counts, largest first, ties by name."""
    if not c:
        return ()
    return tuple(sorted(c.items(), key=lambda t: (-t[1], t[0])))


def site_edges(clusters: Sequence[Cluster]) -> list[SiteEdge]:
    """The republication graph's edges (module docstring), by source then target site."""
    copies: Counter[tuple[str, str]] = Counter()
    credited: Counter[tuple[str, str]] = Counter()
    for c in clusters:
        origin = c.members[0]
        if origin.site is None:
            continue
        for m in c.copies:
            if m.site is None:
                continue
            copies[(origin.site, m.site)] += 1
            if m.credit is not None:
                credited[(origin.site, m.site)] += 1
    return [SiteEdge(s, t, n, credited[(s, t)]) for (s, t), n in sorted(copies.items())]
