"""The ``.azpipe`` folder next to a pipeline file: runs and the cache index.

Layout::

    .azpipe/
      runs/<run-id>/run.json            one record per run (see docs/running.md)
      runs/<run-id>/<step>/...          code snapshot, logs, outputs
      cache/entries/<key>.json          cache key → the run whose outputs it reuses
      cache/latest/<pipeline>/<step>.json   the last successful fingerprint (for reasons)

Every file is written to a temporary name and moved into place with
``os.replace``, so a reader never sees half a file; unreadable files are
treated as missing, never as an error.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from typing import Any

FOLDER = ".azpipe"
FORMAT = 1


def folder_for(pipeline_path: str) -> str:
    """The ``.azpipe`` folder of a pipeline file."""
    return os.path.join(os.path.dirname(os.path.abspath(pipeline_path)), FOLDER)


def read_json(path: str) -> dict[str, Any] | None:
    """A JSON object from ``path``, or ``None`` when it is missing or unreadable."""
    try:
        with open(path, encoding="utf-8") as stream:
            data = json.load(stream)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_json(path: str, data: dict[str, Any]) -> None:
    """Write ``data`` to ``path`` atomically."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    temporary = f"{path}.{os.getpid()}.tmp"
    with open(temporary, "w", encoding="utf-8") as stream:
        json.dump(data, stream, indent=2, sort_keys=True)
        stream.write("\n")
    os.replace(temporary, path)


class Store:
    """Runs and cache entries under one ``.azpipe`` folder."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.runs_dir = os.path.join(root, "runs")
        self.cache_dir = os.path.join(root, "cache")

    def new_run_id(self) -> tuple[str, str]:
        """A run id no run folder uses yet, and the folder it will get (not created)."""
        while True:
            now = time.time()
            millis = int(now * 1000) % 1000
            run_id = (
                time.strftime("%Y%m%d-%H%M%S", time.localtime(now)) + f".{millis:03d}-{secrets.token_hex(2)}"
            )
            path = os.path.join(self.runs_dir, run_id)
            if not os.path.exists(path):
                return run_id, path

    def create_run(self, run_id: str) -> str:
        """Create the folder of run ``run_id`` (and ``.azpipe`` itself, git-ignored)."""
        self._ensure_root()
        path = os.path.join(self.runs_dir, run_id)
        os.makedirs(path)
        return path

    def _ensure_root(self) -> None:
        os.makedirs(self.runs_dir, exist_ok=True)
        ignore = os.path.join(self.root, ".gitignore")
        if not os.path.exists(ignore):
            with open(ignore, "w", encoding="utf-8") as stream:
                stream.write("# created by azpipe: local runs and their cache\n*\n")

    def relative(self, path: str) -> str:
        """``path`` relative to the ``.azpipe`` folder (so the folder can move)."""
        return os.path.relpath(path, self.root)

    def absolute(self, relative: str) -> str:
        """The absolute path of something stored relative to the ``.azpipe`` folder."""
        return os.path.normpath(os.path.join(self.root, relative))

    def entry(self, key: str) -> dict[str, Any] | None:
        """The cache entry of ``key``."""
        return read_json(os.path.join(self.cache_dir, "entries", f"{key}.json"))

    def save_entry(self, key: str, entry: dict[str, Any]) -> None:
        """Record that ``key``'s outputs are those of ``entry``."""
        write_json(os.path.join(self.cache_dir, "entries", f"{key}.json"), {"format": FORMAT, **entry})

    def latest(self, pipeline: str, step: str) -> dict[str, Any] | None:
        """The last successful fingerprint of a step."""
        return read_json(self._latest_path(pipeline, step))

    def save_latest(self, pipeline: str, step: str, record: dict[str, Any]) -> None:
        """Remember a step's last successful fingerprint."""
        write_json(self._latest_path(pipeline, step), {"format": FORMAT, **record})

    def _latest_path(self, pipeline: str, step: str) -> str:
        return os.path.join(self.cache_dir, "latest", pipeline or "_", f"{step}.json")

    def runs(self) -> list[dict[str, Any]]:
        """Every readable ``run.json``, oldest first."""
        try:
            names = os.listdir(self.runs_dir)
        except OSError:
            return []
        found = (read_json(os.path.join(self.runs_dir, name, "run.json")) for name in names)
        return sorted((record for record in found if record is not None), key=run_order)


def run_order(record: dict[str, Any]) -> tuple[float, str]:
    """Sort key of run records: start time, then id."""
    started = record.get("started")
    return (started if isinstance(started, (int, float)) else 0.0, str(record.get("run_id", "")))
