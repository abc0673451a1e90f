"""What the compile targets need (S103, S105, S106, S109), checked before any command compiles.

``azpipe compile``, ``run`` and ``submit`` refuse nothing ``azpipe check`` does not
report: these rules used to be refusals raised while planning the compiled job
(``emit/plan.py``), which ``check`` never ran. Each keeps its code and position:

- S103: a pipeline with no steps; and, as a warning, a required pipeline input with
  no value (neither ``default``, ``path`` nor ``${{data.X}}``): ``run`` and ``submit``
  take one with ``--set``, ``compile`` has none to write and refuses it as an error;
- S105: ``additional_includes`` on a step that uses a component (they belong to the
  component); ``after:`` naming or written on a step that uses a component file, a
  registered component or another pipeline (azpipe orders steps through a port it adds
  to both, which only a component azpipe writes can take);
- S106: one step output exposed by two pipeline outputs (Azure ML binds it to one);
- S109 (a warning here): what only one compile target can write, since the file is
  fine for the other target and for ``run``; ``compile --target`` of the other one
  refuses it as an error.
"""

from __future__ import annotations

from collections.abc import Iterator

from azpipe.diagnostics import Diagnostic, Severity, Span
from azpipe.model import Pipeline, Step
from azpipe.rules import rule

# What only one target can write: the target that can, where, and what it is.
TargetOnly = tuple[str, Span, str]


def check(pipeline: Pipeline) -> Iterator[Diagnostic]:
    """Report what compiling ``pipeline`` to either target would refuse."""
    if pipeline.source_format != "native-component":  # its pipeline gives its inputs values
        yield from (d.with_severity(Severity.WARNING) for d in inputs_without_value(pipeline))
    yield from _outputs_exposed_twice(pipeline)
    for step in pipeline.steps.values():
        yield from _step_includes(step)
        yield from _after(pipeline, step)
    native = pipeline.source_format.startswith("native")
    for only, span, what in target_only(pipeline):
        if native and "msi_resource_id" in what:
            continue  # the native reader refuses it (S106): azure-ai-ml cannot load it from YAML
        other = "yaml" if only == "python" else "python"
        yield target_only_diagnostic(only, other, span, what).with_severity(Severity.WARNING)


def check_has_steps(pipeline: Pipeline) -> Iterator[Diagnostic]:
    """A pipeline with no steps (Azure ML runs one step or more). Run only when the reader
    found no missing key: a missing ``steps:``/``jobs:`` is already reported as such."""
    if not pipeline.steps:
        yield rule("S103").at(pipeline.span, "the pipeline has no steps", "Azure ML runs one step or more")


def target_only(pipeline: Pipeline) -> list[TargetOnly]:
    """What only one compile target can write, in file order: ``(target, where, what)``."""
    found: list[TargetOnly] = []
    found += _python_only_identity(pipeline.span, pipeline.identity, "the pipeline")
    for output in pipeline.outputs.values():
        if output.description is not None:  # CLI v2 pipeline outputs have no description
            found.append(("python", output.span, f"the description of pipeline output `{output.name}`"))
    for step in pipeline.steps.values():
        found += _python_only_identity(step.span, step.details.identity, f"step `{step.name}`")
        if step.sweep is not None and step.details.identity:  # azure-ai-ml's YAML loader drops it
            found.append(("python", step.span, f"the `identity` of sweep step `{step.name}`"))
    return found


def target_only_diagnostic(only: str, target: str, span: Span, what: str) -> Diagnostic:
    """S109: ``what`` (at ``span``) cannot be written in ``target``, only in ``only``."""
    return rule("S109").at(
        span, f"{what} cannot be written in the {target} target", f"it is only in the {only} target"
    )


def _python_only_identity(span: Span, identity: dict[str, object], owner: str) -> list[TargetOnly]:
    """azure-ai-ml 1.35 cannot load ``msi_resource_id`` from YAML (its loader passes it to
    ``ManagedIdentityConfiguration``, which calls it ``resource_id``): only Python can say it."""
    if "msi_resource_id" in identity:
        return [("python", span, f"`identity.msi_resource_id` of {owner}")]
    return []


def inputs_without_value(pipeline: Pipeline) -> Iterator[Diagnostic]:
    """S103 for each required pipeline input with no value: ``compile`` refuses them."""
    for item in pipeline.inputs.values():
        if item.data is None and item.default is None and not item.optional:
            yield rule("S103").at(
                item.span,
                f"pipeline input `{item.name}` has no value",
                "give it a `default` (or a `path`), or make it `optional: true`",
            )


def _outputs_exposed_twice(pipeline: Pipeline) -> Iterator[Diagnostic]:
    exposed: dict[tuple[str, str], str] = {}
    for output in pipeline.outputs.values():
        ref = output.binding.ref if output.binding else None
        if ref is None or ref.step is None or ref.step not in pipeline.steps:
            continue  # not a step output (or an unknown step: R301 says so)
        first = exposed.setdefault((ref.step, ref.name), output.name)
        if first != output.name:
            span = output.binding.span if output.binding else output.span
            yield rule("S106").at(
                span,
                f"`{ref.step}.outputs.{ref.name}` is already pipeline output `{first}`",
                "Azure ML binds a step output to one pipeline output",
            )


def _step_includes(step: Step) -> Iterator[Diagnostic]:
    if step.details.additional_includes and step.uses is not None:
        yield rule("S105").at(
            step.span,
            f"step `{step.name}` uses a component: `additional_includes` belongs to the component",
            "list them in the component (under `components:` or in its file)",
        )


def orders_by_port(step: Step) -> bool:
    """True when azpipe writes the step's component, so ``after:`` can add a port to it."""
    return step.uses is None or step.uses.source == "inline"


def _after(pipeline: Pipeline, step: Step) -> Iterator[Diagnostic]:
    for earlier_name, span in dict(step.after).items():
        earlier = pipeline.steps.get(earlier_name)
        if earlier is None:
            continue  # an unknown step: R301
        for other in (earlier, step):
            if not orders_by_port(other):
                yield rule("S105").at(
                    span,
                    f"`after:` cannot order step `{other.name}`: it uses {_what_it_uses(other)}",
                    "azpipe adds an ordering port to both steps, so both must be steps or "
                    "`components:` it defines; bind a real output instead",
                )
                break


def _what_it_uses(step: Step) -> str:
    source = step.uses.source if step.uses else "inline"
    return {"file": "a component file", "registered": "a registered component"}.get(source, f"a {source}")
