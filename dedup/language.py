"""Language identification of a document's text: an ISO 639-1 code, or None.

The classifier is py3langid (a maintained fork of langid.py: a naive Bayes model over byte
n-grams, shipped inside the package, numpy only, nothing fetched at run time), restricted to the
languages that have a two-letter ISO 639-1 code, so that the answer is always such a code
(without the restriction it answers ``wuu`` for some Mandarin news and ``lij`` for some
Russian). Chosen over lingua-language-detector by measurement (`benchmarks/crosslingual.py
--langid`): on the 1,913 WMT documents and 3,171 SemEval-2022 articles both are right on all
but 1-3 documents (whose labels are wrong: mojibake, a Hindi page labelled English), but
py3langid takes ~0.6 ms a document where lingua takes 6-14 ms, and it is a 4.6 MB wheel
against 96 MB.

Only the first `SAMPLE_CHARS` characters are classified: the cost grows with the length of the
text, and on the same data 300 characters already gave the same answers as whole documents.
The result is a pure function of the text.

*Unknown language.* A text is given a language only when the classifier is sure of it: its
score for the best language must exceed its score for every other language, apart from the
best one's close relatives (`SIBLINGS`, which a classifier of byte n-grams barely tells apart:
Croatian and Serbian differ by 5 on a 170-character text), by at least `MIN_MARGIN` (raw
log-probabilities of the naive Bayes model; the margin grows with the prose in the sample).
Else the language is None: short, numeric and tabular texts ("Shr 23 cts vs 18 cts / Net
509,144 vs 277,834", "Semi div 7-1/2 cts vs 7-1/2 cts prior") are classified from a few
abbreviations and numbers, as Volapuk, Catalan or Latvian, and such a guess made two English
dividend notices look like a translation of each other. Measured with the first 600 characters
(`benchmarks/crosslingual.py --langid`): on the 21,268 English Reuters and BBC texts, the 233
given another language than English all have a margin <= 34.1; the 1,343 WMT documents (8
languages) all have >= 101 and the 2,891 SemEval-2022 articles (7 languages) all but 4 >= 123
(those 4: English pages of 11-53 words, one half Hindi). With 50, no English text of that
corpus gets another language, no WMT document is unknown, and 1,877 Reuters tables and
notices (9%) are unknown (None) instead of English. What it costs: a WMT half-translation of
37-76 characters (margin 19-32, below what English tables reach) is unknown, so 3 of the 427
partial pairs of `benchmarks/crosslingual.py` are no longer found.

`detect_languages` classifies a batch at once: py3langid walks a byte automaton one byte at a
time in Python (~0.14 ms for 600 characters); here the automaton is walked for every text of
the batch together, one numpy step a byte position, and each text is then scored exactly as
py3langid scores it (same features, in the same order, same float32 arithmetic), so the
answers are py3langid's own (tested against `classify`).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from dedup.model import Entry

#: characters of the text classified (see the module docstring)
SAMPLE_CHARS = 600
#: fewer letters than this in the sample and the language is unknown (None)
MIN_LETTERS = 12
#: the best language's raw score must beat every other but its `SIBLINGS` by this much, else
#: the language is unknown (None); see the module docstring for how it was measured
MIN_MARGIN = 50.0
#: groups of languages so close in writing that the margin is measured against the best
#: language outside the group (Bosnian, Croatian and Serbian; Danish and Norwegian; ...)
SIBLINGS = (
    ("bs", "hr", "sr"),
    ("da", "nn", "no"),
    ("id", "ms"),
    ("gl", "pt"),
    ("an", "ca", "oc"),
    ("cs", "sk"),
    ("bg", "mk"),
    ("af", "nl"),
)

Ints = npt.NDArray[np.int64]

#: texts walked through the automaton together (bounds the feature matrix to ~10 MB)
BATCH = 1024

_LOCK = threading.Lock()
_IDENTIFIER: Any = None
_TABLES: tuple[npt.NDArray[np.unsignedinteger[Any]], Ints, Ints] | None = None


def _identifier() -> Any:
    """The py3langid model, loaded once per process (~2 s) and restricted to ISO 639-1."""
    global _IDENTIFIER
    with _LOCK:
        if _IDENTIFIER is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            ident = LanguageIdentifier.from_model_file(MODEL_FILE)
            ident.set_languages(sorted(c for c in ident.labels if len(c) == 2))
            # the model ships float16 weights; numpy multiplies float32 several times faster
            ident.nb_ptc = np.ascontiguousarray(ident.nb_ptc, dtype=np.float32)
            # py3langid keeps the unrestricted float16 weights (28 MB) to undo set_languages;
            # this identifier is never widened again, so the restricted model stands for them
            ident._full_model = (ident.nb_ptc, ident.nb_pc, ident.nb_classes)
            global _TABLES
            # the automaton as arrays: the transition table is viewed, not copied (39 MB)
            nextmove = ident.tk_nextmove
            _TABLES = (
                np.frombuffer(nextmove, dtype=np.dtype(f"u{nextmove.itemsize}")),
                np.asarray(ident._rowbase, dtype=np.int64),
                np.asarray(ident.tk_output, dtype=np.int64),
            )
            _IDENTIFIER = ident
        return _IDENTIFIER


def preload() -> None:
    """Start loading the model in a background thread, if it is not loaded yet: a scan calls
    this as it starts, so that the load (~0.3 s, mostly decompression, which releases the GIL)
    overlaps the preparation of documents instead of waiting for the first listed document.
    `detect_language` waits for it (the load holds `_LOCK`)."""
    if _IDENTIFIER is None:
        threading.Thread(target=_identifier, name="dedup-langid-load", daemon=True).start()


def _walk(samples: Sequence[bytes]) -> tuple[list[Ints], list[Ints]]:
    """The automaton's features of each sample as py3langid counts them: the distinct
    features in the order first visited (a `Counter`'s order) and their counts."""
    assert _TABLES is not None
    nextmove, rowbase, output = _TABLES
    n = len(samples)
    lengths = np.fromiter(map(len, samples), dtype=np.int64, count=n)
    order = np.argsort(-lengths, kind="stable")  # longest first: the texts still walking
    lengths_sorted = lengths[order]  # at a position are a prefix
    width = int(lengths_sorted[0])
    grid = np.zeros((width, n), dtype=np.uint8)  # byte at (position, text)
    flat = np.frombuffer(b"".join(samples[i] for i in order.tolist()), dtype=np.uint8)
    starts = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths_sorted, out=starts[1:])
    col = np.repeat(np.arange(n), lengths_sorted)
    grid[np.arange(flat.size) - starts[col], col] = flat
    active = np.searchsorted(-lengths_sorted, -np.arange(width), side="left")
    feats = np.full((width, n), -1, dtype=np.int32)
    state = np.zeros(n, dtype=np.int64)
    for pos in range(width):
        a = int(active[pos])
        st = nextmove[rowbase[state[:a]] + grid[pos, :a]]
        state[:a] = st
        feats[pos, :a] = output[st]
    # every (text, feature) visit, text by text in visiting order; one sort for the batch
    ft = feats.T  # (text, position)
    text_of, pos_of = np.nonzero(ft >= 0)
    visited = ft[text_of, pos_of].astype(np.int64)
    nfeat = int(output.max()) + 1
    keys, first, counts = np.unique(
        text_of * nfeat + visited, return_index=True, return_counts=True
    )
    seen = np.argsort(first, kind="stable")  # by text, then first visit
    keys, counts = keys[seen], counts[seen]
    bounds = np.searchsorted(keys // nfeat, np.arange(n + 1))
    feat_out: list[npt.NDArray[np.int64]] = [np.empty(0, np.int64)] * n
    count_out: list[npt.NDArray[np.int64]] = [np.empty(0, np.int64)] * n
    for k, i in enumerate(order.tolist()):
        lo, hi = bounds[k], bounds[k + 1]
        feat_out[i] = keys[lo:hi] % nfeat
        count_out[i] = counts[lo:hi]
    return feat_out, count_out


def _scores(
    ident: Any, features: npt.NDArray[np.int64], counts: npt.NDArray[np.int64]
) -> npt.NDArray[np.float32]:
    """py3langid's raw score of every language (`LanguageIdentifier.classify`) from the
    counted features (see `_walk`)."""
    from py3langid.langid import RAW_FLOOR

    scores: npt.NDArray[np.float32]
    if features.size:
        idx = features.astype(np.intp)
        scores = np.log1p(counts.astype(np.float32)) @ ident.nb_ptc[idx] + ident.nb_pc
    else:
        scores = np.full(len(ident.nb_classes), RAW_FLOOR, dtype=np.float32)
    for i, j in ident._alias_pairs:
        scores[i] = max(scores[i], scores[j])
        scores[j] = RAW_FLOOR
    return scores


def _decide(ident: Any, features: npt.NDArray[np.int64], counts: npt.NDArray[np.int64]) -> str:
    """py3langid's decision (its best language) from the counted features (see `_walk`)."""
    return str(ident.nb_classes[int(_scores(ident, features, counts).argmax())])


_OUTSIDERS: dict[int, npt.NDArray[np.bool_]] = {}


def _outsiders(ident: Any, best: int) -> npt.NDArray[np.bool_]:
    """The languages the margin of language `best` is measured against: all but it and its
    `SIBLINGS` (by position in the identifier's classes)."""
    mask = _OUTSIDERS.get(best)
    if mask is None:
        labels = [str(c) for c in ident.nb_classes]
        code = labels[best]
        family = next((set(g) for g in SIBLINGS if code in g), {code})
        mask = np.array([c not in family for c in labels], dtype=bool)
        _OUTSIDERS[best] = mask
    return mask


def confident(
    ident: Any, features: npt.NDArray[np.int64], counts: npt.NDArray[np.int64]
) -> tuple[str, float]:
    """(py3langid's best language, its margin): how much its raw score beats the best score of
    any language outside its `SIBLINGS` (module docstring)."""
    scores = _scores(ident, features, counts)
    best = int(scores.argmax())
    margin = float(scores[best] - scores[_outsiders(ident, best)].max())
    return str(ident.nb_classes[best]), margin


#: every byte that is not an ASCII letter (what `_letters` deletes from an ASCII sample)
_NOT_ASCII_LETTERS = bytes(b for b in range(256) if not chr(b).isalpha() or b > 127)


def _letters(sample: str) -> int:
    """How many characters of `sample` are letters (`str.isalpha`)."""
    if sample.isascii():
        return len(sample.encode("ascii").translate(None, _NOT_ASCII_LETTERS))
    return sum(map(str.isalpha, sample))


def detect_languages(texts: Sequence[str]) -> list[str | None]:
    """`detect_language` of every text, faster than one at a time (module docstring)."""
    out: list[str | None] = [None] * len(texts)
    todo: list[int] = []
    samples: list[bytes] = []
    for k, text in enumerate(texts):
        sample = text[:SAMPLE_CHARS]
        if _letters(sample) >= MIN_LETTERS:
            todo.append(k)
            samples.append(_encode(sample))
    if not todo:
        return out
    ident = _identifier()
    for lo in range(0, len(todo), BATCH):
        feats, counts = _walk(samples[lo : lo + BATCH])
        for k, f, c in zip(todo[lo : lo + BATCH], feats, counts, strict=True):
            lang, margin = confident(ident, f, c)
            out[k] = lang if margin >= MIN_MARGIN else None
    return out


def _encode(sample: str) -> bytes:
    """The bytes py3langid classifies for `sample` (its own encoding step)."""
    from py3langid.langid import LanguageIdentifier

    data: bytes = LanguageIdentifier._encode(sample)
    return data


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of the language `text` is written in, or None when it has too few
    letters to tell or the classifier is not sure (`MIN_MARGIN`: short, numeric and tabular
    texts). An estimate (a classifier's best guess), deterministic for a given text."""
    return detect_languages([text])[0]


def languages_of(entries: Sequence[Entry]) -> list[str | None]:
    """The language of every entry: the one identified at preparation (cross-lingual runs),
    else identified now from its `head`, for all those not identified yet in one batch (~60 us
    a document: a report identifies only the documents it lists)."""
    todo = [k for k, e in enumerate(entries) if e.language is None]
    found = detect_languages([entries[k].head for k in todo])
    out = [e.language for e in entries]
    for k, lang in zip(todo, found, strict=True):
        out[k] = lang
    return out
