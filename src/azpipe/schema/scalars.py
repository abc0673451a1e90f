"""Scalars as Azure ML reads them: marshmallow's ``Integer`` and ``Boolean`` fields.

azure-ai-ml loads YAML and hands each value to a marshmallow field, which takes
more than YAML's own type: an integer field takes ``"2"`` and ``2.0``, a boolean
field ``"false"``, ``"yes"``, ``0`` and ``1``. The schema walker
(:mod:`azpipe.checks.values`) accepts those forms; the readers read them with
these functions, so a value the walker takes is never a reader's error.
"""

from __future__ import annotations

import re
from typing import Any

_INTEGER_TEXT = re.compile(r"^[+-]?[0-9]+$")
# marshmallow's Boolean.truthy and .falsy, besides YAML's booleans.
_TRUE = frozenset({"t", "true", "on", "y", "yes", "1"})
_FALSE = frozenset({"f", "false", "off", "n", "no", "0"})


def as_integer(value: Any) -> int | None:
    """``value`` as an integer field reads it (``None``: it does not, or it is not whole: azpipe
    refuses `2.5`, which marshmallow would silently cut to 2)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INTEGER_TEXT.match(value.strip()):
        return int(value.strip())
    return None


def as_boolean(value: Any) -> bool | None:
    """``value`` as a boolean field reads it (``None``: it does not)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return True if value == 1 else False if value == 0 else None
    if isinstance(value, str):
        word = value  # marshmallow does not strip it (`"0 "` is no boolean)
        if word.lower() in _TRUE and word in (word.lower(), word.capitalize(), word.upper()):
            return True
        if word.lower() in _FALSE and word in (word.lower(), word.capitalize(), word.upper()):
            return False
    return None


def camel_to_snake(text: str) -> str:
    """``text`` as azure-ai-ml's ``camel_to_snake`` compares an enum value (AutoML's:
    `LogisticRegression` is `logistic_regression`, `LightGBM` `light_gbm`), each of its
    comma-separated parts converted."""
    if text.islower() and "," not in text:
        return text  # most values: nothing to convert (both patterns need a capital)
    if "," in text:
        return ",".join(camel_to_snake(part.strip()) for part in text.split(","))
    text = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", text)
    return re.sub("([a-z0-9])([A-Z])", r"\1_\2", text).lower()
