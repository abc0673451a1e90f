"""``azpipe check``: find every mistake in pipeline files before they reach Azure ML."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from azpipe.cli.common import add_color_argument, use_color
from azpipe.diagnostics import Diagnostic, Severity

if TYPE_CHECKING:
    from azpipe.loading import CheckedFile, Discovered

NAME = "check"
HELP = "check pipeline files and report problems with their line and column"
FORMATS = ("text", "json", "github", "sarif")


def _codes(text: str) -> list[str]:
    return [code.strip() for code in text.split(",") if code.strip()]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``azpipe check``."""
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        default=["pipelines"],
        help="pipeline files or folders to search (default: pipelines/); other YAML files are skipped",
    )
    parser.add_argument(
        "-f",
        "--format",
        choices=FORMATS,
        default="text",
        help="output format: text (default), json, github workflow annotations, or sarif (SARIF 2.1.0)",
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
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="list the files skipped (not azpipe pipelines or Azure ML jobs or components) on stderr",
    )
    add_color_argument(parser)


# The last run's results, models included, held until the next run or the process's end:
# `azpipe check` ends without teardown (cli.main.entry), and freeing a large pipeline's nodes
# one by one when `run` returns would cost more than printing what was found.
_LAST_RUN: list[CheckedFile] = []


def run(args: argparse.Namespace) -> int:
    """Check the files; exit 1 when an error (or, with ``--strict``, a warning) is found,
    2 on a usage error: a path that does not exist, or a folder with nothing to check."""
    from azpipe.loading import check_file, discover
    from azpipe.rules import RULES
    from azpipe.suppress import select

    unknown = [c for c in args.select + args.ignore if not any(code.startswith(c.upper()) for code in RULES)]
    if unknown:
        print(f"azpipe check: unknown rule code {', '.join(unknown)}", file=sys.stderr)
        return 2
    found = discover(args.paths)
    if not _usable(found):
        return 2
    results = [check_file(path) for path in found.files]
    _LAST_RUN[:] = results  # see _LAST_RUN
    checked = [result for result in results if result.kind.checked]
    diagnostics: list[Diagnostic] = []
    sources: dict[str, str] = {}
    for result in checked:
        sources.update(result.sources)
        diagnostics.extend(select(result.diagnostics, args.select, args.ignore))
    diagnostics = _once(diagnostics)
    skipped = [(r.path, r.kind.what) for r in results if not r.kind.checked]
    skipped += [
        (path, "not an azpipe pipeline or an Azure ML job or component file") for path in found.passed_over
    ]
    named = set(args.paths)  # a file found in a folder is expected to be skipped: not worth a note
    _print(args, diagnostics, sources, len(checked), sum(path in named for path, _ in skipped))
    if args.verbose:
        _list_skipped(sorted(skipped), len(checked))
    empty = _empty_folders(found, checked)
    for folder in empty:
        print(f"azpipe check: no pipeline files in folder {_shown(folder)}", file=sys.stderr)
    if empty:
        return 2
    threshold = Severity.WARNING if args.strict else Severity.ERROR
    return 1 if any(d.severity >= threshold for d in diagnostics) else 0


def _usable(found: Discovered) -> bool:
    """Report paths that cannot be checked: missing ones, FIFOs, sockets and devices."""
    if found.missing:
        print(f"azpipe check: no such file or folder: {_shown(', '.join(found.missing))}", file=sys.stderr)
    for path, kind in found.special:
        print(f"azpipe check: {_shown(path)} is {kind}, not a pipeline file", file=sys.stderr)
    return not found.missing and not found.special


def _empty_folders(found: Discovered, checked: list[CheckedFile]) -> list[str]:
    """Folders given that hold nothing to check: a mistyped folder in CI must not pass."""
    paths = {result.path for result in checked}
    return [folder for folder, files in found.folders.items() if not paths.intersection(files)]


def _once(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Each problem once: a component file checked on its own and through the pipeline
    that uses it reports the same problem at the same place."""
    seen: set[tuple[object, ...]] = set()
    unique = []
    for diagnostic in sorted(diagnostics, key=Diagnostic.sort_key):
        span = diagnostic.span
        key = (
            diagnostic.code,
            os.path.normpath(span.file),
            span.line,
            span.column,
            span.end_line,
            span.end_column,
        )
        if key not in seen:
            seen.add(key)
            unique.append(diagnostic)
    return unique


def _list_skipped(skipped: list[tuple[str, str]], checked: int) -> None:
    for path, why in skipped:
        print(f"azpipe check: skipped {_shown(path)}: {why}", file=sys.stderr)
    print(f"azpipe check: {_files(checked)} checked, {len(skipped)} skipped", file=sys.stderr)


def _files(count: int) -> str:
    return f"{count} file{'' if count == 1 else 's'}"


def _shown(text: str) -> str:
    from azpipe.report.text import printable

    return printable(text)


def _print(
    args: argparse.Namespace, diagnostics: list[Diagnostic], sources: dict[str, str], files: int, skipped: int
) -> None:
    if args.format == "json":
        from azpipe.report.json import render as render_json

        print(render_json(diagnostics, files))
    elif args.format == "sarif":
        from azpipe.report.sarif import render as render_sarif

        print(render_sarif(diagnostics, os.getcwd()))
    elif args.format == "github":
        from azpipe.report.github import render as render_github

        if diagnostics:
            print(render_github(diagnostics))
    elif diagnostics:
        from azpipe.report.text import render as render_text

        print(render_text(diagnostics, sources, files, use_color(args.color)))
    elif sys.stdout is not None and sys.stdout.isatty():  # one line on a terminal; nothing in CI logs
        note = f" ({_files(skipped)} named skipped: not pipelines or components; -v says why)"
        print(f"{_files(files)} checked, no problems" + (note if skipped else ""))
