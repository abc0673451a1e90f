"""``azpipe compile``: a pipeline file to a ``@dsl.pipeline`` module or CLI v2 pipeline YAML.

A file with errors is refused: its diagnostics are printed, the exit code is 1
and nothing is written. Output goes to standard output, to a file (``-o
FILE``), or into a folder (``-o DIR/``): ``NAME.py``, or ``NAME.yml`` with one
``az ml ... create -f`` file per declared environment, compute target and data
asset. Files are written to a temporary name and moved into place, so a
failure never leaves a half-written file.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from azpipe.cli.common import add_color_argument, use_color
from azpipe.diagnostics import Diagnostic, Severity
from azpipe.report.text import print_diagnostics

if TYPE_CHECKING:
    from azpipe.model import Pipeline

NAME = "compile"
HELP = "compile a pipeline file to Azure ML Python (@dsl.pipeline) or CLI v2 YAML"
TARGETS = ("python", "yaml")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``azpipe compile``."""
    parser.add_argument("file", metavar="FILE", help="the pipeline file")
    parser.add_argument(
        "--target",
        choices=TARGETS,
        default="python",
        help="python (default): a @dsl.pipeline module; yaml: an `az ml job create -f` file",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help="write to this file, or into this folder (an existing one, or a path ending in /); "
        "yaml into a folder also writes the environment, compute and data asset files "
        "(default: standard output)",
    )
    parser.add_argument(
        "--validate",
        action="store_true",
        help="also build the job with azure-ai-ml and run its offline validation (slower)",
    )
    add_color_argument(parser)


def run(args: argparse.Namespace) -> int:
    """Compile ``args.file``; 0 when written, 1 when refused, 2 on a usage error."""
    from azpipe.emit import CompileRefused
    from azpipe.loading import load

    problem = _usage_problem(args) or (_missing_azure() if args.validate else None)
    if problem:
        print(f"azpipe compile: {problem}", file=sys.stderr)
        return 2
    pipeline = load(args.file)
    color = use_color(args.color, sys.stderr)
    try:
        files = _render(pipeline, args)
    except CompileRefused as refused:
        _show(refused.diagnostics, pipeline, color)
        return 1
    clash = _overwrites(files, args.file)
    if clash:
        print(f"azpipe compile: writing {clash} would overwrite the pipeline file", file=sys.stderr)
        return 2
    warnings = [d for d in pipeline.diagnostics if d.severity is Severity.WARNING]
    _show(warnings, pipeline, color)
    if args.validate and not _validated(pipeline):
        return 1
    return _write(files)


def _missing_azure() -> str | None:
    """Why ``--validate`` cannot run here (azure-ai-ml is an extra), if it cannot."""
    from azpipe.extras import MissingExtra, require_azure

    try:
        require_azure(("azure.ai.ml",))
    except MissingExtra as missing:
        return f"--validate: {missing}"
    return None


def _usage_problem(args: argparse.Namespace) -> str | None:
    if not os.path.exists(args.file):
        return f"no such file: {args.file}"
    if os.path.isdir(args.file):
        return f"{args.file} is a folder; name one pipeline file"
    return None


def _overwrites(files: dict[str | None, str], source: str) -> str | None:
    """The output path that is the pipeline file itself, if one is."""
    for path in files:
        if path is not None and os.path.exists(path) and os.path.samefile(path, source):
            return path
    return None


def _is_folder(output: str) -> bool:
    return output.endswith(("/", os.sep)) or os.path.isdir(output)


def _render(pipeline: Pipeline, args: argparse.Namespace) -> dict[str | None, str]:
    """Target path (``None``: standard output) → text. Raises ``CompileRefused``."""
    from azpipe.emit.plan import pipeline_name
    from azpipe.emit.python import emit_python
    from azpipe.emit.yaml import emit_yaml, emit_yaml_files

    output = None if args.output in (None, "-") else args.output
    emit = emit_python if args.target == "python" else emit_yaml
    if output is None:
        return {None: emit(pipeline)}
    if not _is_folder(output):
        return {output: emit(pipeline, os.path.dirname(os.path.abspath(output)))}
    folder = os.path.abspath(output)
    if args.target == "python":
        return {os.path.join(output, f"{pipeline_name(pipeline)}.py"): emit_python(pipeline, folder)}
    files = emit_yaml_files(pipeline, folder)
    return {os.path.join(output, file_name): text for file_name, text in files.items()}


def _show(diagnostics: Sequence[Diagnostic], pipeline: Pipeline, color: bool) -> None:
    """Print diagnostics to standard error, the pipeline file's first, each with its source line."""
    if not diagnostics:
        return
    ordered = sorted(diagnostics, key=lambda d: (d.span.file != pipeline.path, d.sort_key()))
    sources = dict(pipeline.sources)
    for diagnostic in ordered:
        if diagnostic.span.file not in sources:
            sources[diagnostic.span.file] = _read(diagnostic.span.file)
    print_diagnostics(ordered, sources, color)


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as stream:
            return stream.read(1024 * 1024)
    except OSError:
        return ""


def _validated(pipeline: Pipeline) -> bool:
    """Build the job with azure-ai-ml and print what its validation reports."""
    from azpipe.emit.job import quiet_azure

    quiet_azure()
    from azpipe.emit.job import build_job, validation_errors

    try:
        errors = validation_errors(build_job(pipeline))
    except Exception as error:  # azure-ai-ml refused to build it: report, do not crash
        errors = {"build_pipeline()": f"{type(error).__name__}: {error}"}
    for where, message in sorted(errors.items()):
        print(f"azpipe compile: azure-ai-ml: {where}: {message}", file=sys.stderr)
    return not errors


def _write(files: dict[str | None, str]) -> int:
    """Write every file (temporary name, then ``os.replace``); standard output for ``None``."""
    if None in files:
        sys.stdout.write(files[None])
        return 0
    staged: list[tuple[str, str]] = []
    try:
        for path, text in files.items():
            assert path is not None
            staged.append((_stage(path, text), path))
        for temporary, path in staged:
            os.replace(temporary, path)
    except OSError as error:
        for temporary, _path in staged:
            _remove(temporary)
        print(f"azpipe compile: cannot write {error.filename or ''}: {error.strerror}", file=sys.stderr)
        return 2
    for path in files:
        print(f"wrote {path}", file=sys.stderr)
    return 0


def _stage(path: str, text: str) -> str:
    """Write ``text`` next to ``path`` under a temporary name; returns that name."""
    folder, name = os.path.split(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    temporary = os.path.join(folder, f".{name}.{secrets.token_hex(6)}.tmp")
    try:  # "x": a new file, with the usual permissions (mkstemp's would be 0600)
        with open(temporary, "x", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
    except OSError:
        _remove(temporary)
        raise
    return temporary


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.remove(path)
