"""HTML extraction: article-text quality, metadata and speed of each extractor, in one run.

Usage::

    python -m benchmarks.bench_extract [--repeats 3] [--copies 2] [--no-scan]

Data (``../shared/data``, read only):

* ``html_scrapinghub_aeb``: 181 real article pages with their gold article body. **Token
  precision / recall / F1**: a page's text and its gold body as multisets of lower-cased
  ``\\w+`` tokens; precision and recall per page, averaged over the pages (a page with no text
  has precision and recall 0), F1 of the two averages.
* ``html_trafilatura_eval``: 244 real pages with snippets that must appear in the main text
  ("keep") and snippets that must not ("drop"), and for 202 pages the title and date.
  **keep** = share of must-keep snippets found in the text, **drop** = share of must-drop
  snippets absent, **acc** = both together (whitespace collapsed on both sides). **title** /
  **date** = share of the pages with a gold title / date where the extractor gives the same
  (title: equal after collapsing whitespace and case; date: the same calendar day).

Rows: the four extractors of ``dedup.extract`` through ``extract_html`` (text and metadata,
as a scan calls it, ``min_words=0`` so that every text is scored), readability-lxml
(``Document.summary``'s text, no metadata), and the metadata readers alone (trafilatura's
``extract_metadata``, which runs htmldate; ``dedup.extract.page_metadata`` on resiliparse's
tree). **pages/s**: all 425 pages in this process, one core, median of ``--repeats`` runs.
**scan pages/s**: ``dedup.scan(jobs=1)`` of the 181 ScrapingHub pages written ``--copies``
times as files (reading, extraction, signing, candidates, verification, report), median of
``--repeats``. **fallback**: share of pages where ``hybrid`` called trafilatura.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks import corpora
from benchmarks.data import cpu_model, dataset_dir, run

_TOKEN = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Page:
    set: str  # "sh" (ScrapingHub) or "te" (trafilatura eval)
    id: str
    raw: bytes
    gold: str | None = None  # sh: the article body
    keep: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()
    title: str | None = None
    date: str | None = None
    url: str | None = None


@dataclass
class Output:
    text: str
    title: str | None = None
    date: str | None = None


def load_pages() -> list[Page]:
    """The 181 ScrapingHub pages (sorted by id), then the 244 trafilatura-eval pages (in
    manifest order)."""
    sh_dir = dataset_dir("html_scrapinghub_aeb")
    truth = json.loads((sh_dir / "ground-truth.json").read_text(encoding="utf-8"))
    pages = [
        Page("sh", pid, raw, gold=truth[pid]["articleBody"], url=truth[pid].get("url"))
        for pid, raw in corpora.scrapinghub_pages()
    ]
    te_dir = dataset_dir("html_trafilatura_eval")
    with (te_dir / "manifest.jsonl").open(encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            pages.append(
                Page(
                    "te",
                    r["file"],
                    gzip.open(te_dir / r["file"], "rb").read(),
                    keep=tuple(r["with"]),
                    drop=tuple(r.get("without", ())),
                    title=r.get("title") or None,
                    date=r.get("date") or None,
                    url=r.get("url"),
                )
            )
    return pages


def _tokens(text: str) -> Counter[str]:
    return Counter(_TOKEN.findall(text.lower()))


def _squash(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def token_prf(texts: Sequence[str], golds: Sequence[str]) -> tuple[float, float, float]:
    """Token precision and recall averaged over pages, and F1 of the two (module docstring)."""
    ps, rs = [], []
    for text, gold in zip(texts, golds, strict=True):
        a, b = _tokens(text), _tokens(gold)
        both = sum((a & b).values())
        ps.append(both / max(sum(a.values()), 1))
        rs.append(both / max(sum(b.values()), 1))
    p, r = statistics.fmean(ps), statistics.fmean(rs)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def snippets(texts: Sequence[str], pages: Sequence[Page]) -> tuple[float, float, float]:
    """Shares of must-keep snippets kept, must-drop snippets dropped, and of both."""
    kept = keep_n = dropped = drop_n = 0
    for text, page in zip(texts, pages, strict=True):
        flat = _squash(text)
        keep_n += len(page.keep)
        kept += sum(_squash(s) in flat for s in page.keep)
        drop_n += len(page.drop)
        dropped += sum(_squash(s) not in flat for s in page.drop)
    return kept / keep_n, dropped / drop_n, (kept + dropped) / (keep_n + drop_n)


def metadata_agreement(outs: Sequence[Output], pages: Sequence[Page]) -> tuple[float, float]:
    """Shares of gold titles and gold dates (trafilatura eval pages that have one) found."""
    titles = [
        _squash(o.title or "").lower() == _squash(p.title).lower()
        for o, p in zip(outs, pages, strict=True)
        if p.title
    ]
    dates = [(o.date or "")[:10] == p.date[:10] for o, p in zip(outs, pages, strict=True) if p.date]
    return statistics.fmean(titles), statistics.fmean(dates)


# ---------------------------------------------------------------------------------------------
# the extractors
# ---------------------------------------------------------------------------------------------


def _dedup(extractor: str) -> Callable[[Page], Output]:
    from dedup.config import ExtractConfig
    from dedup.errors import RecordError
    from dedup.extract import extract_html

    cfg = ExtractConfig(extractor=extractor, min_words=0)

    def run(page: Page) -> Output:
        try:
            ex = extract_html(page.raw, cfg, url=page.url)
        except RecordError:
            return Output("")
        return Output(ex.text, ex.title, ex.date)

    return run


def _readability() -> Callable[[Page], Output] | None:
    try:
        import lxml.html  # type: ignore[import-untyped]
        from readability import Document  # type: ignore[import-untyped]
    except ImportError:
        return None

    def run(page: Page) -> Output:
        try:
            summary = Document(page.raw).summary(html_partial=True)
            return Output(lxml.html.fromstring(summary).text_content())
        except Exception:  # readability raises its own Unparseable and lxml's errors
            return Output("")

    return run


def _trafilatura_metadata() -> Callable[[Page], Output]:
    from dedup.extract import DATE_PARAMS, _page_date, _trafilatura

    trafilatura = _trafilatura()

    def run(page: Page) -> Output:
        meta = trafilatura.extract_metadata(
            page.raw, default_url=page.url, date_config=dict(DATE_PARAMS)
        )
        return Output("", meta.title, _page_date(meta.date))

    return run


def _page_metadata() -> Callable[[Page], Output]:
    from dedup.extract import _decode, page_metadata

    def run(page: Page) -> Output:
        meta = page_metadata(_decode(page.raw))
        return Output("", meta.title, meta.date)

    return run


def fallback_share(pages: Sequence[Page]) -> float:
    """Share of `pages` where the hybrid extractor calls trafilatura."""
    from dedup.extract import _decode, _parse, _resiliparse_text, article_lines, defuse, looks_wrong

    return statistics.fmean(
        looks_wrong(article_lines(_resiliparse_text(_parse(str(defuse(_decode(p.raw)))))))
        for p in pages
    )


def _timed(
    fn: Callable[[Page], Output], pages: Sequence[Page], repeats: int
) -> tuple[list[Output], float]:
    """Outputs of the first run and pages/s, median of `repeats` runs."""
    outs: list[Output] = []
    rates = []
    for i in range(repeats):
        start = time.perf_counter()
        got = [fn(p) for p in pages]
        rates.append(len(pages) / (time.perf_counter() - start))
        if i == 0:
            outs = got
    return outs, statistics.median(rates)


def scan_rate(extractor: str, folder: Path, repeats: int) -> float:
    """Pages a second of a whole one-process `dedup.scan` of the files in `folder`."""
    import dedup
    from dedup.config import ExtractConfig, ScanConfig

    cfg = ScanConfig(extract=ExtractConfig(extractor=extractor))
    paths = sorted(folder.iterdir())
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        report = dedup.scan(paths, cfg, jobs=1)
        rates.append(len(paths) / (time.perf_counter() - start))
    if report.stats.read != len(paths):
        raise RuntimeError(f"the scan read {report.stats.read} of {len(paths)} files")
    return statistics.median(rates)


@dataclass
class Row:
    name: str
    text: bool
    outs: list[Output]
    rate: float
    scan: float | None = None
    fallback: float | None = None


def _f(x: float | None, spec: str = ".3f") -> str:
    return "" if x is None else format(x, spec)


def format_table(rows: Sequence[Row], pages: Sequence[Page]) -> str:
    sh = [i for i, p in enumerate(pages) if p.set == "sh"]
    te = [i for i, p in enumerate(pages) if p.set == "te"]
    head = (
        "| extractor | SH precision | SH recall | SH F1 | TE keep | TE drop | TE acc "
        "| TE title | TE date | pages/s | scan pages/s | fallback |"
    )
    lines = [head, "|---|" + "---:|" * 11]
    for row in rows:
        cells = [row.name]
        if row.text:
            p, r, f1 = token_prf([row.outs[i].text for i in sh], [pages[i].gold or "" for i in sh])
            keep, drop, acc = snippets([row.outs[i].text for i in te], [pages[i] for i in te])
            cells += [_f(p), _f(r), _f(f1), _f(keep), _f(drop), _f(acc)]
        else:
            cells += [""] * 6
        titles = [row.outs[i] for i in te]
        if any(o.title or o.date for o in titles):
            t, d = metadata_agreement(titles, [pages[i] for i in te])
            cells += [_f(t), _f(d)]
        else:
            cells += ["", ""]
        cells += [_f(row.rate, ",.0f"), _f(row.scan, ",.0f"), _f(row.fallback, ".2f")]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="timed runs (median) [3]")
    parser.add_argument("--copies", type=int, default=2, help="copies of each page scanned [2]")
    parser.add_argument("--no-scan", action="store_true", help="skip the whole-scan timings")
    args = parser.parse_args(argv)
    pages = load_pages()
    rows: list[Row] = []
    for name in ("trafilatura", "fast", "resiliparse", "hybrid"):
        outs, rate = _timed(_dedup(name), pages, args.repeats)
        rows.append(Row(name, True, outs, rate))
    readability = _readability()
    if readability is not None:
        outs, rate = _timed(readability, pages, args.repeats)
        rows.append(Row("readability-lxml (text only)", True, outs, rate))
    for name, fn in (
        ("trafilatura.extract_metadata (metadata only)", _trafilatura_metadata()),
        ("dedup page_metadata (metadata only)", _page_metadata()),
    ):
        outs, rate = _timed(fn, pages, args.repeats)
        rows.append(Row(name, False, outs, rate))
    rows[3].fallback = fallback_share(pages)
    if not args.no_scan:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "pages"
            written = corpora.write_pages(corpora.scrapinghub_pages(), folder, args.copies)
            for row in rows[:4]:
                row.scan = scan_rate(row.name, folder, args.repeats)
            print(f"scan: {len(written)} files ({args.copies} copies of 181 pages), jobs=1")
    print(
        f"CPU: {cpu_model()}; {len(pages)} pages ({sum(p.set == 'sh' for p in pages)} SH, "
        f"{sum(p.set == 'te' for p in pages)} TE); median of {args.repeats} runs"
    )
    print(format_table(rows, pages))
    return 0


if __name__ == "__main__":
    run(main)
