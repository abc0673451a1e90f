"""Helpers shared by subcommands: colour, printing diagnostics.

Finding pipeline files in folders is :func:`azpipe.loading.discover`.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TextIO


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
