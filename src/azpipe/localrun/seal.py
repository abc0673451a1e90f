"""A per-user secret that seals cache entries, so only entries this user's azpipe wrote are trusted.

Cache keys hold no absolute paths (a repository's cache means the same on every
machine), so a ``.azpipe`` folder committed to a repository could carry an
honest-looking entry for a run whose outputs were edited afterwards. Each entry
azpipe writes carries an HMAC-SHA256 of its content under a random secret kept
outside every repository (``$AZPIPE_STATE_DIR``, else ``$XDG_STATE_HOME/azpipe``,
else ``~/.local/state/azpipe``; file ``cache-secret``, mode 0600). An entry
without a valid seal was not written here by this user and is never reused.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import stat
from typing import Any

SECRET_FILE = "cache-secret"
SECRET_BYTES = 32
FIELD = "seal"


class NoSecret(Exception):
    """The secret can neither be read nor created."""


def state_dir() -> str:
    """The folder that holds azpipe's per-user state."""
    explicit = os.environ.get("AZPIPE_STATE_DIR")
    if explicit:
        return explicit
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return os.path.join(base, "azpipe")


def secret() -> bytes:
    """This user's secret, created (0600) on first use; raises ``NoSecret``."""
    path = os.path.join(state_dir(), SECRET_FILE)
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    except OSError as error:
        raise NoSecret(f"cannot read {path}: {error.strerror}") from None
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(secrets.token_bytes(SECRET_BYTES))
    except FileExistsError:
        pass  # another azpipe made it first: use theirs
    except OSError as error:
        raise NoSecret(f"cannot create {path}: {error.strerror}") from None
    try:
        return _read(path)
    except OSError as error:
        raise NoSecret(f"cannot read {path}: {error.strerror}") from None


def _read(path: str) -> bytes:
    descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(descriptor, "rb") as stream:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode) or info.st_mode & 0o077 or info.st_uid != os.getuid():
            raise NoSecret(f"{path} must be a regular file of yours that only you can read (mode 0600)")
        value = stream.read(SECRET_BYTES + 1)
    if len(value) != SECRET_BYTES:
        raise NoSecret(f"{path} is not an azpipe secret (remove it and azpipe makes a new one)")
    return value


def seal(key: str, entry: dict[str, Any]) -> str:
    """The seal of cache entry ``entry`` for cache key ``key``; raises ``NoSecret``."""
    content = {name: value for name, value in entry.items() if name != FIELD}
    message = json.dumps({"key": key, "entry": content}, sort_keys=True, separators=(",", ":"))
    return hmac.new(secret(), message.encode("utf-8"), hashlib.sha256).hexdigest()


def sealed(key: str, entry: dict[str, Any]) -> bool:
    """True when ``entry`` carries the seal this user's azpipe gives it; raises ``NoSecret``."""
    found = entry.get(FIELD)
    return isinstance(found, str) and hmac.compare_digest(found, seal(key, entry))
