"""Types along edges (T601 type-mismatch).

Types are declared once, where data is produced; a port that also declares a
type (a component input, or a step input's ``type:``) must accept what it is
bound to: a ``uri_file`` is not a folder, a string is not an integer.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from azpipe.diagnostics import Diagnostic, Span
from azpipe.expr.ast import Ref, RefKind
from azpipe.model import ASSET_TYPES, PRIMITIVE_TYPES, Pipeline, Port
from azpipe.resolve import inline_automl_type, source_type
from azpipe.rules import rule

FOLDER_LIKE = frozenset({"uri_folder", "mltable", "mlflow_model", "custom_model", "triton_model"})
_PYTHON_TYPES: dict[str, tuple[type, ...]] = {
    "integer": (int,), "number": (int, float), "boolean": (bool,), "string": (str,),
}  # fmt: skip


def compatible(source: str, target: str) -> bool:
    """True when data of type ``source`` may feed an input of type ``target``."""
    if source == target:
        return True
    if source in PRIMITIVE_TYPES and target in PRIMITIVE_TYPES:
        return (source, target) == ("integer", "number") or target == "string"
    if source in ASSET_TYPES and target in ASSET_TYPES:
        if "path" in (source, target):  # the legacy name for any asset: Azure ML does not check it
            return True
        if {source, target} == {"uri_folder", "mltable"}:  # an MLTable is read from the folder holding it
            return True
        return source in FOLDER_LIKE and target in FOLDER_LIKE and target == "uri_folder"
    return False


def literal_fits(value: Any, target: str) -> bool:
    """True when a literal may be given to an input of type ``target``.

    Azure ML passes literals on as text, so a number fits a string input, and text
    that reads as the target type (``"True"``, ``"42"``) fits it too.
    """
    if target in ASSET_TYPES or target == "string":
        return isinstance(value, str) or (target == "string" and isinstance(value, (int, float)))
    if isinstance(value, str):
        return _parses_as(value, target)
    if target != "boolean" and isinstance(value, bool):
        return False
    return isinstance(value, _PYTHON_TYPES[target])


def _parses_as(text: str, target: str) -> bool:
    if target == "boolean":
        return text.strip().lower() in ("true", "false")
    try:
        (int if target == "integer" else float)(text)
    except ValueError:
        return False
    return True


def check(pipeline: Pipeline) -> Iterator[Diagnostic]:
    """Check every binding against the declared type of its target."""
    for item in pipeline.inputs.values():
        if item.default is not None and item.data is None and not literal_fits(item.default, item.type):
            where = item.value_span or item.span
            yield _literal(item.default, item.type, where, f"pipeline input `{item.name}`")
    for step in pipeline.steps.values():
        for port in step.inputs.values():
            yield from _port(pipeline, port, f"input `{port.name}` of step `{step.name}`")
    if pipeline.source_format == "azpipe":  # the compiled job writes the type it takes
        yield from _primitive_outputs(pipeline)


def _primitive_outputs(pipeline: Pipeline) -> Iterator[Diagnostic]:
    """Pipeline outputs that expose a step's integer, number, string or boolean output: a pipeline
    job's outputs hold data (azure-ai-ml's OutputSchema takes only the asset types)."""
    for output in pipeline.outputs.values():
        ref = output.binding.ref if output.binding is not None else None
        if ref is None or ref.kind is not RefKind.STEP_OUTPUT or ref.step not in pipeline.steps:
            continue
        port = pipeline.steps[ref.step].outputs.get(ref.name)
        if port is not None and port.type in PRIMITIVE_TYPES and output.binding is not None:
            yield rule("T601").at(
                output.binding.span,
                f"pipeline output `{output.name}` exposes `{ref}`, of type `{port.type}`",
                "a pipeline's outputs hold data (`uri_folder`, `uri_file`...); pass a value on as a file",
            )


def _port(pipeline: Pipeline, port: Port, what: str) -> Iterator[Diagnostic]:
    binding = port.binding
    written = port.written_type not in (None, port.type)  # in a step with its own command, its type
    if binding is not None and binding.ref is not None and written and pipeline.source_format == "azpipe":
        yield from _written(pipeline, port, what)
    if binding is None or port.type is None:
        return
    if binding.ref is None:
        if not literal_fits(binding.value, port.type):
            yield _literal(binding.value, port.type, binding.span, what)
        return
    found = source_type(pipeline, port)
    if port.type == inline_automl_type(pipeline, port, native_only=False):
        return  # azure-ai-ml types an AutoML output a job's own input takes `mltable`
    if found is not None and not compatible(found, port.type):
        given = _given_literal(pipeline, binding.ref, port.type)
        if given is not None:  # the value is what is wrong: point at it
            value, span, name = given
            yield _literal(value, port.type, span, f"pipeline input `{name}`, bound to {what},")
            return
        if port.type in PRIMITIVE_TYPES and _sent_as_text(pipeline, binding.ref):
            return  # a value that reads as the type it is bound to (`"20"` for an integer)
        yield rule("T601").at(
            binding.span, f"{what} takes `{port.type}` but is bound to `{found}`", _hint(found, port.type)
        )


def _given_literal(pipeline: Pipeline, ref: Ref, target: str) -> tuple[Any, Span, str] | None:
    """The literal value, its span and the input's name, of the pipeline input ``ref`` names,
    when that value is written in the file and does not fit ``target``, the type of the
    input it is bound to (``b_weight: half`` for a number, ``station: ""`` for data): then the
    value is the mistake."""
    item = pipeline.inputs.get(ref.name) if ref.kind is RefKind.PARENT_INPUT else None
    if item is None or item.data is not None or item.default is None or item.value_span is None:
        return None
    if literal_fits(item.default, target) and not (item.default == "" and target in ASSET_TYPES):
        return None  # a value that fits: the declared types are what disagree (`""` is no path)
    return item.default, item.value_span, item.name


def _sent_as_text(pipeline: Pipeline, ref: Ref) -> bool:
    """True when ``ref`` names a pipeline job's input written as a bare value: a native job's
    inputs have no declared type (azure-ai-ml refuses `type: string` there) and their values go
    to Azure ML as literal text whatever YAML made of them, so only the text must fit."""
    item = pipeline.inputs.get(ref.name) if ref.kind is RefKind.PARENT_INPUT else None
    return (
        pipeline.source_format == "native"
        and item is not None
        and item.data is None
        and item.default is not None
        and item.type in PRIMITIVE_TYPES
    )


def _written(pipeline: Pipeline, port: Port, what: str) -> Iterator[Diagnostic]:
    """A `type:` written next to a reference on a step that uses a component: checked against what
    is bound when that is known (Azure ML drops it; in a native file it is not checked, as there)."""
    assert port.binding is not None and port.written_type is not None
    found = source_type(pipeline, port)
    if port.written_type == "mltable" and inline_automl_type(pipeline, port, native_only=False):
        return  # what azure-ai-ml makes of an AutoML output a job's own input takes
    if found is not None and not compatible(found, port.written_type):
        hint = _hint(found, port.written_type)
        yield rule("T601").at(
            port.binding.span, f"{what} says `{port.written_type}` but is bound to `{found}`", hint
        )


def _literal(value: Any, target: str, span: Span, what: str) -> Diagnostic:
    shown = "a boolean" if isinstance(value, bool) else f"the {type(value).__name__} {value!r}"
    return rule("T601").at(span, f"{what} takes `{target}` but is given {shown}")


def _hint(found: str, target: str) -> str | None:
    if {found, target} == {"uri_file", "uri_folder"}:
        return "a `uri_file` is a single file and a `uri_folder` a folder; make both sides agree"
    return None
