"""Walking files and folders, and hashing them for the cache key.

A file hashes its bytes and executable bit. A code folder (``tree_digests``)
hashes every entry's relative path with its content, a link by its target text:
the snapshot copies links as links and refuses those that leave the folder, so
the text is what the step gets. An input folder (``InputHasher``) hashes the
content every link reaches, since the step reads through the link: a link to a
file hashes that file's bytes, a link to a folder that folder's hash. Each real
folder is hashed once and a link back to a folder being hashed (a loop) is
recorded as such, so hostile trees cost linear time and never hang. ``.azpipe``
and ``.git`` are never part of a tree. Only regular files are opened (a FIFO
would block).
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Iterator
from dataclasses import field

from azpipe.records import record

ALWAYS_SKIPPED = frozenset({".azpipe", ".git"})
CHUNK = 1 << 20


@record(frozen=True)
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
    """SHA-256 of a regular file's bytes, with ``x`` appended when it is executable.

    Raises ``OSError`` for anything but a regular file, without blocking on a FIFO.
    """
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(descriptor, "rb") as stream:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise OSError(f"`{path}` is not a regular file or folder")
        digest = hashlib.sha256()
        while block := stream.read(CHUNK):
            digest.update(block)
    return digest.hexdigest() + ("x" if mode & stat.S_IXUSR else "")


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


def content_hash(path: str, allow_outside: bool = False) -> str:
    """The content hash of an input file or folder, through its links (see ``InputHasher``).

    Raises ``OSError`` when something cannot be read, or a link leaves the
    folder and ``allow_outside`` is false.
    """
    hasher = InputHasher(path, allow_outside)
    digest = hasher.digest()
    if hasher.outside:
        raise OSError(f"`{hasher.outside[0].rel}` is a symbolic link to a place outside `{path}`")
    return digest


def inside(path: str, root: str) -> bool:
    """True when ``path`` is ``root`` or below it (both taken as given)."""
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def links_leaving(root: str, skipped: frozenset[str] = ALWAYS_SKIPPED) -> Iterator[str]:
    """Relative paths of links under ``root`` whose target resolves outside it."""
    real_root = os.path.realpath(root)
    for entry in walk(root, skipped):
        if entry.kind != "link":
            continue
        # ``walk`` never goes through a link, so the link's folder is the real root plus its path.
        target = resolve_link(
            os.path.join(real_root, os.path.dirname(entry.rel)), os.path.basename(entry.rel)
        )
        if not inside(target, real_root):
            yield entry.rel


MAX_HOPS = 40  # links followed while resolving one path, as the kernel's ELOOP limit


def resolve_link(real_folder: str, name: str) -> str:
    """Where link ``name`` in ``real_folder`` (a path without links) leads.

    Like ``os.path.realpath`` (a missing part is kept as written; a loop of links
    gives the target as written, normalised), but only the link's own target is
    resolved: ``realpath`` checks every part of the folder again, which makes
    hashing a deep tree quadratic or worse.
    """
    text = os.readlink(os.path.join(real_folder, name))
    found = _resolve(real_folder, text, [0])
    return found if found is not None else os.path.normpath(os.path.join(real_folder, text))


def _resolve(base: str, text: str, hops: list[int]) -> str | None:
    path = os.sep if text.startswith(os.sep) else base
    for part in text.split(os.sep):
        if part in ("", "."):
            continue
        if part == "..":
            path = os.path.dirname(path)
            continue
        candidate = os.path.join(path, part)
        try:
            target = os.readlink(candidate)
        except OSError:  # not a link, or not there: kept as written
            path = candidate
            continue
        hops[0] += 1
        resolved = _resolve(path, target, hops) if hops[0] <= MAX_HOPS else None
        if resolved is None:
            return None
        path = resolved
    return path


@record(frozen=True)
class OutsideLink:
    """A link under an input folder that resolves to a place outside it."""

    rel: str  # the link's path as seen from the input folder, ``/``-separated
    target: str  # where it resolves


@record
class _Frame:
    """A folder being hashed: its entries in order, and the digests found so far."""

    real: str
    name: str  # the name it was reached by, in the folder below it on the stack
    entries: list[os.DirEntry[str]]
    digests: dict[str, str] = field(default_factory=dict)
    index: int = 0
    waiting: str = ""  # prefix of the child folder being hashed (its name is the child's ``name``)


class InputHasher:
    """Hashes an input file or folder by the content its links reach.

    A link that resolves outside the folder is counted in ``outside_count``
    (the first ``MAX_NAMED`` in ``outside``) and not followed, unless
    ``allow_outside``. A dangling link or a loop of links hashes its target text.
    """

    MAX_NAMED = 20

    def __init__(self, path: str, allow_outside: bool, skipped: frozenset[str] = ALWAYS_SKIPPED) -> None:
        self.path = path
        self.real_root = os.path.realpath(path)
        self.allow_outside = allow_outside
        self.skipped = skipped
        self.outside: list[OutsideLink] = []
        self.outside_count = 0
        self._files: dict[str, str] = {}
        self._folders: dict[str, str] = {}
        self._active: set[str] = set()
        self._stack: list[_Frame] = []

    def digest(self) -> str:
        """The hash (``dir:…`` or ``file:…``); raises ``OSError`` when something cannot be read."""
        if os.path.isdir(self.path):
            return "dir:" + self._folder(self.real_root)
        return "file:" + self._file(self.real_root)

    def _file(self, real: str) -> str:
        if real not in self._files:
            self._files[real] = file_digest(real)
        return self._files[real]

    def _folder(self, real: str) -> str:
        """The hash of a real folder, depth-first with an explicit stack (any depth)."""
        stack = self._stack = [self._open(real, "")]
        while stack:
            frame = stack[-1]
            child = self._advance(frame)
            if child is not None:
                stack.append(child)
                continue
            stack.pop()
            self._active.discard(frame.real)
            digest = self._folders[frame.real] = combine(frame.digests)
            if stack:
                stack[-1].digests[frame.name] = stack[-1].waiting + digest
        return self._folders[real]

    def _open(self, real: str, name: str) -> _Frame:
        entries = sorted(
            (e for e in _listing(real) if e.name not in self.skipped and not e.name.endswith(".pyc")),
            key=lambda e: e.name,
        )
        self._active.add(real)
        return _Frame(real, name, entries)

    def _advance(self, frame: _Frame) -> _Frame | None:
        """Hash the frame's next entries; returns a child folder to hash first, if one comes up."""
        while frame.index < len(frame.entries):
            entry = frame.entries[frame.index]
            frame.index += 1
            kind = _kind(entry)
            child = None
            if kind == "file":
                frame.digests[entry.name] = "file:" + self._file(entry.path)
            elif kind == "dir":
                child = self._enter(frame, entry.name, entry.path, "dir:")
            elif kind == "link":
                child = self._link(frame, entry)
            else:
                frame.digests[entry.name] = "other"
            if child is not None:
                return child
        return None

    def _enter(self, frame: _Frame, name: str, real: str, prefix: str) -> _Frame | None:
        """Record a child folder's hash, or return its frame when it still has to be hashed."""
        if real in self._folders:
            frame.digests[name] = prefix + self._folders[real]
        elif real in self._active:  # a link back to a folder being hashed
            frame.digests[name] = prefix + "loop:" + self._where(real)
        else:
            frame.waiting = prefix
            return self._open(real, name)
        return None

    def _link(self, frame: _Frame, entry: os.DirEntry[str]) -> _Frame | None:
        target = resolve_link(frame.real, entry.name)
        if not self.allow_outside and not inside(target, self.real_root):
            self._leaves(entry.name, target)
            frame.digests[entry.name] = "link:outside"
            return None
        try:
            mode = os.stat(target).st_mode
        except OSError:
            mode = 0
        if stat.S_ISDIR(mode):
            return self._enter(frame, entry.name, target, "link-dir:")
        if stat.S_ISREG(mode):
            frame.digests[entry.name] = "link-file:" + self._file(target)
        else:  # dangling, a loop of links, or a FIFO or device: nothing to read behind it
            frame.digests[entry.name] = ("link:other" if mode else "link:unresolved:") + os.readlink(
                entry.path
            )
        return None

    def _leaves(self, name: str, target: str) -> None:
        self.outside_count += 1
        if len(self.outside) < self.MAX_NAMED:
            rel = "/".join([frame.name for frame in self._stack[1:]] + [name])
            self.outside.append(OutsideLink(rel, target))

    def _where(self, real: str) -> str:
        """A folder as the hash names it: relative to the input when inside it."""
        if real == self.real_root:
            return "."
        return real[len(self.real_root.rstrip(os.sep)) + 1 :] if inside(real, self.real_root) else real


WRITE_BITS = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH


def make_read_only(root: str) -> None:
    """Take the write bits off ``root`` and everything under it, so later steps cannot edit it in place.

    Links are neither changed nor followed. A file with other hard links is left
    as it is: its other names are not azpipe's (a step may link its input data
    into an output), and changing the one inode would change them too.
    """
    for folder, folders, files in os.walk(root):
        for name in folders + files:
            _drop_write_bits(os.path.join(folder, name))
    _drop_write_bits(root)


def _drop_write_bits(path: str) -> None:
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode) or (not stat.S_ISDIR(info.st_mode) and info.st_nlink > 1):
        return
    os.chmod(path, stat.S_IMODE(info.st_mode) & ~WRITE_BITS, follow_symlinks=False)
