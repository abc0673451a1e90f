"""``azpipe graph``: draw a pipeline as Mermaid, DOT, SVG, HTML or text."""

from __future__ import annotations

import argparse
import os
import sys

from azpipe.graph import graph_of

NAME = "graph"
HELP = "draw a pipeline as Mermaid, DOT, SVG, HTML or text"
FORMATS = ("mermaid", "dot", "svg", "html", "text")
SHOW_FIELDS = ("compute", "environment", "uses", "description", "command")
SUFFIXES = {
    ".mmd": "mermaid", ".mermaid": "mermaid", ".dot": "dot", ".gv": "dot",
    ".svg": "svg", ".html": "html", ".htm": "html", ".txt": "text",
}  # fmt: skip


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


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``azpipe graph``."""
    parser.add_argument("file", metavar="FILE", help="the pipeline file")
    parser.add_argument(
        "--format",
        "-f",
        choices=FORMATS,
        default=None,
        help="output format (default: from the -o suffix, else text)",
    )
    parser.add_argument("-o", "--output", metavar="PATH", help="write to PATH instead of standard output")
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


def output_format(args: argparse.Namespace) -> str:
    """The format asked for, else the one the output file's suffix implies, else text."""
    if args.format:
        return str(args.format)
    suffix = os.path.splitext(args.output or "")[1].lower()
    return SUFFIXES.get(suffix, "text")


def run(args: argparse.Namespace) -> int:
    """Draw the file; exit 1 when it has errors (the drawing marks what is broken), 2 on usage errors."""
    from azpipe.cli.common import use_color
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
        print_diagnostics(errors, pipeline.sources, use_color("auto", sys.stderr))
    if not graph_of(pipeline).nodes and errors:
        return 1
    if args.lineage and args.lineage.removeprefix("outputs.") not in pipeline.outputs:
        names = ", ".join(sorted(pipeline.outputs)) or "none"
        return _fail(f"no pipeline output `{args.lineage}` (outputs: {names})")
    options = Options(direction=args.direction, show=args.show, lineage=args.lineage)
    drawing = render(pipeline, output_format(args), options)
    if not _write(drawing, args.output):
        return 2
    return 1 if errors else 0


def _fail(message: str) -> int:
    print(f"azpipe graph: {message}", file=sys.stderr)
    return 2


def _write(text: str, path: str | None) -> bool:
    """Write to standard output, or to ``path`` without ever leaving it half-written."""
    if path is None or path == "-":
        sys.stdout.write(text)
        return True
    problem = write_output(text, path)
    if problem:
        _fail(f"cannot write {path}: {problem}")
    return problem is None


def write_output(text: str, path: str) -> str | None:
    """Write ``text`` to ``path``; the error, if any.

    A regular file (or a new one) is written to a temporary file beside it and
    renamed over it; anything else that exists (``/dev/null``, a pipe, a
    terminal) is written in place, since renaming over it would replace it.
    """
    if os.path.exists(path) and not os.path.isfile(path):
        try:
            with open(path, "w", encoding="utf-8", newline="\n") as stream:
                stream.write(text)
        except OSError as error:
            return error.strerror or str(error)
        return None
    return _replace(text, os.path.realpath(path))  # through a symbolic link, not over it


def _replace(text: str, target: str) -> str | None:
    folder, name = os.path.split(target)
    temporary = os.path.join(folder, f".{name}.{os.getpid()}.tmp")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as error:
        return error.strerror or str(error)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.replace(temporary, target)
    except OSError as error:
        if os.path.lexists(temporary):
            os.unlink(temporary)
        return error.strerror or str(error)
    return None
