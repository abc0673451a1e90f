"""A step's fingerprint: everything that decides its outputs, and the cache key made from it.

The key is the SHA-256 of: the command with segments resolved and placeholders
left in (``normalised``), the code folder's content hash, the environment's name,
the step's environment variables, each input's fingerprint (a literal's text, a
local path's content hash, or for an upstream output the producing step's key
and the run that produced it) and the outputs' names and types. Comparing two
fingerprints gives the reasons a step runs again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, field
from typing import Any

from azpipe.localrun.snapshot import code_hash
from azpipe.records import record

KEY_FORMAT = 1
SCRIPT_SUFFIXES = (".py", ".sh", ".r", ".jl", ".js", ".ipynb")
MAX_NAMED = 1


@record(frozen=True)
class Fingerprint:
    """What a step's outputs depend on."""

    command: str
    code: dict[str, str] = field(default_factory=dict)
    environment: str = ""
    variables: dict[str, str] = field(default_factory=dict)
    inputs: dict[str, str] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)

    def key(self) -> str:
        """The cache key: a SHA-256 over the fingerprint (the code as one hash)."""
        data = {**asdict(self), "code": code_hash(self.code), "format": KEY_FORMAT}
        text = json.dumps(data, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready copy."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> Fingerprint | None:
        """Read one back; ``None`` if it is not a fingerprint (any field missing or of another type)."""
        if not isinstance(data, dict):
            return None
        texts = [data.get(name) for name in ("command", "environment")]
        tables = [data.get(name) for name in ("code", "variables", "inputs", "outputs")]
        if not all(isinstance(text, str) for text in texts) or not all(map(_text_table, tables)):
            return None
        return cls(**{name: data[name] for name in cls.__dataclass_fields__})


def _text_table(value: Any) -> bool:
    """True for a mapping of text to text."""
    return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())


def differences(old: Fingerprint, new: Fingerprint, producers: dict[str, str]) -> list[str]:
    """Why ``new`` differs from ``old``, most telling first.

    ``producers`` maps inputs fed by a step that runs in this run to that step.
    """
    reasons: list[str] = []
    if old.command != new.command:
        reasons.append("command changed")
    reasons += _code_reasons(old.code, new.code)
    if old.environment != new.environment:
        reasons.append(f"environment changed (`{old.environment}` -> `{new.environment}`)")
    if old.variables != new.variables:
        reasons.append("environment variables changed")
    reasons += [_input_reason(name, producers) for name in _changed(old.inputs, new.inputs)]
    if old.outputs != new.outputs:
        reasons.append("outputs changed")
    return reasons


def _input_reason(name: str, producers: dict[str, str]) -> str:
    producer = producers.get(name)
    return f"input `{name}` changed" + (f" (`{producer}` runs)" if producer else "")


def _changed(old: dict[str, str], new: dict[str, str]) -> list[str]:
    return sorted(name for name in set(old) | set(new) if old.get(name) != new.get(name))


def _code_reasons(old: dict[str, str], new: dict[str, str]) -> list[str]:
    changed = sorted(_changed(old, new), key=lambda name: (not name.lower().endswith(SCRIPT_SUFFIXES), name))
    if not changed:
        return []
    first = changed[0]
    what = "script" if first.lower().endswith(SCRIPT_SUFFIXES) else "file"
    verb = "added" if first not in old else "removed" if first not in new else "changed"
    more = len(changed) - MAX_NAMED
    if more > 0:
        return [f"{what} `{first}` {verb} (and {more} other file{'s' if more > 1 else ''})"]
    return [f"{what} `{first}` {verb}"]
