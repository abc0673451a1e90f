"""``azpipe lsp``: run the language server over stdio (for an editor to start)."""

from __future__ import annotations

import argparse
import math
import sys

NAME = "lsp"
HELP = "run the language server over stdio (diagnostics, completion, definitions) for editors"
LSP_EXTRA = "azpipe[lsp]"
LSP_MODULES = {"pygls": "pygls", "lsprotocol": "lsprotocol"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``azpipe lsp``."""
    parser.add_argument(
        "--stdio", action="store_true", help="talk over standard input and output (the default and only way)"
    )
    parser.add_argument(
        "--debounce",
        type=float,
        default=None,
        metavar="SECONDS",
        help="wait this long after the last change before checking a document again (default 0.3)",
    )


def run(args: argparse.Namespace) -> int:
    """Serve until the editor says exit; 2 when pygls is not installed."""
    from azpipe.extras import installed

    missing = [package for module, package in LSP_MODULES.items() if not installed(module)]
    if missing:
        verb = "is" if len(missing) == 1 else "are"
        print(
            f"azpipe: this command needs {' and '.join(missing)}, which {verb} not installed: "
            f"pip install '{LSP_EXTRA}'",
            file=sys.stderr,
        )
        return 2
    if args.debounce is not None and not (math.isfinite(args.debounce) and args.debounce >= 0):
        print("azpipe: --debounce must be a number of seconds, 0 or more", file=sys.stderr)
        return 2
    from azpipe.lsp.server import DEBOUNCE_SECONDS, create_server

    create_server(DEBOUNCE_SECONDS if args.debounce is None else args.debounce).start_io()
    return 0
