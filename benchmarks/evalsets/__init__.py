"""Evaluation sets for the copy-detection quality benchmark (`benchmarks.quality`).

Every builder returns an `EvalSet`: documents plus the set of document-id pairs that are copies
of each other (`gold`) and the pairs too ambiguous to score (`ignore`). All sets are built
deterministically (fixed seeds, sorted inputs) from the read-only data sets found by
`benchmarks.data` (``../shared/data``; override with the ``DEDUP_DATA`` environment variable).

Labels never come from word-shingle MinHash/Jaccard, which is what the benchmark evaluates:

* `articlecomparisons()` labels real pages by *sentence alignment* (`alignment`): each article
  body is cut into sentences, and a sentence counts as shared when the other article holds the
  same normalised sentence or one with nearly the same words (Dice >= 0.7 on word sets). The
  share of each article's body words that is shared decides the label (`label_alignment`).
* `planted_bbc()` plants copies into real BBC articles, so its labels are known by construction.
* `reuters_exact()` labels identical wire bodies; near-identical re-sends are ignored.

Modules: `evalset` (the `EvalSet` type), `alignment` (sentence splitting, body text, alignment and
the labelling rule), `comparisons`, `planted` and `reuters` (one builder each), `render` (an
evaluation set as saved HTML pages). See benchmarks/README.md for how the rules were checked by
reading pairs.
"""

from __future__ import annotations

from collections.abc import Callable

from benchmarks.evalsets.comparisons import articlecomparisons
from benchmarks.evalsets.evalset import EvalSet
from benchmarks.evalsets.planted import planted_bbc
from benchmarks.evalsets.render import html_pages
from benchmarks.evalsets.reuters import reuters_exact

#: Every evaluation set by name, as `benchmarks.quality` and `benchmarks.tune` choose them.
SETS: dict[str, Callable[[], EvalSet]] = {
    "planted_bbc": planted_bbc,
    "articlecomparisons": articlecomparisons,
    "reuters_exact": reuters_exact,
}

__all__ = ["SETS", "EvalSet", "articlecomparisons", "html_pages", "planted_bbc", "reuters_exact"]
