"""The ``.azpipe`` folder next to a pipeline file: runs and the cache index.

Layout::

    .azpipe/
      runs/<run-id>/run.json            one record per run (see docs/running.md)
      runs/<run-id>/<step>/...          code snapshot, logs, outputs
      cache/entries/<key>.json          cache key → the run whose outputs it reuses
      cache/latest/<pipeline>/<step>.json   the last successful fingerprint (for reasons)

Every file is written to a temporary name and moved into place with
``os.replace``, so a reader never sees half a file. A file that cannot be read
back as what azpipe wrote (not a regular file, not JSON, nested deeper than
azpipe ever writes, the wrong shape) is treated as missing, with a warning,
never an error: the folder may come from somewhere else (a repository that
commits it). So a cache entry is trusted only with a valid seal (see
:mod:`azpipe.localrun.seal`), and even then it is only a pointer: its outputs
are reused only when they are where that run put them, reached without a
symbolic link, and the run's ``run.json`` records the step succeeding with the
same key.
"""

from __future__ import annotations

import errno
import json
import os
import re
import secrets
import stat
import time
from collections.abc import Callable
from typing import Any

from azpipe.localrun.seal import FIELD as SEAL_FIELD
from azpipe.localrun.seal import NoSecret, seal, sealed
from azpipe.records import record

FOLDER = ".azpipe"
FORMAT = 1
MAX_DEPTH = 32  # azpipe writes at most 5 levels; deeper is not ours (and could exhaust the stack)
MAX_TIME = 253402300799  # 9999-12-31: the last second ``time.localtime`` can show
MAX_PID = 2**31 - 1
RUN_ID = re.compile(r"[0-9]{8}-[0-9]{6}\.[0-9]{3}-[0-9a-f]{4}\Z")


class Unreadable(Exception):
    """A file that exists but cannot be read back as a JSON object azpipe wrote."""


@record(frozen=True)
class CachedRun:
    """Outputs a cache entry offers, checked against the run that produced them."""

    run_id: str
    step: str
    command: str | None  # as the run recorded it
    outputs: dict[str, str]  # output name → absolute path


def folder_for(pipeline_path: str) -> str:
    """The ``.azpipe`` folder of a pipeline file."""
    return os.path.join(os.path.dirname(os.path.abspath(pipeline_path)), FOLDER)


def load_json(path: str) -> dict[str, Any] | None:
    """The JSON object in ``path``; ``None`` when there is no such file.

    Raises ``Unreadable`` for a file that is there but is not a regular file
    (a link, a FIFO: opened without following or blocking), not UTF-8 JSON
    (``NaN`` included), not an object, or nested deeper than ``MAX_DEPTH``.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as error:
        raise Unreadable("a symbolic link" if error.errno == errno.ELOOP else str(error.strerror)) from None
    with os.fdopen(descriptor, "rb") as stream:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise Unreadable("not a regular file")
        try:
            data = stream.read()
        except OSError as error:
            raise Unreadable(str(error.strerror)) from None
    try:
        value = json.loads(data.decode("utf-8"), parse_constant=_no_constant)
    except RecursionError:
        raise Unreadable("nested too deeply") from None
    except ValueError:
        raise Unreadable("not valid JSON") from None
    if not isinstance(value, dict):
        raise Unreadable("not a JSON object")
    if _too_deep(value):
        raise Unreadable("nested too deeply")
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"`{name}` is not JSON")


def _too_deep(value: Any) -> bool:
    """True when ``value`` nests deeper than ``MAX_DEPTH`` (checked without recursion)."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if depth > MAX_DEPTH:
            return True
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        pending += [(child, depth + 1) for child in children if isinstance(child, (dict, list))]
    return False


def read_json(path: str) -> dict[str, Any] | None:
    """A JSON object from ``path``, or ``None`` when it is missing or unreadable."""
    try:
        return load_json(path)
    except Unreadable:
        return None


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
        self.warnings: list[str] = []  # files ignored, entries not trusted: for people, in order

    def warn(self, text: str) -> None:
        """Note something ignored (each text once)."""
        if text not in self.warnings:
            self.warnings.append(text)

    def shown(self, path: str) -> str:
        """A path under the folder as people read it: relative to the current folder when below it."""
        relative = os.path.relpath(path)
        return path if relative.startswith("..") else relative

    @staticmethod
    def _load(path: str) -> tuple[dict[str, Any] | None, str | None]:
        """A JSON object and ``None``, or ``None`` and why the file is unreadable (``None, None``: no file)."""
        try:
            return load_json(path), None
        except Unreadable as error:
            return None, str(error)

    def _read(self, path: str) -> dict[str, Any] | None:
        """A JSON object, or ``None`` (with a warning when the file is there but unreadable)."""
        data, problem = self._load(path)
        if problem:
            self.warn(f"ignored `{self.shown(path)}`: {problem}")
        return data

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

    def entry_path(self, key: str) -> str:
        """Where the cache entry of ``key`` lives."""
        return os.path.join(self.cache_dir, "entries", f"{key}.json")

    def cached(self, key: str, tails: dict[str, str]) -> tuple[CachedRun | None, str | None]:
        """The outputs cached for ``key``, or ``None`` and why an entry is not trusted.

        ``tails`` maps each output to its path below its step's folder
        (``outputs/model``). ``(None, None)`` is a plain miss: no entry, or the
        run folder or outputs it names were deleted.
        """
        entry, problem = self._load(self.entry_path(key))
        if entry is None:
            return None, problem and f"cannot be read ({problem})"
        found = self._check_entry(key, entry, tails)
        return (found, None) if not isinstance(found, str) else (None, found)

    def _check_entry(self, key: str, entry: dict[str, Any], tails: dict[str, str]) -> CachedRun | str | None:
        try:
            if not sealed(key, entry):
                return "it was not written by azpipe for this user on this machine (no valid seal)"
        except NoSecret as error:
            return f"there is no cache secret to check it with ({error})"
        run_id, step = entry.get("run_id"), entry.get("step")
        if not isinstance(run_id, str) or not RUN_ID.match(run_id):
            return "its run id is not one azpipe makes"
        if not isinstance(step, str) or not _plain_name(step):
            return "its step name is not a plain name"
        expected = {name: os.path.join("runs", run_id, step, tail) for name, tail in tails.items()}
        outputs = entry.get("outputs")
        written = (
            {n: os.path.normpath(str(p)) for n, p in outputs.items()} if isinstance(outputs, dict) else None
        )
        if written != expected:
            return f"its outputs are not those of step `{step}` in the folder of run {run_id}"
        run_dir = os.path.join(self.runs_dir, run_id)
        if not os.path.lexists(run_dir):
            return None  # the run was deleted: its outputs are gone
        real_root = os.path.realpath(self.root)
        if os.path.realpath(run_dir) != os.path.join(real_root, "runs", run_id):
            return f"the folder of run {run_id} is reached through a symbolic link"
        record = self._run_step(run_id, step, key)
        if isinstance(record, str):
            return record
        return self._outputs(run_id, step, record, expected, real_root)

    def _run_step(self, run_id: str, step: str, key: str) -> dict[str, Any] | str:
        """The run's record of ``step``, or why it does not vouch for ``key``."""
        path = os.path.join(self.runs_dir, run_id, "run.json")
        record, problem = self._load(path)
        if problem:
            return f"the run.json of run {run_id} cannot be read ({problem})"
        if record is None:
            return f"run {run_id} has no run.json"
        if record.get("run_id") != run_id:
            return f"the run.json in the folder of run {run_id} is another run's"
        steps = record.get("steps")
        found = steps.get(step) if isinstance(steps, dict) else None
        if not isinstance(found, dict) or found.get("status") != "succeeded":
            return f"run {run_id} does not record step `{step}` as succeeded"
        if found.get("key") != key:
            return f"run {run_id} records step `{step}` with another cache key"
        return found

    def _outputs(
        self, run_id: str, step: str, record: dict[str, Any], expected: dict[str, str], real_root: str
    ) -> CachedRun | str | None:
        outputs = {}
        for name, relative in expected.items():
            full = os.path.join(self.root, relative)
            if not os.path.lexists(full):
                return None  # deleted: the step runs again, nothing to warn about
            if os.path.realpath(full) != os.path.join(real_root, relative):
                return f"output `{name}` of run {run_id} is reached through a symbolic link"
            outputs[name] = os.path.normpath(full)
        command = record.get("command")
        return CachedRun(run_id, step, command if isinstance(command, str) else None, outputs)

    def save_entry(self, key: str, entry: dict[str, Any]) -> None:
        """Record that ``key``'s outputs are those of ``entry``, sealed with this user's secret.

        Without a secret (no writable state folder) nothing is recorded: an
        unsealed entry would never be reused anyway.
        """
        data = {"format": FORMAT, **entry}
        try:
            data[SEAL_FIELD] = seal(key, data)
        except NoSecret as error:
            self.warn(f"step results are not cached: {error}")
            return
        write_json(os.path.join(self.cache_dir, "entries", f"{key}.json"), data)

    def latest(self, pipeline: str, step: str) -> dict[str, Any] | None:
        """The last successful fingerprint of a step (``None`` if missing or unreadable, with a warning)."""
        return self._read(self._latest_path(pipeline, step))

    def latest_path(self, pipeline: str, step: str) -> str:
        """Where a step's last successful fingerprint lives."""
        return self._latest_path(pipeline, step)

    def save_latest(self, pipeline: str, step: str, record: dict[str, Any]) -> None:
        """Remember a step's last successful fingerprint."""
        write_json(self._latest_path(pipeline, step), {"format": FORMAT, **record})

    def _latest_path(self, pipeline: str, step: str) -> str:
        return os.path.join(self.cache_dir, "latest", pipeline or "_", f"{step}.json")

    def runs(self) -> list[dict[str, Any]]:
        """Every readable ``run.json``, oldest first (the others are warnings)."""
        try:
            names = os.listdir(self.runs_dir)
        except OSError:
            return []
        found = []
        for name in names:
            path = os.path.join(self.runs_dir, name, "run.json")
            record = self._read(path)
            problem = record_problem(record) if record is not None else None
            if problem:
                self.warn(f"ignored `{self.shown(path)}`: {problem}")
            elif record is not None:
                found.append(record)
        return sorted(found, key=run_order)


def _plain_name(name: str) -> bool:
    """Path components that name nothing else (not ``.``/``..``, no other separator): one for a
    step, ``outer/inner`` for a sub-pipeline's step (localrun/expand.py)."""
    return all(
        part not in ("", ".", "..") and "\\" not in part and "\0" not in part for part in name.split("/")
    )


def _number(value: Any, low: float, high: float) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and low <= value <= high


def record_problem(record: dict[str, Any]) -> str | None:
    """Why a ``run.json`` is not a run record that can be listed, or ``None``.

    Only fields that are present are checked, each for the type the listing uses.
    """
    checks: dict[str, Callable[[Any], bool]] = {
        "run_id": lambda v: isinstance(v, str),
        "pipeline": lambda v: isinstance(v, str),
        "status": lambda v: isinstance(v, str),
        "started": lambda v: _number(v, 0, MAX_TIME),
        "duration": lambda v: v is None or _number(v, 0, MAX_TIME),
        "pid": lambda v: v is None or (isinstance(v, int) and _number(v, 1, MAX_PID)),
        "steps": lambda v: isinstance(v, dict) and all(_step_record(step) for step in v.values()),
    }
    for name, valid in checks.items():
        if name in record and not valid(record[name]):
            return f"field `{name}` is not what azpipe writes"
    return None


def _step_record(step: Any) -> bool:
    return isinstance(step, dict) and isinstance(step.get("status", ""), str)


def run_order(record: dict[str, Any]) -> tuple[float, str]:
    """Sort key of run records: start time, then id."""
    started = record.get("started")
    return (started if isinstance(started, (int, float)) else 0.0, str(record.get("run_id", "")))
