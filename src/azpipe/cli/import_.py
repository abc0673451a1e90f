"""``azpipe import``: rewrite a native Azure ML pipeline job file in the azpipe language."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile

from azpipe.cli.common import add_color_argument, use_color
from azpipe.report.text import print_diagnostics

NAME = "import"
HELP = "convert an Azure ML pipeline job YAML file into the azpipe language"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``azpipe import``."""
    parser.add_argument("file", metavar="FILE", help="an Azure ML CLI v2 pipeline job file (type: pipeline)")
    parser.add_argument("-o", "--output", metavar="PATH",
                        help="write here (default: standard output); paths stay relative to FILE's folder, "
                        "so write next to it")  # fmt: skip
    parser.add_argument("--name", help="pipeline name (default: from the file's name or display_name)")
    add_color_argument(parser)


def run(args: argparse.Namespace) -> int:
    """Import one file; exit 1 when it has errors or cannot be expressed."""
    from azpipe.importer import ImportRefused, to_azpipe
    from azpipe.loading import load
    from azpipe.readers.native import default_name

    if not os.path.isfile(args.file):
        print(f"azpipe import: no such file: {args.file}", file=sys.stderr)
        return 2
    pipeline = load(args.file)
    if not pipeline.ok:
        print_diagnostics(pipeline.check(), pipeline.sources, use_color(args.color, sys.stderr))
        return 1
    try:
        text = to_azpipe(pipeline, default_name(args.name, args.file) if args.name else pipeline.name)
    except ImportRefused as error:
        print(f"azpipe import: {error}", file=sys.stderr)
        return 1
    if not args.output:
        sys.stdout.write(text)
        return 0
    _write(args.output, text)
    return 0


def _write(path: str, text: str) -> None:
    """Write atomically: a temporary file in the same folder, then a rename."""
    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".azpipe-import-", suffix=".yaml")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
