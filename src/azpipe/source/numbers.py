"""Numbers YAML reads as infinity or NaN (T603 non-finite-number).

YAML 1.1 reads ``.inf``, ``-.Inf`` and ``.NaN`` as floats that no Azure ML value
can hold: its REST API speaks JSON, which has no such numbers, and the two
compile targets would write them differently (``float("inf")`` in Python, ``.inf``
in YAML). So a non-finite number is refused wherever it is written, in every
file azpipe reads, at the value itself. Written in quotes it is text, and fine.
"""

from __future__ import annotations

import math

from azpipe.diagnostics import Diagnostic
from azpipe.rules import rule
from azpipe.source.nodes import Map, Node, Scalar, Seq


def non_finite_numbers(root: Node | None) -> list[Diagnostic]:
    """A T603 diagnostic for each value in the tree under ``root`` that is infinite or NaN."""
    found: list[Diagnostic] = []
    seen: set[int] = set()  # aliases and merges share nodes: visit each once
    stack: list[Node] = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, Map):
            stack.extend(entry.value for entry in node.entries)
        elif isinstance(node, Seq):
            stack.extend(node.items)
        elif isinstance(node, Scalar) and _non_finite(node.value):
            found.append(_diagnostic(node))
    return found


def _non_finite(value: object) -> bool:
    return isinstance(value, float) and not math.isfinite(value)


def _diagnostic(node: Scalar) -> Diagnostic:
    what = "NaN (not a number)" if math.isnan(node.value) else "an infinite number"
    return rule("T603").at(
        node.span,
        f"`{node.text}` is {what}, which Azure ML cannot take",
        f'write a finite number, or quote it ("{node.text}") if you mean the text',
    )
