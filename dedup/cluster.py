"""Grouping verified matches into clusters, guarded against chaining.

Connected components of the match graph chain: a page that carries two stories (a digest, a
page with a long excerpt of another story) matches both, and components would join the two
stories' copies into one cluster, transitively. Here a cluster is a *star* with a coherence
check:

1. Within the graph of verified matches, the document with the most still-unclustered matches
   becomes a centre (ties: the earlier in `order`).
2. Its unclustered matches are candidates. The one sharing the most with the centre is the
   pivot; every other candidate joins only if the part of the centre it shares overlaps the
   part the pivot shares (`coherent`). Two stories carried side by side by one page share
   disjoint parts of it, so the second story's copies are left for another cluster.
3. Repeat until no document with an unclustered match is left.

Every member of a cluster therefore matches the centre directly, on the same part of it. A
document whose matches all went to other clusters stays unclustered (counted in the report).

`cluster_documents` is what every engine calls: the star clusters of a scan's (or a group of
connected components') verified edges and translations, each listed origin first
(`dedup.syndication.origin_key`).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from dedup.config import VerifyConfig
from dedup.model import Entry, HashArray
from dedup.syndication import origin_key

if TYPE_CHECKING:
    from dedup.crosslingual.translations import Translations

#: coherent(centre, pivot, candidate) -> may the candidate join the pivot's cluster?
Coherence = Callable[[int, int, int], bool]


def _always(centre: int, pivot: int, candidate: int) -> bool:
    return True


#: a verified match ``(a, b, words of a it covers, words of b it covers)``
Edge = tuple[int, int, int, int]


def star_clusters(
    n: int,
    edges: Sequence[Edge],
    order: Sequence[int],
    coherent: Coherence = _always,
    words: Sequence[int] | None = None,
    min_links: float = 0.0,
) -> list[list[int]]:
    """Clusters (each sorted, centre included, at least 2 nodes) over nodes ``0..n-1``.

    `edges` are verified matches; `order[i]` is node i's rank for ties (lower first);
    `words[i]` node i's length in words (all 1 when None). The centre is the node whose
    unclustered matches reuse the most of it in all (the sum over them of the share of the
    centre they cover), then the one with the most matches: a story whose copies each carry
    most of it goes before a digest page that shares a little with many stories.
    Deterministic: the result depends only on the set of edges, the ranks, the lengths and
    `coherent`, not on the order the edges are given in.
    """
    adj: list[dict[int, int]] = [{} for _ in range(n)]  # adj[c][j]: words of c that j covers
    for a, b, wa, wb in edges:
        if a != b:
            adj[a][b] = wa
            adj[b][a] = wb
    size = [max(int(w), 1) for w in words] if words is not None else [1] * n
    assigned = [False] * n

    def priority(c: int, free: Sequence[int]) -> tuple[float, int, int, int]:
        reuse = sum(min(adj[c][j], size[c]) for j in free) / size[c]
        return (-round(reuse, 9), -len(free), order[c], c)

    clusters: list[list[int]] = []
    # Nodes by descending priority. Priorities only fall as nodes get assigned, so a popped
    # entry whose priority is stale is pushed back with the fresh one.
    heap = [priority(i, list(adj[i])) for i in range(n) if adj[i]]
    heapq.heapify(heap)
    while heap:
        top = heapq.heappop(heap)
        c = top[3]
        if assigned[c]:
            continue
        free = [j for j in adj[c] if not assigned[j]]
        fresh = priority(c, free)
        if fresh != top:
            if free:
                heapq.heappush(heap, fresh)
            continue
        free.sort(key=lambda j: (-adj[c][j], order[j]))
        pivot = free[0]
        members = [c, pivot]
        for j in free[1:]:
            linked = sum(1 for m in members if m in adj[j])
            if linked >= min_links * len(members) and coherent(c, pivot, j):
                members.append(j)
        for j in members:
            assigned[j] = True
        clusters.append(sorted(members))
        # candidates refused by the coherence check may still cluster around another centre
        for j in free:
            if not assigned[j]:
                left = [k for k in adj[j] if not assigned[k]]
                if left:
                    heapq.heappush(heap, priority(j, left))
    return clusters


def cluster_documents(
    entries: Sequence[Entry],
    sets: Sequence[HashArray],
    edges: Sequence[Sequence[int]],
    cfg: VerifyConfig,
    translations: Translations | None = None,
    words: Sequence[int] | None = None,
) -> list[list[int]]:
    """Star clusters over verified `edges` (`dedup.verify.Edges` rows) between the documents
    `entries`/`sets` of `words` words, and over the verified `translations` (cross-lingual
    stage), each cluster origin first then by origin key; ties between centres go to the
    earlier origin key. The coherence guard needs a pivot's and a candidate's shared parts of
    the centre to overlap by `cfg.min_coherence` of the smaller (0: no guard)."""
    min_overlap = cfg.min_coherence
    keys = [origin_key(e, int(s.size)) for e, s in zip(entries, sets, strict=True)]
    rank = [0] * len(entries)
    for r, i in enumerate(sorted(range(len(entries)), key=keys.__getitem__)):
        rank[i] = r
    pivot_part: dict[tuple[int, int], HashArray] = {}

    def coherent(c: int, pivot: int, j: int) -> bool:
        if min_overlap <= 0.0:
            return True
        if (c, pivot) not in pivot_part:
            pivot_part[(c, pivot)] = np.intersect1d(sets[c], sets[pivot], assume_unique=True)
        p_part = pivot_part[(c, pivot)]
        j_part = np.intersect1d(sets[c], sets[j], assume_unique=True)
        both = np.intersect1d(p_part, j_part, assume_unique=True).size
        return both >= min_overlap * min(p_part.size, j_part.size)

    all_edges = [(int(e[0]), int(e[1]), int(e[2]), int(e[3])) for e in edges]
    if translations is not None:
        found = translations.edges([(a, b, 0) for a, b, _, _ in all_edges])
        all_edges += [(a, b, w, w) for a, b, w in found]
    groups = star_clusters(len(entries), all_edges, rank, coherent, words, cfg.min_links)
    return [sorted(g, key=keys.__getitem__) for g in groups]
