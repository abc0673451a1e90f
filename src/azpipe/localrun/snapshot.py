"""The code snapshot a step runs in: a copy of its ``code`` folder.

Links are copied as links, and only when they point inside the folder: what a
link points at outside the folder is never copied (``check_code_folder`` refuses
such a folder before anything starts). Caches (``__pycache__``, ``*.pyc``...)
are left out of both the copy and the hash.
"""

from __future__ import annotations

import os
import shutil

from azpipe.localrun.tree import (
    ALWAYS_SKIPPED,
    Entry,
    combine,
    inside,
    links_leaving,
    resolve_link,
    tree_digests,
    walk,
)

CODE_SKIPPED = ALWAYS_SKIPPED | {
    "__pycache__",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    ".ipynb_checkpoints",
}


def check_code_folder(root: str, label: str) -> list[str]:
    """Problems that stop a code folder from being copied (one line each)."""
    problems = [
        f"{label}: `{rel}` is a symbolic link to a place outside the folder; "
        "copy what it points at into the folder instead"
        for rel in links_leaving(root, CODE_SKIPPED)
    ]
    problems += [
        f"{label}: `{entry.rel}` is not a regular file, folder or link"
        for entry in walk(root, CODE_SKIPPED)
        if entry.kind == "other"
    ]
    return problems


def code_digests(root: str | None) -> dict[str, str]:
    """Relative path → digest of every file in a code folder (empty without one)."""
    return tree_digests(root, CODE_SKIPPED) if root else {}


def code_hash(digests: dict[str, str]) -> str:
    """The hash of a code folder from its digests."""
    return combine(digests)


def copy_code(source: str | None, destination: str) -> None:
    """Copy ``source`` into the new folder ``destination`` (just create it without a source)."""
    os.makedirs(destination)
    if source is None:
        return
    real_source = os.path.realpath(source)
    for entry in walk(source, CODE_SKIPPED):
        _copy_entry(entry, os.path.join(destination, entry.rel), real_source)


def _copy_entry(entry: Entry, target: str, real_source: str) -> None:
    if entry.kind == "dir":
        os.mkdir(target)
    elif entry.kind == "file":
        shutil.copy2(entry.full, target, follow_symlinks=False)
    elif entry.kind == "link":
        os.symlink(_relative_target(entry, real_source), target)


def _relative_target(entry: Entry, real_source: str) -> str:
    """A link's target as a path relative to the link, checked to stay inside the folder."""
    real_parent = os.path.join(real_source, os.path.dirname(entry.rel))  # ``walk`` never goes through links
    resolved = resolve_link(real_parent, os.path.basename(entry.rel))
    if not inside(resolved, real_source):
        raise OSError(f"`{entry.rel}` points outside the code folder")
    return os.path.relpath(resolved, real_parent)
