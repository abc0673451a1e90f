"""``--set NAME=VALUE``: override a pipeline input before the pipeline is compiled.

A value is read with the input's declared type (``integer``, ``number``,
``boolean``, ``string``); an asset input takes an ``azureml:`` reference, a URI,
or a local path (relative to the current folder, uploaded on submission). The
override replaces the input's default in the model, so the compiled job, the
dry run's YAML and the submitted request all carry it — including optional
inputs the file left without a value. No azure import here.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from azpipe.expr.ast import RefKind
from azpipe.localrun.values import SetError, read_set
from azpipe.model import Pipeline
from azpipe.records import record


class OverrideError(Exception):
    """A ``--set`` that names no input or whose value does not fit its type (a usage error)."""


@record(frozen=True)
class Override:
    """One pipeline input's new value, already typed."""

    name: str
    value: Any
    text: str  # as the user wrote it, for the plan


def read_overrides(pipeline: Pipeline, assignments: list[tuple[str, str]]) -> list[Override]:
    """Typed overrides for ``(NAME, VALUE)`` pairs; raises :class:`OverrideError` on the first bad one.

    Values are read by :func:`azpipe.localrun.values.read_set`, the rule ``azpipe run`` applies too.
    """
    found: dict[str, Override] = {}
    for name, text in assignments:
        try:
            value = read_set(pipeline, name, text)
        except SetError as error:
            raise OverrideError(str(error)) from None
        if pipeline.inputs[name].type == "number":
            value = float(value)  # a number input stays a number: "1.0" in the request, not "1"
        found[name] = Override(name, value, text)
    return list(found.values())


def apply_overrides(pipeline: Pipeline, overrides: list[Override]) -> None:
    """Give each overridden input its new value (in place, before compiling).

    A data asset that only overridden inputs used is no longer part of the job: it
    is dropped from the model, so it is neither provisioned nor listed by ``--dry-run``.
    """
    before = data_in_use(pipeline)
    for override in overrides:
        item = pipeline.inputs[override.name]
        pipeline.inputs[override.name] = replace(item, default=override.value, data=None)
    for name in before - data_in_use(pipeline):
        del pipeline.data[name]
    pipeline.derived.clear()  # the graph kept with the model was built before the change


def data_in_use(pipeline: Pipeline) -> set[str]:
    """The data assets the job reads: bound to a pipeline input, or to a step input directly."""
    used = {item.data for item in pipeline.inputs.values() if item.data}
    for step in pipeline.steps.values():
        for port in step.inputs.values():
            ref = port.binding.ref if port.binding else None
            if ref is not None and ref.kind is RefKind.DATA:
                used.add(ref.name)
    return used
