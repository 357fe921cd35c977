"""Paragraph separators other than line breaks, as some exports write them.

A scraper that flattens a page into one line marks its paragraph breaks with a token instead
(`` ### `` in the ArticleComparisons export). Every stage that reads lines (credit detection,
furniture lines, sentence and paragraph ends) sees such a text as one long line. `lined`
gives the stages the text with each separator turned into a blank line, *of the same length*:
the separator's characters are replaced by two line breaks and spaces, so that every offset
into it is an offset into the text as given (passages and layouts stay offsets into the
input). The separator's characters are separators to the tokenizer (``#``, ``*``, ``~``, ...),
so the words, shingles and signatures of a text do not change either (a given separator
made of letters is no longer read as words: it is not text).

A separator is either given (`InputConfig.paragraph_separator`) or found in the text: a run of
three or more of one of ``# * ~ = + | _`` standing between spaces, met at least three times in a
text that has fewer line breaks than that (a text laid out in lines keeps its lines).
"""

from __future__ import annotations

import re

#: a candidate separator: a run of one repeated symbol between single spaces (`` ### ``)
_CANDIDATE = re.compile(r" ([#*~=+|_])\1{2,} ")
#: occurrences a found separator needs in one text
MIN_REPEATS = 3


def found_separator(text: str) -> str | None:
    """The paragraph separator `text` uses (module docstring), or None."""
    m = _CANDIDATE.search(text)
    if m is None:
        return None
    sep = m.group(0)
    count = text.count(sep)
    if count < MIN_REPEATS or text.count("\n") >= count:
        return None
    return sep


def lined(text: str, separator: str | None = None) -> str:
    """`text` with each occurrence of its paragraph separator (`separator` when given, else
    the one found in it) turned into a blank line of the same length; `text` itself when it
    has none."""
    sep = separator if separator else found_separator(text)
    if not sep or sep not in text:
        return text
    n = len(sep)
    blank = "\n\n" + " " * (n - 2) if n >= 2 else "\n"
    return text.replace(sep, blank)
