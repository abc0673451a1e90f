"""Walking files and folders without following symbolic links, and hashing them.

Content hashes feed the cache key: a file hashes its bytes and executable bit, a
folder hashes every entry's relative path with its content (a link: its target
text, never what it points at). ``.azpipe`` and ``.git`` are never part of a tree.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass

ALWAYS_SKIPPED = frozenset({".azpipe", ".git"})
CHUNK = 1 << 20


@dataclass(frozen=True)
class Entry:
    """One entry under a root folder; ``rel`` uses ``/`` whatever the platform."""

    rel: str
    full: str
    kind: str  # file, dir, link or other


def walk(root: str, skipped: frozenset[str] = ALWAYS_SKIPPED) -> list[Entry]:
    """Every entry under ``root``, sorted by path (parents first), links not followed."""
    found: list[Entry] = []
    pending = [""]
    while pending:
        rel_dir = pending.pop()
        for entry in _listing(os.path.join(root, rel_dir)):
            if entry.name in skipped or entry.name.endswith(".pyc"):
                continue
            item = Entry(f"{rel_dir}/{entry.name}".lstrip("/"), entry.path, _kind(entry))
            found.append(item)
            if item.kind == "dir":
                pending.append(item.rel)
    return sorted(found, key=lambda item: item.rel)


def _listing(folder: str) -> list[os.DirEntry[str]]:
    with os.scandir(folder) as entries:
        return list(entries)


def _kind(entry: os.DirEntry[str]) -> str:
    if entry.is_symlink():
        return "link"
    if entry.is_dir(follow_symlinks=False):
        return "dir"
    return "file" if entry.is_file(follow_symlinks=False) else "other"


def file_digest(path: str) -> str:
    """SHA-256 of a file's bytes, with ``x`` appended when it is executable."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while block := stream.read(CHUNK):
            digest.update(block)
    executable = os.lstat(path).st_mode & stat.S_IXUSR
    return digest.hexdigest() + ("x" if executable else "")


def entry_digest(entry: Entry) -> str:
    """What an entry contributes to its folder's hash."""
    if entry.kind == "file":
        return "file:" + file_digest(entry.full)
    if entry.kind == "link":
        return "link:" + os.readlink(entry.full)
    return entry.kind


def tree_digests(root: str, skipped: frozenset[str] = ALWAYS_SKIPPED) -> dict[str, str]:
    """Relative path → digest for every entry under ``root``."""
    return {entry.rel: entry_digest(entry) for entry in walk(root, skipped)}


def combine(digests: dict[str, str]) -> str:
    """One SHA-256 over a mapping of digests (order-independent)."""
    text = json.dumps(digests, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def content_hash(path: str) -> str:
    """The content hash of a file or a folder (a link given directly is followed)."""
    if os.path.isdir(path):
        return "dir:" + combine(tree_digests(path))
    return "file:" + file_digest(path)


def inside(path: str, root: str) -> bool:
    """True when ``path`` is ``root`` or below it (both taken as given)."""
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def links_leaving(root: str, skipped: frozenset[str] = ALWAYS_SKIPPED) -> Iterator[str]:
    """Relative paths of links under ``root`` whose target resolves outside it."""
    real_root = os.path.realpath(root)
    for entry in walk(root, skipped):
        if entry.kind == "link" and not inside(os.path.realpath(entry.full), real_root):
            yield entry.rel
