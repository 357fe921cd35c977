"""Quality benchmark: precision, recall and F1 of copy pairs found by `dedup.scan`.

Usage::

    python -m benchmarks.quality [--sets planted_bbc articlecomparisons ...] [--html]
                                 [--update-floors]

For every evaluation set (see `benchmarks.evalsets`) and input kind (the documents as text;
with ``--html`` also rendered as saved HTML pages in a temporary directory) it prints one row for
`dedup` and one for a baseline: datasketch MinHashLSH with text-dedup's published NEWS-COPY
settings (256 permutations, word 2-grams, threshold 0.45, lower-case words split on non-word
characters) and plain union-find over every LSH candidate pair, without verification. On HTML
input the baseline hashes the main text that trafilatura extracts from each page (text-dedup
itself reads only text).

Predicted pairs are all pairs of documents in the same cluster (component). Pairs in a set's
`ignore` list are removed from both predicted and gold pairs before scoring.

dedup's precision and recall must stay at or above the floors in `quality_floors.json`
(keyed ``<set>/<input>``); the run exits with status 1 naming every figure below its floor.
``--update-floors`` records the current figures, rounded down to 0.01, and never lowers a floor.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import trafilatura
from datasketch import MinHash, MinHashLSH

import dedup
from benchmarks.data import run
from benchmarks.evalsets import SETS, EvalSet, html_pages
from dedup.candidates import all_candidates, candidate_pairs
from dedup.ids import one_per_id
from dedup.prepare import prepare_chunk
from dedup.templates import learn

FLOORS_PATH = Path(__file__).resolve().parent / "quality_floors.json"
DEFAULT_SETS = ("planted_bbc", "articlecomparisons", "reuters_exact")
#: Sets that are also scanned from rendered HTML pages when --html is given.
HTML_SETS = ("planted_bbc", "articlecomparisons")

Pairs = set[frozenset[str]]


# ---------------------------------------------------------------------------------------------
# Baseline: text-dedup-style MinHashLSH + union-find
# ---------------------------------------------------------------------------------------------

#: text-dedup's NEWS-COPY benchmark settings
BASELINE_NUM_PERM = 256
BASELINE_NGRAM = 2
BASELINE_THRESHOLD = 0.45
_NON_WORD_RE = re.compile(r"\W+")


def baseline_shingles(text: str, n: int = BASELINE_NGRAM) -> set[bytes]:
    """Word n-grams of lower-cased text split on non-word characters."""
    words = [w for w in _NON_WORD_RE.split(text.lower()) if w]
    if len(words) < n:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i : i + n]).encode("utf-8") for i in range(len(words) - n + 1)}


class _UnionFind:
    def __init__(self, items: Iterable[str]) -> None:
        self.parent = {x: x for x in items}

    def find(self, x: str) -> str:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:  # path compression
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def baseline_pairs(docs: Sequence[tuple[str, str]]) -> Pairs:
    """All pairs within the union-find components of MinHashLSH candidate pairs.

    `docs` are (id, text). Documents without a single n-gram are left out.
    """
    lsh = MinHashLSH(threshold=BASELINE_THRESHOLD, num_perm=BASELINE_NUM_PERM)
    uf = _UnionFind(doc_id for doc_id, _ in docs)
    for doc_id, text in docs:
        grams = baseline_shingles(text)
        if not grams:
            continue
        m = MinHash(num_perm=BASELINE_NUM_PERM)
        m.update_batch(list(grams))
        for other in lsh.query(m):
            uf.union(doc_id, other)
        lsh.insert(doc_id, m)
    return _component_pairs(uf, [d for d, _ in docs])


def _component_pairs(uf: _UnionFind, ids: Iterable[str]) -> Pairs:
    groups: dict[str, list[str]] = {}
    for x in ids:
        groups.setdefault(uf.find(x), []).append(x)
    return {frozenset(p) for g in groups.values() for p in itertools.combinations(g, 2)}


# ---------------------------------------------------------------------------------------------
# Scoring
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """What one method predicted on one set and input kind."""

    evalset: EvalSet
    input_kind: str
    method: str
    predicted: Pairs
    seconds: float


@dataclass(frozen=True)
class Score:
    """Pair-level precision/recall of one method on one set and input kind."""

    set_name: str
    input_kind: str
    method: str
    precision: float
    recall: float
    f1: float
    predicted: int
    gold: int
    seconds: float


def score(
    predicted: Pairs,
    evalset: EvalSet,
    *,
    set_name: str,
    input_kind: str,
    method: str,
    seconds: float,
) -> Score:
    """Score predicted pairs against the set's gold, with ignored pairs removed from both."""
    pred = predicted - evalset.ignore
    gold = evalset.gold - evalset.ignore
    tp = len(pred & gold)
    precision = tp / len(pred) if pred else 1.0
    recall = tp / len(gold) if gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(set_name, input_kind, method, precision, recall, f1, len(pred), len(gold), seconds)


def _timed(fn: Callable[[], Pairs]) -> tuple[Pairs, float]:
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def dedup_text_pairs(evalset: EvalSet) -> Pairs:
    """Copy pairs found by dedup.scan on the documents given as `dedup.Document`s."""
    report = dedup.scan(evalset.docs, config=dedup.ScanConfig())
    return report.pairs()


def dedup_html_pairs(pages: dict[str, str]) -> Pairs:
    """Copy pairs found by dedup.scan on rendered HTML pages, mapped back to document ids."""
    report = dedup.scan(sorted(pages), config=dedup.ScanConfig())
    out: Pairs = set()
    for pair in report.pairs():
        a, b = sorted(pair)
        out.add(frozenset((pages[a], pages[b])))
    return out


def candidate_runs(evalset: EvalSet) -> list[Run]:
    """dedup's candidate pairs (before verification) on the documents as text: from MinHash
    LSH alone, and with the passage index (what the scan verifies). Their recall per kind and
    per coverage band says what each candidate stage finds; their precision means nothing."""
    cfg = dedup.ScanConfig()
    t0 = time.perf_counter()
    batch = one_per_id(prepare_chunk(evalset.docs, cfg))
    ids = [e.id for e in batch.entries]
    sites = [e.site for e in batch.entries]
    templates = learn(sites, batch.sets, cfg.templates)
    own = [templates.shared_by(s, s) for s in sites]

    def named(pairs: npt.NDArray[np.int64]) -> Pairs:
        return {frozenset((ids[a], ids[b])) for a, b in pairs.tolist()}

    lsh = named(candidate_pairs(batch.sigs, cfg.minhash.bands))
    both = named(all_candidates(batch.sets, batch.sigs, cfg, own))
    secs = time.perf_counter() - t0
    return [
        Run(evalset, "text", "cand:lsh", lsh, secs),
        Run(evalset, "text", "cand:all", both, secs),
    ]


def run_set(evalset: EvalSet, html: bool) -> list[Run]:
    """Both methods on one set: as text, and (if `html`) as rendered pages; and dedup's
    candidate stages (`candidate_runs`)."""
    runs = []
    pairs, secs = _timed(lambda: dedup_text_pairs(evalset))
    runs.append(Run(evalset, "text", "dedup", pairs, secs))
    runs.extend(candidate_runs(evalset))
    texts = [(d.id, d.text) for d in evalset.docs]
    pairs, secs = _timed(lambda: baseline_pairs(texts))
    runs.append(Run(evalset, "text", "baseline", pairs, secs))
    if html and evalset.name in HTML_SETS:
        with tempfile.TemporaryDirectory(prefix=f"quality-{evalset.name}-") as tmp:
            pages = html_pages(evalset, tmp)
            pairs, secs = _timed(lambda: dedup_html_pairs(pages))
            runs.append(Run(evalset, "html", "dedup", pairs, secs))
            # text-dedup reads text: the baseline gets each page's main text from trafilatura
            pairs, secs = _timed(lambda: baseline_pairs(_extracted(pages)))
            runs.append(Run(evalset, "html", "baseline", pairs, secs))
    return runs


def score_run(run: Run) -> Score:
    return score(
        run.predicted,
        run.evalset,
        set_name=run.evalset.name,
        input_kind=run.input_kind,
        method=run.method,
        seconds=run.seconds,
    )


def explain(run: Run, limit: int) -> str:
    """Missed and false pairs of a run, counted by kind of document pair, with examples."""
    es = run.evalset
    pred = run.predicted - es.ignore
    gold = es.gold - es.ignore
    lines = [f"## {es.name}/{run.input_kind} {run.method}"]
    for label, pairs in (("missed", gold - pred), ("false", pred - gold)):
        by_kind: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
        for p in pairs:
            ids = tuple(sorted(p))
            kind = tuple(sorted(es.kinds.get(i, "doc") for i in ids))
            by_kind.setdefault(kind, []).append(ids)
        lines.append(f"{label}: {len(pairs)}")
        for kind, items in sorted(by_kind.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            examples = ", ".join("~".join(x) for x in sorted(items)[:limit])
            lines.append(f"  {len(items):5d}  {' + '.join(kind)}: {examples}")
    return "\n".join(lines)


#: Kinds of the planted set that are negatives by construction: their pairs measure precision.
TRAP_KINDS = ("related", "template", "trap-background", "trap-quote", "trap-roundup")
#: Coverage bands of the shorter page (articlecomparisons), for recall of partial copies (below
#: 0.25: identical pages without body text, and pairs the reading decided against the rule).
COVERAGE_BANDS = ((0.0, 0.25), (0.25, 0.5), (0.5, 0.8), (0.8, 1.01))


@dataclass(frozen=True)
class KindScore:
    """One method's figures on the pairs involving documents of one kind."""

    kind: str
    gold: int  # gold pairs involving the kind
    found: int  # ... of which predicted
    predicted: int  # predicted pairs involving the kind
    false: int  # ... of which not gold

    @property
    def recall(self) -> float | None:
        return self.found / self.gold if self.gold else None

    @property
    def precision(self) -> float | None:
        return (self.predicted - self.false) / self.predicted if self.predicted else None


def per_kind(run: Run) -> list[KindScore]:
    """Recall and precision of a run on the pairs involving each kind of document (a pair of
    two kinds counts for both)."""
    es = run.evalset
    pred = run.predicted - es.ignore
    gold = es.gold - es.ignore
    out = []
    for kind in sorted(set(es.kinds.values())):
        ids = {d for d, k in es.kinds.items() if k == kind}
        g = {p for p in gold if p & ids}
        pr = {p for p in pred if p & ids}
        out.append(KindScore(kind, len(g), len(g & pr), len(pr), len(pr - gold)))
    return out


def recall_by_coverage(
    run: Run, coverage: dict[frozenset[str], float]
) -> list[tuple[str, int, int]]:
    """(band, gold pairs, found) by the shorter page's shared share (`coverage`)."""
    pred = run.predicted - run.evalset.ignore
    out = []
    for lo, hi in COVERAGE_BANDS:
        g = {p for p in run.evalset.gold - run.evalset.ignore if lo <= coverage.get(p, 1.0) < hi}
        band = f"{lo:.2f}-{min(hi, 1.0):.2f}" if hi <= 1 else f">= {lo:.2f}"
        out.append((band, len(g), len(g & pred)))
    return out


def format_breakdowns(runs: Sequence[Run]) -> str:
    """Per-kind figures (planted set) and recall by coverage band (sets with coverage)."""
    lines: list[str] = []
    kinded = [r for r in runs if r.evalset.kinds]
    if kinded:
        lines.append(
            "\nper kind: recall = found/gold pairs involving the kind; traps: false pairs "
            "involving them (precision); cand:lsh / cand:all = dedup's candidate pairs before "
            "verification, from LSH alone / with the passage index (recall only)"
        )
        header = (
            f"{'set/input':<22} {'method':<9} {'kind':<18} {'recall':>16} {'false/predicted':>16}"
        )
        lines += [header, "-" * len(header)]
        for r in kinded:
            for k in per_kind(r):
                rec = f"{k.found}/{k.gold} {k.recall:.3f}" if k.gold else "-"
                prec = f"{k.false}/{k.predicted}"
                if k.kind in TRAP_KINDS and k.predicted:
                    prec += f" p={k.precision:.2f}"
                lines.append(
                    f"{r.evalset.name + '/' + r.input_kind:<22} {r.method:<9} {k.kind:<18} "
                    f"{rec:>16} {prec:>16}"
                )
    covered = [r for r in runs if r.evalset.coverage]
    if covered:
        lines.append("\nrecall by the shorter page's shared share (partial copies)")
        for r in covered:
            cells = "  ".join(
                f"{band}: {found}/{n} {found / n if n else 1:.3f}"
                for band, n, found in recall_by_coverage(r, r.evalset.coverage)
            )
            lines.append(f"{r.evalset.name + '/' + r.input_kind:<26} {r.method:<9} {cells}")
    return "\n".join(lines)


def _extracted(pages: dict[str, str]) -> list[tuple[str, str]]:
    """(doc id, trafilatura main text) of rendered pages, for the baseline's HTML row."""
    out = []
    for path, doc_id in sorted(pages.items()):
        text = trafilatura.extract(Path(path).read_text("utf-8")) or ""
        out.append((doc_id, text))
    return out


# ---------------------------------------------------------------------------------------------
# Floors and report
# ---------------------------------------------------------------------------------------------


def load_floors(path: Path = FLOORS_PATH) -> dict[str, dict[str, float]]:
    if not path.exists():
        return {}
    data: dict[str, dict[str, float]] = json.loads(path.read_text("utf-8"))
    return data


def check_floors(scores: Iterable[Score], floors: dict[str, dict[str, float]]) -> list[str]:
    """Messages for every dedup figure below its floor."""
    failures = []
    for s in scores:
        if s.method != "dedup":
            continue
        floor = floors.get(f"{s.set_name}/{s.input_kind}", {})
        for metric in ("precision", "recall"):
            value = getattr(s, metric)
            if metric in floor and value < floor[metric]:
                failures.append(
                    f"{s.set_name}/{s.input_kind}: dedup {metric} {value:.4f} is below its "
                    f"floor {floor[metric]:.2f}"
                )
    return failures


def update_floors(
    scores: Iterable[Score], floors: dict[str, dict[str, float]]
) -> tuple[dict[str, dict[str, float]], list[str]]:
    """New floors from dedup's figures (rounded down to 0.01); never lowers an existing floor.

    Returns the floors and a message for each floor that was kept because the figure is lower.
    """
    new = {k: dict(v) for k, v in floors.items()}
    kept = []
    for s in scores:
        if s.method != "dedup":
            continue
        key = f"{s.set_name}/{s.input_kind}"
        entry = new.setdefault(key, {})
        for metric in ("precision", "recall"):
            value = math.floor(getattr(s, metric) * 100 + 1e-9) / 100
            old = entry.get(metric)
            if old is not None and value < old:
                kept.append(f"{key}: {metric} {value:.2f} would lower floor {old:.2f}; kept")
                continue
            entry[metric] = value
    return dict(sorted(new.items())), kept


def format_table(scores: Sequence[Score]) -> str:
    header = (
        "set",
        "input",
        "method",
        "precision",
        "recall",
        "F1",
        "predicted pairs",
        "gold pairs",
        "seconds",
    )
    rows = [
        (
            s.set_name,
            s.input_kind,
            s.method,
            f"{s.precision:.4f}",
            f"{s.recall:.4f}",
            f"{s.f1:.4f}",
            str(s.predicted),
            str(s.gold),
            f"{s.seconds:.1f}",
        )
        for s in scores
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    for r in rows:
        lines.append(
            "  ".join(
                c.ljust(w) if i < 3 else c.rjust(w)
                for i, (c, w) in enumerate(zip(r, widths, strict=True))
            )
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sets",
        nargs="+",
        choices=sorted(SETS),
        default=list(DEFAULT_SETS),
        help="evaluation sets to run (default: all)",
    )
    parser.add_argument(
        "--html",
        action="store_true",
        help=f"also scan {', '.join(HTML_SETS)} rendered as HTML pages",
    )
    parser.add_argument(
        "--explain",
        type=int,
        metavar="N",
        default=0,
        help="print dedup's missed and false pairs by kind, N examples each",
    )
    parser.add_argument(
        "--update-floors",
        action="store_true",
        help="record dedup's current figures as floors (never lowers one)",
    )
    args = parser.parse_args(argv)

    runs: list[Run] = []
    for name in args.sets:
        t0 = time.perf_counter()
        evalset = SETS[name]()
        print(
            f"# {name}: {len(evalset.docs)} docs, {len(evalset.gold)} gold pairs, "
            f"{len(evalset.ignore)} ignored (built in {time.perf_counter() - t0:.1f}s). "
            f"{evalset.notes}",
            file=sys.stderr,
            flush=True,
        )
        runs.extend(run_set(evalset, args.html))
    scores = [score_run(r) for r in runs if not r.method.startswith("cand:")]
    print(format_table(scores))
    print(format_breakdowns(runs))
    if args.explain:
        for r in runs:
            if r.method == "dedup":
                print(explain(r, args.explain), file=sys.stderr)

    floors = load_floors()
    if args.update_floors:
        new, kept = update_floors(scores, floors)
        FLOORS_PATH.write_text(json.dumps(new, indent=2) + "\n", "utf-8")
        for msg in kept:
            print(msg, file=sys.stderr)
        print(f"floors written to {FLOORS_PATH}", file=sys.stderr)
        return 0
    failures = check_floors(scores, floors)
    if failures:
        print("QUALITY BELOW FLOOR:", file=sys.stderr)
        for msg in failures:
            print(f"  {msg}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    run(main)
