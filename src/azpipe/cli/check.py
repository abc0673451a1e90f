"""``azpipe check``: find every mistake in pipeline files before they reach Azure ML."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from azpipe.cli.common import add_color_argument, use_color
from azpipe.diagnostics import Diagnostic, Severity

if TYPE_CHECKING:
    from azpipe.loading import Discovered

NAME = "check"
HELP = "check pipeline files and report problems with their line and column"


def _codes(text: str) -> list[str]:
    return [code.strip() for code in text.split(",") if code.strip()]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``azpipe check``."""
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        default=["pipelines"],
        help="pipeline files or folders to search (default: pipelines/)",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json", "github"),
        default="text",
        help="output format: text (default), json, or github workflow annotations",
    )
    parser.add_argument("--strict", action="store_true", help="warnings also fail the check")
    parser.add_argument(
        "--select",
        type=_codes,
        default=[],
        metavar="CODES",
        help="report only these rules (codes or prefixes, comma-separated)",
    )
    parser.add_argument(
        "--ignore",
        type=_codes,
        default=[],
        metavar="CODES",
        help="do not report these rules (codes or prefixes, comma-separated)",
    )
    add_color_argument(parser)


def run(args: argparse.Namespace) -> int:
    """Check the files; exit 1 when an error (or, with ``--strict``, a warning) is found."""
    from azpipe.loading import discover, load
    from azpipe.rules import RULES
    from azpipe.suppress import select

    unknown = [c for c in args.select + args.ignore if not any(code.startswith(c.upper()) for code in RULES)]
    if unknown:
        print(f"azpipe check: unknown rule code {', '.join(unknown)}", file=sys.stderr)
        return 2
    found = discover(args.paths)
    if not _usable(found):
        return 2
    files = found.files
    diagnostics: list[Diagnostic] = []
    sources: dict[str, str] = {}
    for path in files:
        pipeline = load(path)
        sources.update(pipeline.sources)
        diagnostics.extend(select(pipeline.diagnostics, args.select, args.ignore))
    _print(args, diagnostics, sources, len(files))
    threshold = Severity.WARNING if args.strict else Severity.ERROR
    return 1 if any(d.severity >= threshold for d in diagnostics) else 0


def _usable(found: Discovered) -> bool:
    """Report paths that cannot be checked (exit 2) and folders that hold no pipeline."""
    from azpipe.report.text import printable

    if found.missing:
        print(f"azpipe check: no such file or folder: {printable(', '.join(found.missing))}", file=sys.stderr)
    for path, kind in found.special:
        print(f"azpipe check: {printable(path)} is {kind}, not a pipeline file", file=sys.stderr)
    for folder in found.empty:
        print(f"azpipe check: warning: no pipeline files in folder {printable(folder)}", file=sys.stderr)
    return not found.missing and not found.special


def _print(
    args: argparse.Namespace, diagnostics: list[Diagnostic], sources: dict[str, str], files: int
) -> None:
    if args.format == "json":
        from azpipe.report.json import render as render_json

        print(render_json(diagnostics, files))
    elif args.format == "github":
        from azpipe.report.github import render as render_github

        if diagnostics:
            print(render_github(diagnostics))
    elif diagnostics or sys.stdout.isatty():
        from azpipe.report.text import render as render_text

        print(render_text(diagnostics, sources, files, use_color(args.color)))
