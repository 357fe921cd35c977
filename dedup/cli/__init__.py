"""The `dedup` command line. Thin: each command builds a config, calls the library API, picks a
writer and maps errors to exit codes (0 the work ran, 1 a fatal error, 2 a usage error)."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from dedup.cli.common import Command, Group, say
from dedup.cli.compare import compare_cmd
from dedup.cli.extract import extract_cmd
from dedup.cli.index import index_app
from dedup.cli.scan import scan_cmd

app = typer.Typer(
    help="Find where news stories have been copied.",
    no_args_is_help=True,
    cls=Group,
    pretty_exceptions_enable=False,
    add_completion=True,
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            shown = version("dedup")
        except PackageNotFoundError:  # run from a source tree that is not installed
            shown = "(not installed)"
        typer.echo(f"dedup {shown}")
        raise typer.Exit()


@app.callback(context_settings={"help_option_names": ["-h", "--help"]})
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """dedup: find copies of news stories (syndication) in saved pages, crawls and exports."""


app.command("scan", cls=Command)(scan_cmd)
app.command("compare", cls=Command)(compare_cmd)
app.command("extract", cls=Command)(extract_cmd)
app.add_typer(index_app, name="index")

__all__ = ["app", "main"]


def main() -> None:
    """Console-script entry point: no traceback ever reaches the user."""
    try:
        app()
    except BrokenPipeError:
        # the reader of our output went away (`dedup scan ... | head`): not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
    except KeyboardInterrupt:
        say("dedup: interrupted")
        sys.exit(130)
    except Exception as exc:
        msg = " ".join(f"{type(exc).__name__}: {exc}".split())
        say(f"dedup: internal error: {msg}")
        sys.exit(1)
