"""Placeholders the shell would execute (P406 unsafe-placeholder).

Azure ML hands the command to a shell after pasting each placeholder's value
into it. Inside backquotes, ``${ }``, ``$(( ))``, bash's ``(( ))`` or a
here-document the shell evaluates that text again, so a string input holding
``$(rm -rf ~)`` would run. ``azpipe run`` refuses such a command; the check says
so before, from the same reading of the shell syntax (:mod:`azpipe.expr.shell`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from azpipe.diagnostics import Diagnostic
from azpipe.expr.ast import Template
from azpipe.expr.shell import unsafe_placeholders
from azpipe.model import Pipeline
from azpipe.rules import rule
from azpipe.source.nodes import Scalar

# What can open a place the shell evaluates again: a backquote, `${` (not `${{`), `((`, `<<`.
_OPENS_UNSAFE = re.compile(r"`|\$\{(?!\{)|\(\(|<<")


def check(pipeline: Pipeline) -> Iterator[Diagnostic]:
    """Check every command azpipe reads (steps' own and components')."""
    for component in pipeline.components.values():
        if component.command and component.command_node:
            yield from _command(component.command, component.command_node)
    for step in pipeline.steps.values():
        if step.uses is None and step.command and step.command_node:
            yield from _command(step.command, step.command_node)


def _command(template: Template, node: Scalar) -> Iterator[Diagnostic]:
    if not _OPENS_UNSAFE.search(node.text):
        return  # the common case, decided without walking the shell syntax
    for placeholder, where in unsafe_placeholders(template):
        written = node.text[placeholder.start : placeholder.end]
        yield rule("P406").at(
            node.span_of(placeholder.start, placeholder.end),
            f"`{written}` is {where}: the shell would run what its value holds",
            "pass the value as a plain argument (`--x ${{inputs.x}}`) and use it in the script",
        )
