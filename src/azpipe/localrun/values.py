"""Values: reading ``--set NAME=VALUE`` (one rule for ``run``, ``plan`` and ``submit``) and writing
values into commands."""

from __future__ import annotations

import math
import os
import re
from typing import Any

from azpipe.checks.path_kinds import kind_problem
from azpipe.model import ASSET_TYPES, Pipeline, PipelineInput
from azpipe.readers.interface import is_local_path
from azpipe.suggest import did_you_mean

_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_BOOLEANS = {"true": True, "false": False}


def parse_value(text: str, kind: str) -> Any:
    """``text`` read as a value of type ``kind``; raises ``ValueError`` with a reason."""
    if "\0" in text:
        raise ValueError("contains a NUL character")
    if kind == "integer":
        return _integer(text)
    if kind == "number":
        return _number(text)
    if kind == "boolean":
        return _boolean(text)
    return text


def _integer(text: str) -> int:
    if not _INTEGER.match(text.strip()):
        raise ValueError("is not an integer")
    return int(text)


def _number(text: str) -> int | float:
    if _INTEGER.match(text.strip()):
        return int(text)
    try:
        value = float(text)
    except ValueError:
        raise ValueError("is not a number") from None
    if not math.isfinite(value):
        raise ValueError("is not a finite number")
    return value


def _boolean(text: str) -> bool:
    value = _BOOLEANS.get(text.strip().lower())
    if value is None:
        raise ValueError("is not a boolean (true or false)")
    return value


def command_text(value: Any) -> str:
    """A literal as the command sees it: Python's ``True``/``False``, numbers as written."""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float):
        return repr(value)
    return str(value)


class SetError(ValueError):
    """A ``--set NAME=VALUE`` that names no input or does not fit it: one line for the user."""


def read_set(pipeline: Pipeline, name: str, text: str) -> Any:
    """The value ``--set NAME=TEXT`` gives pipeline input ``name`` in ``run``, ``plan`` and ``submit``.

    A parameter is read as its type (:func:`parse_value`). An asset input takes a
    local path — relative to the current folder, returned absolute, which must
    exist and be a file for a ``uri_file``, a folder for a ``uri_folder`` — or an
    ``azureml:`` reference or URI, returned as written. Raises :class:`SetError`.
    """
    item = pipeline.inputs.get(name)
    if item is None:
        raise SetError(unknown_input("--set", name, sorted(pipeline.inputs)))
    if item.type in ASSET_TYPES:
        return _asset(item, text)
    try:
        return parse_value(text, item.type)
    except ValueError as error:
        raise SetError(
            f"--set {name}={text!r}: the value {error} (`{name}` is {a(item.type)} input)"
        ) from None


def _asset(item: PipelineInput, text: str) -> str:
    if not text.strip():
        raise SetError(f"--set {item.name}=: `{item.name}` is a {item.type} input; give a path or URI")
    if not is_local_path(text):
        return text
    full = os.path.abspath(os.path.expanduser(text))
    if not os.path.exists(full):
        raise SetError(f"--set {item.name}={text}: `{text}` does not exist")
    problem = kind_problem(item.type, full)
    if problem is not None:
        raise SetError(
            f"--set {item.name}={text}: `{text}` {problem[0]} (`{item.name}` is a {item.type} input); {problem[1]}"
        )
    return full


def unknown_input(flag: str, name: str, known: list[str]) -> str:
    """The line for a ``--set``/``--input`` that names no input: a suggestion, else the inputs there are."""
    hint = did_you_mean(name, known)
    if hint:
        return f"{flag} {name}: the pipeline has no input `{name}`; {hint}"
    listed = ", ".join(f"`{n}`" for n in known) or "none"
    return f"{flag} {name}: the pipeline has no input `{name}` (its inputs: {listed})"


def a(kind: str) -> str:
    """``an integer``, ``a number``..."""
    return ("an " if kind[:1] in "aeiou" else "a ") + kind
