"""Text normalisation: the one definition of "the same words" used by every stage.

Steps, in order: Unicode NFKC; case folding; apostrophes inside words removed (so ``don't``,
``don’t`` and ``donʼt`` are one token) after typographic quotes, dashes and apostrophes are
unified; every other punctuation mark, symbol and control character becomes a space; characters
of scripts written without spaces (Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar) become one
token each; runs of whitespace fold to one space. Pure functions, no state.
"""

from __future__ import annotations

import re
import sys
import unicodedata

# Apostrophe-like characters: joined away inside words after unification.
_APOSTROPHES = "'\u2019\u2018\u02bc\u02b9\u0060\u00b4\u2032\uff07"
# Quotes and dashes are punctuation and are dropped anyway; unifying them first keeps the
# behaviour explicit if the punctuation rule ever changes.
_TYPOGRAPHIC = {
    **{ord(c): "'" for c in _APOSTROPHES},
    **{ord(c): '"' for c in "\u201c\u201d\u201e\u201f\u00ab\u00bb\u2039\u203a\u301d\u301e"},
    **{ord(c): "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"},
}

# Scripts written without spaces between words: each character is a token, so word shingles
# over them are character n-grams.
_NO_SPACE_RANGES = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0x20000, 0x2FA1F),  # CJK extensions B-F, compatibility supplement
)


def _mark_ranges() -> str:
    """Regex class body of every combining mark (category M): marks are part of words."""
    ranges: list[tuple[int, int]] = []
    for cp in range(sys.maxunicode + 1):
        if unicodedata.category(chr(cp))[0] == "M":
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    return "".join(
        re.escape(chr(lo)) if lo == hi else f"{re.escape(chr(lo))}-{re.escape(chr(hi))}"
        for lo, hi in ranges
    )


# Anything that is neither a word character (letters, digits: str.isalnum) nor a combining mark
# is punctuation, a symbol, a separator or a control character; "_" is handled separately.
_PUNCT_RE = re.compile(r"[^\w" + _mark_ranges() + "]+")
_APOS_RE = re.compile(r"(?<=\w)'(?=\w)")
_NO_SPACE_RE = re.compile(
    "([" + "".join(f"{re.escape(chr(lo))}-{re.escape(chr(hi))}" for lo, hi in _NO_SPACE_RANGES) + "])"
)


def normalize(text: str) -> str:
    """Return `text` normalised for shingling: lower-case words separated by single spaces."""
    t = unicodedata.normalize("NFKC", text).casefold().translate(_TYPOGRAPHIC)
    t = _APOS_RE.sub("", t)
    t = _PUNCT_RE.sub(" ", t.replace("_", " "))
    t = _NO_SPACE_RE.sub(r" \1 ", t)
    return " ".join(t.split())


def tokens(text: str) -> list[str]:
    """The tokens of `text` after normalisation."""
    n = normalize(text)
    return n.split(" ") if n else []
