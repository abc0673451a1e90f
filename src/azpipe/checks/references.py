"""References that must resolve (R301 unknown-step, R302 unknown-port, R303
unknown-pipeline-input, R304 unknown-data-asset, R305 unknown-environment).

Every ``${{ }}`` binding, ``after:`` entry, ``data.NAME`` and environment name is
looked up; an unknown one is reported where it was written, with the nearest
existing name as a hint (within a budget of comparisons linear in the pipeline's
size, so that thousands of unknown names cost no more than the file: past it,
the hint lists declared names instead).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from azpipe.checks.names import is_valid_name
from azpipe.diagnostics import Diagnostic, Span
from azpipe.expr.ast import Ref, RefKind
from azpipe.model import EnvRef, Pipeline, Step
from azpipe.rules import rule
from azpipe.suggest import Suggestions, snake_case


class Hints:
    """The hints of one check of a pipeline: suggestions within a budget linear in its size (see
    :class:`~azpipe.suggest.Suggestions`), name listings sorted once, and the renames below."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        self.suggestions = Suggestions.for_names(declared_names(pipeline))
        self._renamed: dict[str, str] | None = None

    def declared(self, what: str, names: Mapping[str, object]) -> str:
        """``steps: `a`, `b`, ...``: the first eight names of a collection (``what`` names it)."""
        if not names:
            return f"no {what} are declared"
        first, _count = self.suggestions.listing(what, names)
        return f"{what}: " + ", ".join(f"`{n}`" for n in first)

    def renamed(self, name: str) -> str | None:
        """The first step whose name is invalid and whose valid form (snake_case) is ``name``."""
        if self._renamed is None:
            self._renamed = {}
            for step in self.pipeline.steps:
                if not is_valid_name(step):
                    self._renamed.setdefault(snake_case(step), step)
        return self._renamed.get(name)


def declared_names(pipeline: Pipeline) -> int:
    """How many names the pipeline declares: steps, pipeline inputs and outputs, entities, ports."""
    count = len(pipeline.steps) + len(pipeline.inputs) + len(pipeline.outputs) + len(pipeline.data)
    count += len(pipeline.environments) + len(pipeline.compute) + len(pipeline.components)
    count += sum(len(s.inputs) + len(s.outputs) for s in pipeline.steps.values())
    return count + sum(len(c.inputs) + len(c.outputs) for c in pipeline.components.values())


def check(pipeline: Pipeline) -> Iterator[Diagnostic]:
    """Check every reference in the pipeline."""
    hints = Hints(pipeline)
    for item in pipeline.inputs.values():
        if item.data and item.data not in pipeline.data:
            yield _unknown_data(hints, item.data, item.span)
    for step in pipeline.steps.values():
        for port in step.inputs.values():
            if port.binding and port.binding.ref:
                yield from _ref(hints, port.binding.ref, port.binding.span, step)
        yield from _after(hints, step)
        if step.environment:
            yield from _environment(hints, step.environment)
    for output in pipeline.outputs.values():
        if output.binding and output.binding.ref:
            yield from _ref(hints, output.binding.ref, output.binding.span, None)
    for component in pipeline.components.values():
        if component.environment:
            yield from _environment(hints, component.environment)
    if pipeline.default_environment:
        yield from _environment(hints, pipeline.default_environment)


def _ref(hints: Hints, ref: Ref, span: Span, step: Step | None) -> Iterator[Diagnostic]:
    pipeline = hints.pipeline
    if ref.kind is RefKind.PARENT_INPUT and ref.name not in pipeline.inputs:
        hint = hints.suggestions.did_you_mean(ref.name, pipeline.inputs)
        yield rule("R303").at(
            span,
            f"no pipeline input `{ref.name}`",
            hint or hints.declared("pipeline inputs", pipeline.inputs),
        )
    elif ref.kind is RefKind.DATA and ref.name not in pipeline.data:
        yield _unknown_data(hints, ref.name, span)
    elif ref.kind is RefKind.STEP_OUTPUT:
        yield from _step_output(hints, ref, span, step)


def _step_output(hints: Hints, ref: Ref, span: Span, step: Step | None) -> Iterator[Diagnostic]:
    assert ref.step is not None
    source = hints.pipeline.steps.get(ref.step)
    if source is None:
        yield rule("R301").at(span, f"no step `{ref.step}`", _step_hint(hints, ref.step))
        return
    if step is not None and source is step:
        yield rule("G501").at(
            span,
            f"step `{step.name}` reads its own output `{ref.name}`",
            "a step cannot consume what it produces; split it in two",
        )
        return
    if not source.has_output(ref.name):
        hint = hints.suggestions.did_you_mean(ref.name, source.outputs)
        hint = hint or hints.declared(f"outputs of `{ref.step}`", source.outputs)
        yield rule("R302").at(span, f"step `{ref.step}` has no output `{ref.name}`", hint)


def _after(hints: Hints, step: Step) -> Iterator[Diagnostic]:
    for name, span in step.after:
        if name == step.name:
            yield rule("G501").at(span, f"step `{name}` cannot run after itself")
        elif name not in hints.pipeline.steps:
            yield rule("R301").at(span, f"no step `{name}` to run after", _step_hint(hints, name))


def _step_hint(hints: Hints, name: str) -> str:
    """The nearest step name, but never an invalid one (N701): for a step named
    ``trainMean``, the hint is to rename the step, not to copy its name."""
    steps = hints.pipeline.steps
    renamed = hints.renamed(name)
    if renamed is not None:
        return f"rename step `{renamed}` to `{name}`, as this reference already writes it (`{renamed}` is not a valid name)"
    match = hints.suggestions.closest(name, steps)
    if match is None:
        return hints.declared("steps", steps)
    if not is_valid_name(match):
        valid = snake_case(match)
        return f"did you mean step `{match}`? Rename it to `{valid}` (a valid name) and write `{valid}` here"
    return f"did you mean `{match}`?"


def _environment(hints: Hints, env: EnvRef) -> Iterator[Diagnostic]:
    environments = hints.pipeline.environments
    if env.kind == "declared" and env.value not in environments:
        hint = hints.suggestions.did_you_mean(env.value, environments) or (
            "declare it under `environments:`, or name a registered one with a version "
            f"or label (`{env.value}:1`, `{env.value}@latest`)"
        )
        yield rule("R305").at(env.span, f"no environment `{env.value}` is declared", hint)


def _unknown_data(hints: Hints, name: str, span: Span) -> Diagnostic:
    data = hints.pipeline.data
    hint = hints.suggestions.did_you_mean(name, data) or hints.declared("data assets", data)
    return rule("R304").at(span, f"no data asset `{name}` under `data:`", hint)
