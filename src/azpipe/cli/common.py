"""Helpers shared by subcommands: the options every command spells the same way (``-f/--format``,
``--color``, ``-o/--output``), colour, and writing output files.

Finding pipeline files in folders is :func:`azpipe.loading.discover`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from azpipe.model import Pipeline

OUTPUT_HELP = (
    "write to this file, or into this folder (an existing one, or a path ending in /), creating "
    "folders as needed; never over the pipeline file (default, or -: standard output)"
)


class OutputError(Exception):
    """An output file that cannot or must not be written: one line for the user (exit code 2)."""


def add_color_argument(parser: argparse.ArgumentParser) -> None:
    """``--color auto|always|never``."""
    parser.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the output (default: only on a terminal, and not with NO_COLOR)",
    )


def add_format_argument(
    parser: argparse.ArgumentParser, choices: Sequence[str], help: str, default: str | None = "text"
) -> None:
    """``-f/--format CHOICE``: the same spelling in every command that prints something."""
    parser.add_argument("-f", "--format", choices=tuple(choices), default=default, help=help)


def add_output_argument(parser: argparse.ArgumentParser, help: str = OUTPUT_HELP) -> None:
    """``-o/--output PATH``: a file or a folder, written by :func:`write_output`."""
    parser.add_argument("-o", "--output", metavar="PATH", help=help)


def use_color(choice: str, stream: TextIO | None = None) -> bool:
    """Whether to colour output written to ``stream`` (default: standard output)."""
    if choice != "auto":
        return choice == "always"
    stream = stream or sys.stdout  # None when the process started with it closed
    return (
        stream is not None
        and stream.isatty()
        and "NO_COLOR" not in os.environ
        and os.environ.get("TERM") != "dumb"
    )


def made_from(pipeline: Pipeline) -> list[str]:
    """The files a pipeline was read from: the pipeline file, the component files and the
    sub-pipeline files it uses."""
    from azpipe.readers.subpipeline import sub_pipeline_files

    files = [pipeline.path, *pipeline.sources]
    for step in pipeline.steps.values():
        if step.uses is not None and step.uses.source == "file" and step.uses.path:
            files.append(os.path.join(pipeline.base_dir, step.uses.path))
    return files + sub_pipeline_files(pipeline)  # never overwritten by an output either


def is_folder(output: str) -> bool:
    """True when ``-o`` names a folder: an existing one, or a path ending in ``/``."""
    return output.endswith(("/", os.sep)) or os.path.isdir(output)


def file_name(name: str, suffix: str, fallback: str = "pipeline") -> str:
    """``name`` + ``suffix`` as a file name in an ``-o`` folder: ``fallback`` when ``name`` (from the
    pipeline file, so untrusted) is not plain letters, digits, ``_``, ``-`` and ``.``."""
    plain = (
        bool(name)
        and not name.startswith(".")
        and all(c.isascii() and (c.isalnum() or c in "_-.") for c in name)
    )
    return (name if plain else fallback) + suffix


def output_path(output: str | None, file_name: str) -> str | None:
    """Where ``-o OUTPUT`` writes: ``None`` for standard output, ``OUTPUT/file_name`` for a folder."""
    if output is None or output == "-":
        return None
    return os.path.join(output, file_name) if is_folder(output) else output


def write_output(text: str, path: str | None, sources: Iterable[str] = ()) -> None:
    """Write ``text`` to ``path`` (standard output for ``None``) without ever leaving it half-written.

    Refused (:class:`OutputError`) when ``path`` is one of ``sources`` (the files
    the output was made from). Missing folders are created. A regular file, new
    or existing, is written under a temporary name beside it and renamed into
    place (through a symbolic link, not over it); anything else that exists
    (``/dev/null``, a pipe, a terminal) is written in place, since renaming over
    it would replace it.
    """
    if path is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    clash = next((source for source in sources if _same_file(path, source)), None)
    if clash is not None:
        raise OutputError(
            f"writing {path} would overwrite the file it is made from ({clash}); choose another -o"
        )
    try:
        if os.path.exists(path) and not os.path.isfile(path):
            with open(path, "w", encoding="utf-8", newline="\n") as stream:
                stream.write(text)
            return
        _replace(text, os.path.realpath(path))
    except OSError as error:
        raise OutputError(f"cannot write {path}: {error.strerror or error}") from None


def _same_file(path: str, source: str) -> bool:
    try:
        return os.path.exists(path) and os.path.samefile(path, source)
    except OSError:
        return False


def _replace(text: str, target: str) -> None:
    folder, name = os.path.split(target)
    os.makedirs(folder, exist_ok=True)
    import secrets  # here: `azpipe check` writes no file and need not import it (hashlib, random)

    temporary = os.path.join(folder, f".{name}.{secrets.token_hex(6)}.tmp")
    # O_EXCL: a new file, with the usual permissions (mkstemp's would be 0600)
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.replace(temporary, target)
    except BaseException:
        if os.path.lexists(temporary):
            os.unlink(temporary)
        raise
