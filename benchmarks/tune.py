"""How the defaults were chosen: shingle size, LSH banding and the copy rule, by measurement.

Usage::

    python -m benchmarks.tune [--tune articlecomparisons] [--check planted_bbc reuters_exact]

For every shingle size k it signs each evaluation set, takes candidate pairs from a generous
banding (2 rows a band, so that nearly every pair with Jaccard above 0.1 is a candidate),
computes the exact similarities once, and then scores every copy rule of a grid: predicted pairs
are the pairs of documents clustered together by `dedup`'s own clustering. The best rule by F1
on the tuning set is then scored, unchanged, on the check sets. A second table gives, for the
chosen k, the share of gold pairs passing the rule that each LSH banding makes candidates, and
how many candidates it costs.
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace

import dedup
from benchmarks.data import run
from benchmarks.evalsets import SETS, EvalSet
from dedup.candidates import candidate_pairs
from dedup.cluster import cluster_documents
from dedup.engines.local import collect
from dedup.model import Batch
from dedup.verify import is_copy, similarity

Pairs = set[frozenset[str]]

K_GRID = (3, 4, 5, 6, 7)
JACCARD_GRID = (0.3, 0.4, 0.5, 0.6, 0.7)
CONTAINMENT_GRID = (0.6, 0.7, 0.8, 0.9)
REUSE_GRID = (0.2, 0.3, 0.4, 0.5)
BANDINGS = ((255, 85), (256, 64), (255, 51), (128, 32), (128, 16))


@dataclass
class Candidates:
    """An evaluation set's prepared documents and the exact similarity of its LSH candidates."""

    evalset: EvalSet
    corpus: Batch
    sims: list[tuple[int, int, dedup.Similarity]]


def prepare(evalset: EvalSet, k: int) -> Candidates:
    cfg = dedup.ScanConfig(
        shingle=dedup.ShingleConfig(shingle_size=k),
        minhash=dedup.MinHashConfig(num_perm=256, bands=128),
    )
    corpus, _ = collect(evalset.docs, cfg)
    pairs = candidate_pairs(corpus.sigs, 128)
    sims = [(a, b, similarity(corpus.sets[a], corpus.sets[b])) for a, b in pairs.tolist()]
    return Candidates(evalset, corpus, sims)


def score(pred: Pairs, es: EvalSet) -> tuple[float, float, float]:
    pred = pred - es.ignore
    gold = es.gold - es.ignore
    tp = len(pred & gold)
    p = tp / len(pred) if pred else 1.0
    r = tp / len(gold) if gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def evaluate(prep: Candidates, verify: dedup.VerifyConfig) -> tuple[float, float, float]:
    edges = [(a, b, s.shared) for a, b, s in prep.sims if is_copy(s, verify)]
    corpus = prep.corpus
    groups = cluster_documents(corpus.entries, corpus.sets, edges, verify)
    pred: Pairs = set()
    for g in groups:
        ids = [corpus.entries[i].id for i in g]
        pred.update(frozenset(p) for p in itertools.combinations(ids, 2))
    return score(pred, prep.evalset)


def rules() -> list[dedup.VerifyConfig]:
    base = dedup.VerifyConfig()
    return [
        replace(base, min_jaccard=j, min_containment=c, min_reuse=r)
        for j, c, r in itertools.product(JACCARD_GRID, CONTAINMENT_GRID, REUSE_GRID)
    ]


def banding_recall(prep: Candidates, verify: dedup.VerifyConfig) -> list[tuple[str, float, int]]:
    """Share of verified gold pairs each banding makes candidates, and its candidate count."""
    ids = [e.id for e in prep.corpus.entries]
    gold = prep.evalset.gold - prep.evalset.ignore
    target = {
        (a, b)
        for a, b, s in prep.sims
        if is_copy(s, verify) and frozenset((ids[a], ids[b])) in gold
    }
    out = []
    for num_perm, bands in BANDINGS:
        cfg = dedup.ScanConfig(minhash=dedup.MinHashConfig(num_perm=num_perm, bands=bands))
        corpus, _ = collect(prep.evalset.docs, cfg)
        cands = {tuple(p) for p in candidate_pairs(corpus.sigs, bands).tolist()}
        hit = len(target & cands) / len(target) if target else 1.0
        out.append((f"{bands}x{num_perm // bands}", hit, len(cands)))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tune", default="articlecomparisons", choices=sorted(SETS))
    ap.add_argument("--check", nargs="*", default=["planted_bbc", "reuters_exact"])
    args = ap.parse_args(argv)
    sets = {name: SETS[name]() for name in [args.tune, *args.check]}
    print(f"{'k':>2} {'set':20} {'rule (J / C / R)':18} {'P':>6} {'R':>6} {'F1':>6}")
    best_overall = None
    for k in K_GRID:
        preps = {name: prepare(es, k) for name, es in sets.items()}
        scored = [(evaluate(preps[args.tune], v), v) for v in rules()]
        (p, r, f), v = max(scored, key=lambda t: (t[0][2], t[0][0]))
        rule = f"{v.min_jaccard} / {v.min_containment} / {v.min_reuse}"
        print(
            f"{k:>2} {args.tune:20} {rule:18} {p:6.3f} {r:6.3f} {f:6.3f}  (best of {len(scored)})"
        )
        default = dedup.VerifyConfig()
        for name in args.check:
            cp, cr, cf = evaluate(preps[name], v)
            print(f"{k:>2} {name:20} {rule:18} {cp:6.3f} {cr:6.3f} {cf:6.3f}  (same rule)")
        for name in [args.tune, *args.check]:
            dp, dr, df = evaluate(preps[name], default)
            drule = f"{default.min_jaccard} / {default.min_containment} / {default.min_reuse}"
            print(f"{k:>2} {name:20} {drule:18} {dp:6.3f} {dr:6.3f} {df:6.3f}  (default rule)")
        if best_overall is None or f > best_overall[0]:
            best_overall = (f, k, preps)
    assert best_overall is not None
    _, k, preps = best_overall
    k_default = dedup.ShingleConfig().shingle_size
    print(f"\nLSH banding at k={k_default}: share of verified gold pairs that become candidates")
    print(f"{'set':20} {'bands x rows':>12} {'recall':>7} {'candidates':>11}")
    for name, es in sets.items():
        prep = prepare(es, k_default)
        for label, hit, n in banding_recall(prep, dedup.VerifyConfig()):
            print(f"{name:20} {label:>12} {hit:7.3f} {n:11d}")
    return 0


if __name__ == "__main__":
    run(main)
