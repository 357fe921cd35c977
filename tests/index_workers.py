"""Child processes and synthetic documents for the index reliability tests.

Run as ``python -m tests.index_workers add|read LOCATION ...`` from the repository root: the
tests start real processes (and kill them), so the work they do lives here, importable.

Synthetic documents come in pairs: ``p<k>-a`` and ``p<k>-b`` share most of their text (a copy
with a changed ending), and every pair differs from every other. An add writes both of a pair
in the same batch, so a reader that sees one of them without the other has seen a torn batch.
"""

from __future__ import annotations

import os
import random
import sys
import time
from collections.abc import Iterator

from dedup import Document, Index
from dedup.engines.pool import CHUNK_RECORDS

_VOCAB = [f"w{i}" for i in range(5000)]


def pair_texts(k: int, words: int = 80) -> tuple[str, str]:
    """Two texts of sentences of ten words sharing all but their last eighth (a copy with a
    changed ending: a passage of seven in eight sentences), unlike any other pair's."""
    rng = random.Random(k)
    body = [rng.choice(_VOCAB) for _ in range(words)]
    tail = [rng.choice(_VOCAB) for _ in range(words // 8)]
    return _sentences(body), _sentences(body[: words - words // 8] + tail)


def _sentences(words: list[str]) -> str:
    """The words as sentences of ten, each capitalised and ended by a full stop."""
    parts = [words[i : i + 10] for i in range(0, len(words), 10)]
    return " ".join(" ".join(p).capitalize() + "." for p in parts)


def pair_docs(
    first: int, count: int, pause: float = 0.0, gate: str = "", gate_at: int = 0
) -> Iterator[Document]:
    """Documents of pairs first .. first+count-1, a and b of each one after the other; with a
    `gate` (a path), waits before pair `gate_at` until that file exists."""
    for k in range(first, first + count):
        if gate and k == gate_at:
            while not os.path.exists(gate):
                time.sleep(0.01)
        a, b = pair_texts(k)
        yield Document(id=f"p{k}-a", text=a, site="a.example")
        yield Document(id=f"p{k}-b", text=b, site="b.example")
        if pause:
            time.sleep(pause)


def add_main(
    location: str, first: int, count: int, batch_pairs: int, pause: float, gate: str = ""
) -> None:
    """Add pairs in batches of `batch_pairs` pairs (both of a pair always in one batch); with
    a `gate`, reading stops after the first chunk of records until that file exists."""
    docs = pair_docs(first, count, pause, gate, first + CHUNK_RECORDS // 2)
    with Index.open(location) as index:
        index.add(docs, batch_size=2 * batch_pairs)


def read_main(location: str, pairs: int, seconds: float, ready: str) -> None:
    """Query pair texts in a loop until the index holds all `pairs` pairs (then 20 queries
    more) or `seconds` pass; exit 3 at a torn read (one of a pair without the other). Prints
    the number of queries and of the distinct index sizes seen while querying. Creates the
    file `ready` once it has answered a first query."""
    deadline = time.monotonic() + seconds
    rng = random.Random()
    queries, after = 0, 0
    sizes: set[int] = set()
    with Index.open(location, create=False) as index:
        while time.monotonic() < deadline and after < 20:
            k = rng.randrange(pairs)
            a, _ = pair_texts(k)
            got = {m.id for m in index.query(a)}
            if got not in (set(), {f"p{k}-a", f"p{k}-b"}):
                print(f"torn read for pair {k}: {sorted(got)}", file=sys.stderr)
                sys.exit(3)
            size = len(index)
            if size % 2:
                print(f"odd document count {size}", file=sys.stderr)
                sys.exit(3)
            sizes.add(size)
            queries += 1
            if queries == 1:
                open(ready, "w").close()
            after += size == 2 * pairs
    print(queries, len(sizes))


if __name__ == "__main__":
    cmd, location, *rest = sys.argv[1:]
    if cmd == "add":
        add_main(location, int(rest[0]), int(rest[1]), int(rest[2]), float(rest[3]), *rest[4:])
    else:
        read_main(location, int(rest[0]), float(rest[1]), rest[2])
