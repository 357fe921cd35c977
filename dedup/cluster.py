"""Grouping verified matches into clusters, guarded against chaining.

Connected components of the match graph chain: one page that carries two stories (a digest, a
page with a long "related" excerpt) would join the two stories' copies into one cluster, and
so on transitively. Here a cluster is a *star*: a centre and documents that each match the
centre directly (verified). Within each connected component, the document with the most
still-unclustered matches becomes a centre (ties: the earlier in `order`), takes those matches
as members, and the rest of the component is clustered again the same way. Two members of a
cluster are therefore never further apart than one verified match each to the same centre.
A document whose matches all went to other clusters stays unclustered (it is counted).
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence


def star_clusters(n: int, edges: Sequence[tuple[int, int]], order: Sequence[int]) -> list[list[int]]:
    """Clusters (each sorted, centre included) over `n` nodes from verified `edges`.

    `order[i]` is node i's rank for tie-breaks (lower first). Pure and deterministic: the
    result depends only on the set of edges and the ranks, not on the order edges are given.
    """
    adj: list[set[int]] = [set() for _ in range(n)]
    for a, b in edges:
        if a != b:
            adj[a].add(b)
            adj[b].add(a)
    assigned = [False] * n
    clusters: list[list[int]] = []
    # nodes by descending degree, then rank; degrees only fall as nodes get assigned, so a
    # lazy re-check keeps this near-linear instead of rescanning every node each round.
    heap = [(-len(adj[i]), order[i], i) for i in range(n) if adj[i]]
    heapq.heapify(heap)
    while heap:
        negdeg, rank, i = heapq.heappop(heap)
        if assigned[i]:
            continue
        free = [j for j in adj[i] if not assigned[j]]
        if len(free) != -negdeg:
            if free:
                heapq.heappush(heap, (-len(free), rank, i))
            continue
        if not free:
            continue
        members = sorted([i, *free])
        for j in members:
            assigned[j] = True
        clusters.append(members)
    return clusters
