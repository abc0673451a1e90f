"""Ports and command placeholders (P401 unused-input, P402 unused-output,
P403 optional-outside-segment, P404 unbound-input, P405 unknown-placeholder).

A command must use every port it declares (an input mounted for nothing is a
mistake) and name no port that does not exist; an optional input may only appear
inside ``$[[ ]]``, where Azure ML drops the segment when it is not given.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice

from azpipe.checks.references import declared_names
from azpipe.diagnostics import Diagnostic, Severity
from azpipe.expr.ast import RefKind, Template
from azpipe.model import Pipeline, Port, Step
from azpipe.rules import rule
from azpipe.source.nodes import Scalar
from azpipe.suggest import Suggestions

LISTED = 8  # ports named in a hint

# Outputs Azure ML fills itself: `artifacts` holds what a command writes under ./outputs and ./logs.
RESERVED_OUTPUTS = ("artifacts",)


def check(pipeline: Pipeline) -> Iterator[Diagnostic]:
    """Check the ports of every component and step.

    In a native Azure ML file an unused port is a warning: azure-ai-ml accepts it and
    Azure ML runs the job (the input is mounted for nothing, the output left empty).
    """
    native = pipeline.source_format != "azpipe"
    for found in _ports(pipeline):
        unused = found.code in ("P401", "P402")
        yield found.with_severity(Severity.WARNING) if native and unused else found


def _ports(pipeline: Pipeline) -> Iterator[Diagnostic]:
    suggestions = Suggestions.for_names(declared_names(pipeline))
    for component in pipeline.components.values():
        if component.command and component.command_node:
            owner = f"component `{component.name}`"
            yield from _command(
                component.command,
                component.command_node,
                component.inputs,
                component.outputs,
                owner,
                declared_only=False,
                suggestions=suggestions,
            )
    for step in pipeline.steps.values():
        yield from _step(step, suggestions)


def _step(step: Step, suggestions: Suggestions) -> Iterator[Diagnostic]:
    for port in step.inputs.values():
        swept = step.sweep is not None and port.name in step.sweep.search_space  # the sweep binds it
        if port.binding is None and not port.optional and port.default is None and not swept:
            # An input the step names but leaves without a value (`n: {}`) is reported there.
            written = port.span != step.span and port.span.file == step.span.file
            yield rule("P404").at(
                port.span if written else step.uses_span or port.span,
                f"input `{port.name}` of step `{step.name}` is not bound",
                f"bind it under `inputs:` (`{port.name}: ${{{{...}}}}`)",
            )
    if step.uses is not None or step.command is None or step.command_node is None:
        return
    owner = f"step `{step.name}`"
    yield from _command(step.command, step.command_node, step.inputs, step.outputs, owner, True, suggestions)


def _command(
    template: Template,
    node: Scalar,
    inputs: dict[str, Port],
    outputs: dict[str, Port],
    owner: str,
    declared_only: bool,
    suggestions: Suggestions,
) -> Iterator[Diagnostic]:
    # The names used, one set per kind (hashing the enum, or reading its value, runs Python code).
    used_inputs: set[str] = set()
    used_outputs: set[str] = set()
    for placeholder, in_segment in template.placeholders():
        ref = placeholder.ref
        ports = inputs if ref.kind is RefKind.INPUT else outputs if ref.kind is RefKind.OUTPUT else None
        if ports is None:
            continue
        (used_inputs if ref.kind is RefKind.INPUT else used_outputs).add(ref.name)
        if ref.name not in ports:
            what = "input" if ref.kind is RefKind.INPUT else "output"
            hint = (
                suggestions.did_you_mean(ref.name, ports)
                or _listed(ports, f"{owner} has {what}s: ")
                or (f"{owner} declares no {what}s")
            )
            yield rule("P405").at(
                node.span_of(placeholder.start, placeholder.end), f"`{ref}` names no {what} of {owner}", hint
            )
        elif ref.kind is RefKind.INPUT and ports[ref.name].optional and not in_segment:
            yield rule("P403").at(
                node.span_of(placeholder.start, placeholder.end),
                f"optional input `{ref.name}` is used outside `$[[ ]]`",
                f"wrap the part that needs it: `$[[--{ref.name} ${{{{inputs.{ref.name}}}}}]]`",
            )
    for kind, ports, code, used in (
        (RefKind.INPUT, inputs, "P401", used_inputs),
        (RefKind.OUTPUT, outputs, "P402", used_outputs),
    ):
        for port in ports.values():
            reserved = kind is RefKind.OUTPUT and port.name in RESERVED_OUTPUTS
            if port.name not in used and not (declared_only and port.implicit) and not reserved:
                what = "input" if kind is RefKind.INPUT else "output"
                yield rule(code).at(
                    port.span,
                    f"{what} `{port.name}` of {owner} is never used in its command",
                    f"use it as `${{{{{kind.value}.{port.name}}}}}` or remove it",
                )


def _listed(ports: dict[str, Port], prefix: str) -> str:
    """``prefix`` and the first ports in declaration order (how many in all when there are more)."""
    if not ports:
        return ""
    more = f", … ({len(ports)} in all)" if len(ports) > LISTED else ""
    return prefix + ", ".join(islice(ports, LISTED)) + more
