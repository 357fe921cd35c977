"""Site templates learned from the corpus: text a site prints on many of its pages.

A site's header, footer, newsletter prompt or "about us" blurb is on many of its pages, around
unrelated stories; two of its pages sharing only that are not copies. Such shingles are found
by counting, per site, the pages that hold each shingle:

- a shingle is a *template* of every site that prints it on at least `min_pages` pages whose
  text is at least `min_own` their own (not printed on `min_pages` of the site's pages), when
  the pages of all other sites hold it at most `max_elsewhere` times as often (a site's own
  chrome, or a chain's, shared by a few sites with one publishing system, is theirs; a wire
  story that an aggregator runs many times runs on other sites' pages too);
- in a pair of pages, the shingles that are templates of both pages' sites (of the one site,
  for two pages of one site) count for neither text: they are never shared, and the words only
  they cover are part of neither body (`dedup.align`). A site's template text copied onto
  another site's page is compared like any text.

`Templates` is built once a corpus is prepared (`learn`), from the shingle sets and sites only;
it is deterministic and does not depend on document order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from dedup.config import TemplateConfig
from dedup.model import HashArray


@dataclass(frozen=True, slots=True)
class Templates:
    """Each site's template shingles (sorted unique uint64), by site."""

    by_site: Mapping[str, HashArray] = field(default_factory=dict)
    _pairs: dict[tuple[str, str], HashArray] = field(
        default_factory=dict, compare=False, repr=False
    )

    def shared_by(self, site_a: str | None, site_b: str | None) -> HashArray | None:
        """The shingles that do not count in a pair of pages of sites `site_a` and `site_b`:
        the templates of both (of the one site when they are the same), else None."""
        if site_a is None or site_b is None:
            return None
        ta = self.by_site.get(site_a)
        if ta is None or site_a == site_b:
            return ta
        tb = self.by_site.get(site_b)
        if tb is None:
            return None
        key = (site_a, site_b) if site_a < site_b else (site_b, site_a)
        both = self._pairs.get(key)
        if both is None:
            both = np.intersect1d(ta, tb, assume_unique=True)
            self._pairs[key] = both
        return both if both.size else None

    @property
    def shingles(self) -> int:
        return sum(int(v.size) for v in self.by_site.values())


NO_TEMPLATES = Templates()


def site_pages(sites: Sequence[str | None]) -> dict[str, int]:
    """The number of pages of each site (pages without a site are no site's)."""
    out: dict[str, int] = {}
    for s in sites:
        if s is not None:
            out[s] = out.get(s, 0) + 1
    return out


def merge_site_pages(*counts: Mapping[str, int]) -> dict[str, int]:
    """Several `site_pages` added up."""
    out: dict[str, int] = {}
    for c in counts:
        for s, k in c.items():
            out[s] = out.get(s, 0) + k
    return out


def big_sites(pages: Mapping[str, int], cfg: TemplateConfig) -> list[str]:
    """The sites (sorted) that can have templates: at least `cfg.min_pages` pages; none when
    templates are off."""
    if not cfg.enabled:
        return []
    return sorted(name for name, k in pages.items() if k >= cfg.min_pages)


def site_rows(
    sites: Sequence[str | None],
    sets: Sequence[HashArray],
    codes: Mapping[str, int],
    pages: npt.NDArray[np.int64],
) -> tuple[HashArray, npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """(shingle, site code, page) rows of every page of a site in `codes` (`pages[i]`: the
    number page i goes by)."""
    chosen = [i for i, s in enumerate(sites) if s is not None and s in codes]
    if not chosen:
        return np.empty(0, np.uint64), np.empty(0, np.int64), np.empty(0, np.int64)
    sizes = np.fromiter((sets[i].size for i in chosen), dtype=np.int64, count=len(chosen))
    hs = np.concatenate([sets[i] for i in chosen]).astype(np.uint64, copy=False)
    ss = np.repeat(np.array([codes[sites[i] or ""] for i in chosen], dtype=np.int64), sizes)
    ps = np.repeat(pages[chosen], sizes)
    return hs, ss, ps


def shingle_pages(sets: Sequence[HashArray]) -> tuple[HashArray, npt.NDArray[np.int64]]:
    """The distinct shingles of `sets` (sorted) and the number of sets holding each."""
    if not sets:
        return np.empty(0, np.uint64), np.empty(0, np.int64)
    uniq, total = np.unique(np.concatenate(sets), return_counts=True)
    return uniq, total.astype(np.int64)


def merge_shingle_pages(
    *counts: tuple[HashArray, npt.NDArray[np.int64]],
) -> tuple[HashArray, npt.NDArray[np.int64]]:
    """Several `shingle_pages` added up."""
    if not counts:
        return np.empty(0, np.uint64), np.empty(0, np.int64)
    keys = np.concatenate([k for k, _ in counts])
    uniq, inv = np.unique(keys, return_inverse=True)
    total = np.bincount(
        inv.reshape(-1), weights=np.concatenate([c for _, c in counts]), minlength=uniq.size
    )
    return uniq, total.astype(np.int64)


@dataclass(frozen=True, slots=True)
class Runs:
    """`site_rows` sorted by (site, shingle): `run[r]` is row r's (site, shingle) run, whose
    rows number `here[run]` (the site's pages holding the shingle)."""

    hs: HashArray
    ss: npt.NDArray[np.int64]
    ps: npt.NDArray[np.int64]
    run: npt.NDArray[np.int64]
    here: npt.NDArray[np.int64]
    starts: npt.NDArray[np.int64]

    def often_pages(self, min_pages: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """The pages holding shingles that their site prints on `min_pages` pages or more,
        with how many such shingles each holds."""
        often_row = self.here[self.run] >= min_pages
        pages, counts = np.unique(self.ps[often_row], return_counts=True)
        return pages, counts.astype(np.int64)


def site_runs(
    hs: HashArray, ss: npt.NDArray[np.int64], ps: npt.NDArray[np.int64], min_pages: int
) -> Runs:
    """The (site, shingle) runs of `site_rows` (all the rows of each shingle must be there);
    only the rows of runs of `min_pages` or more are kept (no other run becomes a template)."""
    order = np.lexsort((hs, ss))
    hs, ss, ps = hs[order], ss[order], ps[order]
    edge = np.ones(hs.size, dtype=bool)
    edge[1:] = (hs[1:] != hs[:-1]) | (ss[1:] != ss[:-1])
    run = np.cumsum(edge) - 1
    here = np.bincount(run) if run.size else np.empty(0, np.int64)
    keep = here[run] >= min_pages
    hs, ss, ps = hs[keep], ss[keep], ps[keep]
    edge = edge[keep]
    run = np.cumsum(edge) - 1
    here = here[here >= min_pages]
    return Runs(hs, ss, ps, run, here.astype(np.int64), np.flatnonzero(edge))


def own_pages(
    frequent: npt.NDArray[np.int64], sizes: npt.NDArray[np.int64], cfg: TemplateConfig
) -> npt.NDArray[np.bool_]:
    """Which pages can print a template: at least `cfg.min_own` of their shingles are their
    own (not among the `frequent` ones their site prints on `min_pages` pages). The same page
    crawled five times, or five pages of one story, print no template: their text is theirs
    (and shared with each other)."""
    own = 1.0 - frequent.astype(np.float64) / np.maximum(sizes, 1)
    ok: npt.NDArray[np.bool_] = own >= cfg.min_own
    return ok


def chosen(
    runs: Runs,
    own_row: npt.NDArray[np.bool_],
    uniq: HashArray,
    total: npt.NDArray[np.int64],
    cfg: TemplateConfig,
) -> tuple[npt.NDArray[np.int64], HashArray]:
    """(site code, shingle) of every template among `runs` (`own_row[r]`: whether row r's page
    is one of `own_pages`; `uniq`, `total`: `shingle_pages` of the whole corpus, at least for
    the runs' shingles)."""
    hosts = np.bincount(runs.run, weights=own_row, minlength=runs.here.size)
    h, site = runs.hs[runs.starts], runs.ss[runs.starts]
    # per shingle: its pages on the sites that print it often, and on all the others
    at = np.searchsorted(uniq, h)
    on_often = np.zeros(uniq.size, dtype=np.int64)
    np.add.at(on_often, at, runs.here)
    elsewhere = total[at] - on_often[at]
    keep = (hosts >= cfg.min_pages) & (elsewhere <= cfg.max_elsewhere * on_often[at])
    return site[keep], h[keep]


def table(names: Sequence[str], site: npt.NDArray[np.int64], h: HashArray) -> Templates:
    """`Templates` from (site code in `names`, shingle) rows, in any order."""
    if site.size == 0:
        return NO_TEMPLATES
    order = np.lexsort((h, site))
    site, h = site[order], h[order]
    out: dict[str, HashArray] = {}
    for c in np.unique(site).tolist():
        out[names[c]] = h[site == c]
    return Templates(out)


def learn(sites: Sequence[str | None], sets: Sequence[HashArray], cfg: TemplateConfig) -> Templates:
    """The template shingles of every site with at least `cfg.min_pages` pages.

    The steps (`site_pages`, `big_sites`, `site_rows`, `site_runs`, `own_pages`,
    `shingle_pages`, `chosen`, `table`) are what a distributed engine runs on parts of the
    corpus: the rows of a shingle together, the pages' and shingles' counts added up."""
    big = big_sites(site_pages(sites), cfg)
    if not big or not sets:
        return NO_TEMPLATES
    codes = {name: i for i, name in enumerate(big)}
    runs = site_runs(
        *site_rows(sites, sets, codes, np.arange(len(sets), dtype=np.int64)), cfg.min_pages
    )
    frequent = np.zeros(len(sets), dtype=np.int64)
    pages, counts = runs.often_pages(cfg.min_pages)
    frequent[pages] = counts
    sizes = np.fromiter((x.size for x in sets), dtype=np.int64, count=len(sets))
    own = own_pages(frequent, sizes, cfg)
    uniq, total = shingle_pages(sets)
    site, h = chosen(runs, own[runs.ps], uniq, total, cfg)
    return table(big, site, h)
