"""One document per id.

A scan keeps, of the documents that share an id, the first by `dedupe_key`: the first by
(source, location) in natural order ("line 9" before "line 10"), then by content. The choice
depends on the documents only, never on the order they were read in or on how the work was
split (engines: the local one over a whole `Batch`, Dask over rows gathered from partitions,
both through `losers`). An index add keeps the first or the last of an id within one add, by
its duplicate policy (`index_choice`). Every document left out is a skip naming the one kept.
"""

from __future__ import annotations

from collections.abc import Sequence

import xxhash

from dedup.model import Batch, Entry, HashArray, Skip, natural


def dedupe_key(entry: Entry, shingles: HashArray) -> tuple[object, ...]:
    """Order among documents sharing an id: the first by (source, location), then by content."""
    return (
        entry.id,
        natural(entry.source or ""),
        shingles.size,
        xxhash.xxh3_64_intdigest(shingles.astype("<u8").tobytes()),
    )


def skip_of(entry: Entry, reason: str) -> Skip:
    """The skip of a prepared document, placed where it came from."""
    src, _, loc = (entry.source or "(api)").partition(":")
    return Skip(src, reason, loc or None)


def duplicate_skip(dropped: Entry, kept: Entry) -> Skip:
    """The skip of a document dropped because `kept` has its id."""
    return skip_of(
        dropped, f"duplicate id {dropped.id!r} (kept the one at {kept.source or '(api)'})"
    )


def losers(rows: Sequence[tuple[tuple[object, ...], int]]) -> list[tuple[int, int]]:
    """(dropped, kept) references for rows ``(dedupe_key, reference)``: of the rows of one id,
    the one with the smallest key is kept. Rows of an id must all be given together."""
    merged = sorted(rows, key=lambda r: r[0])
    out: list[tuple[int, int]] = []
    kept = -1
    for k, (key, ref) in enumerate(merged):
        if k and merged[k - 1][0][0] == key[0]:
            out.append((ref, kept))
        else:
            kept = ref
    return out


def one_per_id(batch: Batch) -> Batch:
    """`batch` sorted by id with one document per id (`losers`); the others become skips,
    after the batch's own. Only the documents of repeated ids are keyed (hashing every set
    would cost more than the sort)."""
    entries = batch.entries
    ids = [e.id for e in entries]
    order = sorted(range(len(entries)), key=ids.__getitem__)
    skips = batch.skips
    keep = order
    repeated = {ids[order[k]] for k in range(1, len(order)) if ids[order[k]] == ids[order[k - 1]]}
    if repeated:
        rows = [(dedupe_key(entries[i], batch.sets[i]), i) for i in order if ids[i] in repeated]
        dropped: set[int] = set()
        for lost, kept in losers(rows):
            dropped.add(lost)
            skips.add(duplicate_skip(entries[lost], entries[kept]))
        keep = [i for i in order if i not in dropped]
    out = batch.take(keep)
    out.skips, out.read = skips, batch.read
    return out


def index_choice(entries: Sequence[Entry], replace: bool) -> tuple[list[int], list[Skip]]:
    """Positions of the documents of one index add batch to write, one per id, in order: the
    first of an id under the "refuse" policy, the last under "replace"; the others as skips."""
    chosen: dict[str, int] = {}
    skips: list[Skip] = []
    for i, e in enumerate(entries):
        j = chosen.get(e.id)
        if j is None:
            chosen[e.id] = i
        elif replace:
            skips.append(skip_of(entries[j], f"duplicate id {e.id!r} (replaced by a later record)"))
            chosen[e.id] = i
        else:
            skips.append(skip_of(e, f"duplicate id {e.id!r} (kept the first record)"))
    return sorted(chosen.values()), skips
