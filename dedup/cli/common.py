"""What every command shares: the stderr console and the one-line fatal error."""

from __future__ import annotations

import typer
from rich.console import Console

err = Console(stderr=True, highlight=False)


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"dedup: error: {message}", markup=False, soft_wrap=True)
    return typer.Exit(code)
