"""The filters a report can be asked for (`dedup.config.ReportConfig`), and where each applies.

Before the scan, on documents (`outside_period`, called by `dedup.prepare` for every record):
- ``since``/``until``: a document is scanned only if its publication day (the date as written,
  ``YYYY-MM-DD``) is within the period, both ends included. A document outside it, or without
  a date that parses, is a skip ("published ... outside --since/--until"): counted, never
  compared. So copies of a story are only looked for among the period's documents.

After the scan, on its report (`apply`, called by `dedup.scan` whatever the engine):
- ``cross_site``: copies on the origin's own site are dropped from clusters (and matches of
  two pages of one site from `matches`).
- ``window``: copies that appeared more than `window` seconds after the origin, or whose delay
  is unknown (`dedup.evidence.delay_seconds`: no date on either), are dropped from clusters
  (and matches whose two dates are further apart, or unknown, from `matches`).
- ``min_size``: clusters left with fewer members are dropped (a cluster always needs two).
- ``sort`` and ``top``: clusters ordered by size (the report's order: largest first) or by
  date (the origin's, newest first; undated last), then the first `top` kept. A sort by a
  column of the site view (``copies``, ``delay``, ...: `dedup.config.SITE_SORTS`) orders the
  site view (`dedup.sites`), which is counted over the clusters kept.

Clusters keep their ids (``c7`` is the same cluster with or without filters), their wire
source is recounted over the members kept, and the counts of clusters, clustered documents and
copies in `Stats` are those of the clusters listed; the other counts are the scan's.
"""

from __future__ import annotations

from dataclasses import replace

from dedup.config import ReportConfig
from dedup.evidence import delay_seconds, parse_date, wire_source
from dedup.model import Cluster, Match, Member, Report
from dedup.sites import site_rows


def outside_period(day: str | None, cfg: ReportConfig) -> str | None:
    """Why a document published on `day` (ISO 8601) is outside ``cfg.since``/``cfg.until``
    (the reason of its skip), or None when it is inside or no period is set."""
    if cfg.since is None and cfg.until is None:
        return None
    if day is None or parse_date(day) is None:
        return "no publication date, and --since/--until asks for one"
    d = day[:10]
    if (cfg.since is not None and d < cfg.since) or (cfg.until is not None and d > cfg.until):
        return f"published {d}, outside --since/--until"
    return None


def _active(cfg: ReportConfig) -> bool:
    return (
        cfg.cross_site
        or cfg.window is not None
        or cfg.min_size > 2
        or cfg.top is not None
        or cfg.sort != "size"
    )


def _keep(m: Member, origin: Member, cfg: ReportConfig) -> bool:
    if cfg.cross_site and m.site is not None and m.site == origin.site:
        return False
    if cfg.window is not None:
        delay = delay_seconds(origin.date, m.date)
        if delay is None or delay > cfg.window:
            return False
    return True


def _match_kept(m: Match, known: dict[str, Member], cfg: ReportConfig) -> bool:
    a, b = known.get(m.a), known.get(m.b)
    if a is None or b is None:
        return True
    if cfg.cross_site and a.site is not None and a.site == b.site:
        return False
    if cfg.window is not None:
        delay = delay_seconds(a.date, b.date)
        if delay is None or abs(delay) > cfg.window:
            return False
    return True


def _date_key(c: Cluster) -> float:
    """The origin's date as a timestamp (undated: the earliest there is)."""
    when = parse_date(c.members[0].date)
    return float("-inf") if when is None else when[0].timestamp()


def apply(report: Report, cfg: ReportConfig) -> Report:
    """`report` with the after-scan filters of `cfg` applied (module docstring); the report
    itself when none is asked for."""
    if not _active(cfg):
        return report
    clusters: list[Cluster] = []
    for c in report.clusters:
        origin = c.members[0]
        members = (origin, *(m for m in c.copies if _keep(m, origin, cfg)))
        if len(members) < max(2, cfg.min_size):
            continue
        if len(members) != len(c.members):
            c = Cluster(c.id, c.origin, members, *wire_source(members))
        clusters.append(c)
    if cfg.sort == "date":  # newest first, undated last, ties in report order (stable)
        clusters.sort(key=_date_key, reverse=True)
    if cfg.top is not None:
        clusters = clusters[: cfg.top]
    matches = report.matches
    if cfg.cross_site or cfg.window is not None:
        known = {m.id: m for c in report.clusters for m in c.members}
        matches = tuple(m for m in matches if _match_kept(m, known, cfg))
    clustered = sum(len(c.members) for c in clusters)
    stats = replace(
        report.stats,
        clusters=len(clusters),
        clustered_documents=clustered,
        copies=clustered - len(clusters),
    )
    sites = site_rows(clusters, dict(report.scanned_sites), cfg.sort)
    return replace(report, stats=stats, clusters=tuple(clusters), matches=matches, sites=sites)
