"""Page furniture in an article's text: lines that are not the story's own text.

Photo captions and credits are the furniture that copies of *different* stories share most:
wire photos are reused across stories, and a page prints each caption once or twice ("FILE -
In this Nov. 11, 2017 file photo, ... (Jorge Silva/Pool Photo via AP, File)"). Two pages
sharing only captions are not copies (the users' definition), so a caption line is not part of
a text's body: its words are neither shared nor counted in coverage (`dedup.align`).

A line (text between line breaks) is furniture when it carries a photo credit: an agency's
photo credit in any of the usual forms ("AP Photo/...", "... via AP", "Getty Images",
"REUTERS/Name", "AFP PHOTO", "Photo: ...", "Image copyright", "Credit: The Associated Press",
"Image 3 of 12"); when the credit stands alone on a short line, the caption line before it is
furniture too, and a gallery counter's captions on both sides of it. A gallery caption cut
short with the gallery's "... more" toggle is furniture, and on a page with a counter or such
a caption, one ending with the "less" toggle. Lines of script code that extraction left
behind (ad widgets) are furniture.
The rule is written here once; `dedup.prepare` applies it to every text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

_CREDIT = re.compile(
    r"\bAP Photo\b|\bvia AP\b|\(AP\)\s*$|\bPool Photo\b|\bGetty Images\b|\bREUTERS/|"
    r"\bReuters/[A-Z]|\bAFP PHOTO\b|\bAFP/|/AFP\b|\bEPA(?:-EFE)?/|\bPhoto:|\bPhotograph:|"
    r"\bPhoto credit\b|^\s*Credit:|\bImage copyright\b|\bImage caption\b|\bImage \d+ of \d+\b|"
    r"\bPhoto \d+ of \d+\b|\(Photo by\b|\bFILE PHOTO\b|^\s*FILE - ",
    re.MULTILINE,
)


#: script code that page extraction left in the text (ad and recommendation widgets)
_CODE = re.compile(
    r"window\.\w+\s*=|\w+\.push\(\{|googletag\.|\bfunction\s*\(|\}\);\s*$|_taboola", re.MULTILINE
)
#: a gallery caption cut short, with the gallery's "... more" toggle at its end
_MORE = re.compile(r"(?:\.\.\.|\u2026)[ \t]*more[ \t]*$", re.MULTILINE)
#: a whole gallery caption, with the "less" toggle at its end: furniture only on a page with
#: another sign of a gallery (a counter, a "... more" caption), since hard-wrapped text can end
#: a line with "... U.S. less" ("less / than an hour")
_LESS = re.compile(r"[.!?\"\u201d)][ \t]*less[ \t]*$", re.MULTILINE)
#: a gallery's counter ("Image 3 of 12"): the lines on either side of it are its captions
_COUNTER = re.compile(r"^\s*(?:Image|Photo) \d+ of \d+\s*$", re.MULTILINE)
#: text every match of these patterns holds (a line holding none cannot match them): the
#: lines worth testing are those holding one of `_TRIGGERS`, or ending with one of `_TOGGLES`
#: (spaces and tabs after it aside)
_TRIGGERS = (
    "Photo", "via AP", "(AP)", "Getty", "REUTERS/", "Reuters/", "AFP", "EPA", "Credit:", "Image",
    "FILE", "window.", ".push(", "googletag.", "function", "});", "_taboola",
)  # fmt: skip
_TOGGLES = ("less", "more")
_TO_LINE_END = re.compile(r"[ \t]*(?:\n|\Z)")
#: a credit line this short is the credit alone: the caption is the line before it
_CREDIT_ALONE = 80


_SEP = "\n\x00\n"  # joins texts: no line runs from one text into the next


def _trigger_lines(joined: str) -> list[tuple[int, int]]:
    """The distinct lines of `joined` (spans, in order) that hold a trigger (`_TRIGGERS`,
    `_TOGGLES`). Each text is found with ``str.find`` (a fast substring search over the
    whole batch, one per text): several times faster than one regular expression of them
    all, whose lower-case first letters make it try at most characters."""
    at: list[int] = []
    for word in _TRIGGERS:
        i = joined.find(word)
        while i >= 0:
            at.append(i)
            i = joined.find(word, i + 1)
    for word in _TOGGLES:
        i = joined.find(word)
        while i >= 0:
            if _TO_LINE_END.match(joined, i + len(word)) is not None:
                at.append(i)
            i = joined.find(word, i + 1)
    found: list[tuple[int, int]] = []
    last = -1
    for i in sorted(at):
        if i <= last:  # on the line found last
            continue
        start = joined.rfind("\n", 0, i) + 1
        end = joined.find("\n", i)
        end = len(joined) if end < 0 else end
        found.append((start, end))
        last = end
    return found


def furniture_batch(texts: Sequence[str]) -> list[list[tuple[int, int]]]:
    """`furniture_lines` of every text: the text the patterns need (`_trigger_lines`) is
    searched once in all the texts joined, and the patterns run only on the lines that hold it."""
    joined = _SEP.join(texts)
    begins = np.cumsum([0] + [len(t) + len(_SEP) for t in texts[:-1]]).tolist()
    spans: list[list[tuple[int, int]]] = [[] for _ in texts]
    gallery = [False] * len(texts)  # a page with a counter or a "... more" caption
    toggles: list[tuple[int, int, int]] = []  # "less" captions: furniture on gallery pages
    for start, end in _trigger_lines(joined):
        line = joined[start:end]
        d = bisect_right(begins, start) - 1
        text, base = texts[d], begins[d]
        if _LESS.search(line) is not None:
            toggles.append((d, start - base, end - base))
        credit = _CREDIT.search(line) is not None
        more = _MORE.search(line) is not None
        if not credit and not more and _CODE.search(line) is None:
            continue
        spans[d].append((start - base, end - base))
        if more:
            gallery[d] = True
        if credit and end - start <= _CREDIT_ALONE:
            prev_end = len(text[: start - base].rstrip())
            if prev_end > 0:
                spans[d].append((text.rfind("\n", 0, prev_end) + 1, prev_end))
            if _COUNTER.match(line) is not None:
                gallery[d] = True
                spans[d].append(_next_line(text, end - base))
    for d, start, end in toggles:
        if gallery[d]:
            spans[d].append((start, end))
    return [_merged(s) for s in spans]


def _next_line(text: str, at: int) -> tuple[int, int]:
    """The span of the first non-blank line of `text` after offset `at` (empty at the end)."""
    n = len(text)
    while at < n and text[at] in "\r\n \t":
        at += 1
    end = text.find("\n", at)
    return (at, n if end < 0 else end)


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def furniture_lines(text: str) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of the lines of `text` that are furniture, in order:
    lines with a photo credit (and the caption line before a credit that stands alone), and
    lines of script code."""
    return furniture_batch([text])[0]


def furniture_words(
    spans: list[tuple[int, int]], starts: npt.NDArray[np.int32], ends: npt.NDArray[np.int32]
) -> npt.NDArray[np.int32]:
    """Furniture line `spans` of a text as word ranges ``[w0, w1)`` (flattened pairs, in
    order), for words whose character offsets are `starts`/`ends`."""
    if not spans or starts.size == 0:
        return np.empty(0, dtype=np.int32)
    lo = np.searchsorted(starts, np.array([s for s, _ in spans]), side="left")
    hi = np.searchsorted(ends, np.array([e for _, e in spans]), side="right")
    keep = hi > lo
    return np.stack((lo[keep], hi[keep]), axis=1).astype(np.int32).ravel()
