"""One document per id.

A scan keeps, of the documents that share an id, the first by `dedupe_key`: the first by
(source, location) in natural order ("line 9" before "line 10"), then by content. The choice
depends on the documents only, never on the order they were read in or on how the work was
split (engines: the local one over a whole `Batch`, Dask over rows gathered from partitions,
both through `losers`). An index add keeps the first or the last of an id within one add, by
its duplicate policy (`index_choice`). Every document left out is a skip naming the one kept.

One document per text: documents with the same text as prepared (the same shingle set and
layout: `text_key`), on one site or many, are one text for the stages after this one, which see
only the first of them by origin key (`same_text_rows`, `losers`); the report lists the others
beside it (`dedup.report.add_same_text`) with its figures. So n copies of one text cost one
document, not n^2 pairs, however many sites run it. (The pairs of the first are found with its
site's templates left out, and stand for the others': a site template is text a site prints
around other text, never a whole page that another site prints too.)
"""

from __future__ import annotations

from collections.abc import Sequence

import xxhash

from dedup.model import Batch, Entry, HashArray, Layout, Skip, natural
from dedup.syndication import origin_key


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


def text_key(shingles: HashArray, layout: Layout) -> int:
    """One 64-bit key for a document's text as the stages after preparation see it: its
    shingle set and its layout (word and sentence offsets, quotations, furniture). Equal keys:
    the same text, for every stage."""
    h = xxhash.xxh3_64()
    h.update(shingles.astype("<u8").tobytes())
    h.update(layout.to_array().astype("<i4").tobytes())
    return h.intdigest()


def same_text_rows(
    entries: Sequence[Entry], sets: Sequence[HashArray], layouts: Sequence[Layout]
) -> list[tuple[tuple[object, ...], int]]:
    """`losers` rows of one-per-text: ``((text_key, origin key), position)``, so that of the
    documents of one text the earliest by origin key (`dedup.syndication.origin_key`) is kept."""
    return [
        ((text_key(s, lay), origin_key(e, int(s.size))), i)
        for i, (e, s, lay) in enumerate(zip(entries, sets, layouts, strict=True))
    ]


def one_per_text(batch: Batch) -> tuple[Batch, list[tuple[int, int]]]:
    """`batch` without the documents whose text another one has (`same_text_rows`), in order,
    and (dropped, kept) positions in `batch` of those left out."""
    pairs = losers(same_text_rows(batch.entries, batch.sets, batch.layouts))
    if not pairs:
        return batch, []
    gone = {d for d, _ in pairs}
    out = batch.take([i for i in range(len(batch)) if i not in gone])
    out.skips, out.read = batch.skips, batch.read
    return out, sorted(pairs)
