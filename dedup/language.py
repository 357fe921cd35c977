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
text (a byte-level automaton walked in Python), and on the same data 300 characters already
gave the same answers as whole documents. The result is a pure function of the text.
"""

from __future__ import annotations

import threading
from typing import Any

#: characters of the text classified (see the module docstring)
SAMPLE_CHARS = 600
#: fewer letters than this in the sample and the language is unknown (None)
MIN_LETTERS = 12

_LOCK = threading.Lock()
_IDENTIFIER: Any = None


def _identifier() -> Any:
    """The py3langid model, loaded once per process (~2 s) and restricted to ISO 639-1."""
    global _IDENTIFIER
    with _LOCK:
        if _IDENTIFIER is None:
            import numpy as np
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            ident = LanguageIdentifier.from_model_file(MODEL_FILE)
            ident.set_languages(sorted(c for c in ident.labels if len(c) == 2))
            # the model ships float16 weights; numpy multiplies float32 several times faster
            ident.nb_ptc = np.ascontiguousarray(ident.nb_ptc, dtype=np.float32)
            _IDENTIFIER = ident
        return _IDENTIFIER


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of the language `text` is written in, or None when it has too few
    letters to tell. An estimate (a classifier's best guess), deterministic for a given text."""
    sample = text[:SAMPLE_CHARS]
    if sum(1 for ch in sample if ch.isalpha()) < MIN_LETTERS:
        return None
    code, _ = _identifier().classify(sample)
    return str(code)
