"""A key of a step written inside its block-scalar command (P407 key-in-command).

A command is often a block scalar (``command: >-`` and its lines below). A key of
the step that is indented one level too deep (``inputs:`` under the command's
lines instead of beside ``command:``) becomes more of the command's text: YAML
reads it without complaint, the step loses its inputs, and every use of them is
reported where it is used, far from the slip. This rule points at the line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from azpipe.diagnostics import Diagnostic, Span
from azpipe.model import Component, Pipeline, Step
from azpipe.rules import rule
from azpipe.schema.azure_ml import COMMAND_COMPONENT, COMMAND_NODE
from azpipe.schema.language import COMPONENT_DECLARATION, STEP_DECLARATION
from azpipe.source.nodes import Scalar

# The keys of what holds a command: a language step or component, a native node or component.
STEP_KEYS = frozenset(
    key
    for schema in (STEP_DECLARATION, COMPONENT_DECLARATION, COMMAND_NODE, COMMAND_COMPONENT)
    for key in schema.get("properties", {})
) - {"command"}
# A line of a block scalar that reads as a key: indented, a lower-case word, a colon and then
# nothing, a space or a tab.
_KEY_LINE = re.compile(r"^[ \t]+([a-z_]+):(?:[ \t]|$)", re.MULTILINE)


def check(pipeline: Pipeline) -> Iterator[Diagnostic]:
    """P407 for each line of a block-scalar command that is a key of the step."""
    seen: set[int] = set()
    holders: list[Step | Component] = [*pipeline.steps.values(), *pipeline.components.values()]
    for holder in holders:
        node = holder.command_node
        if node is None or node.style not in ("|", ">") or id(node) in seen:
            continue
        seen.add(id(node))
        yield from _keys_inside(node)


def _keys_inside(node: Scalar) -> Iterator[Diagnostic]:
    text = node.source.text
    for match in _KEY_LINE.finditer(text, node.start, node.end):
        key = match.group(1)
        if key not in STEP_KEYS:
            continue
        line, column = node.source.position(match.start(1))
        yield rule("P407").at(
            Span(node.span.file, line, column, line, column + len(key)),
            f"the command's text holds `{key}:`, a key of the step",
            "it is indented into the command's block, so YAML reads it as command text: "
            "indent it as `command:` is",
        )
