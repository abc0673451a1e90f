"""``azpipe import``: rewrite a native Azure ML pipeline job file in the azpipe language."""

from __future__ import annotations

import argparse
import os
import sys

from azpipe.cli.common import (
    OUTPUT_HELP,
    OutputError,
    add_color_argument,
    add_output_argument,
    file_name,
    made_from,
    output_path,
    use_color,
    write_output,
)
from azpipe.report.text import print_diagnostics

NAME = "import"
HELP = "convert an Azure ML pipeline job YAML file into the azpipe language"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``azpipe import``."""
    parser.add_argument("file", metavar="FILE", help="an Azure ML CLI v2 pipeline job file (type: pipeline)")
    add_output_argument(
        parser,
        OUTPUT_HELP.replace("never over", "local paths rewritten to be relative to it; never over"),
    )
    parser.add_argument("--name", help="pipeline name (default: from the file's name or display_name)")
    add_color_argument(parser)


def run(args: argparse.Namespace) -> int:
    """Import one file; exit 1 when it has errors or cannot be expressed, 2 on a usage error."""
    from azpipe.cli.rebase import rebased
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
    name = default_name(args.name, args.file) if args.name else pipeline.name
    path = output_path(args.output, file_name(name, ".yaml"))
    try:
        text = to_azpipe(rebased(pipeline, os.path.dirname(os.path.abspath(path or args.file))), name)
        write_output(text, path, made_from(pipeline))
    except ImportRefused as error:
        print(f"azpipe import: {error}", file=sys.stderr)
        return 1
    except OutputError as error:
        print(f"azpipe import: {error}", file=sys.stderr)
        return 2
    return 0
