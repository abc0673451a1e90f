"""``azpipe compile``: a pipeline file to a ``@dsl.pipeline`` module or CLI v2 pipeline YAML.

A file with errors is refused: its diagnostics are printed, the exit code is 1
and nothing is written. Output goes to standard output, to a file (``-o
FILE``), or into a folder (``-o DIR/``): ``NAME.py``, or ``NAME.yml`` with one
``az ml ... create -f`` file per declared environment, compute target and data
asset. Files are written to a temporary name and moved into place, so a
failure never leaves a half-written file. ``--validate`` proves the staged files
(:mod:`azpipe.emit.proof`) before moving them: nothing is written when it fails.
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
        help="before writing, load the YAML and run the module with azure-ai-ml, validate both and "
        "require the same job; nothing is written otherwise (slower)",
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
    if args.validate:
        return _validate_then_write(pipeline, files, args)
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
    if args.target == "yaml" and not (output and _is_folder(output)):  # sub-pipelines: their files too
        return _yaml_file(pipeline, output)
    if output is None:
        return {None: emit(pipeline)}
    if not _is_folder(output):
        return {output: emit(pipeline, os.path.dirname(os.path.abspath(output)))}
    folder = os.path.abspath(output)
    if args.target == "python":
        return {os.path.join(output, f"{pipeline_name(pipeline)}.py"): emit_python(pipeline, folder)}
    files = emit_yaml_files(pipeline, folder)
    return {os.path.join(output, file_name): text for file_name, text in files.items()}


def _yaml_file(pipeline: Pipeline, output: str | None) -> dict[str | None, str]:
    """The job YAML (standard output for ``None``) and its sub-pipelines' component files, next to
    it; raises ``CompileRefused`` when there are such files and no folder to write them to."""
    from azpipe.emit import CompileRefused
    from azpipe.emit.subpipeline import component_files
    from azpipe.emit.yaml import emit_yaml_files
    from azpipe.rules import rule

    folder = os.path.dirname(os.path.abspath(output)) if output else pipeline.base_dir
    files = emit_yaml_files(pipeline, folder)
    components = component_files(files)
    if components and output is None:
        hint = "give `-o FOLDER/` or `-o FILE.yml`: the component files are written next to the job"
        raise CompileRefused([rule("S109").at(pipeline.span, "a pipeline with sub-pipelines cannot be "
                                              "written to standard output in YAML", hint)])  # fmt: skip
    found: dict[str | None, str] = {output: next(iter(files.values()))}
    found.update(
        {os.path.join(os.path.dirname(output or ""), name): text for name, text in components.items()}
    )
    return found


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


def _validate_then_write(pipeline: Pipeline, files: dict[str | None, str], args: argparse.Namespace) -> int:
    """``--validate``: stage the files next to where they go, prove them, then move them into place.

    The other target is rendered for the same folder and staged too, so the YAML
    file is loaded with ``load_job`` and the module's ``build_pipeline()`` is run
    from the folder they are written to; both are validated by azure-ai-ml and
    compared. Nothing is written (and nothing printed to standard output) when a
    problem is found.
    """
    from azpipe.emit.proof import prove

    out_dir = _out_dir(pipeline, args)
    other = _other_target(pipeline, args.target, out_dir)
    staged: dict[str | None, str] = {}
    scratch: list[str] = []
    try:
        for path, text in files.items():
            staged[path] = _stage(path or os.path.join(out_dir, _stem(pipeline, args.target)), text)
        if other is not None:
            scratch.append(_stage(os.path.join(out_dir, _stem(pipeline, _OTHER[args.target])), other))
    except OSError as error:
        _discard([*staged.values(), *scratch])
        print(f"azpipe compile: cannot write {error.filename or ''}: {error.strerror}", file=sys.stderr)
        return 2
    written = staged[next(iter(files))]  # the job file or the module (entity files follow)
    extra = scratch[0] if scratch else None
    yaml_path, module_path = (written, extra) if args.target == "yaml" else (extra, written)
    if yaml_path is not None:  # sub-pipelines: the job loads its components under hidden names
        yaml_path = _with_components(pipeline, yaml_path, out_dir, scratch)
    try:
        problems = prove(yaml_path, module_path)
    finally:
        _discard(scratch)
    if problems:
        _discard(list(staged.values()))
        for problem in problems:
            print(f"azpipe compile: --validate: {problem}", file=sys.stderr)
        print("azpipe compile: nothing written", file=sys.stderr)
        return 1
    return _commit(staged, files)


_OTHER = {"python": "yaml", "yaml": "python"}


def _with_components(pipeline: Pipeline, yaml_path: str, out_dir: str, scratch: list[str]) -> str:
    """The staged job itself, or (when it uses sub-pipelines) a hidden copy of it and of its
    component files, whose references name each other's copies (added to ``scratch``)."""
    from azpipe.emit.subpipeline import component_files, proof_names, renamed_references
    from azpipe.emit.yaml import emit_yaml_files

    components = component_files(emit_yaml_files(pipeline, out_dir))
    if not components:
        return yaml_path
    names = proof_names(list(components), secrets.token_hex(6))
    with open(yaml_path, encoding="utf-8") as stream:
        job = renamed_references(stream.read(), names)
    copies = {f".{secrets.token_hex(6)}.proof.yml": job}
    copies.update({names[name]: renamed_references(text, names) for name, text in components.items()})
    for name, text in copies.items():
        path = os.path.join(out_dir, name)
        with open(path, "x", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        scratch.append(path)
    return os.path.join(out_dir, next(iter(copies)))


def _out_dir(pipeline: Pipeline, args: argparse.Namespace) -> str:
    """The folder the output's relative paths start from."""
    output: str | None = None if args.output in (None, "-") else str(args.output)
    if output is None:
        return pipeline.base_dir
    return os.path.abspath(output) if _is_folder(output) else os.path.dirname(os.path.abspath(output))


def _stem(pipeline: Pipeline, target: str) -> str:
    from azpipe.emit.plan import pipeline_name

    return f"{pipeline_name(pipeline)}.{'py' if target == 'python' else 'yml'}"


def _other_target(pipeline: Pipeline, target: str, out_dir: str) -> str | None:
    """The other target's text for ``out_dir``, or ``None`` when it cannot say this pipeline (S109)."""
    from azpipe.emit import CompileRefused
    from azpipe.emit.python import emit_python
    from azpipe.emit.yaml import emit_yaml

    emit = emit_yaml if target == "python" else emit_python
    try:
        return emit(pipeline, out_dir)
    except CompileRefused as refused:
        codes = ", ".join(sorted({d.code for d in refused.diagnostics}))
        other = "YAML" if target == "python" else "Python"
        print(f"azpipe compile: --validate: the {other} target cannot write this pipeline ({codes}); "
              "validating the written one alone", file=sys.stderr)  # fmt: skip
        return None


def _commit(staged: dict[str | None, str], files: dict[str | None, str]) -> int:
    """Move the staged files into place (standard output for ``None``)."""
    try:
        for path, temporary in staged.items():
            if path is not None:
                os.replace(temporary, path)
    except OSError as error:
        _discard(list(staged.values()))
        print(f"azpipe compile: cannot write {error.filename or ''}: {error.strerror}", file=sys.stderr)
        return 2
    if None in staged:
        _remove(staged[None])
        sys.stdout.write(files[None])
        return 0
    for path in files:
        print(f"wrote {path}", file=sys.stderr)
    return 0


def _discard(paths: list[str]) -> None:
    for path in paths:
        _remove(path)


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
