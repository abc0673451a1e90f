"""``azpipe graph``: draw a pipeline as Mermaid, DOT, SVG, HTML or text."""

from __future__ import annotations

import argparse
import os
import sys

from azpipe.cli.common import (
    OutputError,
    add_color_argument,
    add_format_argument,
    add_output_argument,
    file_name,
    is_folder,
    made_from,
    output_path,
    use_color,
    write_output,
)
from azpipe.graph import graph_of

NAME = "graph"
HELP = "draw a pipeline as Mermaid, DOT, SVG, HTML or text"
FORMATS = ("mermaid", "dot", "svg", "html", "text")
SHOW_FIELDS = ("compute", "environment", "uses", "description", "command")
SUFFIXES = {
    ".mmd": "mermaid", ".mermaid": "mermaid", ".dot": "dot", ".gv": "dot",
    ".svg": "svg", ".html": "html", ".htm": "html", ".txt": "text",
}  # fmt: skip
EXTENSIONS = {"mermaid": ".mmd", "dot": ".dot", "svg": ".svg", "html": ".html", "text": ".txt"}


def _fields(text: str) -> tuple[str, ...]:
    names = [name.strip().lower() for name in text.split(",") if name.strip()]
    if "all" in names:
        return SHOW_FIELDS
    unknown = [name for name in names if name not in SHOW_FIELDS]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown field {', '.join(unknown)} (choose from {', '.join(SHOW_FIELDS)}, all)"
        )
    return tuple(names)


def _depth(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of levels: {text}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"cannot be negative: {text}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``azpipe graph``."""
    parser.add_argument("file", metavar="FILE", help="the pipeline file")
    add_format_argument(parser, FORMATS, "output format (default: from the -o suffix, else text)", None)
    add_output_argument(parser)
    parser.add_argument(
        "--direction",
        type=str.upper,
        choices=("TB", "LR"),
        default="TB",
        help="top to bottom (TB, default) or left to right (LR)",
    )
    parser.add_argument(
        "--show",
        type=_fields,
        default=(),
        metavar="FIELDS",
        help=f"extra lines in step boxes, comma-separated: {', '.join(SHOW_FIELDS)} or all",
    )
    parser.add_argument(
        "--lineage", metavar="OUTPUT", help="highlight everything upstream of this pipeline output"
    )
    parser.add_argument(
        "--depth",
        type=_depth,
        metavar="N",
        help="draw sub-pipelines N levels deep, each as a box of its steps (default: all levels); "
        "0 draws each sub-pipeline as one node",
    )
    add_color_argument(parser)


def output_format(args: argparse.Namespace) -> str:
    """The format asked for, else the one the output file's suffix implies, else text."""
    if args.format:
        return str(args.format)
    target = args.output or ""
    suffix = "" if target == "-" or is_folder(target) else os.path.splitext(target)[1].lower()
    return SUFFIXES.get(suffix, "text")


def run(args: argparse.Namespace) -> int:
    """Draw the file; exit 1 when it has errors (the drawing marks what is broken), 2 on usage errors."""
    from azpipe.diagnostics import Severity
    from azpipe.loading import load
    from azpipe.render import Options, render
    from azpipe.report.text import print_diagnostics

    if os.path.isdir(args.file):
        return _fail(f"{args.file} is a folder; give a pipeline file")
    if not os.path.isfile(args.file):
        return _fail(f"no such file: {args.file}")
    pipeline = load(args.file)
    errors = [d for d in pipeline.check() if d.severity >= Severity.ERROR]
    if errors:
        print_diagnostics(errors, pipeline.sources, use_color(args.color, sys.stderr))
    if not graph_of(pipeline).nodes and errors:
        return 1
    if args.lineage and args.lineage.removeprefix("outputs.") not in pipeline.outputs:
        names = ", ".join(sorted(pipeline.outputs)) or "none"
        return _fail(f"no pipeline output `{args.lineage}` (outputs: {names})")
    options = Options(direction=args.direction, show=args.show, lineage=args.lineage)
    kind = output_format(args)
    drawing = render(pipeline, kind, options, depth=args.depth)
    path = output_path(args.output, file_name(pipeline.name, EXTENSIONS[kind]))
    try:
        write_output(drawing, path, made_from(pipeline))
    except OutputError as error:
        return _fail(str(error))
    return 1 if errors else 0


def _fail(message: str) -> int:
    print(f"azpipe graph: {message}", file=sys.stderr)
    return 2
