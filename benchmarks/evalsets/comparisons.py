"""`articlecomparisons()`: real same-event news with natural wire syndication.

All 680 articles of ``news_syndication_articlecomparisons``; labels from sentence alignment
(`benchmarks.evalsets.alignment`).
"""

from __future__ import annotations

import csv
import gzip

from benchmarks.data import dataset_dir
from benchmarks.evalsets.alignment import label_by_alignment
from benchmarks.evalsets.evalset import EvalSet
from dedup.model import Document

_AC_FILES = ("census", "helsinki", "spotify")


def _read_articlecomparisons() -> list[tuple[str, str, str, list[str]]]:
    """(id, publisher, scrape_time, paragraphs) of the 680 articles, ids prefixed by file."""
    csv.field_size_limit(1 << 30)
    out = []
    for name in _AC_FILES:
        path = dataset_dir("news_syndication_articlecomparisons") / f"{name}_articles.csv.gz"
        with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                paras = [p.strip() for p in row["text"].split(" ### ") if p.strip()]
                out.append((f"{name}:{row['id']}", row["publisher"], row["scrape_time"], paras))
    return out


def articlecomparisons() -> EvalSet:
    """All 680 real articles of ArticleComparisons; labels from sentence alignment."""
    rows = _read_articlecomparisons()
    docs = [
        Document(
            id=doc_id,
            text="\n\n".join(paras),
            url=f"https://{publisher}/articlecomparisons/{doc_id.replace(':', '-')}",
            site=publisher,
            title=None,
            date=scrape_time,
        )
        for doc_id, publisher, scrape_time, paras in rows
    ]
    gold, ignore, aligned = label_by_alignment({r[0]: r[3] for r in rows})
    notes = (
        f"{len(docs)} real pages (census 32, helsinki 612, spotify 36); {len(aligned)} pairs "
        f"aligned (sharing a >= 8-word sentence, or in one copy group); {len(gold)} copy pairs, "
        f"{len(ignore)} ignored (partial overlap: excerpts of 20-50%, write-thrus sharing about "
        "half, whole short stories inside digests)."
    )
    return EvalSet("articlecomparisons", docs, gold, ignore, notes)
