"""Anchors: the parts of a news text that survive translation, as language-neutral features.

A translation rewrites every common word, but keeps most proper names (people, places,
organisations, acronyms), numbers, amounts and dates, in nearly the same order. The anchors of a
text are those, each turned into a feature that reads the same in every language:

- ``n:<value>`` a number: thousands separators of any convention removed (``1,000`` =
  ``1.000`` = ``1 000``), decimal comma or point written ``.``, multiplied out when a scale word
  follows (``2.5 million`` = ``2,5 Millionen`` = ``250万`` = ``n:2500000``);
- ``d:<MM-DD>`` a day and a month named in any of 14 languages (``27 juin`` = ``June 27`` =
  ``27. Juni`` = ``27 июня`` = ``6月27日`` = ``d:06-27``), ``m:<MM>`` a month without a day,
  ``wd:<N>`` a weekday;
- ``w:<key>`` a name: a capitalised word that is not a common word of the text's language
  (not found in lower case in the same text; when sentence-initial, not a dictionary word;
  in German, where every noun is capitalised, neither a dictionary word nor a compound of
  two anywhere). Its key is
  transliterated to ASCII (anyascii: Cyrillic, Greek, accents), then reduced to a consonant
  skeleton so that spellings of one name in different languages meet: ``Selenskyj``,
  ``Zelensky``, ``Зеленский`` -> ``salansk``; ``Chamenei``, ``Khamenei`` -> ``kaman``;
  ``Путина`` (genitive) -> ``patan`` = ``Putin``.

Chinese and Japanese names are written in characters with no capitals and no spaces; there
only numbers, dates, amounts and Latin-script words (acronyms, brands) are anchors.

Dictionaries are simplemma's (word lists shipped inside the package). Everything here is exact
and deterministic; *which* words are names is a heuristic, measured by `benchmarks/crosslingual.py`.
Changing any rule means bumping `dedup.config.ANCHOR_SCHEME_VERSION`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import numpy as np
import xxhash
from anyascii import anyascii

from dedup.crosslingual.tables import (
    ACRONYMS,
    CALENDAR_WORDS,
    CJK_SCALES,
    CJK_WEEKDAYS,
    CYRILLIC_ACRONYMS,
    CYRILLIC_ENDINGS,
    DICTIONARY_LANGUAGES,
    ENGLISH_ADJECTIVE_ENDINGS,
    ENGLISH_ONLY_CAPITALISED,
    ENGLISH_TITLES,
    HONORIFICS,
    MONTHS,
    NOUN_CAPITALISING,
    PHRASES,
    SCALE_WORDS,
    SCALES,
    SLAVIC_LATIN_ENDINGS,
    WEEKDAYS,
)
from dedup.model import Anchors

#: seed of the 64-bit hash (xxh3) of each feature string; part of the anchor scheme
FEATURE_SEED = 0x5EED_A7C4

# a number (thousands groups by , . ' or a (narrow) no-break or thin space, or an ordinary space
# after a group of at most three digits), a word (letters; a CJK run is one word), or a break
# after which a capital does not mean a name: sentence ends, dashes ("BAGDAD – Un haut ..."),
# opening quotes and brackets
_TOKEN = re.compile(
    r"(\d+(?:(?:[.,'\u00a0\u202f\u2009]|(?<!\d\d\d\d) )\d{3}(?!\d))*(?:[.,]\d+)?)"
    r"|((?:[A-Z\u0410-\u042f]\.){2,}(?![^\W\d_])|[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]+"
    r"|[^\W\d_\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]+)"
    r"|([.!?:;\n\u3002\uff01\uff1f\u2013\u2014\"\u00ab\u201c\u201e(\[]+)"
)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
_CJK_WEEKDAY = re.compile("([月火水木金土日])曜日|星期([一二三四五六日天])")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_NOT_DIGIT = re.compile(r"\D")
# digraphs first (longest first), then single letters, applied to lower-case ASCII
_DIGRAPHS = (
    ("tsch", "c"),
    ("sch", "s"),
    ("tch", "c"),
    ("dzh", "j"),
    ("ch", "k"),
    ("kh", "k"),
    ("ck", "k"),
    ("ph", "f"),
    ("th", "t"),
    ("sh", "s"),
    ("zh", "j"),
    ("ts", "s"),
    ("tz", "s"),
    ("gh", "g"),
    ("qu", "k"),
    ("x", "ks"),
)
_LETTERS = str.maketrans({"c": "k", "q": "k", "z": "s", "w": "v"})
_VOWELS = frozenset("aeiouy")
#: a line of at least this many tokens, this share of them capitalised, is a title-case line
TITLE_MIN_WORDS = 4
TITLE_CAPS_SHARE = 0.6
#: features of these kinds are too common to find candidates with (kept for verification)
_WEAK_PREFIXES = (b"m:", b"wd:")


@lru_cache(maxsize=1 << 16)
def skeleton(word: str) -> str:
    """The consonant skeleton of a name: ASCII-transliterated, lower case, common digraphs and
    letters merged (``ch kh -> k``, ``sch sh -> s``, ``c q -> k``, ``z -> s``, ``w -> v``),
    each run of vowels written ``a``, doubled letters single, a final ``s`` of a word of five
    letters or more and then final vowels dropped."""
    s = "".join(ch for ch in anyascii(word).lower() if "a" <= ch <= "z")
    if len(s) > 4 and s[-1] == "s" and s[-2] != "s":
        s = s[:-1]  # a plural or genitive s ("Trumps", "Reuters" = "Рейтер")
    elif len(s) > 4 and s[-1] == "j" and s[-2] in _VOWELS:
        s = s[:-1]  # German, Czech, Polish "-yj", "-ij" for Slavic "-ый", "-ий": "Selenskyj"
    if not s:
        return ""
    for a, b in _DIGRAPHS:
        if a in s:
            s = s.replace(a, b)
    s = s.translate(_LETTERS)
    out: list[str] = []
    for ch in s:
        c = "a" if ch in _VOWELS else ch
        if not out or out[-1] != c:
            out.append(c)
    while len(out) > 2 and out[-1] == "a":
        out.pop()
    return "".join(out)


@lru_cache(maxsize=1 << 16)
def _fold(word: str) -> str:
    return anyascii(word).lower()


def _known(word: str, lang: str) -> bool:
    """Is `word` a common word of `lang` (simplemma's dictionary)?"""
    return _known_cached(word, lang)


@lru_cache(maxsize=1 << 16)
def _known_cached(word: str, lang: str) -> bool:
    import simplemma

    return bool(simplemma.is_known(word, lang))


@lru_cache(maxsize=1 << 16)
def _compound(word: str, lang: str) -> bool:
    """Is `word` a compound of two dictionary words (``Weihnachts|braten``,
    ``Pflichtversicherungs|gesetzes``), the head possibly joined by a linking ``s``?"""
    if len(word) < 9:
        return False
    for cut in range(4, len(word) - 4):
        tail = word[cut:]
        if not _known(tail.capitalize(), lang):
            continue
        head = word[:cut]
        if _known(head, lang) or (head.endswith("s") and _known(head[:-1], lang)):
            return True
    return False


def _number(raw: str) -> tuple[str, str]:
    """(integer digits, decimal digits) of a number token, separators of any convention."""
    m = re.fullmatch(r"(.*?)(?:[.,](\d{1,2}|\d{4,}))?", raw)
    whole, frac = (m.group(1), m.group(2) or "") if m else (raw, "")
    return _NOT_DIGIT.sub("", whole), frac


def _scaled(whole: str, frac: str, power: int) -> str:
    """The canonical decimal string of whole.frac x 10**power (exact, on digit strings)."""
    digits = (whole + frac).lstrip("0")
    point = len(whole) + power - (len(whole + frac) - len(digits))  # digits before the point
    if not digits:
        return "0"
    if point <= 0:
        return "0." + "0" * (-point) + digits.rstrip("0") if digits.rstrip("0") else "0"
    if point >= len(digits):
        return digits + "0" * (point - len(digits))
    head, tail = digits[:point], digits[point:].rstrip("0")
    return head + ("." + tail if tail else "")


def _hash(feature: str) -> int:
    return int(xxhash.xxh3_64_intdigest(feature.encode("utf-8"), seed=FEATURE_SEED))


def _tokens(text: str) -> tuple[list[tuple[int, str, bool]], set[str], set[str]]:
    """(kind: 0 number / 1 word, token, sentence-initial) of every number and word; the words
    that start in lower case; the capitalised words seen inside a sentence. Every word of a
    title-case line ("Iranian Commander Urged Escalation, Sources Say") counts as
    sentence-initial: there a capital says nothing."""
    toks: list[tuple[int, str, bool]] = []
    lower: set[str] = set()
    initial = True
    line_start, caps = 0, 0
    for num, word, brk in _TOKEN.findall(text):
        if num:
            if not num.isascii():  # full-width (１８), Arabic-Indic, ... digits: to 0-9
                num = "".join(str(unicodedata.decimal(c, c)) for c in num)
            toks.append((0, num, initial))
        elif word:
            if word[-1] == ".":  # a dotted acronym: "U.S." -> "US"
                word = word.replace(".", "")
            toks.append((1, word, initial))
            if word[0].islower():
                lower.add(word)
            elif word[0].isupper():
                caps += 1
        else:
            initial = True
            if "\n" in brk:
                words = len(toks) - line_start
                if words >= TITLE_MIN_WORDS and caps >= TITLE_CAPS_SHARE * words:
                    for k in range(line_start, len(toks)):
                        toks[k] = (toks[k][0], toks[k][1], True)
                line_start, caps = len(toks), 0
            continue
        initial = False
    cap_inside = {t for k, t, i in toks if k == 1 and not i and t[0].isupper()}
    return toks, lower, cap_inside


def anchor_features(text: str, lang: str | None) -> list[str]:
    """The anchor features of `text` in text order (see the module docstring)."""
    toks, lower, cap_inside = _tokens(text)
    use_dict = lang in DICTIONARY_LANGUAGES
    out: list[str] = []
    used: set[int] = set()  # number tokens consumed by a date
    n = len(toks)
    for i, (kind, tok, init) in enumerate(toks):
        if kind == 0:
            if i in used:
                continue
            whole, frac = _number(tok)
            power = _scale(toks[i + 1][1], lang) if i + 1 < n and toks[i + 1][0] == 1 else 0
            out.append("n:" + _scaled(whole, frac, power))
            continue
        first = tok[0]
        if first.islower():  # most words: only a month or a weekday can be an anchor
            if i in used:
                continue
            if tok in CALENDAR_WORDS:
                _calendar(toks, i, tok, out, used)
            continue
        if first >= "\u3040" and _CJK.match(tok):
            for m in _CJK_WEEKDAY.finditer(tok):  # 水曜日, 星期三
                out.append(f"wd:{CJK_WEEKDAYS[m.group(1) or m.group(2)]}")
            # CJK dates: <n>月<n>日, a month after a number, the day after it
            if first == "月" and i > 0 and toks[i - 1][0] == 0:
                cjk_month = int(_NOT_DIGIT.sub("", toks[i - 1][1]) or 0)
                if 1 <= cjk_month <= 12:
                    if out and out[-1] == f"n:{cjk_month}":
                        out.pop()  # the month number was emitted as a number
                    day = _day(toks, i + 1)
                    if day:
                        used.add(i + 1)
                        out.append(f"d:{cjk_month:02d}-{day:02d}")
                    else:
                        out.append(f"m:{cjk_month:02d}")
            continue
        if not first.isupper():
            continue
        if tok.lower() in CALENDAR_WORDS and _calendar(toks, i, tok, out, used):
            continue
        if i + 1 < n and toks[i + 1][0] == 1:
            alias = PHRASES.get((_fold(tok), _fold(toks[i + 1][1])))
            if alias is not None:  # "United States" = "États-Unis" = "Vereinigte Staaten"
                out.append("w:" + alias)
                used.add(i + 1)
                continue
        if i in used:
            continue
        key = _name_key(tok, init, lang, lower, cap_inside, use_dict)
        if key:
            out.append("w:" + key)
    return out


def _calendar(
    toks: list[tuple[int, str, bool]], i: int, tok: str, out: list[str], used: set[int]
) -> bool:
    """Append the date (a month with a day next to it), month or weekday feature of token i;
    False if it is none (an English month or weekday word in lower case: "may", "march")."""
    folded = _fold(tok)
    if not tok[0].isupper() and folded in ENGLISH_ONLY_CAPITALISED:
        return False
    month = MONTHS.get(folded)
    if month is not None:
        day = 0
        for j in (i - 1, i + 1, i - 2):
            day = _day(toks, j)
            if day:
                if j < i and out and out[-1] == "n:" + str(day) and j not in used:
                    out.pop()  # the day was emitted as a number
                used.add(j)
                break
        out.append(f"d:{month:02d}-{day:02d}" if day else f"m:{month:02d}")
        return True
    weekday = WEEKDAYS.get(folded)
    if weekday is not None:
        out.append(f"wd:{weekday}")
        return True
    return False


def _scale(word: str, lang: str | None) -> int:
    """The power of ten a scale word after a number multiplies by (0: not a scale word)."""
    if _CJK.match(word):
        return CJK_SCALES.get(word[0], 0)
    if word.lower() not in SCALE_WORDS:
        return 0
    folded = _fold(word)
    power = SCALES.get(folded, 0)
    if power == 9 and folded.startswith("billion") and lang not in (None, "en"):
        return 12  # "Billion", "billion": 10**12 in German, French, ...
    return power


def _day(toks: list[tuple[int, str, bool]], j: int) -> int:
    """The day of month at token j (a number 1-31 of one or two digits), else 0."""
    if 0 <= j < len(toks) and toks[j][0] == 0:
        d = toks[j][1]
        if d.isdigit() and len(d) <= 2 and 1 <= int(d) <= 31:
            return int(d)
    return 0


def _name_key(
    tok: str, init: bool, lang: str | None, lower: set[str], cap_inside: set[str], use_dict: bool
) -> str:
    """The skeleton of `tok` if it is a name (see the module docstring), else ``""``."""
    if not tok[0].isupper() or len(tok) < 2 or tok in HONORIFICS:
        return ""
    if lang == "en" and tok in ENGLISH_TITLES:
        return ""
    if tok.isupper() and len(tok) > 5:  # a shouted headline word, not an acronym
        tok = tok.capitalize()
    if not tok.isupper():
        if tok.lower() in lower:
            return ""
        if init and tok not in cap_inside:
            # sentence-initial: a name only if no dictionary knows it
            if not use_dict or _known(tok, lang or ""):
                return ""
        elif lang in NOUN_CAPITALISING and (_known(tok, lang) or _compound(tok, lang)):
            return ""
        elif lang == "en" and tok.endswith(ENGLISH_ADJECTIVE_ENDINGS) and _known(tok, "en"):
            return ""  # "Iranian", "Islamic", "Revolutionary": lower case in other languages
    if tok.isupper():  # an acronym, letter for letter ("NATO" = "НАТО"), "ONU" = "UN" by table
        key = _fold(tok)
        if _CYRILLIC.match(tok):
            return CYRILLIC_ACRONYMS.get(key, key)
        return ACRONYMS.get(key, key)
    if _CYRILLIC.match(tok) and len(tok) > 5:
        for end in CYRILLIC_ENDINGS:
            if tok.endswith(end):
                tok = tok[: -len(end)]
                break
    elif lang in ("cs", "sk", "pl") and len(tok) > 5:
        for end in SLAVIC_LATIN_ENDINGS:
            if tok.endswith(end):
                tok = tok[: -len(end)]
                break
    key = skeleton(tok)
    return key if len(key) >= 2 else ""


def extract_anchors(text: str, lang: str | None) -> Anchors:
    """The `Anchors` of a text written in `lang` (ISO 639-1, or None if unknown): each feature
    of `anchor_features` hashed to 64 bits (xxh3 under `FEATURE_SEED`)."""
    feats = anchor_features(text, lang)
    seq = np.array([_hash(f) for f in feats], dtype=np.uint64)
    strong = {
        h
        for f, h in zip(feats, seq.tolist(), strict=True)
        if not f.encode().startswith(_WEAK_PREFIXES) and not (f.startswith("n:") and len(f) < 4)
    }
    keys = np.array(sorted(strong), dtype=np.uint64)
    return Anchors(seq, keys)
