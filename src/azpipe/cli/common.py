"""Helpers shared by subcommands: colour, file discovery, printing diagnostics."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import TextIO

from azpipe.diagnostics import Diagnostic

_AZPIPE_FILE = re.compile(rb"^azpipe\s*:", re.MULTILINE)
_NATIVE_FILE = re.compile(rb"^type\s*:\s*['\"]?pipeline\b", re.MULTILINE)
YAML_SUFFIXES = (".yaml", ".yml")
SKIPPED_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__", ".azpipe"}


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


def is_pipeline_file(path: str) -> bool:
    """True for a file that starts an azpipe or an Azure ML pipeline document."""
    try:
        with open(path, "rb") as stream:
            head = stream.read(64 * 1024)
    except OSError:
        return False
    return bool(_AZPIPE_FILE.search(head) or _NATIVE_FILE.search(head))


def discover(paths: Sequence[str]) -> tuple[list[str], list[str]]:
    """Pipeline files under ``paths`` (files are taken as given); and paths that do not exist."""
    found: list[str] = []
    missing: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            found.extend(_walk(path))
        elif os.path.exists(path):
            found.append(path)
        else:
            missing.append(path)
    return sorted(dict.fromkeys(found)), missing


def _walk(folder: str) -> Iterable[str]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
        for name in sorted(files):
            path = os.path.join(root, name)
            if name.endswith(YAML_SUFFIXES) and is_pipeline_file(path):
                yield path


def print_diagnostics(diagnostics: Sequence[Diagnostic], sources: Mapping[str, str], color: bool) -> None:
    """Print a refused file's diagnostics to standard error (used by non-check commands).

    ``sources`` maps each file to its text (``pipeline.sources``), so a diagnostic
    in a component file shows that file's line.
    """
    from azpipe.report.text import render

    print(render(diagnostics, sources, 1, color), file=sys.stderr)
