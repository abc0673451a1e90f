"""Local paths (F801 missing-path, F802 path-escapes, F803 absolute-path) and output
paths (F804 bad-output-path).

``code:`` folders, conda files (of declared and inline environments) and local data
paths are relative to the pipeline file; a component file's ``code:`` and conda file
are relative to the component file. Each is reported at its value. They must exist, must not be absolute (they would only exist on one
machine), and should not leave the repository through ``..`` or a symbolic link
(Azure ML would upload whatever is there).

An output's ``path:`` is where Azure ML writes it on a datastore
(``azureml://datastores/NAME/paths/...``). A ``.`` or ``..`` segment there is not
resolved the way a local path is (Azure Storage avoids such names), and a
``uri_file`` output needs a file name at the end: a path ending in ``/``, ``.``
or ``..`` names a folder.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from azpipe.diagnostics import Diagnostic, Span
from azpipe.model import ASSET_TYPES, Component, Environment, Pipeline, PipelineOutput
from azpipe.readers.interface import is_local_path
from azpipe.rules import rule
from azpipe.source.local_paths import Problem, check_path, path_problem
from azpipe.source.nodes import Map, Node, Scalar


def check(pipeline: Pipeline) -> Iterator[Diagnostic]:
    """Check every local path the pipeline names (each distinct path is probed once),
    and every output path."""
    probed: dict[tuple[str, str], Problem | None] = {}
    local = [(pipeline.base_dir, path, span, what) for path, span, what in _paths(pipeline)]
    for base_dir, path, span, what in local + list(_component_paths(pipeline)):
        if (base_dir, path) not in probed:
            probed[base_dir, path] = _problem(pipeline.base_dir, base_dir, path)
        problem = probed[base_dir, path]
        if problem is not None:
            yield rule(problem[0]).at(span, f"{what}: `{path}` {problem[1]}", problem[2])
    for path, kind, span, what in _output_paths(pipeline):
        found = output_path_problem(path, kind)
        if found is not None:
            yield rule("F804").at(span, f"{what}: path `{path}` {found[0]}", found[1])


def _problem(pipeline_dir: str, base_dir: str, path: str) -> Problem | None:
    """What is wrong with ``path``, written relative to ``base_dir`` (a component file's folder,
    or the pipeline's). The repository is the pipeline's: outside a Git checkout, its folder."""
    if base_dir == pipeline_dir or path.startswith("~") or os.path.isabs(path):
        return path_problem(base_dir, path)
    problem = path_problem(pipeline_dir, os.path.relpath(os.path.join(base_dir, path), pipeline_dir))
    if problem is not None and problem[0] == "F801":  # say which folder it is relative to
        return problem[0], problem[1], f"paths in a component file are relative to its folder ({base_dir})"
    return problem


def component_file_paths(root: Node) -> Iterator[Diagnostic]:
    """A command component file's inline environment paths (its conda file and Docker build
    context), relative to the file's folder: azure-ai-ml refuses the file when one is missing."""
    environment = root.get("environment") if isinstance(root, Map) else None
    if not isinstance(environment, Map):
        return
    build = environment.get("build")
    context = build.get("path") if isinstance(build, Map) else None
    base_dir = os.path.dirname(os.path.abspath(root.span.file))
    for node, what in ((environment.get("conda_file"), "conda file"), (context, "build context")):
        if (
            isinstance(node, Scalar)
            and isinstance(node.value, str)
            and node.value
            and is_local_path(node.value)
        ):
            yield from check_path(base_dir, node.value, node.span, f"{what} of the component's environment")


def _output_paths(pipeline: Pipeline) -> Iterator[tuple[str, str | None, Span, str]]:
    """Each output path with the output's type, span and a description."""
    for step in pipeline.steps.values():
        for port in step.outputs.values():
            if port.path:
                yield port.path, port.type, port.span, f"output `{port.name}` of step `{step.name}`"
    for output in pipeline.outputs.values():
        if output.path:
            yield (
                output.path,
                output.type or _bound_type(pipeline, output),
                output.span,
                f"pipeline output `{output.name}`",
            )


def _bound_type(pipeline: Pipeline, output: PipelineOutput) -> str | None:
    ref = output.binding.ref if output.binding else None
    step = pipeline.steps.get(ref.step or "") if ref else None
    port = step.outputs.get(ref.name) if step and ref else None
    return port.type if port else None


def output_path_problem(path: str, kind: str | None) -> tuple[str, str] | None:
    """What is wrong with an output's datastore ``path`` for an output of type ``kind``
    (what, and a hint), if anything."""
    segments = path.split("/")
    dots = [s for s in segments if s in (".", "..")]
    if kind == "uri_file" and segments[-1] in ("", ".", ".."):
        return (
            "names a folder, not a file",
            "a `uri_file` output's path ends in its file name, e.g. `.../paths/run/model.pkl`",
        )
    if dots:
        return (
            f"has a `{dots[0]}` segment",
            "Azure ML does not resolve `.` and `..` in datastore paths; write the path without them",
        )
    return None


def _paths(pipeline: Pipeline) -> Iterator[tuple[str, Span, str]]:
    for step in pipeline.steps.values():
        if step.code is not None and is_local_path(step.code):  # not a registered code asset
            yield step.code, step.code_span or step.span, f"code folder of step `{step.name}`"
    for step in pipeline.steps.values():
        inline = step.environment.inline if step.environment else None
        if inline is not None:
            yield from _environment_paths(inline, f"the inline environment of step `{step.name}`")
    for env in pipeline.environments.values():
        yield from _environment_paths(env, f"environment `{env.name}`")
    for asset in pipeline.data.values():
        if asset.path and is_local_path(asset.path):
            yield asset.path, asset.path_span or asset.span, f"path of data asset `{asset.name}`"
    for item in pipeline.inputs.values():
        value = item.default
        # An asset input's value is a path, with or without `./` (`path: data/holiday.csv`).
        if item.type in ASSET_TYPES and isinstance(value, str) and is_local_path(value):
            yield value, item.value_span or item.span, f"path of pipeline input `{item.name}`"
    yield from _step_input_paths(pipeline)


def _environment_paths(env: Environment, owner: str) -> Iterator[tuple[str, Span, str]]:
    """An environment's conda file and Docker build context, at their values."""
    if env.conda_file and is_local_path(env.conda_file):
        yield env.conda_file, env.value_spans.get("conda_file", env.span), f"conda file of {owner}"
    context = env.build.get("path")
    if context and is_local_path(context):
        yield context, env.value_spans.get("build.path", env.span), f"build context of {owner}"


def _component_paths(pipeline: Pipeline) -> Iterator[tuple[str, str, Span, str]]:
    """The code folder and inline environment's paths of each component (declared, in a file,
    or inline in a native job) once, relative to the folder its paths are relative to."""
    seen: set[int] = set()
    uses = [step.uses for step in pipeline.steps.values() if step.uses is not None]
    for component in [*pipeline.components.values(), *uses]:
        if id(component) in seen or component.source not in ("inline", "file"):
            continue
        seen.add(id(component))
        base_dir = component_dir(pipeline, component)
        owner = f"component `{component.name}`"
        if component.code is not None and is_local_path(component.code):
            yield base_dir, component.code, component.code_span or component.span, f"code folder of {owner}"
        inline = component.environment.inline if component.environment else None
        if inline is not None:
            for path, span, what in _environment_paths(inline, f"the inline environment of {owner}"):
                yield base_dir, path, span, what


def component_dir(pipeline: Pipeline, component: Component) -> str:
    """The folder a component's paths are relative to: its file's (an inline one's: the pipeline's)."""
    if component.path is None or component.path == "inline":
        return pipeline.base_dir
    return os.path.dirname(os.path.normpath(os.path.join(pipeline.base_dir, component.path)))


def _step_input_paths(pipeline: Pipeline) -> Iterator[tuple[str, Span, str]]:
    """Local paths given to step inputs as literals (``data: ./data``), which ``run`` reads
    and ``submit`` uploads, at the value."""
    for step in pipeline.steps.values():
        for port in step.inputs.values():
            binding = port.binding
            if binding is None or binding.ref is not None or not isinstance(binding.value, str):
                continue
            if (binding.type or port.type) in ASSET_TYPES and is_local_path(binding.value):
                yield binding.value, binding.span, f"input `{step.name}.{port.name}`"
