"""References that must resolve (R301 unknown-step, R302 unknown-port, R303
unknown-pipeline-input, R304 unknown-data-asset, R305 unknown-environment).

Every ``${{ }}`` binding, ``after:`` entry, ``data.NAME`` and environment name is
looked up; an unknown one is reported where it was written, with the nearest
existing name as a hint.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from azpipe.checks.names import is_valid_name
from azpipe.diagnostics import Diagnostic, Span
from azpipe.expr.ast import Ref, RefKind
from azpipe.model import EnvRef, Pipeline, Step
from azpipe.rules import rule
from azpipe.suggest import closest, did_you_mean, snake_case


def check(pipeline: Pipeline) -> Iterator[Diagnostic]:
    """Check every reference in the pipeline."""
    for item in pipeline.inputs.values():
        if item.data and item.data not in pipeline.data:
            yield _unknown_data(pipeline, item.data, item.span)
    for step in pipeline.steps.values():
        for port in step.inputs.values():
            if port.binding and port.binding.ref:
                yield from _ref(pipeline, port.binding.ref, port.binding.span, step)
        yield from _after(pipeline, step)
        if step.environment:
            yield from _environment(pipeline, step.environment)
    for output in pipeline.outputs.values():
        if output.binding and output.binding.ref:
            yield from _ref(pipeline, output.binding.ref, output.binding.span, None)
    for component in pipeline.components.values():
        if component.environment:
            yield from _environment(pipeline, component.environment)
    if pipeline.default_environment:
        yield from _environment(pipeline, pipeline.default_environment)


def _ref(pipeline: Pipeline, ref: Ref, span: Span, step: Step | None) -> Iterator[Diagnostic]:
    if ref.kind is RefKind.PARENT_INPUT and ref.name not in pipeline.inputs:
        hint = did_you_mean(ref.name, pipeline.inputs) or _declared("pipeline inputs", pipeline.inputs)
        yield rule("R303").at(span, f"no pipeline input `{ref.name}`", hint)
    elif ref.kind is RefKind.DATA and ref.name not in pipeline.data:
        yield _unknown_data(pipeline, ref.name, span)
    elif ref.kind is RefKind.STEP_OUTPUT:
        yield from _step_output(pipeline, ref, span, step)


def _step_output(pipeline: Pipeline, ref: Ref, span: Span, step: Step | None) -> Iterator[Diagnostic]:
    assert ref.step is not None
    source = pipeline.steps.get(ref.step)
    if source is None:
        yield rule("R301").at(span, f"no step `{ref.step}`", _step_hint(ref.step, pipeline))
        return
    if step is not None and source is step:
        yield rule("G501").at(
            span,
            f"step `{step.name}` reads its own output `{ref.name}`",
            "a step cannot consume what it produces; split it in two",
        )
        return
    if not source.has_output(ref.name):
        hint = did_you_mean(ref.name, source.outputs) or _declared(f"outputs of `{ref.step}`", source.outputs)
        yield rule("R302").at(span, f"step `{ref.step}` has no output `{ref.name}`", hint)


def _after(pipeline: Pipeline, step: Step) -> Iterator[Diagnostic]:
    for name, span in step.after:
        if name == step.name:
            yield rule("G501").at(span, f"step `{name}` cannot run after itself")
        elif name not in pipeline.steps:
            yield rule("R301").at(span, f"no step `{name}` to run after", _step_hint(name, pipeline))


def _step_hint(name: str, pipeline: Pipeline) -> str:
    """The nearest step name, but never an invalid one (N701): for a step named
    ``trainMean``, the hint is to rename the step, not to copy its name."""
    for step in pipeline.steps:
        if not is_valid_name(step) and snake_case(step) == name:
            return f"rename step `{step}` to `{name}`, as this reference already writes it (`{step}` is not a valid name)"
    match = closest(name, pipeline.steps)
    if match is None:
        return _declared("steps", pipeline.steps)
    if not is_valid_name(match):
        valid = snake_case(match)
        return f"did you mean step `{match}`? Rename it to `{valid}` (a valid name) and write `{valid}` here"
    return f"did you mean `{match}`?"


def _environment(pipeline: Pipeline, env: EnvRef) -> Iterator[Diagnostic]:
    if env.kind == "declared" and env.value not in pipeline.environments:
        hint = did_you_mean(env.value, pipeline.environments) or (
            "declare it under `environments:`, or name a registered one with a version "
            f"or label (`{env.value}:1`, `{env.value}@latest`)"
        )
        yield rule("R305").at(env.span, f"no environment `{env.value}` is declared", hint)


def _unknown_data(pipeline: Pipeline, name: str, span: Span) -> Diagnostic:
    hint = did_you_mean(name, pipeline.data) or _declared("data assets", pipeline.data)
    return rule("R304").at(span, f"no data asset `{name}` under `data:`", hint)


def _declared(what: str, names: Mapping[str, object]) -> str:
    listed = ", ".join(f"`{n}`" for n in sorted(names)[:8])
    return f"{what}: {listed}" if names else f"no {what} are declared"
