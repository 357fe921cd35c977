"""Text normalisation: the one definition of "the same words" used by every stage.

Steps, in order:

1. Unicode NFKC, then case folding (``Straße`` -> ``strasse``, ``ﬁ`` -> ``fi``).
2. Every code point gets a class from one table (`char_class`):
   - WORD: letters, digits and combining marks (Unicode categories L, N, M);
   - SOLO: a character of a script written without spaces between words (Han, Hiragana,
     Katakana, Thai, Lao, Khmer, Myanmar): each is a token of its own, so word shingles over
     these scripts are character n-grams;
   - APOSTROPHE: ``'`` and its typographic forms (``’ ‘ ʼ ʹ ` ＇``): removed between two
     letters (``don't`` = ``don’t`` = ``dont``), a separator elsewhere;
   - SEPARATOR: everything else (punctuation, quotes, dashes, symbols, spaces, controls, ``_``).
3. Tokens are the maximal runs of WORD characters and the single SOLO characters.

`normalize` and `tokens` are the readable reference; `dedup.shingle` computes the same tokens
vectorised over whole batches with the same table (a test holds them equal). The table is built
from Python's Unicode database (Unicode 14.0 on Python 3.11).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import numpy as np
import numpy.typing as npt

SEPARATOR, WORD, SOLO, APOSTROPHE = 0, 1, 2, 3

APOSTROPHES = "'\u2019\u2018\u02bc\u02b9\u0060\uff07"

# Scripts written without spaces between words.
NO_SPACE_RANGES = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0x20000, 0x2FA1F),  # CJK extensions B-F, compatibility supplement
)


def char_class(cp: int) -> int:
    """The class of one code point (see the module docstring)."""
    ch = chr(cp)
    if ch in APOSTROPHES:
        return APOSTROPHE
    for lo, hi in NO_SPACE_RANGES:
        if lo <= cp <= hi:
            return SOLO
    if ch == "_":
        return SEPARATOR
    return WORD if unicodedata.category(ch)[0] in "LNM" else SEPARATOR


@lru_cache(maxsize=1)
def bmp_table() -> npt.NDArray[np.uint8]:
    """`char_class` of every code point below U+10000, as a lookup array."""
    return np.fromiter((char_class(cp) for cp in range(0x10000)), dtype=np.uint8, count=0x10000)


def fold(text: str) -> str:
    """Step 1: NFKC and case folding."""
    return unicodedata.normalize("NFKC", text).casefold()


#: In `bmp_fold_table`: the class of a code point sits above bit 24, its folded code point
#: below; a character whose case folding is several characters is `MULTI`.
CLASS_SHIFT = 24
MULTI = 0xFFFFFFFF


@lru_cache(maxsize=1)
def bmp_fold_table() -> npt.NDArray[np.uint32]:
    """Case folding and class below U+10000 in one lookup array.

    ``table[cp] = class(f) << 24 | f`` where ``f = ord(chr(cp).casefold())`` when that is one
    character (case folding maps characters one at a time, without context), and `MULTI` for
    the few characters that fold to several (``ß`` -> ``ss``, ``ﬁ`` -> ``fi``, ...).
    """
    classes = bmp_table()
    table = np.empty(0x10000, dtype=np.uint32)
    for cp in range(0x10000):
        f = chr(cp).casefold()
        if len(f) == 1:
            fc = ord(f)
            cls = int(classes[fc]) if fc < 0x10000 else char_class(fc)
            table[cp] = (cls << CLASS_SHIFT) | fc
        else:
            table[cp] = MULTI
    return table


def _classes(text: str) -> list[int]:
    table = bmp_table()
    return [int(table[ord(c)]) if ord(c) < 0x10000 else char_class(ord(c)) for c in text]


def tokens(text: str) -> list[str]:
    """The tokens of `text` after normalisation (reference implementation, not fast)."""
    t = fold(text)
    cls = _classes(t)
    out: list[str] = []
    cur: list[str] = []
    n = len(t)
    for i, (ch, c) in enumerate(zip(t, cls, strict=True)):
        if c == WORD:
            cur.append(ch)
            continue
        if c == APOSTROPHE and cur and i + 1 < n and cls[i + 1] == WORD and cls[i - 1] == WORD:
            continue  # joined: the word goes on
        if cur:
            out.append("".join(cur))
            cur = []
        if c == SOLO:
            out.append(ch)
    if cur:
        out.append("".join(cur))
    return out


def normalize(text: str) -> str:
    """`text` normalised for shingling: its tokens separated by single spaces."""
    return " ".join(tokens(text))
