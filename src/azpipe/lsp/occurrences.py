"""Where a document names steps, ports, pipeline inputs and outputs, data and components.

The YAML nodes are walked once; each ``${{ }}`` placeholder in a string is split
into its dotted names, and each name that points at something becomes an
:class:`Occurrence` with its own span in the file (found through the scalar's
offset map, so folded, literal and quoted strings are exact). ``after:`` entries
name steps; ``uses:`` (native: ``component:``) names a component. Placeholders are read with a tolerant
pattern rather than the grammar, so half-typed ones still count.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from azpipe.diagnostics import Span
from azpipe.records import record
from azpipe.source.nodes import Map, Node, Scalar, Seq

PLACEHOLDER = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)
STEP_SECTIONS = ("steps", "jobs")  # where a file's steps are: azpipe, native


@record(frozen=True)
class Target:
    """What a name points at.

    ``kind``: ``step``, ``step_output``, ``pipeline_input``, ``pipeline_output``,
    ``data``, ``component``, ``own_input`` or ``own_output``. ``step`` is the step of
    a ``step_output``; ``owner`` is the step or component (``("steps", NAME)``,
    ``("components", NAME)``) whose command uses its own ports.
    """

    kind: str
    name: str
    step: str | None = None
    owner: tuple[str, str] | None = None


@record(frozen=True)
class Occurrence:
    """A name written in the document and what it points at."""

    span: Span
    target: Target


@record(frozen=True)
class Name:
    """One dotted name inside ``${{ }}``: its text and its offsets in the string."""

    text: str
    start: int
    end: int


def split_names(expression: str, offset: int = 0) -> list[Name]:
    """The dotted names of an expression, whitespace around each trimmed."""
    names, start = [], 0
    for part in expression.split("."):
        stripped = part.strip()
        lead = len(part) - len(part.lstrip())
        names.append(Name(stripped, offset + start + lead, offset + start + lead + len(stripped)))
        start += len(part) + 1
    return names


def targets(names: list[str], owner: tuple[str, str] | None) -> list[tuple[int, Target]]:
    """Which of the dotted ``names`` point at something, and at what (by index)."""
    count = len(names)
    head = names[0] if names else ""
    if head in ("inputs", "outputs") and count == 2:
        return [(1, Target("own_" + head[:-1], names[1], owner=owner))]
    if head == "data" and count == 2:
        return [(1, Target("data", names[1]))]
    if head == "parent":
        return _parent(names)
    if not head or head in ("inputs", "outputs", "data"):
        return []
    found = [(0, Target("step", head))]
    if count == 3 and names[1] == "outputs":
        found.append((2, Target("step_output", names[2], step=head)))
    elif count == 2 and names[1] != "outputs":
        found.append((1, Target("step_output", names[1], step=head)))
    return found


def _parent(names: list[str]) -> list[tuple[int, Target]]:
    if len(names) == 3 and names[1] == "inputs":
        return [(2, Target("pipeline_input", names[2]))]
    if len(names) == 3 and names[1] == "outputs":
        return [(2, Target("pipeline_output", names[2]))]
    if len(names) >= 3 and names[1] == "jobs" and names[2]:
        found = [(2, Target("step", names[2]))]
        if len(names) == 5 and names[3] == "outputs":
            found.append((4, Target("step_output", names[4], step=names[2])))
        return found
    return []


def owner_of(path: tuple[str, ...]) -> tuple[str, str] | None:
    """The step or component whose own ports ``inputs.``/``outputs.`` mean at ``path``."""
    if len(path) >= 2 and path[0] in (*STEP_SECTIONS, "components"):
        return (path[0], path[1])
    return None


def occurrences(root: Node | None) -> list[Occurrence]:
    """Every occurrence in the document, in file order."""
    if root is None:
        return []
    found = list(_walk(root, ()))
    return sorted(found, key=lambda o: (o.span.line, o.span.column))


def _walk(node: Node, path: tuple[str, ...]) -> Iterator[Occurrence]:
    # Iterative: a deeply nested document must not exhaust the stack.
    stack: list[tuple[Node, tuple[str, ...]]] = [(node, path)]
    while stack:
        node, path = stack.pop()
        if isinstance(node, Map):
            for entry in node:
                if not entry.merged:
                    stack.append((entry.value, (*path, str(entry.key.value))))
        elif isinstance(node, Seq):
            stack.extend((item, path) for item in node.items)
        elif isinstance(node, Scalar) and isinstance(node.value, str):
            yield from _in_scalar(node, path)


def _in_scalar(node: Scalar, path: tuple[str, ...]) -> Iterator[Occurrence]:
    if len(path) == 3 and path[0] in STEP_SECTIONS and path[2] == "after":
        yield Occurrence(node.span, Target("step", node.value))
        return
    if len(path) == 3 and (path[0], path[2]) in (("steps", "uses"), ("jobs", "component")):
        yield Occurrence(node.span, Target("component", node.value))
        return
    if "${{" not in node.value:
        return
    owner = owner_of(path)
    for match in PLACEHOLDER.finditer(node.value):
        names = split_names(match.group(1), match.start(1))
        for index, target in targets([name.text for name in names], owner):
            name = names[index]
            if name.text:
                yield Occurrence(node.span_of(name.start, name.end), target)
