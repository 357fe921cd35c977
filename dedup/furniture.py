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
furniture too. Lines of script code that extraction left behind (ad widgets) are furniture.
The rule is written here once; `dedup.prepare` applies it to every text.
"""

from __future__ import annotations

import re

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
#: a credit line this short is the credit alone: the caption is the line before it
_CREDIT_ALONE = 80


def furniture_lines(text: str) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of the lines of `text` that are furniture, in order:
    lines with a photo credit (and the caption line before a credit that stands alone), and
    lines of script code."""
    spans: list[tuple[int, int]] = []
    for rx in (_CREDIT, _CODE):
        for m in rx.finditer(text):
            start = text.rfind("\n", 0, m.start()) + 1
            end = text.find("\n", m.end())
            end = len(text) if end < 0 else end
            spans.append((start, end))
            if rx is _CREDIT and end - start <= _CREDIT_ALONE:
                prev_end = len(text[:start].rstrip())
                if prev_end > 0:
                    spans.append((text.rfind("\n", 0, prev_end) + 1, prev_end))
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def furniture_words(
    text: str, starts: npt.NDArray[np.int32], ends: npt.NDArray[np.int32]
) -> npt.NDArray[np.int32]:
    """The furniture of `text` as word ranges ``[w0, w1)`` (flattened pairs, in order), for
    words whose character offsets are `starts`/`ends`."""
    spans = furniture_lines(text)
    if not spans or starts.size == 0:
        return np.empty(0, dtype=np.int32)
    lo = np.searchsorted(starts, np.array([s for s, _ in spans]), side="left")
    hi = np.searchsorted(ends, np.array([e for _, e in spans]), side="right")
    keep = hi > lo
    return np.stack((lo[keep], hi[keep]), axis=1).astype(np.int32).ravel()
