"""The YAML target: an Azure ML CLI v2 pipeline job (``az ml job create -f``).

Components are written inline (a component file is referenced by its path, a
registered one by id), bindings in Azure ML's long forms
(``${{parent.jobs.STEP.outputs.NAME}}``), every string double-quoted, paths
relative to the emitted file. :func:`emit_yaml_files` also writes the
environment, compute and data asset files ``az ml environment|compute|data
create -f`` take. This module writes text only: it never imports azure-ai-ml.
"""

from __future__ import annotations

from dataclasses import field
from typing import Any

from azpipe import __version__
from azpipe.emit import automl, paused_gc, spark
from azpipe.emit import sweep as sweeps
from azpipe.emit.names import file_stem
from azpipe.emit.parallel import yaml_parallel
from azpipe.emit.plan import (
    ComputePlan,
    DataPlan,
    EnvironmentPlan,
    EnvPlan,
    InPort,
    InputPlan,
    OutPort,
    OutputPlan,
    PathValue,
    Plan,
    Source,
    StepPlan,
    plan,
    refuse_for,
)
from azpipe.emit.subpipeline import name_component_files, yaml_component_files
from azpipe.emit.templates import render
from azpipe.model import Pipeline
from azpipe.records import record

SCHEMAS = "https://azuremlschemas.azureedge.net/latest/"
SERVERLESS = "serverless"


def emit_yaml(pipeline: Pipeline, out_dir: str | None = None) -> str:
    """The pipeline job YAML; paths relative to ``out_dir`` (default: the pipeline's folder).

    Raises :class:`azpipe.emit.CompileRefused` when the pipeline has errors.
    """
    with paused_gc():
        return render_yaml(plan(pipeline, out_dir))


def emit_yaml_files(pipeline: Pipeline, out_dir: str) -> dict[str, str]:
    """File name → text of every file for ``out_dir``: the job and one file per declared entity."""
    with paused_gc():
        the_plan = plan(pipeline, out_dir)
        files = {f"{the_plan.name}.yml": render_yaml(the_plan)}
        files.update(yaml_component_files(the_plan, render_yaml))  # sub-pipelines' components
    taken: set[str] = set()
    for kind, name, text in _entity_files(the_plan):
        stem = file_stem(name, taken)
        taken.add(stem)
        files[f"{stem}.{kind}.yml"] = text
    return files


def render_yaml(the_plan: Plan) -> str:
    """The pipeline job YAML for a plan (refused when it holds what only Python can say)."""
    refuse_for(the_plan, "yaml")
    name_component_files(the_plan)
    return render(
        "pipeline.yml.j2",
        plan=the_plan,
        version=__version__,
        header=_header(the_plan),
        inputs=[_input(item) for item in the_plan.inputs if item.has_value],  # CLI v2 has no "unset"
        outputs=[_output(output) for output in the_plan.outputs],
        steps=[_step(step) for step in the_plan.steps],
    )


def yaml_path(value: PathValue) -> str:
    """A path as written in YAML: local ones start with ``./`` or ``../``."""
    if not value.local or value.text == "." or value.text.startswith("../"):
        return value.text
    return "./" + value.text


def compute_ref(name: str) -> str:
    """A compute target as the pipeline YAML names it (``azureml:NAME``, ``serverless``, or a binding)."""
    if name == SERVERLESS or name.startswith("${{"):
        return name
    return "azureml:" + name.removeprefix("azureml:")


def _header(the_plan: Plan) -> dict[str, Any]:
    """The pipeline's own fields after ``type``, in the order Azure ML's examples write them."""
    values = {
        "name": the_plan.job_name,
        "display_name": the_plan.display_name,
        "description": the_plan.description,
        "experiment_name": the_plan.experiment,
        "tags": the_plan.tags,
        "properties": the_plan.properties,
        "identity": the_plan.identity,
        "services": the_plan.services,
        "settings": _present(_settings(the_plan)),
    }
    return _present(values)


def _settings(the_plan: Plan) -> dict[str, Any]:
    datastore = the_plan.default_datastore
    return {
        "default_compute": compute_ref(the_plan.default_compute) if the_plan.default_compute else None,
        "default_datastore": "azureml:" + datastore.removeprefix("azureml:") if datastore else None,
        "continue_on_step_failure": the_plan.continue_on_step_failure,
        "force_rerun": the_plan.force_rerun,
        "on_init": the_plan.on_init,
        "on_finalize": the_plan.on_finalize,
        **the_plan.extra_settings,
    }


def _present(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` without the unset ones (``None``, empty mappings and lists)."""
    return {key: value for key, value in values.items() if value is not None and value != {} and value != []}


@record
class _Input:
    name: str
    type: str
    value: Any
    path: str | None
    mode: str | None
    datastore: str | None


def _input(item: InputPlan) -> _Input:
    path = yaml_path(item.path) if item.path else None
    return _Input(item.name, item.type, item.value, path, item.mode, item.datastore)


@record
class _Output:
    name: str
    values: dict[str, Any]


def _output(output: OutputPlan) -> _Output:
    values = {"type": output.type, "mode": output.mode, "path": output.path, "name": output.asset_name,
              "version": output.asset_version}  # fmt: skip
    return _Output(output.name, _present(values))


@record
class _Step:
    """A step as the template needs it: every group of settings already a mapping in YAML order."""

    name: str
    kind: str
    command: str | None
    code: str | None
    component: str | None
    environment: dict[str, Any] | None
    node_environment: dict[str, Any] | None
    compute: str | None
    head: dict[str, Any] = field(default_factory=dict)
    variables: dict[str, Any] = field(default_factory=dict)
    rest: dict[str, Any] = field(default_factory=dict)
    component_head: dict[str, Any] = field(default_factory=dict)
    component_rest: dict[str, Any] = field(default_factory=dict)
    bindings: dict[str, Any] = field(default_factory=dict)
    node_outputs: dict[str, Any] = field(default_factory=dict)
    inputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    additional_includes: list[str] = field(default_factory=list)
    parallel: dict[str, Any] | None = None  # kind `parallel`: its settings and task (emit/parallel.py)
    sweep: dict[str, Any] | None = None  # a sweep node's own fields (emit/sweep.py)
    component_key: str = "component"  # `trial` on a sweep node
    node_type: str | None = None  # a node type the kind does not say (`spark`, `pipeline`)
    spark: dict[str, Any] | None = None  # a spark step's own component fields (emit/spark.py)
    automl: dict[str, Any] | None = None  # an AutoML node's task, data and settings (emit/automl.py)
    transfer: dict[str, Any] | None = None  # a data transfer node's task, copy mode, source and sink


HEAD = ("display_name", "description", "tags")
COMPONENT_HEAD = (*HEAD, "is_deterministic")
VARIABLES = ("environment_variables",)


def _step(step: StepPlan) -> _Step:
    node = _ordered(step.node.given())
    component = _ordered(step.details.given())
    bindings = {port.name: _binding(port) for port in step.inputs if port.source is not None}
    return _Step(
        name=step.name,
        kind=step.kind,
        command=step.command,
        code=yaml_path(step.code) if step.code else None,
        component=step.component,
        environment=_env_value(step.environment),
        node_environment=_env_value(step.node_environment),
        compute=compute_ref(step.compute) if step.compute else None,
        head=_pick(node, HEAD),
        variables=_pick(node, VARIABLES),
        rest={key: value for key, value in node.items() if key not in HEAD + VARIABLES},
        component_head=_pick(component, COMPONENT_HEAD),
        component_rest={
            key: value
            for key, value in component.items()
            if key not in (*COMPONENT_HEAD, "additional_includes")
        },
        bindings=bindings if step.automl is None else {},  # AutoML's data are fields of the node
        node_outputs={
            port.name: _node_output(port)
            for port in step.outputs
            if port.configured
            or port.pipeline_output
            or step.kind in ("registered", "automl", "data_transfer")
        },
        inputs={port.name: _port_values(port) for port in step.inputs},
        outputs={
            port.name: _present(
                {"type": port.type, "mode": port.declared_mode, "description": port.description}
            )
            for port in step.outputs
        },
        additional_includes=[yaml_path(item) for item in step.details.additional_includes],
        parallel=yaml_parallel(step, yaml_path(step.code) if step.code else None),
        sweep=sweeps.yaml_fields(step.sweep) if step.sweep is not None else None,
        component_key="trial" if step.sweep is not None else "component",
        node_type="data_transfer"
        if step.transfer is not None
        else "automl"
        if step.automl is not None
        else "spark"
        if step.spark is not None
        else ("pipeline" if step.pipeline is not None else "parallel" if step.parallel is not None else None),
        automl=automl.yaml_fields(step, bindings) if step.automl is not None else None,
        transfer=step.transfer,
        spark=spark.yaml_component(step) if step.spark is not None and step.kind == "command" else None,
    )


def _pick(values: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: values[name] for name in names if name in values}


def _ordered(values: dict[str, Any]) -> dict[str, Any]:
    """A typed setting (distribution, identity, a service) with its ``type`` first, as Azure ML writes it."""
    result = dict(values)
    for key in ("distribution", "identity"):
        if key in result:
            result[key] = _type_first(result[key])
    if "services" in result:
        result["services"] = {name: _type_first(service) for name, service in result["services"].items()}
    if "limits" in result:
        result["limits"] = dict(result["limits"])
    return result


def _type_first(values: dict[str, Any]) -> dict[str, Any]:
    return {**({"type": values["type"]} if "type" in values else {}), **values}


def _env_value(env: EnvPlan | None) -> dict[str, Any] | None:
    if env is None:
        return None
    if env.ref is not None:
        return {"ref": env.ref}
    build = None
    if env.build:
        build = {
            key: yaml_path(value) if isinstance(value, PathValue) else value
            for key, value in env.build.items()
        }
    inline = {
        "image": env.image,
        "conda_file": yaml_path(env.conda_file) if env.conda_file else None,
        "build": build,
        "os_type": env.os_type,
        "description": env.description,
        "tags": env.tags,
    }
    return {"ref": None, "inline": _present(inline)}


def _port_values(port: InPort) -> dict[str, Any]:
    values = {"type": port.type, "optional": port.optional or None, "default": port.default,
              "description": port.description, "min": port.min, "max": port.max, "enum": port.enum,
              "mode": port.declared_mode}  # fmt: skip
    return _present(values)


def _binding(port: InPort) -> Any:
    source = port.source
    assert source is not None
    if source.kind == "asset":
        assert source.path is not None
        values = {
            "type": source.type,
            "path": yaml_path(source.path),
            "mode": port.mode,
            "datastore": port.datastore,
        }
        return _present(values)
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
    return _present(
        {
            "type": port.type,
            "mode": port.mode,
            "path": port.path,
            "name": port.asset_name,
            "version": port.asset_version,
        }
    )


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
