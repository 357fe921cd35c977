"""Real news texts for the throughput benchmarks (`bench_signatures`, `bench_scan`, `bench_scale`).

Everything is read from the read-only data beside the repository (``../shared/data``; override
with the ``DEDUP_DATA`` environment variable; see `benchmarks.data`) and built
deterministically: same data, same sets.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import html
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.data import dataset_dir

_REUTERS_RE = re.compile(r"<REUTERS[^>]*NEWID=\"(\d+)\"[^>]*>(.*?)</REUTERS>", re.S)
_BODY_RE = re.compile(r"<BODY>(.*?)</BODY>", re.S)
_TITLE_RE = re.compile(r"<TITLE>(.*?)</TITLE>", re.S)
_WORD_SPAN_RE = re.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class Text:
    """One real news text."""

    id: str
    title: str
    text: str


def reuters_bodies() -> list[Text]:
    """The 19,043 Reuters-21578 documents that have a BODY (SGML, Latin-1), in NEWID order."""
    out = []
    for k in range(22):
        path = dataset_dir("news_reuters21578") / f"reut2-{k:03d}.sgm.gz"
        raw = gzip.open(path, "rb").read().decode("latin-1")
        for m in _REUTERS_RE.finditer(raw):
            body = _BODY_RE.search(m.group(2))
            if not body:
                continue
            text = html.unescape(body.group(1)).replace("\x03", "").strip()
            text = re.sub(r"\s*Reuter\s*$", "", text)
            title = _TITLE_RE.search(m.group(2))
            out.append(
                Text(f"reuters-{m.group(1)}", html.unescape(title.group(1)) if title else "", text)
            )
    return out


def bbc_articles() -> list[Text]:
    """The 2,225 BBC News articles (Greene & Cunningham 2006), sorted by id."""
    path = dataset_dir("news_bbc_2225") / "bbc_articles.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    return sorted(
        (Text(f"bbc-{r['id']}", r["title"].strip(), r["text"].strip()) for r in rows),
        key=lambda t: t.id,
    )


def articlecomparisons() -> list[Text]:
    """The 680 scraped articles of ArticleComparisons (paragraphs joined by blank lines)."""
    csv.field_size_limit(1 << 30)
    out = []
    for name in ("census", "helsinki", "spotify"):
        path = dataset_dir("news_syndication_articlecomparisons") / f"{name}_articles.csv.gz"
        with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                paras = [p.strip() for p in row["text"].split(" ### ") if p.strip()]
                out.append(Text(f"ac-{name}-{row['id']}", "", "\n\n".join(paras)))
    return out


def words(text: str) -> int:
    """Whitespace-separated words."""
    return len(text.split())


def trim_words(text: str, n: int) -> str | None:
    """`text` up to the end of its n-th whitespace-separated word (layout kept); None if shorter."""
    for k, m in enumerate(_WORD_SPAN_RE.finditer(text), start=1):
        if k == n:
            return text[: m.end()]
    return None


def articles_600(limit: int | None = None) -> list[str]:
    """Real articles of at least 600 words (BBC, then ArticleComparisons), cut to 600 words."""
    out = [t for t in (trim_words(a.text, 600) for a in bbc_articles() + articlecomparisons()) if t]
    return out[:limit]


def reuters_200(limit: int | None = None) -> list[str]:
    """Reuters-21578 bodies of at least 200 words, cut to 200 words."""
    out = [t for t in (trim_words(r.text, 200) for r in reuters_bodies()) if t]
    return out[:limit]


def long_documents(n_words: int = 5000, limit: int | None = None) -> list[str]:
    """Documents of about `n_words` words: consecutive BBC articles concatenated."""
    out: list[str] = []
    cur: list[str] = []
    size = 0
    for a in bbc_articles():
        cur.append(a.text)
        size += words(a.text)
        if size >= n_words:
            out.append("\n\n".join(cur))
            cur, size = [], 0
            if limit is not None and len(out) >= limit:
                break
    return out


def news_corpus() -> list[Text]:
    """The ~21,000 real news texts of the scan benchmark: Reuters-21578 bodies, then BBC."""
    return reuters_bodies() + bbc_articles()


def write_jsonl(texts: Sequence[Text], path: Path) -> Path:
    """`texts` as a JSONL file of ``{"id", "title", "text"}`` records."""
    with path.open("w", encoding="utf-8") as f:
        for t in texts:
            f.write(json.dumps({"id": t.id, "title": t.title, "text": t.text}) + "\n")
    return path


def read_jsonl(path: Path) -> Iterator[tuple[str, str]]:
    """(id, text) of every record of a file written by `write_jsonl`."""
    with path.open(encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            yield r["id"], r["text"]


def scrapinghub_pages() -> list[tuple[str, bytes]]:
    """(id, raw HTML) of the 181 real article pages of html_scrapinghub_aeb, sorted by id."""
    folder = dataset_dir("html_scrapinghub_aeb") / "html"
    return [
        (p.name.removesuffix(".html.gz"), gzip.open(p, "rb").read())
        for p in sorted(folder.glob("*.html.gz"))
    ]


def write_pages(pages: Sequence[tuple[str, bytes]], folder: Path, copies: int) -> list[Path]:
    """`copies` copies of every page as ``.html`` files in `folder` (each copy a distinct file,
    told apart by an HTML comment, so that copies are real duplicates to be found)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for c in range(copies):
        for pid, raw in pages:
            tag = hashlib.sha1(f"{c}:{pid}".encode()).hexdigest()[:12]
            path = folder / f"{pid[:16]}-{c}.html"
            path.write_bytes(raw + f"\n<!-- copy {c} {tag} -->\n".encode())
            out.append(path)
    return out
