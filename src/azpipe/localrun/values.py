"""Primitive values: reading ``--set NAME=VALUE`` and writing values into commands."""

from __future__ import annotations

import math
import re
from typing import Any

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
