"""Where steps run (C901 no-compute, C902 no-environment, R306 unknown-compute).

Every step needs a compute: its own or ``defaults.compute``; and an environment:
its own, its component's, or ``defaults.environment`` (Azure ML rejects a command
job without one). A compute name that
is not declared may exist in the workspace, so it is accepted, unless it is one
or two edits from a declared name: then it is most likely a typo.
"""

from __future__ import annotations

from collections.abc import Iterator

from azpipe.diagnostics import Diagnostic, Span
from azpipe.model import Pipeline
from azpipe.readers.parallel_component import is_flow
from azpipe.rules import rule
from azpipe.suggest import closest

SERVERLESS = "serverless"


def check(pipeline: Pipeline) -> Iterator[Diagnostic]:
    """Check that every step has a compute and an environment, and that compute
    names are not near misses."""
    yield from _environments(pipeline)
    if pipeline.source_format == "native-component":
        return  # a pipeline component's jobs get their compute from the pipeline using it
    if pipeline.default_compute and pipeline.default_compute_span:
        yield from _near_miss(pipeline, pipeline.default_compute, pipeline.default_compute_span)
    for step in pipeline.steps.values():
        if step.kind == "pipeline":
            continue  # a sub-pipeline's steps run where it says, else on this pipeline's default
        if step.kind == "spark":
            continue  # its own compute or serverless resources (K104, checks/spark.py)
        if step.compute and step.compute_span:
            yield from _near_miss(pipeline, step.compute, step.compute_span)
        elif pipeline.compute_of(step) is None and not step.incomplete:
            yield rule("C901").at(
                step.compute_span or step.span,  # at `compute: ""` when it is written empty
                f"step `{step.name}` has no compute",
                "set `compute:` on the step or `defaults: {compute: ...}` "
                "(`serverless` runs without a cluster)",
            )


def _environments(pipeline: Pipeline) -> Iterator[Diagnostic]:
    for step in pipeline.steps.values():
        registered = (step.uses is not None and not step.uses.known) or step.kind == "pipeline"
        registered |= step.kind in ("spark", "automl", "data_transfer")  # Azure ML's own runtimes
        registered |= is_flow(step.uses)  # prompt flow's own runtime (readers/parallel_component.py)
        if pipeline.environment_of(step) is None and not step.incomplete and not registered:
            yield rule("C902").at(step.span, f"step `{step.name}` has no environment",
                                  "set `environment:` on the step or `defaults: {environment: ...}`, "
                                  "e.g. `azureml://registries/azureml/environments/sklearn-1.5/labels/latest`")  # fmt: skip


def _near_miss(pipeline: Pipeline, name: str, span: Span) -> Iterator[Diagnostic]:
    if name in pipeline.compute or name == SERVERLESS:
        return
    match = closest(name, [*pipeline.compute, SERVERLESS], max_edits=2)
    if match:
        yield rule("R306").at(
            span,
            f"compute `{name}` is not declared, but `{match}` is",
            f"did you mean `{match}`? (an existing workspace compute is fine)",
        )
