"""Sub-pipelines in both targets (issue 11 item 1).

A step that uses a sub-pipeline file is a ``type: pipeline`` node. Its inner
pipeline is planned like any pipeline (paths relative to the same output
folder) and written:

- in YAML, as a pipeline component file next to the compiled job
  (``NAME.pipeline.yml``: the inner pipeline's inputs and outputs declared as a
  component's, its jobs as the job's), which the node names as its ``component``;
- in Python, as a ``@dsl.pipeline`` function at module level, called in the
  outer pipeline function like a component.

The inner pipeline's ``defaults.compute`` becomes each inner node's own compute
(a pipeline component has no settings); a data input with a default path the
step does not bind is bound on the node (a component's data input has no
default in Azure ML). A registered pipeline component (``azureml:NAME:VERSION``)
is named by id in YAML; the Python target refuses it (S109: azure-ai-ml needs a
workspace to load a registered pipeline component).
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from azpipe.emit.names import file_stem
from azpipe.emit.plan import InPort, Plan, Source, StepPlan
from azpipe.emit.values import yaml_block, yq
from azpipe.model import Step
from azpipe.records import record

SCHEMA_LINE = '$schema: "https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json"\n'
COMPONENT_SCHEMA = '$schema: "https://azuremlschemas.azureedge.net/latest/pipelineComponent.schema.json"\n'


@record
class SubPlan:
    """A pipeline node's inner plan (``None``: a registered pipeline component, named by id)."""

    plan: Plan | None
    key: str = ""  # the inner file: one component file per file, however often it is used


def plan_subpipeline(planner: Any, step: Step, result: StepPlan) -> None:
    """Plan the node of ``step`` (a sub-pipeline step) into ``result``, and its inner pipeline."""
    from azpipe.emit.plan import _Planner  # this module extends the planner

    inner = step.uses.pipeline if step.uses is not None else None
    if inner is None:  # a registered pipeline component: its id, as a registered command's
        result.pipeline = SubPlan(None)
        return
    sub = _Planner(inner, planner.out_dir)
    inner_plan = sub.build()
    planner.refusals += sub.refusals
    for node in inner_plan.steps:  # a pipeline component has no settings: its compute is on its nodes
        node.compute = node.compute or inner_plan.default_compute
    bound = {port.name for port in result.inputs}
    for item in inner_plan.inputs:
        if item.name not in bound and item.path is not None:
            source = Source("asset", type=item.type, path=item.path)
            result.inputs.append(InPort(item.name, source=source, mode=item.mode, datastore=item.datastore))
    result.outputs = [port for port in result.outputs if port.configured or port.pipeline_output]
    result.pipeline = SubPlan(inner_plan, os.path.abspath(inner.path))


def component_plan(inner: Plan) -> Plan:
    """The inner plan with only what a pipeline component holds (its jobs; its own header is written apart)."""
    return replace(inner, inputs=[], outputs=[], job_name=None, experiment=None, default_compute=None,
                   default_datastore=None, continue_on_step_failure=None, force_rerun=None, on_init=None,
                   on_finalize=None, identity={}, properties={}, services={}, display_name=None,
                   description=None, tags={}, environments=[], compute=[], data=[])  # fmt: skip


# ---------------------------------------------------------------------- YAML


def yaml_component_files(the_plan: Plan, render: Callable[[Plan], str]) -> dict[str, str]:
    """File name → text of the pipeline component file of every sub-pipeline ``the_plan`` uses
    (recursively); names each pipeline node's ``component`` after its file. ``render`` writes a
    plan's job YAML (:func:`azpipe.emit.yaml.render_yaml`)."""
    names = name_component_files(the_plan)
    return {name: _component_text(inner, render) for inner, name in _inner_plans(the_plan, names).values()}


def name_component_files(the_plan: Plan) -> dict[str, str]:
    """Name the component file of each sub-pipeline (inner file → file name), and each pipeline
    node's ``component`` after it."""
    names: dict[str, str] = {}
    _name_files(the_plan, names, set())
    return names


def _name_files(the_plan: Plan, names: dict[str, str], taken: set[str]) -> None:
    for step in the_plan.steps:
        sub = step.pipeline
        if not isinstance(sub, SubPlan) or sub.plan is None:
            continue
        if sub.key not in names:
            stem = file_stem(sub.plan.name, taken)
            taken.add(stem)
            names[sub.key] = f"{stem}.pipeline.yml"
            _name_files(sub.plan, names, taken)
        step.component = "./" + names[sub.key]


def _inner_plans(the_plan: Plan, names: dict[str, str]) -> dict[str, tuple[Plan, str]]:
    found: dict[str, tuple[Plan, str]] = {}
    for step in the_plan.steps:
        sub = step.pipeline
        if isinstance(sub, SubPlan) and sub.plan is not None and sub.key not in found:
            found[sub.key] = (sub.plan, names[sub.key])
            for key, value in _inner_plans(sub.plan, names).items():
                found.setdefault(key, value)
    return found


def _component_text(inner: Plan, render: Callable[[Plan], str]) -> str:
    """A pipeline component file: the job template's jobs under a component's header."""
    text = render(component_plan(inner))
    head, jobs = text.split("\njobs:\n", 1)
    head = head.replace(SCHEMA_LINE, COMPONENT_SCHEMA)
    # Unset, `@dsl.pipeline` names the display after the function: both targets state it.
    header: dict[str, Any] = {"name": inner.name, "display_name": inner.display_name or inner.name}
    if inner.description:
        header["description"] = inner.description
    if inner.tags:
        header["tags"] = inner.tags
    parts = [head, "\n", yaml_block(header, 0, ("tags",))]
    inputs = {item.name: _component_input(item) for item in inner.inputs}
    if inputs:
        parts.append("inputs:\n" + "".join(f"  {yq(n)}:\n" + yaml_block(v, 4) for n, v in inputs.items()))
    outputs = {o.name: _present({"type": o.type, "mode": o.mode, "description": o.description})
               for o in inner.outputs}  # fmt: skip
    if outputs:
        parts.append("outputs:\n" + "".join(f"  {yq(n)}:\n" + yaml_block(v, 4) for n, v in outputs.items()))
    return "".join(parts) + "jobs:\n" + jobs


def _component_input(item: Any) -> dict[str, Any]:
    """A pipeline input as a component input: a parameter keeps its default; a data input has none
    (the node binds it)."""
    default = item.value if not item.is_asset else None
    return _present({"type": item.type, "optional": item.optional or None, "default": default,
                     "description": item.description, "mode": item.mode})  # fmt: skip


def _present(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


# ---------------------------------------------------------------------- Python


def python_function(module: Any, step: StepPlan, module_class: Any) -> str:
    """The ``@dsl.pipeline`` function a sub-pipeline step calls, named as its component variable;
    the inner pipeline's own components first (their variables prefixed with the function's name)."""
    from azpipe.emit.names import module_names

    sub = step.pipeline
    assert isinstance(sub, SubPlan) and sub.plan is not None
    function = module.names.components[step.name]
    written = _WRITTEN.setdefault(module, {})
    if sub.key in written:  # the same file used again: the same function
        return f"\n{function} = {written[sub.key]}"
    written[sub.key] = function
    inner = component_plan(sub.plan)
    inner.inputs, inner.outputs = sub.plan.inputs, sub.plan.outputs
    inner.display_name, inner.description, inner.tags = (
        sub.plan.display_name, sub.plan.description, sub.plan.tags)  # fmt: skip
    names = module_names(inner.name, [s.name for s in inner.steps], [i.name for i in inner.inputs])
    names.function = function
    names.components = {name: f"{function}_{variable}" for name, variable in names.components.items()}
    nested = module_class(inner, names)
    parts = [nested._component(s) for s in inner.steps if s.kind != "registered"]
    parts.append("@" + _decorator(nested) + "\n" + nested._signature() + "\n" + "\n".join(nested._body()))
    module.used |= nested.used
    return "\n" + "\n\n\n".join(parts)  # two blank lines before it, whatever comes before


# Each module's sub-pipeline functions, by inner file: a file used twice is one function.
_WRITTEN: weakref.WeakKeyDictionary[Any, dict[str, str]] = weakref.WeakKeyDictionary()


def _decorator(nested: Any) -> str:
    from azpipe.emit.values import call, py

    p = nested.plan
    return str(py(call("dsl.pipeline", name=p.name, display_name=p.display_name or p.name,
                   description=p.description, tags=p.tags or None), 0, 1))  # fmt: skip


# ---------------------------------------------------------------------- writing and proving

COMPONENT_SUFFIX = ".pipeline.yml"


def component_files(files: dict[str, str]) -> dict[str, str]:
    """The pipeline component files among the YAML target's files (name → text)."""
    return {name: text for name, text in files.items() if name.endswith(COMPONENT_SUFFIX)}


def proof_names(names: list[str], token: str) -> dict[str, str]:
    """A hidden name for each component file, to load a staged job before its files are in place."""
    return {name: f".{name.removesuffix(COMPONENT_SUFFIX)}.{token}.proof{COMPONENT_SUFFIX}" for name in names}


def renamed_references(text: str, names: dict[str, str]) -> str:
    """``text`` (a job or component file) with its ``component: "./NAME"`` references to ``names``."""
    for old, new in names.items():
        text = text.replace(f'component: "./{old}"', f'component: "./{new}"')
    return text


def merge_entities(the_plan: Plan) -> None:
    """Add the environments, compute targets and data assets declared in sub-pipeline files
    (recursively) to ``the_plan``'s, so that both targets provision them; one of a name the outer
    pipeline (or an earlier file) declares is not added again."""
    names = {
        "environments": {item.name for item in the_plan.environments},
        "compute": {item.name for item in the_plan.compute},
        "data": {item.name for item in the_plan.data},
    }
    for inner in _inner_plans(the_plan, {key: "" for key in _keys(the_plan)}).values():
        for kind, taken in names.items():
            for item in getattr(inner[0], kind):
                if item.name not in taken:
                    taken.add(item.name)
                    getattr(the_plan, kind).append(item)


def _keys(the_plan: Plan) -> list[str]:
    """The inner file of every sub-pipeline ``the_plan`` uses, recursively."""
    found: list[str] = []
    for step in the_plan.steps:
        sub = step.pipeline
        if isinstance(sub, SubPlan) and sub.plan is not None:
            found += [sub.key, *_keys(sub.plan)]
    return found
