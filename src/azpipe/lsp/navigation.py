"""Go to definition, hover and find references, from the model's spans of definitions.

A cursor is on a name either where it is used (an :class:`Occurrence`: inside
``${{ }}``, an ``after:`` entry, a ``uses:`` value) or where it is defined (a
step's key under ``steps:``/``jobs:``, a pipeline input's key...). Both lead to a
:class:`Target`; the model says where the target is defined and what it is.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from lsprotocol import types

from azpipe.diagnostics import Span
from azpipe.lsp.document import Analysis
from azpipe.lsp.occurrences import Occurrence, Target
from azpipe.model import Component, DataAsset, Pipeline, PipelineInput, PipelineOutput, Port, Step
from azpipe.readers.component_file import is_component_file


def target_at(analysis: Analysis, position: types.Position) -> tuple[Target, Span] | None:
    """The target of the name at ``position`` and the span of that name."""
    if not analysis.usable:
        return None
    offset = analysis.offset_at(position)
    for occurrence in analysis.occurrences:
        if _contains(analysis, occurrence.span, offset):
            return occurrence.target, occurrence.span
    for target, span in _definitions(analysis):
        if _contains(analysis, span, offset):
            return target, span
    return None


def _contains(analysis: Analysis, span: Span, offset: int) -> bool:
    if span.file != analysis.path:
        return False
    start, end = analysis.main.span_offsets(span)
    return start <= offset <= end  # the cursor right after a name is still on it


def _definitions(analysis: Analysis) -> Iterator[tuple[Target, Span]]:
    """Every definition the model knows, as (target, span of its name)."""
    pipeline = analysis.pipeline
    assert pipeline is not None
    for name, step in pipeline.steps.items():
        yield Target("step", name), step.span
        for port in step.outputs.values():
            yield Target("step_output", port.name, step=name), port.span
    for name, item in pipeline.inputs.items():
        yield Target("pipeline_input", name), item.span
    for name, output in pipeline.outputs.items():
        yield Target("pipeline_output", name), output.span
    for name, asset in pipeline.data.items():
        yield Target("data", name), asset.name_span or asset.span
    for name, component in pipeline.components.items():
        yield Target("component", name), component.span


def definition(analysis: Analysis, target: Target) -> Span | None:
    """Where ``target`` is defined, when the model knows it."""
    pipeline = analysis.pipeline
    if pipeline is None:
        return None
    if target.kind == "component" and target.name not in pipeline.components:
        if is_component_file(target.name):  # a component file: its first line
            return Span.point(os.path.normpath(os.path.join(pipeline.base_dir, target.name)))
        return None
    found = _defined(pipeline, target)
    if isinstance(found, DataAsset):  # its span is the whole definition; jump to the name
        return found.name_span or found.span
    return found.span if found is not None else None


Defined = Step | Port | Component | PipelineInput | PipelineOutput | DataAsset


def _defined(pipeline: Pipeline, target: Target) -> Defined | None:
    """The model object ``target`` names (a step, port, pipeline input...)."""
    kind, name = target.kind, target.name
    if kind == "step":
        return pipeline.steps.get(name)
    if kind == "step_output":
        step = pipeline.steps.get(target.step or "")
        return step.outputs.get(name) if step else None
    if kind in ("own_input", "own_output"):
        return _own_port(pipeline, target)
    if kind == "pipeline_input":
        return pipeline.inputs.get(name)
    if kind == "pipeline_output":
        return pipeline.outputs.get(name)
    if kind == "data":
        return pipeline.data.get(name)
    return pipeline.components.get(name) if kind == "component" else None


def _own_port(pipeline: Pipeline, target: Target) -> Port | None:
    if target.owner is None:
        return None
    section, owner = target.owner
    holder: Step | Component | None = (
        pipeline.components.get(owner) if section == "components" else pipeline.steps.get(owner)
    )
    if holder is None:
        return None
    ports = holder.inputs if target.kind == "own_input" else holder.outputs
    return ports.get(target.name)


def references(analysis: Analysis, target: Target, declaration: bool) -> list[Span]:
    """Every use of ``target`` in the document, and its definition when ``declaration``."""
    found = [o.span for o in analysis.occurrences if _same(o, target)]
    defined = definition(analysis, target) if declaration else None
    return ([defined] if defined else []) + found


def _same(occurrence: Occurrence, target: Target) -> bool:
    other = occurrence.target
    if target.kind in ("own_input", "own_output"):
        return other == target
    return (other.kind, other.name, other.step) == (target.kind, target.name, target.step)


def hover(analysis: Analysis, target: Target) -> str | None:
    """Markdown describing ``target``: what it is, its type and description."""
    pipeline = analysis.pipeline
    found = _defined(pipeline, target) if pipeline is not None else None
    if found is None or pipeline is None:
        return None
    if isinstance(found, Step):
        return _step_hover(pipeline, found)
    if isinstance(found, Port):
        return _port_hover(target, found)
    if isinstance(found, Component):
        return _component_hover(found)
    if isinstance(found, PipelineInput):
        return _input_hover(found)
    if isinstance(found, PipelineOutput):
        return _output_hover(pipeline, found)
    return _data_hover(found)


def _code(text: object) -> str:
    return "`" + str(text).replace("`", "'") + "`"


def _port_line(port: Port) -> str:
    return f"- {_code(port.name)}: {_code(port.type or 'unknown')}" + (" (optional)" if port.optional else "")


def _step_hover(pipeline: Pipeline, step: Step) -> str:
    lines = [f"**step** {_code(step.name)}"]
    if step.uses is not None:
        lines.append(f"uses {_code(step.uses.path or step.uses.name)}")
    description = step.details.description or (step.uses.details.description if step.uses else None)
    if description:
        lines.append(description)
    for title, ports in (("inputs", step.inputs), ("outputs", step.outputs)):
        if ports:
            lines.append(f"{title}:\n" + "\n".join(_port_line(port) for port in ports.values()))
    return "\n\n".join(lines)


_PORT_KINDS = {"step_output": "output", "own_input": "input", "own_output": "output"}


def _port_hover(target: Target, port: Port) -> str:
    whose = f" of step {_code(target.step)}" if target.step else ""
    head = f"**{_PORT_KINDS[target.kind]}** {_code(port.name)}{whose}: {_code(port.type or 'unknown')}"
    facts = [
        f"optional: {_code('true')}" if port.optional else "",
        f"default: {_code(port.default)}" if port.default is not None else "",
        f"mode: {_code(port.mode)}" if port.mode else "",
    ]
    return _join(head, port.description, facts)


def _component_hover(component: Component) -> str:
    head = f"**component** {_code(component.name)}"
    ports = [_port_line(port) for port in (*component.inputs.values(), *component.outputs.values())]
    return _join(head, component.details.description, ports)


def _input_hover(item: PipelineInput) -> str:
    head = f"**pipeline input** {_code(item.name)}: {_code(item.type)}"
    facts = [
        f"default: {_code(item.default)}" if item.default is not None else "",
        f"data asset: {_code(item.data)}" if item.data else "",
        f"optional: {_code('true')}" if item.optional else "",
        f"mode: {_code(item.mode)}" if item.mode else "",
    ]
    return _join(head, item.description, facts)


def _output_hover(pipeline: Pipeline, output: PipelineOutput) -> str:
    type_ = output.type
    ref = output.binding.ref if output.binding is not None else None
    if type_ is None and ref is not None and ref.step in pipeline.steps:
        bound = pipeline.steps[ref.step].outputs.get(ref.name)
        type_ = bound.type if bound is not None else None
    head = f"**pipeline output** {_code(output.name)}" + (f": {_code(type_)}" if type_ else "")
    facts = [
        f"from: {_code('${{' + ref.canonical() + '}}')}" if ref is not None else "",
        f"mode: {_code(output.mode)}" if output.mode else "",
        f"path: {_code(output.path)}" if output.path else "",
    ]
    return _join(head, output.description, facts)


def _data_hover(asset: DataAsset) -> str:
    head = f"**data asset** {_code(asset.name)}: {_code(asset.type)}"
    facts = [
        f"path: {_code(asset.path)}" if asset.path else "",
        f"version: {_code(asset.version)}" if asset.version else "",
    ]
    return _join(head, asset.description, facts)


def _join(head: str, description: str | None, facts: list[str]) -> str:
    parts = [head]
    if description:
        parts.append(description)
    listed = [fact for fact in facts if fact]
    if listed:
        parts.append("\n".join(fact if fact.startswith("- ") else f"- {fact}" for fact in listed))
    return "\n\n".join(parts)
