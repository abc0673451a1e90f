"""The YAML target: an Azure ML CLI v2 pipeline job (``az ml job create -f``).

Components are written inline (a component file is referenced by its path, a
registered one by id), bindings in Azure ML's long forms
(``${{parent.jobs.STEP.outputs.NAME}}``), every string double-quoted, paths
relative to the emitted file. :func:`emit_yaml_files` also writes the
environment, compute and data asset files ``az ml environment|compute|data
create -f`` take. This module writes text only: it never imports azure-ai-ml.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from azpipe import __version__
from azpipe.emit.names import file_stem
from azpipe.emit.plan import (
    ComputePlan,
    DataPlan,
    EnvironmentPlan,
    InPort,
    InputPlan,
    OutPort,
    PathValue,
    Plan,
    Source,
    StepPlan,
    plan,
)
from azpipe.emit.templates import render
from azpipe.model import Pipeline

SCHEMAS = "https://azuremlschemas.azureedge.net/latest/"
SERVERLESS = "serverless"


def emit_yaml(pipeline: Pipeline, out_dir: str | None = None) -> str:
    """The pipeline job YAML; paths relative to ``out_dir`` (default: the pipeline's folder).

    Raises :class:`azpipe.emit.CompileRefused` when the pipeline has errors.
    """
    return render_yaml(plan(pipeline, out_dir))


def emit_yaml_files(pipeline: Pipeline, out_dir: str) -> dict[str, str]:
    """File name → text of every file for ``out_dir``: the job and one file per declared entity."""
    the_plan = plan(pipeline, out_dir)
    files = {f"{the_plan.name}.yml": render_yaml(the_plan)}
    taken: set[str] = set()
    for kind, name, text in _entity_files(the_plan):
        stem = file_stem(name, taken)
        taken.add(stem)
        files[f"{stem}.{kind}.yml"] = text
    return files


def render_yaml(the_plan: Plan) -> str:
    """The pipeline job YAML for a plan."""
    return render(
        "pipeline.yml.j2",
        plan=the_plan,
        version=__version__,
        settings=_settings(the_plan),
        inputs=[_input(item) for item in the_plan.inputs if item.has_value],  # CLI v2 has no "unset"
        outputs=the_plan.outputs,
        steps=[_step(step) for step in the_plan.steps],
    )


def yaml_path(value: PathValue) -> str:
    """A path as written in YAML: local ones start with ``./`` or ``../``."""
    if not value.local or value.text == "." or value.text.startswith("../"):
        return value.text
    return "./" + value.text


def compute_ref(name: str) -> str:
    """A compute target as the pipeline YAML names it (``azureml:NAME``, or ``serverless``)."""
    return name if name == SERVERLESS else "azureml:" + name.removeprefix("azureml:")


def _settings(the_plan: Plan) -> dict[str, Any]:
    datastore = the_plan.default_datastore
    return {
        "default_compute": compute_ref(the_plan.default_compute) if the_plan.default_compute else None,
        "default_datastore": "azureml:" + datastore.removeprefix("azureml:") if datastore else None,
        "continue_on_step_failure": the_plan.continue_on_step_failure,
        "force_rerun": the_plan.force_rerun,
    }


@dataclass
class _Input:
    name: str
    type: str
    value: Any
    path: str | None
    mode: str | None


def _input(item: InputPlan) -> _Input:
    return _Input(item.name, item.type, item.value, yaml_path(item.path) if item.path else None, item.mode)


@dataclass
class _Step:
    """A step as the template needs it: bindings and node outputs already in YAML form."""

    name: str
    kind: str
    command: str | None
    code: str | None
    component: str | None
    environment: dict[str, Any] | None
    compute: str | None
    inputs: list[InPort]
    outputs: list[OutPort]
    bindings: dict[str, Any] = field(default_factory=dict)
    node_outputs: dict[str, Any] = field(default_factory=dict)
    display_name: str | None = None
    description: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    environment_variables: dict[str, str] = field(default_factory=dict)
    resources: dict[str, Any] = field(default_factory=dict)
    distribution: dict[str, Any] = field(default_factory=dict)
    timeout: Any = None
    is_deterministic: bool | None = None
    identity: str | None = None


def _step(step: StepPlan) -> _Step:
    env = step.environment
    environment = None
    if env is not None:
        conda = yaml_path(env.conda_file) if env.conda_file else None
        environment = {"ref": env.ref, "image": env.image, "conda_file": conda}
    distribution = dict(step.distribution)
    if distribution:  # `type` first, as Azure ML's examples write it
        distribution = {"type": distribution.pop("type"), **distribution}
    return _Step(
        name=step.name,
        kind=step.kind,
        command=step.command,
        code=yaml_path(step.code) if step.code else None,
        component=step.component,
        environment=environment,
        compute=compute_ref(step.compute) if step.compute else None,
        inputs=step.inputs,
        outputs=step.outputs,
        bindings={port.name: _binding(port) for port in step.inputs if port.source is not None},
        node_outputs={port.name: _node_output(port) for port in step.outputs},
        display_name=step.display_name,
        description=step.description,
        tags=step.tags,
        environment_variables=step.environment_variables,
        resources=step.resources,
        distribution=distribution,
        timeout=step.timeout,
        is_deterministic=step.is_deterministic,
        identity=step.identity,
    )


def _binding(port: InPort) -> Any:
    source = port.source
    assert source is not None
    if source.kind == "asset":
        assert source.path is not None
        return {"type": source.type, "path": yaml_path(source.path), "mode": port.mode}
    value = _reference(source)
    return {"path": value, "mode": port.mode} if port.mode else value


def _reference(source: Source) -> Any:
    if source.kind == "input":
        return "${{parent.inputs." + source.name + "}}"
    if source.kind == "output":
        return "${{parent.jobs." + source.step + ".outputs." + source.name + "}}"
    return source.value


def _node_output(port: OutPort) -> Any:
    if port.pipeline_output is not None:
        return "${{parent.outputs." + port.pipeline_output + "}}"
    return {
        "type": port.type,
        "mode": port.mode,
        "path": port.path,
        "name": port.asset_name,
        "version": port.asset_version,
    }


def _entity_files(the_plan: Plan) -> list[tuple[str, str, str]]:
    """``(kind, name, text)`` for every declared environment, compute target and data asset."""
    found = [("environment", env.name, _environment(the_plan, env)) for env in the_plan.environments]
    found += [("compute", target.name, _compute(the_plan, target)) for target in the_plan.compute]
    found += [("data", data.name, _data(the_plan, data)) for data in the_plan.data]
    return found


def _environment(the_plan: Plan, env: EnvironmentPlan) -> str:
    conda = yaml_path(env.conda_file) if env.conda_file else None
    values = {"name": env.name, "version": env.version, "image": env.image, "conda_file": conda}
    return _entity(the_plan, "environment.schema.json", {**values, "description": env.description})


def _compute(the_plan: Plan, target: ComputePlan) -> str:
    values: dict[str, Any] = {"name": target.name, "type": target.type, "size": target.size}
    if target.type == "computeinstance":
        return _entity(the_plan, "computeInstance.schema.json", values)
    values["min_instances"] = target.min_instances
    values["max_instances"] = target.max_instances
    values["idle_time_before_scale_down"] = target.idle_time_before_scale_down
    return _entity(the_plan, "amlCompute.schema.json", values)


def _data(the_plan: Plan, data: DataPlan) -> str:
    values = {"name": data.name, "version": data.version, "type": data.type, "path": yaml_path(data.path)}
    return _entity(the_plan, "data.schema.json", {**values, "description": data.description})


def _entity(the_plan: Plan, schema: str, values: dict[str, Any]) -> str:
    return render("entity.yml.j2", plan=the_plan, version=__version__, schema=SCHEMAS + schema, values=values)
