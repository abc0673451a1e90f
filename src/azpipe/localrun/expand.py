"""Sub-pipelines expanded: one flat pipeline whose steps are the inner pipelines' steps.

``azpipe run`` and ``plan`` run a sub-pipeline step as its inner steps, each
planned, fingerprinted and cached on its own under the name ``outer/inner``
(``outer/middle/inner`` two deep); ``azpipe graph --depth N`` draws the steps
N levels deep and each deeper sub-pipeline as one node. The flat pipeline is a
new model; the loaded one is not changed.

Across the boundary a binding is followed to what it stands for: an inner
``${{parent.inputs.x}}`` becomes what the outer step binds to ``x`` (else the
inner input's default, else nothing: an optional input left out); an outer
``${{sub.outputs.y}}`` becomes the inner step output that the inner pipeline
output ``y`` exposes. Paths written in an inner file (``code``, component
files, literal data paths) are rewritten relative to the outer file, so that
they name the same files.
"""

from __future__ import annotations

import os
from dataclasses import replace

from azpipe.diagnostics import Span
from azpipe.expr.ast import Ref, RefKind
from azpipe.model import Binding, Component, DataAsset, Pipeline, PipelineInput, Port, Step
from azpipe.readers.interface import is_asset_path, is_local_path

SEPARATOR = "/"


def has_sub_pipelines(pipeline: Pipeline) -> bool:
    """True when a step of ``pipeline`` uses a sub-pipeline file."""
    return any(step.uses is not None and step.uses.pipeline is not None for step in pipeline.steps.values())


def expanded(pipeline: Pipeline, depth: int | None = None) -> Pipeline:
    """``pipeline`` with each sub-pipeline step replaced by its inner steps, ``depth`` levels deep
    (``None``: all the way); ``pipeline`` itself when there is nothing to expand."""
    if depth == 0 or not has_sub_pipelines(pipeline):
        return pipeline
    return _Expander(pipeline, None if depth is None else depth - 1).flat()


class _Expander:
    """Flattens one level (and, through :func:`expanded`, the levels below it)."""

    def __init__(self, pipeline: Pipeline, deeper: int | None) -> None:
        self.pipeline = pipeline
        self.deeper = deeper
        self.inner: dict[str, Pipeline] = {}  # sub-pipeline step → its flat inner pipeline
        self.exports: dict[tuple[str, str], Ref] = {}  # (sub-pipeline step, output) → the flat producer
        self.members: dict[str, list[str]] = {}  # sub-pipeline step → its flat steps
        self.data: dict[str, DataAsset] = dict(pipeline.data)
        self.environments = dict(pipeline.environments)

    def flat(self) -> Pipeline:
        p = self.pipeline
        for name, step in p.steps.items():
            inner = step.uses.pipeline if step.uses is not None else None
            if inner is not None:
                self._exports(name, expanded(inner, self.deeper))
        steps: dict[str, Step] = {}
        for name, step in p.steps.items():
            if name in self.inner:
                for inner_step in self._inner_steps(step):
                    steps[inner_step.name] = inner_step
            else:
                steps[name] = self._outer_step(step)
        outputs = {
            name: replace(output, binding=self._outer(output.binding)) for name, output in p.outputs.items()
        }
        return replace(
            p, steps=steps, outputs=outputs, data=self.data, environments=self.environments, derived={}
        )

    def _exports(self, name: str, inner: Pipeline) -> None:
        self.inner[name] = inner
        self.members[name] = [f"{name}{SEPARATOR}{step}" for step in inner.steps]
        for output_name, output in inner.outputs.items():
            ref = output.binding.ref if output.binding else None
            if ref is not None and ref.step is not None:
                self.exports[(name, output_name)] = replace(ref, step=f"{name}{SEPARATOR}{ref.step}")

    # ------------------------------------------------------------------ the outer pipeline's own steps

    def _outer(self, binding: Binding | None) -> Binding | None:
        """An outer binding, with references to a sub-pipeline's outputs followed inside."""
        ref = binding.ref if binding else None
        if binding is None or ref is None or ref.kind is not RefKind.STEP_OUTPUT or ref.step is None:
            return binding
        found = self.exports.get((ref.step, ref.name))
        return replace(binding, ref=replace(found, start=ref.start, end=ref.end)) if found else binding

    def _outer_step(self, step: Step) -> Step:
        inputs = {
            name: replace(port, binding=self._outer(port.binding)) for name, port in step.inputs.items()
        }
        return replace(step, inputs=inputs, after=self._after(step.after))

    def _after(self, after: list[tuple[str, Span]]) -> list[tuple[str, Span]]:
        """``after:`` a sub-pipeline step is after every one of its steps."""
        found = []
        for name, span in after:
            found += [(member, span) for member in self.members.get(name, [name])]
        return found

    # ------------------------------------------------------------------ the steps of a sub-pipeline

    def _inner_steps(self, outer: Step) -> list[Step]:
        inner = self.inner[outer.name]
        prefix = outer.name + SEPARATOR
        rebase = _Rebase(inner.base_dir, self.pipeline.base_dir)
        steps = []
        for step in inner.steps.values():
            inputs = {
                name: self._inner_input(outer, inner, prefix, rebase, port)
                for name, port in step.inputs.items()
            }
            environment = inner.environment_of(step)
            if (
                environment is not None
                and environment.kind == "declared"
                and environment.value in inner.environments
            ):
                self.environments.setdefault(environment.value, inner.environments[environment.value])
            steps.append(
                replace(
                    step,
                    name=prefix + step.name,
                    inputs=inputs,
                    outputs={name: replace(port) for name, port in step.outputs.items()},
                    after=[(prefix + name, span) for name, span in step.after],
                    code=rebase.path(step.code),
                    uses=rebase.component(step.uses),
                    environment=environment,
                    compute=step.compute or inner.default_compute,
                )
            )
        return steps

    def _inner_input(self, outer: Step, inner: Pipeline, prefix: str, rebase: _Rebase, port: Port) -> Port:
        binding = port.binding
        ref = binding.ref if binding else None
        if binding is None:
            return replace(port)
        if ref is None:
            return replace(port, binding=replace(binding, value=rebase.value(binding.value)))
        if ref.kind is RefKind.STEP_OUTPUT and ref.step is not None:
            return replace(port, binding=replace(binding, ref=replace(ref, step=prefix + ref.step)))
        if ref.kind is RefKind.DATA and ref.name in inner.data:
            return replace(
                port,
                binding=replace(binding, ref=replace(ref, name=self._data(inner, prefix, rebase, ref.name))),
            )
        if ref.kind is RefKind.PARENT_INPUT:
            given = outer.inputs.get(ref.name)
            if given is not None and given.binding is not None:
                return replace(port, binding=self._outer(given.binding))
            item = inner.inputs.get(ref.name)
            return replace(
                port,
                binding=self._default(item, binding, inner, prefix, rebase),
                optional=port.optional or (item is not None and item.optional),
            )
        return replace(port)

    def _default(
        self, item: PipelineInput | None, binding: Binding, inner: Pipeline, prefix: str, rebase: _Rebase
    ) -> Binding | None:
        """The inner input's own value when the outer step leaves it unbound (``None``: left out)."""
        if item is None:
            return None
        if item.data is not None and item.data in inner.data:
            name = self._data(inner, prefix, rebase, item.data)
            return Binding(binding.span, ref=Ref(RefKind.DATA, name, start=0, end=0))
        if item.default is None:
            return None
        return Binding(binding.span, value=rebase.value(item.default), type=item.type)

    def _data(self, inner: Pipeline, prefix: str, rebase: _Rebase, name: str) -> str:
        """An inner data asset, added to the flat pipeline's under ``outer/NAME`` (path rebased)."""
        asset = inner.data[name]
        new = prefix + name
        self.data.setdefault(new, replace(asset, name=asset.name, path=str(rebase.value(asset.path))))
        return new


class _Rebase:
    """Paths written relative to an inner file, made relative to the outer one."""

    def __init__(self, inner_dir: str, outer_dir: str) -> None:
        self.inner_dir = inner_dir
        self.outer_dir = outer_dir

    def path(self, written: str | None) -> str | None:
        if written is None or not is_local_path(written) or os.path.isabs(written) or written.startswith("~"):
            return written
        full = os.path.normpath(os.path.join(self.inner_dir, written))
        return os.path.relpath(full, self.outer_dir).replace(os.sep, "/")

    def value(self, value: object) -> object:
        """A literal: a local data path (``./x``, ``../x``) rebased, anything else as it is."""
        if isinstance(value, str) and is_asset_path(value) and is_local_path(value):
            rebased = self.path(value) or value
            return rebased if rebased.startswith("../") else "./" + rebased
        return value

    def component(self, component: Component | None) -> Component | None:
        if component is None or component.source not in ("file", "inline"):
            return component
        if component.source == "file":
            return replace(component, path=self.path(component.path))
        return replace(component, code=self.path(component.code))
