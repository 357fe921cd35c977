"""Text from the input shown on a terminal exactly as it is, never acted on.

Page titles, ids, sites, URLs, file names and skip reasons come from whoever wrote the input.
Printed raw, a control character in one is a command to the terminal (``ESC [2J`` clears the
screen, ``ESC ]52;c;...BEL`` writes the clipboard), a bidi control (U+202E right-to-left
override) reorders what is shown, a line break forges another line, and in a Rich markup
string ``[link=http://evil.example/]trusted-id[/link]`` would be interpreted (``m[/]`` even
raises). Everything a table or a line on stderr shows goes through `printable` (the
character escaped as ``\\x1b``, ``\\u202e``, ``\\n``) and reaches Rich as a `Text`
(`literal`), never as markup.

JSON, JSON Lines and CSV keep the exact data: JSON escapes control characters itself, and
those formats are read by programs, not shown on a terminal.
"""

from __future__ import annotations

import re
from typing import TextIO

from rich.console import Console
from rich.text import Text

#: escaped: C0 controls (tab and newline too: one value, one line), DEL and C1 controls, the
#: bidi marks, embeddings, overrides and isolates (U+061C, U+200E-U+200F, U+202A-U+202E,
#: U+2066-U+2069), the line and paragraph separators, and lone surrogates (a file name that was
#: not UTF-8, which no output encoding can write)
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]"
)


_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(m: re.Match[str]) -> str:
    char = m.group()
    code = ord(char)
    if char in _SHORT:
        return _SHORT[char]
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` with every character that a terminal would act on, or that would reorder or
    break the line, written as a visible escape (``\\x1b``, ``\\u202e``, ``\\n``); the rest
    unchanged."""
    return _UNSAFE.sub(_escape, text)


def literal(text: str) -> Text:
    """`text` as Rich shows it literally: `printable`, and a `Text`, so that no markup in it
    (``[bold]``, ``[link=...]``) is interpreted and no ``:emoji:`` code replaced."""
    return Text(printable(text))


def literal_console(file: TextIO, width: int, color: bool = False) -> Console:
    """A Rich console writing to `file` at `width` columns that shows what it is given as
    written: no markup, no emoji codes, no highlighting (styles only with `color`)."""
    return Console(
        file=file,
        width=width,
        color_system="standard" if color else None,
        highlight=False,
        markup=False,
        emoji=False,
    )
