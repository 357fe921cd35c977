"""The lines `dedup.furniture` tests against its patterns: exactly those holding a trigger."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.furniture import _SEP, _trigger_lines, furniture_batch

#: the reference: what `dedup.furniture._TRIGGER` looks for, written as plain strings
_TRIGGERS = (
    "Photo", "via AP", "(AP)", "Getty", "REUTERS/", "Reuters/", "AFP", "EPA", "Credit:", "Image",
    "FILE", "window.", ".push(", "googletag.", "function", "});", "_taboola",
)  # fmt: skip
_TOGGLES = ("less", "more")


def _lines_with_a_trigger(text: str) -> list[tuple[int, int]]:
    """The spans of the lines of `text` that hold a trigger text or end with a toggle (spaces
    and tabs after it aside), line by line."""
    out = []
    pos = 0
    for line in text.split("\n"):
        if any(t in line for t in _TRIGGERS) or line.rstrip(" \t").endswith(_TOGGLES):
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


# triggers, their near misses, and what can sit between them and a line's end
_PIECES = [*_TRIGGERS, *_TOGGLES, "les", "mor", "AP", "Phot", "(", ")", ".", " ", "\t", "\r"]
_PIECES += ["\n", _SEP, "x", "less\n", "more \t", "unless", "moreover"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=16))
def test_trigger_lines_are_the_lines_holding_a_trigger(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert _trigger_lines(text) == _lines_with_a_trigger(text)


def test_a_caption_credit_and_a_gallery_toggle_are_found() -> None:
    texts = [
        "Story line one.\nA crowd gathers. (AP Photo/Jane Doe)\nStory line two.",
        "Body.\nThe minister spoke ... more\nImage 1 of 3\nNext caption.\nBody again.",
        "Plain story with no furniture at all.\nIt says more\nand less.",
    ]
    spans = furniture_batch(texts)
    assert "A crowd gathers. (AP Photo/Jane Doe)" in [texts[0][s:e] for s, e in spans[0]]
    assert "The minister spoke ... more" in [texts[1][s:e] for s, e in spans[1]]
    assert spans[2] == []
