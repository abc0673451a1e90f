"""``azpipe runs``: list the local runs recorded next to pipeline files."""

from __future__ import annotations

import argparse
import json
import os
import sys

from azpipe.cli.common import add_color_argument, add_format_argument, use_color

NAME = "runs"
SKIPPED_FOLDERS = frozenset({".git", ".venv", "venv", "node_modules"})
HELP = "list local runs (from the .azpipe folder next to each pipeline file)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``azpipe runs``."""
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        default=["."],
        help="pipeline files (their runs only) or folders to search (default: .)",
    )
    add_format_argument(
        parser, ("text", "json"), "text (a table, default) or json (every run.json, oldest first)"
    )
    add_color_argument(parser)


def run(args: argparse.Namespace) -> int:
    """List the runs; exit 2 when a path does not exist."""
    from azpipe.localrun.report import run_status, runs_text
    from azpipe.localrun.store import run_order

    missing = [path for path in args.paths if not os.path.exists(path)]
    if missing:
        print(f"azpipe runs: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    warnings: list[str] = []
    records = sorted((r for path in args.paths for r in _records(path, warnings)), key=run_order)
    for warning in warnings:
        print(f"azpipe runs: warning: {warning}", file=sys.stderr)
    if args.format == "json":
        print(json.dumps([{**r, "status": run_status(r)} for r in records], indent=2))
    elif records:
        print(runs_text(records, use_color(args.color)))
    else:
        print("no runs yet (start one with `azpipe run FILE`)", file=sys.stderr)
    return 0


def _records(path: str, warnings: list[str]) -> list[dict[str, object]]:
    """The runs recorded for ``path``; unreadable records become ``warnings``."""
    from azpipe.localrun.store import FOLDER, Store, folder_for

    if os.path.isfile(path):
        wanted = os.path.abspath(path)
        store = Store(folder_for(path))
        runs = [r for r in store.runs() if r.get("file") == wanted]
        warnings += store.warnings
        return runs
    found: list[dict[str, object]] = []
    for folder in _azpipe_folders(path, FOLDER):
        store = Store(folder)
        found += store.runs()
        warnings += store.warnings
    return found


def _azpipe_folders(top: str, name: str) -> list[str]:
    """Every ``name`` folder under ``top``, in walking order, without recursion (any depth).

    Links to folders are not followed; ``.git``, virtualenvs and ``node_modules`` are skipped.
    """
    found: list[str] = []
    pending = [top]
    while pending:
        root = pending.pop()
        try:
            with os.scandir(root) as listing:
                entries = sorted((entry for entry in listing if entry.is_dir()), key=lambda entry: entry.name)
        except OSError:
            continue
        if any(entry.name == name for entry in entries):
            found.append(os.path.join(root, name))
        below = [e.path for e in entries if not e.is_symlink() and e.name not in {name, *SKIPPED_FOLDERS}]
        pending += reversed(below)
    return found
