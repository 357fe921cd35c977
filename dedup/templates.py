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


def learn(sites: Sequence[str | None], sets: Sequence[HashArray], cfg: TemplateConfig) -> Templates:
    """The template shingles of every site with at least `cfg.min_pages` pages."""
    if not cfg.enabled:
        return NO_TEMPLATES
    names = sorted({s for s in sites if s is not None})
    per_site = {name: 0 for name in names}
    for s in sites:
        if s is not None:
            per_site[s] += 1
    big = [name for name in names if per_site[name] >= cfg.min_pages]
    if not big or not sets:
        return NO_TEMPLATES
    sizes = np.fromiter((x.size for x in sets), dtype=np.int64, count=len(sets))
    flat = np.concatenate(sets)
    # pages holding each shingle, everywhere
    uniq, total = np.unique(flat, return_counts=True)
    code = {name: i for i, name in enumerate(names)}
    page_site = np.array([code[s] if s is not None else -1 for s in sites], dtype=np.int64)
    row_site = np.repeat(page_site, sizes)
    row_page = np.repeat(np.arange(len(sets), dtype=np.int64), sizes)
    chosen = np.isin(row_site, [code[name] for name in big])
    hs, ss, ps = flat[chosen], row_site[chosen], row_page[chosen]
    order = np.lexsort((hs, ss))
    hs, ss, ps = hs[order], ss[order], ps[order]
    # runs of one (site, shingle): how many of the site's pages hold it
    edge = np.ones(hs.size, dtype=bool)
    edge[1:] = (hs[1:] != hs[:-1]) | (ss[1:] != ss[:-1])
    run = np.cumsum(edge) - 1
    here = np.bincount(run)
    # a page counts as printing a template when most of it is its own text: the same page
    # crawled five times, or five pages of one story, print no template; their text is
    # theirs (and shared with each other)
    often_row = here[run] >= cfg.min_pages
    frequent = np.bincount(ps, weights=often_row, minlength=len(sets))
    own = 1.0 - frequent / np.maximum(sizes, 1)
    hosts = np.bincount(run, weights=own[ps] >= cfg.min_own, minlength=here.size)
    starts = np.flatnonzero(edge)
    h, site = hs[starts], ss[starts]
    often = here >= cfg.min_pages
    # per shingle: its pages on the sites that print it often, and on all the others
    at = np.searchsorted(uniq, h)
    on_often = np.zeros(uniq.size, dtype=np.int64)
    np.add.at(on_often, at[often], here[often])
    elsewhere = total[at] - on_often[at]
    keep = often & (hosts >= cfg.min_pages) & (elsewhere <= cfg.max_elsewhere * on_often[at])
    h, site = h[keep], site[keep]
    out: dict[str, HashArray] = {}
    for c in np.unique(site).tolist():
        out[names[c]] = h[site == c]  # sorted: rows are in (site, shingle) order
    return Templates(out)
