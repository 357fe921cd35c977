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


def _decide(ident: Any, features: npt.NDArray[np.int64], counts: npt.NDArray[np.int64]) -> str:
    """py3langid's decision (`LanguageIdentifier.classify`, raw scores) from the counted
    features (see `_walk`)."""
    from py3langid.langid import RAW_FLOOR

    if features.size:
        idx = features.astype(np.intp)
        scores = np.log1p(counts.astype(np.float32)) @ ident.nb_ptc[idx] + ident.nb_pc
    else:
        scores = np.full(len(ident.nb_classes), RAW_FLOOR, dtype=np.float32)
    for i, j in ident._alias_pairs:
        scores[i] = max(scores[i], scores[j])
        scores[j] = RAW_FLOOR
    return str(ident.nb_classes[int(scores.argmax())])


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
            out[k] = _decide(ident, f, c)
    return out


def _encode(sample: str) -> bytes:
    """The bytes py3langid classifies for `sample` (its own encoding step)."""
    from py3langid.langid import LanguageIdentifier

    data: bytes = LanguageIdentifier._encode(sample)
    return data


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of the language `text` is written in, or None when it has too few
    letters to tell. An estimate (a classifier's best guess), deterministic for a given text."""
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
