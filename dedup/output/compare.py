"""`dedup compare` shown: the two texts side by side with the shared passages marked, the
figures and the verdict; or the comparison as JSON.

On a terminal (`color`) shared passages are shown in reverse video; as plain text they are
enclosed in ``[[`` and ``]]``. Every piece of input text is shown literally
(`dedup.output.literal`): control characters escaped, no markup.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence

from rich.table import Table
from rich.text import Text

from dedup.comparison import Comparison, Side, Span
from dedup.model import plural
from dedup.output.literal import literal, literal_console, printable

OPEN, CLOSE = "[[", "]]"
SHARED_STYLE = "reverse"


def _marked(text: str, spans: Sequence[Span], color: bool) -> Text:
    """`text` with `spans` styled (`color`) or enclosed in markers; line breaks kept."""
    out = Text()

    def put(piece: str, style: str = "") -> None:
        for n, line in enumerate(piece.split("\n")):
            if n:
                out.append("\n")
            out.append(printable(line), style=style)

    at = 0
    for s, e in sorted(spans):
        if s < at:
            s = at
        if e <= s:
            continue
        put(text[at:s])
        if color:
            put(text[s:e], SHARED_STYLE)
        else:
            put(OPEN + text[s:e] + CLOSE)
        at = e
    put(text[at:])
    return out


def _heading(side: Side, name: str, role: str) -> Text:
    d = side.document
    parts = [f"{name}: {d.id} ({role})", d.site or "", d.date or "(no date)", d.title or ""]
    return literal(" | ".join(p for p in parts if p))


def render_compare(cmp: Comparison, width: int = 80, color: bool = False) -> str:
    """The two texts side by side (A left, B right), then the figures and the verdict."""
    buf = io.StringIO()
    con = literal_console(buf, width, color)
    roles = ("origin", "copy") if cmp.origin == "a" else ("copy", "origin")
    t = Table(expand=True, show_lines=False)
    t.add_column(_heading(cmp.a, "A", roles[0]), ratio=1, overflow="fold")
    t.add_column(_heading(cmp.b, "B", roles[1]), ratio=1, overflow="fold")
    t.add_row(
        _marked(cmp.a.document.text, cmp.a.shared, color),
        _marked(cmp.b.document.text, cmp.b.shared, color),
    )
    con.print(t)
    al = cmp.alignment
    marks = "reverse video" if color else f"{OPEN} ... {CLOSE}"
    lines = [
        f"shared passages ({marks}): {len(al.passages)}; shared sentences: "
        f"{al.shared_sentences}; density {al.density:.0%}; Jaccard {cmp.jaccard:.2f}",
        f"A: {al.covered_a} of {al.body_a} body words shared ({al.coverage_a:.0%}); "
        f"B: {al.covered_b} of {al.body_b} ({al.coverage_b:.0%})",
        (
            f"the copy added {plural(cmp.copy_side.own_words, 'word')}; it left out "
            f"{plural(cmp.origin_side.own_words, 'word')} of the origin"
            if cmp.copy
            else (
                f"outside shared passages: A {plural(cmp.a.own_words, 'word')}, B {cmp.b.own_words}"
            )
        ),
        cmp.verdict,
    ]
    if cmp.note is not None:
        lines.insert(0, f"note: {cmp.note}")
    for line in lines:
        con.print(literal(line))
    return buf.getvalue()


def render_compare_json(cmp: Comparison) -> str:
    """The comparison as JSON (`Comparison.to_dict`), deterministic byte for byte."""
    return json.dumps(cmp.to_dict(), ensure_ascii=False, indent=2) + "\n"
