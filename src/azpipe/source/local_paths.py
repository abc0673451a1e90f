"""Where a local path in a pipeline file leads: missing, absolute, or out of the repository.

Used by the readers (a component file is read only if its path is sound) and by
the checks (F801 missing-path, F802 path-escapes, F803 absolute-path), so it
lives below both.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from functools import cache

from azpipe.diagnostics import Diagnostic, Span
from azpipe.rules import rule

# A problem with a path: its rule code, what is wrong, and a hint.
Problem = tuple[str, str, str]


def check_path(base_dir: str, path: str, span: Span, what: str) -> Iterator[Diagnostic]:
    """Diagnostics for one path relative to ``base_dir``."""
    problem = path_problem(base_dir, path)
    if problem is not None:
        yield rule(problem[0]).at(span, f"{what}: `{path}` {problem[1]}", problem[2])


def path_problem(base_dir: str, path: str) -> Problem | None:
    """What is wrong with ``path`` (relative to ``base_dir``), if anything."""
    if path.startswith("~") or os.path.isabs(path):
        return "F803", "is absolute", "write it relative to the pipeline file so it works on every machine"
    full = os.path.normpath(os.path.join(base_dir, path))
    if not os.path.exists(full):
        return (
            "F801",
            "does not exist",
            f"paths are relative to the pipeline file's folder ({_short(base_dir)})",
        )
    root = repository_root(base_dir)
    if not _inside(full, root):
        return "F802", "leaves the repository through `..`", "keep code and data inside the repository"
    if not _inside(os.path.realpath(full), os.path.realpath(root)):
        hint = "Azure ML would upload what the link points at; copy it into the repository"
        return "F802", "leaves the repository through a symbolic link", hint
    return None


@cache
def repository_root(start: str) -> str:
    """The nearest folder above ``start`` holding ``.git``, else ``start`` itself."""
    folder = os.path.abspath(start)
    while True:
        if os.path.exists(os.path.join(folder, ".git")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return os.path.abspath(start)
        folder = parent


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _short(path: str) -> str:
    return os.path.relpath(path) if not os.path.relpath(path).startswith("..") else path
