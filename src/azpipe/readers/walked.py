"""Reading a block the schema walker checks (:mod:`azpipe.checks.values`), or one it does not.

A node-kind block of the azpipe language (``sweep:``, ``parallel:``...) is described whole by
:mod:`azpipe.schema.node_kinds`: the walker reports its unknown keys, wrong shapes and types,
values outside an enum or a range. Its reader reads such a node (``reader.walked``) without
reporting those again: a value the walker reports is skipped, and one it takes is read as
marshmallow reads it (`"2"` is an integer). The same readers read native nodes whose fields
no schema describes (``reader.walked`` false, or inside :func:`unwalked`): there these
helpers check, and report, as the walker would.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from azpipe.readers.reader import Reader
from azpipe.schema.scalars import as_integer
from azpipe.source.nodes import Map, Node, Scalar, Seq
from azpipe.suggest import did_you_mean


@contextmanager
def unwalked(reader: Reader) -> Iterator[None]:
    """While reading a block the schema walker does not check (a native sweep node's fields,
    an automl block's sweep settings): this reader checks its keys and values itself."""
    with _walking(reader, False):
        yield


@contextmanager
def walking(reader: Reader) -> Iterator[None]:
    """While reading a block the schema walker checks wherever it is (a spark component file,
    whose schema is walked whether the file is read on its own or for a node)."""
    with _walking(reader, True):
        yield


@contextmanager
def _walking(reader: Reader, walked: bool) -> Iterator[None]:
    before, reader.walked = reader.walked, walked
    try:
        yield
    finally:
        reader.walked = before


def mapping(
    reader: Reader, node: Node | None, where: str, keys: Iterable[str], required: Iterable[str] = ()
) -> Map | None:
    """``node`` as a mapping, its missing ``required`` keys reported (S103: they leave the step
    incomplete); its other keys and its shape are checked here only where the walker does not."""
    if reader.walked and not isinstance(node, Map) and not (isinstance(node, Scalar) and node.value is None):
        return None  # the walker reports the shape (an empty value is the readers' to report)
    return reader.mapping(node, where, reader.unwalked(keys), required)


def choice(
    reader: Reader,
    node: Node | None,
    where: str,
    choices: Iterable[str],
    code: str = "S106",
    ignore_case: bool = False,
) -> str | None:
    """A value among ``choices`` (compared lower-cased with ``ignore_case``, as azure-ai-ml reads
    a sweep's goal or a parallel task's type); one the walker reports is skipped, and where it
    does not walk, reported under ``code``."""
    if node is None:
        return None
    choices = tuple(choices)
    found = text(reader, node, where)
    if found is None:
        return None
    value = found.lower() if ignore_case else found
    if value not in choices:
        if not reader.walked:
            hint = did_you_mean(value, choices) or "one of: " + ", ".join(choices)
            reader.report(code, node.span, f"{where} cannot be `{found}`", hint)
        return None
    return value


def text(reader: Reader, node: Node, where: str) -> str | None:
    """A string (where the walker does not walk, a plain number too, as its text)."""
    if reader.walked:
        value = node.value if isinstance(node, Scalar) else None
        return value if isinstance(value, str) else None
    return reader.string(node, where)


def scalar_text(reader: Reader, node: Node | None, where: str) -> str | None:
    """A value read as text: a string, or a number as written (`10`, a mini-batch size)."""
    if node is None:
        return None
    if reader.walked:
        if isinstance(node, Scalar) and node.value is not None and not isinstance(node.value, bool):
            return node.text
        return None
    return reader.string(node, where)


def string_items(reader: Reader, node: Node | None, where: str) -> list[tuple[str, Scalar]]:
    """A list of strings with their nodes, a single string being a list of one
    (``Reader.string_list``)."""
    if node is None:
        return []
    if not reader.walked:
        return reader.string_list(node, where)
    found: list[tuple[str, Scalar]] = []
    for item in node.items if isinstance(node, Seq) else [node]:
        if isinstance(item, Scalar) and isinstance(item.value, str):
            found.append((item.value, item))
        elif isinstance(item, Scalar) and item.value is None:
            reader.wrong_shape(item, where, "string")  # the walker leaves empty values to the readers
    return found


def strings(reader: Reader, node: Node | None, where: str) -> list[str]:
    """A list of strings, a single string being a list of one."""
    return [found for found, _ in string_items(reader, node, where)]


_NUMBER_TEXT = r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$"


def number(reader: Reader, node: Node, what: str, integer: bool) -> int | float | None:
    """An integer or a number, also one written as text (marshmallow reads `"2"` as 2); for any other
    value nothing, and where the walker does not check it, V001."""
    value = node.value if isinstance(node, Scalar) else None
    if isinstance(value, float) and not math.isfinite(value):
        reader.report("T603", node.span, f"{what} must be a finite number")
        return None
    found = _as_number(value, integer)
    if found is None and not reader.walked:  # where the walker walks, it reports the value
        expected = "an integer" if integer else "a number"
        reader.report("V001", node.span, f"{what} must be {expected}", quoted_hint(node))
    return found


def as_number(value: Any) -> int | float | None:
    """``value`` as marshmallow's ``Float`` reads it (`"0.5"` too), if it does."""
    return _as_number(value, False)


def _as_number(value: Any, integer: bool) -> int | float | None:
    """``value`` as marshmallow's ``Integer`` (``integer``) or ``Float`` reads it, if it does."""
    if isinstance(value, bool):
        return None
    if integer:
        return as_integer(value)
    if isinstance(value, str) and re.match(_NUMBER_TEXT, value.strip()):
        value = float(value) if not re.match(r"^[+-]?[0-9]+$", value.strip()) else int(value)
    if isinstance(value, float) and math.isfinite(value):
        return value
    if isinstance(value, int):
        return value
    return None


def quoted_hint(node: Node) -> str | None:
    """The hint for a number written as text where only a number will do."""
    if isinstance(node, Scalar) and isinstance(node.value, str) and node.style in ("'", '"'):
        return "remove the quotes: YAML reads a quoted value as text"
    return None
