"""Numbers YAML 1.1 reads differently than they look, found in one walk of the tree.

- T603 non-finite-number: YAML 1.1 reads ``.inf``, ``-.Inf`` and ``.NaN`` as
  floats that no Azure ML value can hold: its REST API speaks JSON, which has no
  such numbers, and the two compile targets would write them differently
  (``float("inf")`` in Python, ``.inf`` in YAML). So a non-finite number is
  refused wherever it is written, in every file azpipe reads, at the value
  itself. Written in quotes it is text, and fine.
- Y013 number-read-as-text: YAML 1.1 needs a ``.`` and a signed exponent in a
  float, so ``1e-3``, ``1e3`` and ``2.5E4`` are *strings* (PyYAML, and so Azure
  ML, read them so): ``lr: 1e-3`` becomes a string input and ``{type: number,
  default: 1e-3}`` a string default. Warned wherever such a plain value is
  written, except as the default of a ``type: string`` input, where text is
  what is meant; ``1.0e-3`` or ``0.001`` is the number.
- A ``type: number`` input's ``default``, ``min`` and ``max`` are numbers by
  declaration, so a float there is never a Y011 trap (``1.10`` is 1.1 and is
  meant so): their ``trap`` is cleared here, before anything reads the tree.
"""

from __future__ import annotations

import math
import re

from azpipe.diagnostics import Diagnostic
from azpipe.rules import rule
from azpipe.source.nodes import Map, Node, Scalar, Seq

# What JSON, Python and YAML 1.2 read as a number but YAML 1.1 reads as text.
_EXPONENT_TEXT = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)[eE][-+]?[0-9]+")
_NUMBER_TYPES = ("number", "float")
_NUMBER_KEYS = ("default", "min", "max")


def number_problems(root: Node | None) -> list[Diagnostic]:
    """T603 and Y013 diagnostics for the tree under ``root`` (and number-typed traps cleared)."""
    found: list[Diagnostic] = []
    seen: set[int] = set()  # aliases and merges share nodes: visit each once
    text_meant: set[int] = set()  # defaults of `type: string` inputs
    stack: list[Node] = [root] if root is not None else []
    while stack:  # exact types and few calls: this walk visits every node of the file
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if type(node) is Scalar:
            value = node.value
            if type(value) is float:
                if not math.isfinite(value):
                    found.append(_non_finite_diagnostic(node))
            elif _exponent_text(node) and id(node) not in text_meant:
                found.append(_exponent_diagnostic(node))
        elif type(node) is Map:
            if "type" in node:
                _declared_type(node, text_meant)
            stack.extend([entry.value for entry in node.entries])
        elif type(node) is Seq:
            stack.extend(node.items)
    return found


def _declared_type(mapping: Map, text_meant: set[int]) -> None:
    kind = mapping.get("type")
    if not isinstance(kind, Scalar):
        return
    if kind.value in _NUMBER_TYPES:
        for key in _NUMBER_KEYS:
            value = mapping.get(key)
            if isinstance(value, Scalar) and isinstance(value.value, float):
                value.trap = None
    elif kind.value == "string":
        default = mapping.get("default")
        if default is not None:
            text_meant.add(id(default))


def _exponent_text(node: Scalar) -> bool:
    text = node.text
    return (
        node.style is None
        and isinstance(node.value, str)
        and text[:1] in "0123456789+-."
        and text != ""
        and _EXPONENT_TEXT.fullmatch(text) is not None
    )


def _non_finite_diagnostic(node: Scalar) -> Diagnostic:
    what = "NaN (not a number)" if math.isnan(node.value) else "an infinite number"
    return rule("T603").at(
        node.span,
        f"`{node.text}` is {what}, which Azure ML cannot take",
        f'write a finite number, or quote it ("{node.text}") if you mean the text',
    )


def _exponent_diagnostic(node: Scalar) -> Diagnostic:
    text = node.text
    value = float(text)
    quote = f'quote it ("{text}") to keep the text'
    if not math.isfinite(value):
        hint = f"the number would be too large for Azure ML; {quote}"
    else:
        plain = repr(value)
        written = f"`{yaml11_float(text)}`" + ("" if "e" in plain else f" or `{plain}`")
        hint = f"write {written} for the number, or {quote}"
    message = (
        f'`{text}` is read as the text "{text}", not a number: YAML 1.1 needs a `.` and a signed exponent'
    )
    return rule("Y013").at(node.span, message, hint)


def yaml11_float(text: str) -> str:
    """``1e-3`` written so YAML 1.1 reads a number: ``1.0e-3`` (a dot, a signed exponent)."""
    mantissa, _, exponent = text.replace("E", "e").partition("e")
    sign = "" if mantissa[:1] not in "+-" else mantissa[0]
    digits = mantissa.lstrip("+-")
    if "." not in digits:
        digits += ".0"
    elif digits.startswith("."):
        digits = "0" + digits
    elif digits.endswith("."):
        digits += "0"
    if exponent[:1] not in "+-":
        exponent = "+" + exponent
    return f"{sign}{digits}e{exponent}"
