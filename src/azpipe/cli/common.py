"""Helpers shared by subcommands: colour, printing diagnostics.

Finding pipeline files in folders is :func:`azpipe.loading.discover`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from typing import TextIO

from azpipe.diagnostics import Diagnostic


def add_color_argument(parser: argparse.ArgumentParser) -> None:
    """``--color auto|always|never``."""
    parser.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the output (default: only on a terminal, and not with NO_COLOR)",
    )


def use_color(choice: str, stream: TextIO | None = None) -> bool:
    """Whether to colour output written to ``stream`` (default: standard output)."""
    if choice != "auto":
        return choice == "always"
    return (
        (stream or sys.stdout).isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"
    )


def print_diagnostics(diagnostics: Sequence[Diagnostic], sources: Mapping[str, str], color: bool) -> None:
    """Print a refused file's diagnostics to standard error (used by non-check commands).

    ``sources`` maps each file to its text (``pipeline.sources``), so a diagnostic
    in a component file shows that file's line.
    """
    from azpipe.report.text import render

    print(render(diagnostics, sources, 1, color), file=sys.stderr)
