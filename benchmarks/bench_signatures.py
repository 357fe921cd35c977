"""Signing throughput: dedup's hashing core against datasketch and rensa, on real news texts.

Usage::

    python -m benchmarks.bench_signatures [--repeats 5] [--full]

Every row is measured in the same run, on the same texts, in one thread (``RAYON_NUM_THREADS=1``
for rensa, ``num_threads=1`` for FastSketchLSH; numpy's elementwise work is single-threaded), with
128 permutations and word 5-grams:

* ``dedup MinHasher``: `dedup.signature.MinHasher` on batches of `CHUNK_RECORDS` texts, as a
  scan runs it (vectorised tokenisation and shingle hashing, one-permutation MinHash);
* datasketch ``MinHash.update_batch`` (default SHA-1 hash) one document at a time, and
  ``MinHash.bulk`` with ``xxhash.xxh32_intdigest``;
* rensa ``RMinHash`` and ``CMinHash`` one document at a time (``update`` then ``digest``), and
  rensa's batch ``RMinHash.digest_matrix_from_token_sets``;
* FastSketchLSH's ``FastSimilaritySketch`` (C++/SIMD, a sketch of 64-bit values), one document
  at a time from the shingle strings, and on a batch of pre-hashed shingles (``batch_csr`` with
  ``prehashed=True`` on dedup's `shingle_batch` hashes: dedup's front end, its signing);
* two hash-once floors (tokenise and hash each shingle once, no permutations): dedup's
  `shingle_batch`, and a Python regex tokenisation with one ``xxh3_64`` per shingle string;
* the string front end alone (regex tokenisation and 5-gram strings, no hashing): what the
  datasketch and rensa rows spend before their library is called.

The datasketch and rensa rows are fed shingle strings built as their READMEs do: lower-cased
text split with the regex ``\\w+``, 5 consecutive words joined by a space (a text of fewer than
5 words is one shingle). Their timings include building those strings: like dedup's, they go
from text to signature.

Columns: documents/s, shingles/s (the word 5-gram positions of the set under dedup's tokenisation,
the same count for every row), µs per document, time relative to dedup (> 1: slower than dedup),
and the mean absolute error of the Jaccard estimate against the exact Jaccard of the same shingle
sets (each method's own shingles) on planted near-duplicate pairs: real texts of the set, each
paired with a copy in which a growing share of the words (0 to 60%) was replaced by new words.

Times are CPU seconds of this process (``time.process_time``: what other processes on a
shared machine take is not counted), the median of ``--repeats`` runs after one warm-up run.
Methods are interleaved within each repeat, and "x dedup time" is the median over repeats of
the ratio within a repeat, so that machine noise hits both sides of a ratio alike.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import string
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import xxhash
from datasketch import MinHash

from benchmarks import corpora
from benchmarks.data import cpu_model, run
from dedup.engines.pool import CHUNK_RECORDS
from dedup.shingle import shingle_batch, shingle_set
from dedup.signature import MinHasher, estimate_jaccard

NUM_PERM = 128
NGRAM = 5
SEED = 1
_WORD_RE = re.compile(r"\w+")

# (set, method) pairs with a target: dedup must be at least this many times faster
TARGETS = {
    ("600-word articles", "rensa RMinHash"): 5.0,
    ("600-word articles", "datasketch update_batch"): 20.0,
    ("200-word Reuters", "rensa RMinHash"): 3.0,
}


def shingle_strings(text: str) -> list[str]:
    """Word 5-gram strings as the datasketch and rensa READMEs build them."""
    w = _WORD_RE.findall(text.lower())
    if len(w) < NGRAM:
        return [" ".join(w)] if w else []
    return [" ".join(g) for g in zip(*(w[i:] for i in range(NGRAM)), strict=False)]


def shingle_bytes(text: str) -> list[bytes]:
    return [s.encode("utf-8") for s in shingle_strings(text)]


# ---------------------------------------------------------------------------------------------
# Methods: the timed work (texts -> signatures) and, for MinHash methods, a Jaccard estimate
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Method:
    name: str
    run: Callable[[Sequence[str]], object]
    #: (text a, text b) -> (estimated Jaccard, exact Jaccard of this method's shingle sets)
    estimate: Callable[[str, str], tuple[float, float]] | None = None


def _chunks(texts: Sequence[str]) -> list[Sequence[str]]:
    return [texts[i : i + CHUNK_RECORDS] for i in range(0, len(texts), CHUNK_RECORDS)]


def _string_jaccard(a: str, b: str) -> float:
    sa, sb = set(shingle_strings(a)), set(shingle_strings(b))
    return len(sa & sb) / len(sa | sb) if sa | sb else 1.0


def methods() -> list[Method]:
    import FastSketchLSH
    import rensa  # after RAYON_NUM_THREADS is set (see main)

    hasher = MinHasher(NUM_PERM, NGRAM, SEED)

    def ours(texts: Sequence[str]) -> object:
        return [hasher.signatures(c) for c in _chunks(texts)]

    def ours_est(a: str, b: str) -> tuple[float, float]:
        sig = hasher.signatures([a, b])
        sa, sb = shingle_set(a, NGRAM), shingle_set(b, NGRAM)
        exact = np.intersect1d(sa, sb).size / np.union1d(sa, sb).size
        return estimate_jaccard(sig[0], sig[1]), float(exact)

    def ds_update(texts: Sequence[str]) -> object:
        out = []
        for t in texts:
            m = MinHash(num_perm=NUM_PERM, seed=SEED)
            m.update_batch(shingle_bytes(t))
            out.append(m.hashvalues)
        return out

    def ds_bulk(texts: Sequence[str]) -> object:
        return MinHash.bulk(
            [shingle_bytes(t) for t in texts],
            num_perm=NUM_PERM,
            seed=SEED,
            hashfunc=xxhash.xxh32_intdigest,
        )

    def ds_est(**kw: Any) -> Callable[[str, str], tuple[float, float]]:
        def est(a: str, b: str) -> tuple[float, float]:
            ma, mb = (MinHash(num_perm=NUM_PERM, seed=SEED, **kw) for _ in range(2))
            ma.update_batch(shingle_bytes(a))
            mb.update_batch(shingle_bytes(b))
            return float(ma.jaccard(mb)), _string_jaccard(a, b)

        return est

    def rensa_one(cls: Any) -> Callable[[Sequence[str]], object]:
        def run(texts: Sequence[str]) -> object:
            out = []
            for t in texts:
                m = cls(num_perm=NUM_PERM, seed=SEED)
                m.update(shingle_strings(t))
                out.append(m.digest())
            return out

        return run

    def rensa_est(cls: Any) -> Callable[[str, str], tuple[float, float]]:
        def est(a: str, b: str) -> tuple[float, float]:
            ma, mb = cls(num_perm=NUM_PERM, seed=SEED), cls(num_perm=NUM_PERM, seed=SEED)
            ma.update(shingle_strings(a))
            mb.update(shingle_strings(b))
            return float(ma.jaccard(mb)), _string_jaccard(a, b)

        return est

    def rensa_matrix(texts: Sequence[str]) -> object:
        return rensa.RMinHash.digest_matrix_from_token_sets(
            [shingle_strings(t) for t in texts], NUM_PERM, SEED
        )

    def rensa_matrix_est(a: str, b: str) -> tuple[float, float]:
        m = rensa.RMinHash.digest_matrix_from_token_sets(
            [shingle_strings(a), shingle_strings(b)], NUM_PERM, SEED
        ).to_rows()
        return float(np.mean(np.array(m[0]) == np.array(m[1]))), _string_jaccard(a, b)

    sketch = FastSketchLSH.FastSimilaritySketch(NUM_PERM, SEED)

    def fsl_strings(texts: Sequence[str]) -> object:
        return [sketch(shingle_strings(t)) for t in texts]

    def fsl_strings_est(a: str, b: str) -> tuple[float, float]:
        sa, sb = (np.array(sketch(shingle_strings(t)), dtype=np.uint64) for t in (a, b))
        return float(FastSketchLSH.estimate_jaccard(sa, sb)), _string_jaccard(a, b)

    def fsl_hashed(texts: Sequence[str]) -> object:
        out = []
        for c in _chunks(texts):
            b = shingle_batch(c, NGRAM)
            out.append(sketch.batch_csr(b.hashes, b.offsets.astype(np.uint64), True, num_threads=1))
        return out

    def fsl_hashed_est(a: str, b: str) -> tuple[float, float]:
        sh = shingle_batch([a, b], NGRAM)
        m = sketch.batch_csr(sh.hashes, sh.offsets.astype(np.uint64), True, num_threads=1)
        sa, sb = shingle_set(a, NGRAM), shingle_set(b, NGRAM)
        exact = np.intersect1d(sa, sb).size / np.union1d(sa, sb).size
        return float(FastSketchLSH.estimate_jaccard(m[0], m[1])), float(exact)

    def floor_ours(texts: Sequence[str]) -> object:
        return [shingle_batch(c, NGRAM) for c in _chunks(texts)]

    # the two rows below keep one document's result at a time, as a pipeline would (and as
    # the rensa and datasketch rows do): holding every document's strings costs more
    def floor_regex(texts: Sequence[str]) -> object:
        h = xxhash.xxh3_64_intdigest
        return sum(len([h(s.encode("utf-8")) for s in shingle_strings(t)]) for t in texts)

    def front_end(texts: Sequence[str]) -> object:
        return sum(len(shingle_strings(t)) for t in texts)

    return [
        Method("dedup MinHasher", ours, ours_est),
        Method("datasketch update_batch", ds_update, ds_est()),
        Method("datasketch bulk xxh32", ds_bulk, ds_est(hashfunc=xxhash.xxh32_intdigest)),
        Method("rensa RMinHash", rensa_one(rensa.RMinHash), rensa_est(rensa.RMinHash)),
        Method("rensa CMinHash", rensa_one(rensa.CMinHash), rensa_est(rensa.CMinHash)),
        Method("rensa RMinHash digest_matrix", rensa_matrix, rensa_matrix_est),
        Method("FastSketchLSH from strings", fsl_strings, fsl_strings_est),
        Method("FastSketchLSH pre-hashed (dedup shingles)", fsl_hashed, fsl_hashed_est),
        Method("floor: dedup shingle_batch", floor_ours),
        Method("floor: regex + xxh3_64", floor_regex),
        Method("front end: regex + 5-gram str", front_end),
    ]


# ---------------------------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    set_name: str
    method: str
    docs: int
    shingles: int
    seconds: float  # median over repeats
    ratio: float  # seconds / dedup's seconds on the same set
    mae: float | None


def planted_pairs(texts: Sequence[str], n: int, seed: int = 7) -> list[tuple[str, str]]:
    """`n` (real text, edited copy) pairs; copy k has k/n * 60% of its words replaced."""
    rng = random.Random(seed)
    step = max(1, len(texts) // max(n, 1))
    out = []
    for k, text in enumerate(texts[::step][:n]):
        ws = text.split()
        for i in rng.sample(range(len(ws)), int(len(ws) * 0.6 * k / n)):
            ws[i] = "".join(rng.choices(string.ascii_lowercase, k=8))
        out.append((text, " ".join(ws)))
    return out


def measure(
    set_name: str, texts: Sequence[str], ms: Sequence[Method], repeats: int, pairs: int
) -> list[Row]:
    times: dict[str, list[float]] = {m.name: [] for m in ms}
    for rep in range(repeats + 1):
        order = [*ms[rep % len(ms) :], *ms[: rep % len(ms)]]  # rotate: no method always first
        for m in order:
            t0 = time.process_time()
            m.run(texts)
            dt = time.process_time() - t0
            if rep:  # the first pass warms caches, tables and allocators
                times[m.name].append(dt)
    n_shingles = int(shingle_batch(texts, NGRAM).hashes.size)
    planted = planted_pairs(texts, pairs)
    base = times[ms[0].name]
    rows = []
    for m in ms:
        mae = None
        if m.estimate is not None:
            errs = [abs(e - x) for e, x in (m.estimate(a, b) for a, b in planted)]
            mae = float(np.mean(errs))
        sec = statistics.median(times[m.name])
        # the ratio of each repeat (both measured in the same pass), then their median
        ratio = statistics.median(t / b for t, b in zip(times[m.name], base, strict=True))
        rows.append(Row(set_name, m.name, len(texts), n_shingles, sec, ratio, mae))
    return rows


def format_table(rows: Sequence[Row]) -> str:
    header = ("set", "method", "docs/s", "shingles/s", "µs/doc", "x dedup time", "Jaccard MAE")
    cells = [
        (
            r.set_name,
            r.method,
            f"{r.docs / r.seconds:,.0f}",
            f"{r.shingles / r.seconds / 1e6:,.2f}M",
            f"{r.seconds / r.docs * 1e6:,.1f}",
            f"{r.ratio:.2f}",
            "-" if r.mae is None else f"{r.mae:.4f}",
        )
        for r in rows
    ]
    widths = [max(len(c[i]) for c in [header, *cells]) for i in range(len(header))]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |"]
    lines.append(
        "|" + "|".join("-" * (w + 1) + ("-" if i < 2 else ":") for i, w in enumerate(widths)) + "|"
    )
    for c in cells:
        lines.append(
            "| "
            + " | ".join(
                x.ljust(w) if i < 2 else x.rjust(w)
                for i, (x, w) in enumerate(zip(c, widths, strict=True))
            )
            + " |"
        )
    return "\n".join(lines)


def check_targets(rows: Sequence[Row]) -> list[str]:
    out = []
    by = {(r.set_name, r.method): r for r in rows}
    for (set_name, method), target in TARGETS.items():
        r = by.get((set_name, method))
        if r is None:
            continue
        verdict = "met" if r.ratio >= target else "MISSED"
        out.append(
            f"target: dedup >= {target:g}x {method} on {set_name}: {r.ratio:.2f}x, {verdict}"
        )
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per row (median)")
    parser.add_argument("--full", action="store_true", help="every text of each set")
    parser.add_argument("--n600", type=int, default=None, help="600-word articles (default all)")
    parser.add_argument("--n200", type=int, default=1000, help="200-word Reuters bodies")
    parser.add_argument("--nlong", type=int, default=30, help="5,000-word documents")
    parser.add_argument("--pairs", type=int, default=100, help="planted pairs per set for MAE")
    parser.add_argument(
        "--sets", nargs="+", default=["600", "200", "long"], choices=["600", "200", "long"]
    )
    args = parser.parse_args(argv)
    os.environ["RAYON_NUM_THREADS"] = "1"  # rensa's batch calls: one thread like the others
    os.environ["OMP_NUM_THREADS"] = "1"  # FastSketchLSH's OpenMP (num_threads=1 as well)
    if args.full:
        args.n600 = args.n200 = args.nlong = None
        args.pairs = max(args.pairs, 300)

    loaders: dict[str, tuple[str, Callable[[], list[str]]]] = {
        "600": ("600-word articles", lambda: corpora.articles_600(args.n600)),
        "200": ("200-word Reuters", lambda: corpora.reuters_200(args.n200)),
        "long": ("5,000-word documents", lambda: corpora.long_documents(5000, args.nlong)),
    }
    ms = methods()
    rows: list[Row] = []
    for key in args.sets:
        name, load = loaders[key]
        texts = load()
        print(f"# {name}: {len(texts)} texts", file=sys.stderr, flush=True)
        rows.extend(measure(name, texts, ms, args.repeats, args.pairs))
    print(
        f"# CPU: {cpu_model()}; numpy {np.__version__}, {NUM_PERM} permutations, word "
        f"{NGRAM}-grams, one thread, CPU time, median of {args.repeats} repeats"
    )
    print(format_table(rows))
    for line in check_targets(rows):
        print(line)
    return 0


if __name__ == "__main__":
    run(main)
