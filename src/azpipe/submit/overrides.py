"""``--set NAME=VALUE``: override a pipeline input before the pipeline is compiled.

A value is read with the input's declared type (``integer``, ``number``,
``boolean``, ``string``); an asset input takes an ``azureml:`` reference, a URI,
or a local path (relative to the current folder, uploaded on submission). The
override replaces the input's default in the model, so the compiled job, the
dry run's YAML and the submitted request all carry it — including optional
inputs the file left without a value. No azure import here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from typing import Any

from azpipe.localrun.values import parse_value
from azpipe.model import ASSET_TYPES, Pipeline, PipelineInput
from azpipe.readers.interface import is_local_path
from azpipe.suggest import did_you_mean


class OverrideError(Exception):
    """A ``--set`` that names no input or whose value does not fit its type (a usage error)."""


@dataclass(frozen=True)
class Override:
    """One pipeline input's new value, already typed."""

    name: str
    value: Any
    text: str  # as the user wrote it, for the plan


def read_overrides(pipeline: Pipeline, assignments: list[tuple[str, str]]) -> list[Override]:
    """Typed overrides for ``(NAME, VALUE)`` pairs; raises :class:`OverrideError` on the first bad one."""
    found: dict[str, Override] = {}
    for name, text in assignments:
        item = pipeline.inputs.get(name)
        if item is None:
            raise OverrideError(_unknown(name, pipeline))
        found[name] = Override(name, _typed(item, text), text)
    return list(found.values())


def apply_overrides(pipeline: Pipeline, overrides: list[Override]) -> None:
    """Give each overridden input its new value (in place, before compiling)."""
    for override in overrides:
        item = pipeline.inputs[override.name]
        pipeline.inputs[override.name] = replace(item, default=override.value, data=None)


def _typed(item: PipelineInput, text: str) -> Any:
    if item.type in ASSET_TYPES:
        return _asset(item, text)
    try:
        value = parse_value(text, item.type)
    except ValueError as error:
        raise OverrideError(
            f"--set {item.name}={text!r}: the value {error} (`{item.name}` is {_a(item.type)} input)"
        ) from None
    return float(value) if item.type == "number" else value


def _asset(item: PipelineInput, text: str) -> str:
    """An asset input's new path: a reference or URI as written, a local path made absolute."""
    if not text.strip():
        raise OverrideError(f"--set {item.name}=: `{item.name}` is a {item.type} input; give a path or URI")
    if not is_local_path(text):
        return text
    full = os.path.abspath(os.path.expanduser(text))
    if not os.path.exists(full):
        raise OverrideError(f"--set {item.name}={text}: `{text}` does not exist")
    return full


def _unknown(name: str, pipeline: Pipeline) -> str:
    known = sorted(pipeline.inputs)
    hint = did_you_mean(name, known)
    if hint:
        return f"--set {name}: the pipeline has no input `{name}`; {hint}"
    listed = ", ".join(f"`{n}`" for n in known) or "none"
    return f"--set {name}: the pipeline has no input `{name}` (its inputs: {listed})"


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"
