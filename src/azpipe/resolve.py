"""After building: give step inputs the type and optionality of what they are bound to."""

from __future__ import annotations

from azpipe.expr.ast import RefKind
from azpipe.model import Pipeline, Port


def resolve_ports(pipeline: Pipeline) -> None:
    """Fill each unbound-typed step input from its binding (types are declared once)."""
    for step in pipeline.steps.values():
        for port in step.inputs.values():
            _resolve(pipeline, port)


def source_type(pipeline: Pipeline, port: Port) -> str | None:
    """The type of what ``port`` is bound to, when it is known."""
    binding = port.binding
    if binding is None:
        return None
    ref = binding.ref
    if ref is None:
        from azpipe.readers.interface import infer_type

        return infer_type(binding.value, pipeline.base_dir)
    if ref.kind is RefKind.PARENT_INPUT and ref.name in pipeline.inputs:
        return pipeline.inputs[ref.name].type
    if ref.kind is RefKind.DATA and ref.name in pipeline.data:
        return pipeline.data[ref.name].type
    if ref.kind is RefKind.STEP_OUTPUT and ref.step in pipeline.steps:
        output = pipeline.steps[ref.step].outputs.get(ref.name)
        return output.type if output else None
    return None


def _resolve(pipeline: Pipeline, port: Port) -> None:
    if port.type is None:
        port.type = source_type(pipeline, port)
    ref = port.binding.ref if port.binding else None
    if ref is not None and ref.kind is RefKind.PARENT_INPUT and ref.name in pipeline.inputs:
        # An input fed by an optional pipeline input may be absent at run time.
        port.optional = port.optional or pipeline.inputs[ref.name].optional
