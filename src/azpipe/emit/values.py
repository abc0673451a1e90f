"""The one escaping filter: pipeline values as Python and YAML literals.

Every value from a pipeline file reaches emitted text through this module and
nothing else. Strings, numbers and booleans are first turned into their exact
built-in type (a ``str`` subclass could override ``__repr__``), then written as
literals: a Python string is escaped character by character like ``repr`` does
(non-printable characters become ``\\x``/``\\u`` escapes, so no newline, bidi
control or NUL ever reaches the source text), and a YAML string is always
double-quoted. ``nan`` and infinities become ``float("nan")``/``.nan``.

Python expressions are laid out the way ``ruff format`` lays them out: a call,
dict or list stays on one line when it fits in :data:`WIDTH` columns, and is
otherwise split one item per line with a trailing comma (the "magic trailing
comma" makes that layout stable under the formatter).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from keyword import iskeyword
from typing import Any

from azpipe.records import record

WIDTH = 88  # ruff's default line length
INDENT = "    "
_PY_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_YAML_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\0": "\\0"}
_YAML_LINE_BREAKS = frozenset("\x85\u2028\u2029\ufeff")
_YAML_SPECIAL = re.compile('["\\\\\x85\u2028\u2029\ufeff]')
# An implicit (``key: value``) key is at most 1,024 characters, in PyYAML and libyaml alike.
MAX_IMPLICIT_KEY = 1024
_PLAIN_KEY = re.compile("[A-Za-z_][A-Za-z0-9_]*")
# Identifiers YAML 1.1 reads as booleans or null (compared in lower case).
_YAML11_WORDS = frozenset({"y", "n", "yes", "no", "true", "false", "on", "off", "null"})


class UnsafeValue(TypeError):
    """A value that has no literal form (an internal error: the loader never makes one)."""


def exact(value: Any) -> Any:
    """``value`` as an exact ``str``/``int``/``float``/``bool`` (or ``None``)."""
    if value is None or type(value) in (str, int, float, bool):
        return value
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return int.__index__(value)
    if isinstance(value, float):
        return float.__float__(value)
    raise UnsafeValue(f"no literal form for a {type(value).__name__}")


# --------------------------------------------------------------------------- Python


@record(frozen=True)
class Code:
    """A Python expression azpipe wrote itself (names, ``HERE / "x"``): emitted as is."""

    text: str


@record(frozen=True)
class Long:
    """A string that may be written as several parenthesised parts when long (a command)."""

    text: str


@record(frozen=True)
class Call:
    """A call ``func(arg, key=value, ...)``; ``args`` holds ``(keyword or None, value)`` pairs."""

    func: str
    args: tuple[tuple[str | None, Any], ...] = ()


def call(func: str, *positional: Any, **keywords: Any) -> Call:
    """A :class:`Call`; keyword arguments whose value is ``None`` are left out."""
    args: list[tuple[str | None, Any]] = [(None, value) for value in positional]
    args += [(key, value) for key, value in keywords.items() if value is not None]
    return Call(func, tuple(args))


def py_str(text: str) -> str:
    """A Python string literal for ``text``, quoted the way ``ruff format`` prefers."""
    text = exact(text)
    quote = "'" if text.count('"') > text.count("'") else '"'
    if text.isprintable() and quote not in text and "\\" not in text:
        return quote + text + quote  # nothing to escape (the common case, and fast)
    return quote + "".join(_py_char(char, quote) for char in text) + quote


def _py_char(char: str, quote: str) -> str:
    if char == quote:
        return "\\" + char
    if char in _PY_ESCAPES:
        return _PY_ESCAPES[char]
    if char.isprintable():
        return char
    return repr(char)[1:-1]  # \x00, \u2028, \U000e0001: repr's own escapes


def py_number(value: int | float) -> str:
    """A Python literal for a number; ``nan``/``inf`` as ``float("nan")``/``float("inf")``."""
    value = exact(value)
    if isinstance(value, float) and not math.isfinite(value):
        text = 'float("nan")' if math.isnan(value) else 'float("inf")'
        return "-" + text if value < 0 else text
    return repr(value)


def py_atom(value: Any) -> str:
    """A scalar as a Python literal (``None``, booleans, numbers, strings)."""
    value = exact(value)
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, (int, float)):
        return py_number(value)
    return py_str(value)


def py_flat(value: Any) -> str:
    """``value`` as a one-line Python expression."""
    if isinstance(value, Code):
        return value.text
    if isinstance(value, Long):
        return py_str(value.text)
    if isinstance(value, Call):
        return f"{value.func}({', '.join(_flat_arg(key, item) for key, item in value.args)})"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{py_str(key)}: {py_flat(item)}" for key, item in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(py_flat(item) for item in value) + "]"
    return py_atom(value)


def _flat_arg(key: str | None, value: Any) -> str:
    if key is not None and not _keyword(key):  # a flow's `connections.NODE.NAME` input: passed by name
        return "**{" + py_str(key) + ": " + py_flat(value) + "}"
    return f"{key}={py_flat(value)}" if key else py_flat(value)


def _keyword(key: str) -> bool:
    """True when ``key`` can be written as a keyword argument."""
    return key.isidentifier() and not iskeyword(key)


def py(value: Any, indent: int = 0, prefix: int = 0, suffix: int = 0) -> str:
    """``value`` as Python source, split over lines when it does not fit.

    ``indent`` is the current indentation (in spaces) of the line the value starts
    on, ``prefix`` the width of the text before it on that line, ``suffix`` the
    width after it (a trailing ``,`` or ``)``).
    """
    flat = py_flat(value)
    if indent + prefix + width(flat) + suffix <= WIDTH or not _splittable(value):
        return flat
    inner = indent + len(INDENT)
    pad = " " * inner
    if isinstance(value, Call):
        lines = [pad + _split_arg(key, item, inner) for key, item in value.args]
        return f"{value.func}(\n" + "".join(line + ",\n" for line in lines) + " " * indent + ")"
    if isinstance(value, Mapping):
        lines = [pad + _split_entry(key, item, inner) for key, item in value.items()]
        return "{\n" + "".join(line + ",\n" for line in lines) + " " * indent + "}"
    items = [pad + py(item, inner, 0, 1) for item in value]
    return "[\n" + "".join(line + ",\n" for line in items) + " " * indent + "]"


def _splittable(value: Any) -> bool:
    if isinstance(value, Call):
        return bool(value.args)
    return isinstance(value, (Mapping, list, tuple)) and bool(value)


def _split_arg(key: str | None, value: Any, indent: int) -> str:
    if key is not None and not _keyword(key):
        return "**{" + py_str(key) + ": " + py(value, indent, len(key) + 6, 2) + "}"
    head = f"{key}=" if key else ""
    if isinstance(value, Long):
        return head + py_long_str(value.text, indent, len(head))
    return head + py(value, indent, len(head), 1)


def _split_entry(key: str, value: Any, indent: int) -> str:
    head = f"{py_str(key)}: "
    return head + py(value, indent, width(head), 1)


def py_long_str(text: str, indent: int, prefix: int) -> str:
    """A long string as parenthesised parts of at most :data:`WIDTH` columns, for reading.

    Stays one literal when it fits, or when ``ruff format`` would join the parts
    again (the joined literal fits inside the parentheses).
    """
    literal = py_str(text)
    inner = indent + len(INDENT)
    if indent + prefix + width(literal) + 1 <= WIDTH or inner + width(literal) <= WIDTH:
        return literal
    parts = [py_str(part) for part in _chunks(text, WIDTH - inner - 2)]
    if len(parts) < 2:
        return literal
    pad = " " * inner
    return "(\n" + "".join(f"{pad}{part}\n" for part in parts) + " " * indent + ")"


def _chunks(text: str, room: int) -> list[str]:
    """Split ``text`` into parts whose literals fit in ``room`` columns: before options, else spaces."""
    parts: list[str] = []
    current = ""
    for unit in _cut(text, (" -", " $[[")):
        pieces = [unit] if _fits(unit, room) else _cut(unit, (" ",))
        for piece in pieces:
            if current and not _fits(current + piece, room):
                parts.append(current)
                current = ""
            current += piece
    return [*parts, current] if current else parts


def _fits(text: str, room: int) -> bool:
    return width(py_str(text)) - 2 <= room


def _cut(text: str, marks: tuple[str, ...]) -> list[str]:
    """``text`` cut before each of ``marks`` (never at its first character)."""
    pieces: list[str] = []
    start = 0
    for index in range(1, len(text)):
        if text.startswith(marks, index) and text[index - 1] != " ":
            pieces.append(text[start:index])
            start = index
    pieces.append(text[start:])
    return pieces


def width(text: str) -> int:
    """The display width of ``text`` as ruff measures it (wide characters count twice)."""
    if text.isascii():
        return len(text)
    return sum(_char_width(char) for char in text)


def _char_width(char: str) -> int:
    if char.isascii():
        return 1
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


# --------------------------------------------------------------------------- YAML


def yq(value: Any) -> str:
    """A YAML scalar: strings always double-quoted, numbers and booleans plain."""
    value = exact(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return yaml_float(value)
    return yaml_str(value)


def yaml_str(text: str) -> str:
    """A double-quoted YAML string; every character that is not plain printable text is escaped."""
    text = exact(text)
    if text.isprintable() and not _YAML_SPECIAL.search(text):
        return '"' + text + '"'  # nothing to escape (the common case, and fast)
    return '"' + "".join(_yaml_char(char) for char in text) + '"'


def _yaml_char(char: str) -> str:
    if char in _YAML_ESCAPES:
        return _YAML_ESCAPES[char]
    if char.isprintable() and char not in _YAML_LINE_BREAKS and not ("\ud800" <= char <= "\udfff"):
        return char
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def yaml_float(value: float) -> str:
    """A float YAML 1.1 readers (PyYAML) read back as the same float."""
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value)
    if "e" in text and "." not in text.split("e")[0]:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}.0e{exponent}"
    return text


def yaml_key(name: str, indent: int = 0, plain: bool = False) -> str:
    """A mapping key and its ``:``, for a line indented by ``indent`` spaces.

    The key is quoted like every string (``yes``, ``null``, ``012`` and ``# c`` are
    names too). With ``plain``, an identifier that every YAML reader reads as that
    very string (not ``on``, ``y`` or ``null``) stays bare, for reading. YAML allows
    an implicit key of at most 1,024 characters, so a longer one becomes an explicit
    ``? KEY`` entry whose ``:`` starts the next line at ``indent``: the value (or the
    nested block) follows the returned text either way.
    """
    name = exact(name)
    if not isinstance(name, str):
        raise UnsafeValue(f"a mapping key must be a string, not a {type(name).__name__}")
    bare = plain and _PLAIN_KEY.fullmatch(name) is not None and name.lower() not in _YAML11_WORDS
    text = name if bare else yaml_str(name)
    if len(text) <= MAX_IMPLICIT_KEY:
        return text + ":"
    return f"? {text}\n{' ' * indent}:"


def yaml_block(values: Mapping[str, Any], indent: int, user_keys: tuple[str, ...] = ()) -> str:
    """Block YAML for a mapping of settings, every line indented by ``indent`` spaces.

    Keys are azpipe's own names, written bare when every YAML reader reads them as
    that string; the keys of the mappings named in ``user_keys`` (tags, environment
    variables...) are the user's and always quoted. Nested mappings are written as
    blocks, lists as block sequences (of scalars or mappings), scalars through :func:`yq`; an empty mapping
    or list is ``{}``/``[]``. Each line ends with a line break.
    """
    return "".join(_yaml_entry(key, value, indent, key in user_keys) for key, value in values.items())


def _yaml_entry(key: str, value: Any, indent: int, quote_children: bool, quote: bool = False) -> str:
    head = " " * indent + yaml_key(key, indent, plain=not quote)
    if isinstance(value, Mapping) and value:
        return (
            head
            + "\n"
            + "".join(
                _yaml_entry(name, item, indent + 2, False, quote=quote_children)
                for name, item in value.items()
            )
        )
    if isinstance(value, (list, tuple)) and value:
        return head + "\n" + "".join(_yaml_item(item, indent + 2) for item in value)
    if isinstance(value, Mapping):
        return head + " {}\n"
    if isinstance(value, (list, tuple)):
        return head + " []\n"
    return f"{head} {yq(value)}\n"


def _yaml_item(value: Any, indent: int) -> str:
    if isinstance(value, Mapping) and value:  # `- key: value` then its other keys under the first
        entries = [_yaml_entry(name, item, indent + 2, False) for name, item in value.items()]
        return " " * indent + "- " + entries[0][indent + 2 :] + "".join(entries[1:])
    if isinstance(value, (Mapping, list, tuple)):
        raise UnsafeValue("a list item must be a scalar")
    return f"{' ' * indent}- {yq(value)}\n"
