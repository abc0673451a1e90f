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
        port.type = inline_automl_type(pipeline, port) or source_type(pipeline, port)
    ref = port.binding.ref if port.binding else None
    if ref is not None and ref.kind is RefKind.PARENT_INPUT and ref.name in pipeline.inputs:
        # An input fed by an optional pipeline input may be absent at run time.
        port.optional = port.optional or pipeline.inputs[ref.name].optional


def inline_automl_type(pipeline: Pipeline, port: Port, native_only: bool = True) -> str | None:
    """``mltable`` for an untyped input of a native file's job bound to an AutoML node's output.

    azure-ai-ml types such an input ``mltable`` whatever the AutoML output declares
    (``_find_source_from_other_jobs``: "AutoMLJob's output type can only be MLTABLE"), and the
    component it sends says so; the azpipe language keeps the declared type unless the step
    says `type: mltable` (``native_only=False`` answers for any file).
    """
    ref = port.binding.ref if port.binding else None
    if (
        (native_only and pipeline.source_format == "azpipe")
        or ref is None
        or ref.kind is not RefKind.STEP_OUTPUT
    ):
        return None
    upstream = pipeline.steps.get(ref.step or "")
    return "mltable" if upstream is not None and upstream.kind == "automl" else None
