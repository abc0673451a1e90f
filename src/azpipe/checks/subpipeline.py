"""Sub-pipelines: the inner files are checked as files of their own.

Each pipeline file a step uses (``uses: ./features/pipeline.yaml``, or a native
``type: pipeline`` node's component file) gets every check a file given to
``azpipe check`` gets, with diagnostics in its own path and positions; then its
own sub-pipelines, recursively. A file used twice is checked once (its
diagnostics are shared: the front end reports each once). Bindings across the
boundary are the outer steps' ports and are checked with the outer file
(R302 unknown ports, T601 types, P404 unbound required inputs).
"""

from __future__ import annotations

from collections.abc import Iterator

from azpipe.diagnostics import Diagnostic
from azpipe.model import Pipeline

_CHECKED = "subpipeline_checked"


def check(pipeline: Pipeline) -> Iterator[Diagnostic]:
    """Every diagnostic of every sub-pipeline file ``pipeline`` uses (and theirs, recursively),
    less what only a pipeline run on its own needs (:func:`_as_component`)."""
    for inner in sub_pipelines(pipeline):
        yield from _as_component(inner, _checked(inner), pipeline.default_compute is not None)


def _as_component(inner: Pipeline, found: list[Diagnostic], computed: bool) -> Iterator[Diagnostic]:
    """An inner file is a component: its inputs get their values from the step that uses it
    (an unbound required one is P404 there), and its steps run on the outer pipeline's
    default compute when ``computed`` (Azure ML's rule for a pipeline component's nodes)."""
    unset = {item.span for item in inner.inputs.values() if item.default is None and item.data is None}
    steps = _step_spans(inner, set())
    for diagnostic in found:
        if diagnostic.code == "S103" and diagnostic.span in unset:
            continue
        if diagnostic.code == "C901" and computed and diagnostic.span in steps:
            continue
        yield diagnostic


def sub_pipelines(pipeline: Pipeline) -> list[Pipeline]:
    """The distinct pipelines ``pipeline``'s steps use directly, in step order."""
    found: dict[int, Pipeline] = {}
    for step in pipeline.steps.values():
        inner = step.uses.pipeline if step.uses is not None else None
        if inner is not None:
            found.setdefault(id(inner), inner)
    return list(found.values())


def _checked(inner: Pipeline) -> list[Diagnostic]:
    """The inner pipeline's diagnostics: its readers', its document's and its checks' (once)."""
    if not inner.derived.get(_CHECKED):
        from azpipe.checks import check_document, run_checks  # this module is one of the checks
        from azpipe.resolve import resolve_ports

        inner.derived[_CHECKED] = True
        found = list(inner.diagnostics)
        found += check_document(inner.derived.get("document"), _form(inner), found)
        resolve_ports(inner)
        inner.diagnostics = found + run_checks(inner, found)
    return inner.diagnostics


def _step_spans(inner: Pipeline, seen: set[int]) -> set[object]:
    """The steps of ``inner`` and of its sub-pipelines, all the way down (each pipeline once)."""
    seen.add(id(inner))
    spans: set[object] = {step.span for step in inner.steps.values()}
    for deeper in sub_pipelines(inner):
        if id(deeper) not in seen:
            spans |= _step_spans(deeper, seen)
    return spans


def _form(inner: Pipeline) -> str:
    # A pipeline component file a node names: read as azure-ai-ml reads a file reference.
    return "azpipe" if inner.source_format == "azpipe" else "used-native-component"
