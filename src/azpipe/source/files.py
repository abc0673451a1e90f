"""Reading files a user names without ever blocking: regular files only.

Opening a FIFO for reading waits until something writes to it, and a character
device can produce bytes forever; either would hang ``azpipe check`` in CI. A
file is opened with ``O_NONBLOCK`` (which makes opening a FIFO return at once)
and read only if ``fstat`` on the open descriptor says it is a regular file, so
a path swapped for a FIFO between a check and the read cannot slip through.
"""

from __future__ import annotations

import errno
import os
import stat

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


class NotRegularFile(OSError):
    """The path exists but is not a regular file; ``kind`` says what it is."""

    def __init__(self, path: str, kind: str) -> None:
        super().__init__(errno.EINVAL, f"not a regular file: it is {kind}", path)
        self.kind = kind


def file_kind(mode: int) -> str | None:
    """``None`` for a regular file, else a phrase naming what ``mode`` describes."""
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def path_kind(path: str) -> str | None:
    """What is at ``path`` when it is not a regular file (links followed); ``None`` for
    a regular file. Raises ``OSError`` when nothing is there."""
    return file_kind(os.stat(path).st_mode)


def read_regular(path: str, limit: int) -> bytes:
    """Up to ``limit`` bytes of the regular file at ``path``.

    Raises :class:`NotRegularFile` for a folder, FIFO, socket or device, and
    ``OSError`` when the file cannot be read; never blocks on a special file.
    """
    kind = path_kind(path)  # before opening: opening some devices has effects
    if kind is not None:
        raise NotRegularFile(path, kind)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags)
    with os.fdopen(descriptor, "rb") as stream:
        kind = file_kind(os.fstat(descriptor).st_mode)
        if kind is not None:
            raise NotRegularFile(path, kind)
        return stream.read(limit)
