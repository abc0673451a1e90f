"""``job_graph(job)``: a comparable, JSON-able normal form of an azure-ai-ml ``PipelineJob``.

Two jobs that azure-ai-ml would submit as the same pipeline have equal graphs,
whichever way they were built: ``@dsl.pipeline`` Python or ``load_job`` on CLI v2
YAML. azpipe's tests use it to prove that its two targets describe the same
job; use it to compare your own. Adapted from the offline research in
``scratch/aml/jobgraph.py`` (azure-ai-ml 1.35.2), which also lists the fields
each change is detected in.

Compared: the pipeline's name, display name, description, experiment, tags,
properties, identity, services, settings (a pipeline's ``compute`` is the older
name of ``settings.default_compute``), inputs (type, value, mode) and outputs
(type, mode, name, version, path); per node: type, display name, description,
tags, command, code (as an absolute path), environment, compute,
is_deterministic, every input the component declares (type, optional, default,
node and declared mode, binding), outputs (type, mode, name, version,
binding), environment variables, resources, distribution, limits, identity,
queue settings, services, properties, comment, the component's properties and
additional includes, and the component id when the node names a registered
component; a parallel node's settings and task, as its node and its component state them (for a prompt
flow: its flow file, variant, column mapping, connections and environment variables); a spark node's entry, files, conf, args and driver/executor settings, on its node and its component. :func:`job_dict` compares every field azure-ai-ml keeps.

A sweep node's search space, objective, sampling algorithm, limits and early
termination are compared too; its trial is its component.

Normalised, because the two forms only spell them differently: bindings become
``parent.inputs.x``/``parent.jobs.S.outputs.y``/``parent.outputs.z`` (literals
``literal:<json>``, assets ``asset:<type>:<path>``); ``azureml:`` short
prefixes are dropped (``azureml://`` URIs are kept); local paths become
absolute; pipeline inputs without azure-ai-ml metadata (YAML) take the type of
their value; a node output bound to a pipeline output only has the type its component
declares (azure-ai-ml's Python form reports ``"None"``, the YAML form nothing). Not compared: anonymous components' names and versions, ``_source``,
pipeline-level ``optional`` (CLI v2 YAML cannot state it; REST does not send it).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

__all__ = ["diff", "job_dict", "job_graph"]

_SINGLE_EXPR = re.compile(r"^\$\{\{\s*([A-Za-z0-9_.]+)\s*\}\}$")
_URI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
_ASSET_ID = re.compile(r"^[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+|@[A-Za-z0-9_.-]+)$")


def _strip_azureml(value: Any) -> Any:
    """``azureml:NAME[:VER]`` → ``NAME[:VER]``; ``azureml://...`` stays."""
    if isinstance(value, str) and value.startswith("azureml:") and not value.startswith("azureml://"):
        return value[len("azureml:") :]
    return value


def _rest(obj: Any) -> Any:
    """An entity in its REST form (a dict), so both forms compare alike."""
    if obj is None:
        return None
    if hasattr(obj, "_to_job_rest_object"):  # job identities
        return obj._to_job_rest_object().as_dict()
    if hasattr(obj, "_to_rest_object"):
        rest = obj._to_rest_object()
        return rest.as_dict() if hasattr(rest, "as_dict") else rest
    if isinstance(obj, dict):
        return {k: v for k, v in obj.items() if v is not None} or None
    return obj


def _abs_path(path: Any, base: Any) -> str | None:
    if path is None:
        return None
    text = str(path)
    if _URI.match(text) or text.startswith("azureml:"):
        return str(_strip_azureml(text))
    full = Path(text)
    if not full.is_absolute():
        full = Path(base or os.getcwd()) / full
    return str(full.resolve())


def _asset_path(path: Any, base: Any) -> str | None:
    """A data path: registered assets as ``NAME:VERSION``/``NAME@label``, URIs as is, local absolute."""
    if path is None:
        return None
    text = str(path)
    if _URI.match(text):
        return text
    stripped = str(_strip_azureml(text))
    if (stripped != text or _ASSET_ID.match(stripped)) and not Path(base or ".", stripped).exists():
        return stripped
    return _abs_path(text, base)


def _binding(data: Any, base: Any) -> str | None:
    """One input or output value (``node.inputs[k]._data``) as a string."""
    from azure.ai.ml import Input, Output
    from azure.ai.ml.entities._job.pipeline._io import NodeOutput, PipelineInput, PipelineOutput

    if data is None:
        return None
    if isinstance(data, PipelineOutput):  # before NodeOutput: a subclass
        return f"parent.outputs.{data._port_name}"
    if isinstance(data, PipelineInput):
        return f"parent.inputs.{data._port_name}"
    if isinstance(data, NodeOutput):
        owner: Any = data._owner
        return f"parent.jobs.{owner.name}.outputs.{data._port_name}"
    if isinstance(data, str):
        match = _SINGLE_EXPR.match(data.strip())
        if match:
            return match.group(1)
        return ("expr:" + data) if "${{" in data else "literal:" + json.dumps(data)
    if isinstance(data, (bool, int, float)):
        return "literal:" + json.dumps(data)
    if isinstance(data, (Input, Output)):
        return _io_binding(data, base)
    return "object:" + repr(data)


def _io_binding(data: Any, base: Any) -> str | None:
    path = getattr(data, "path", None)
    if isinstance(path, str):
        match = _SINGLE_EXPR.match(path.strip())
        if match:
            return match.group(1)
    if path is None:
        return None
    return f"asset:{data.type}:{_asset_path(path, base)}"


def _env(env: Any, base: Any) -> Any:
    from azure.ai.ml.entities import Environment

    if env is None:
        return None
    if isinstance(env, str):
        return _strip_azureml(env)
    if isinstance(env, Environment):
        found: dict[str, Any] = {
            "image": env.image,
            "conda_file": env.conda_file,  # a parsed dict in both forms
            "build": _abs_path(env.build.path, base) if env.build is not None else None,
        }
        if not env._is_anonymous:
            found["name"], found["version"] = env.name, env.version
        return {k: v for k, v in found.items() if v is not None}
    return repr(env)


def _infer_type(value: Any) -> str | None:
    from azure.ai.ml import Input

    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Input):
        return str(value.type)
    return None


def _inputs(node: Any, declared: dict[str, Any], base: Any) -> dict[str, Any]:
    inputs = {}
    for key in sorted(set(node.inputs) | set(declared)):
        meta = declared.get(key)
        value = node.inputs.get(key) if key in node.inputs else None
        inputs[key] = {
            "type": getattr(meta, "type", None),
            "optional": bool(getattr(meta, "optional", False)),
            "default": getattr(meta, "default", None),
            "mode": value.mode if value is not None else None,  # node level: what the service uses
            "declared_mode": getattr(meta, "mode", None),
            "binding": _binding(value._data, base) if value is not None else None,
        }
    return inputs


def _outputs(node: Any, declared: dict[str, Any], base: Any) -> dict[str, Any]:
    from azure.ai.ml import Output

    outputs = {}
    for key, value in node.outputs.items():
        meta = declared.get(key)
        data = value._data
        is_output = isinstance(data, Output)
        outputs[key] = {
            # a node output bound to a pipeline output has no type of its own (the pipeline output has)
            "type": getattr(meta, "type", None) or (data.type if is_output else None),
            "mode": (value.mode if not isinstance(data, str) else None) or (data.mode if is_output else None),
            "name": data.name if is_output else None,
            "version": data.version if is_output else None,
            "binding": _binding(data, base),
        }
    return outputs


def _node(node: Any, job_base: Any) -> dict[str, Any]:
    """One node; its component's paths are relative to the component, its inputs' to the pipeline."""
    if node.type == "automl":  # no component: its task and settings as the job states them
        return _automl(node, job_base)
    found = _command_node(node, job_base)
    if node.type == "parallel":  # its settings and task, on the node and on its component
        found["parallel"] = _parallel(node, getattr(node.component, "base_path", None))
    if node.type == "sweep":  # its search space, objective, algorithm, limits and policy
        found["sweep"] = _sweep(node)
    if node.type == "data_transfer":  # its task, copy mode, source and sink
        found["data_transfer"] = _data_transfer(node)
    if node.type == "spark":  # its entry, files, conf and args, on the node and on its component
        found["spark"] = _spark(node)
    if node.type == "pipeline" and not isinstance(node.component, str):  # a sub-pipeline, recursively
        found["pipeline"] = _sub_pipeline(node.component)
    return found


def _sub_pipeline(component: Any) -> dict[str, Any]:
    """A pipeline component: its display name, interface (type, optional, default, description of
    each input; type and mode of each output) and every node of its jobs, as a pipeline's (its
    name is not compared: a component file's is dropped, as for any anonymous component)."""
    base = getattr(component, "base_path", None)

    def port(value: Any, *names: str) -> dict[str, Any]:
        found = {name: getattr(value, name, None) for name in names}
        return {name: str(v) if name == "default" and v is not None else v for name, v in found.items()}

    return {
        "display_name": component.display_name,
        "description": component.description,
        "tags": dict(component.tags or {}),
        "inputs": {
            n: port(v, "type", "optional", "default", "description") for n, v in component.inputs.items()
        },
        "outputs": {n: port(v, "type", "mode", "description") for n, v in component.outputs.items()},
        "jobs": {name: _node(node, base) for name, node in component.jobs.items()},
    }


_SPARK_FIELDS = (
    "entry", "py_files", "jars", "files", "archives", "conf", "args", "driver_cores", "driver_memory",
    "executor_cores", "executor_memory", "executor_instances", "dynamic_allocation_enabled",
    "dynamic_allocation_min_executors", "dynamic_allocation_max_executors",
)  # fmt: skip


_SPARK_CONF_NAMES = frozenset(
    {
        *_SPARK_FIELDS[7:],
        "spark.driver.cores", "spark.driver.memory", "spark.executor.cores", "spark.executor.memory",
        "spark.executor.instances", "spark.dynamicAllocation.enabled", "spark.dynamicAllocation.minExecutors",
        "spark.dynamicAllocation.maxExecutors",
    }
)  # fmt: skip


def _spark(node: Any) -> dict[str, Any]:
    """A spark node's own fields as the node and its component state them (entry as ``{kind: value}``)."""
    found: dict[str, Any] = {}
    for owner, value in (("node", node), ("component", node.component)):
        if isinstance(value, str):  # a registered component: only its id is known
            found[owner] = None
            continue
        fields = {name: getattr(value, name, None) for name in _SPARK_FIELDS}
        entry = fields["entry"]
        if entry is not None and hasattr(entry, "entry"):
            fields["entry"] = {str(getattr(entry, "entry_type", "")): entry.entry}
        # The driver and executor settings are compared as fields: azure-ai-ml moves them out of `conf`
        # when loading YAML, and (dumping) copies them back into a Python object's `conf` under both names.
        conf = {key: item for key, item in (fields["conf"] or {}).items() if key not in _SPARK_CONF_NAMES}
        fields["conf"] = conf
        found[owner] = {name: item for name, item in fields.items() if item not in (None, [], {})}
    return found


def _parallel(node: Any, base: Any) -> dict[str, Any]:
    """A parallel node's own fields: its settings as the node and its component state them, and the task."""
    component = node.component
    settings = (
        "input_data", "mini_batch_size", "partition_keys", "max_concurrency_per_instance", "error_threshold",
        "mini_batch_error_threshold", "logging_level",
    )  # fmt: skip
    found: dict[str, Any] = {}
    for owner, value in (("node", node), ("component", component)):
        found[owner] = {name: getattr(value, name, None) for name in settings}
        found[owner]["retry_settings"] = _rest(getattr(value, "retry_settings", None))
        task = getattr(value, "task", None)
        found[owner]["task"] = None if task is None else _task(task, base)
    if hasattr(component, "column_mapping"):  # a prompt flow (FlowComponent): its definition and attributes
        found["flow"] = {
            "flow": _abs_path(Path(base or ".", component.flow), None),
            "variant": component.variant,
            "column_mapping": dict(component.column_mapping or {}),
            "connections": dict(component.connections or {}),
            "environment_variables": dict(component.environment_variables or {}),
        }
    return found


def _task(task: Any, base: Any) -> dict[str, Any]:
    """A parallel task (an object, or the mapping azure-ai-ml keeps from YAML)."""

    def get(name: str) -> Any:
        return task.get(name) if isinstance(task, dict) else getattr(task, name, None)

    code = get("code")
    names = ("type", "entry_script", "program_arguments", "append_row_to", "model")
    found = {name: get(name) for name in names}
    found["code"] = _asset_path(code, base) if code is not None else None
    found["environment"] = _env(get("environment"), base)
    return found


_AUTOML_SCALARS = (
    "task_type", "primary_metric", "target_column_name", "log_verbosity", "validation_data_size", "test_data_size",
    "n_cross_validations", "cv_split_column_names", "weight_column_name", "positive_label",
)  # fmt: skip
_AUTOML_GROUPS = (
    "limits",
    "training",
    "featurization",
    "forecasting_settings",
    "training_parameters",
    "sweep",
)


def _automl(node: Any, base: Any) -> dict[str, Any]:
    """An AutoML node: its task, data, settings (their REST forms), outputs and node fields."""
    found: dict[str, Any] = {"type": node.type}
    for key in _AUTOML_SCALARS:
        value = getattr(node, key, None)
        found[key] = str(value) if value is not None and hasattr(value, "value") else value  # enums as text
    for key in _AUTOML_GROUPS:
        found[key] = _rest(getattr(node, key, None))
    found["search_space"] = [_rest(space) for space in getattr(node, "search_space", None) or []]
    for key in ("training_data", "validation_data", "test_data"):
        value = getattr(node, key, None)
        found[key] = _binding(value, base) if value is not None else None
    found["compute"] = _strip_azureml(node.compute)
    for key in ("display_name", "description", "comment"):
        found[key] = getattr(node, key, None)
    found["tags"] = dict(node.tags or {})
    found["properties"] = dict(node.properties or {})
    found["outputs"] = {
        name: {
            "type": getattr(value, "type", None),
            "binding": _binding(getattr(value, "_data", value), base),
        }
        for name, value in (node.outputs or {}).items()
    }
    return found


def _data_transfer(node: Any) -> dict[str, Any]:
    """A data transfer node's task, copy mode (its component's, for a copy), source and sink."""
    component = getattr(node, "component", None)

    def plain(value: Any) -> Any:
        return value._to_dict() if hasattr(value, "_to_dict") else value

    return {
        "task": str(getattr(node, "task", None)),
        "data_copy_mode": getattr(component, "data_copy_mode", None) or getattr(node, "data_copy_mode", None),
        "source": plain(getattr(node, "source", None)),
        "sink": plain(getattr(node, "sink", None)),
    }


def _component_of(node: Any) -> Any:
    """A node's component: a sweep node's is its trial (its ``component`` is an empty attribute bag)."""
    return node.trial if node.type == "sweep" else getattr(node, "component", None)  # AutoML: none


def _sweep(node: Any) -> dict[str, Any]:
    """A sweep node's own fields, in their REST form (a string algorithm stays a string)."""
    return {
        "search_space": {name: _rest(value) for name, value in (node.search_space or {}).items()},
        "objective": _rest(node.objective),
        "sampling_algorithm": _rest(node.sampling_algorithm),
        "limits": _rest(node.limits),
        "early_termination": _rest(node.early_termination),
    }


def _command_node(node: Any, job_base: Any) -> dict[str, Any]:
    component = _component_of(node)
    base = getattr(component, "base_path", None)
    code = getattr(component, "code", None)
    return {
        "type": node.type,
        "component": _strip_azureml(component) if isinstance(component, str) else None,
        "display_name": node.display_name or getattr(component, "display_name", None),
        "description": node.description or getattr(component, "description", None),
        "tags": dict(node.tags or {}),
        "command": getattr(component, "command", None),
        "code": _asset_path(code, base) if code is not None else None,  # a folder, or a code asset
        # A node's own environment is relative to the pipeline, its component's to the component.
        "environment": _env(node.environment, job_base)
        if node.environment
        else _env(getattr(component, "environment", None), base),
        "compute": _strip_azureml(node.compute),
        "is_deterministic": getattr(component, "is_deterministic", None),
        "inputs": _inputs(node, getattr(component, "inputs", None) or {}, job_base),
        "outputs": _outputs(node, getattr(component, "outputs", None) or {}, base),
        "environment_variables": dict(
            node.environment_variables or getattr(component, "environment_variables", None) or {}
        ),
        "resources": _rest(getattr(node, "resources", None) or getattr(component, "resources", None)),
        "distribution": _rest(
            getattr(node, "distribution", None) or getattr(component, "distribution", None)
        ),
        "limits": _rest(getattr(node, "limits", None)),
        "identity": _rest(getattr(node, "identity", None)),
        "queue_settings": _rest(getattr(node, "queue_settings", None)),
        "services": {
            name: _rest(service) for name, service in (getattr(node, "services", None) or {}).items()
        },
        "properties": dict(getattr(node, "properties", None) or {}),
        "comment": getattr(node, "comment", None),
        "component_properties": dict(getattr(component, "properties", None) or {}),
        "additional_includes": [
            _abs_path(item, base) for item in getattr(component, "additional_includes", None) or []
        ],
    }


def _pipeline_inputs(job: Any, base: Any) -> dict[str, Any]:
    from azure.ai.ml import Input

    inputs = {}
    for key, value in job.inputs.items():
        data = value._data
        meta_type = getattr(getattr(value, "_meta", None), "type", None)
        inputs[key] = {
            "type": meta_type or _infer_type(data),
            "value": _binding(data, base) if isinstance(data, Input) else data,
            "mode": getattr(data, "mode", None) if isinstance(data, Input) else None,
        }
    return inputs


def _pipeline_outputs(job: Any) -> dict[str, Any]:
    """Each pipeline output as azure-ai-ml sends it (``_to_job_output()``; no type is ``uri_folder``)."""
    outputs = {}
    for key, value in job.outputs.items():
        sent = value._to_job_output()
        outputs[key] = {
            "type": getattr(sent, "type", None) or _DEFAULT_OUTPUT_TYPE,
            "mode": getattr(sent, "mode", None),
            "name": getattr(sent, "name", None),
            "version": getattr(sent, "version", None),
            "path": getattr(sent, "path", None),
        }
    return outputs


def job_graph(job: Any) -> dict[str, Any]:
    """A plain, JSON-serialisable description of a ``PipelineJob`` (see the module docstring)."""
    base = getattr(job, "base_path", None)
    settings = job.settings._to_dict() if job.settings is not None else {}
    settings = {k: v for k, v in settings.items() if not k.startswith("_") and v is not None}
    for key in ("default_compute", "default_datastore"):
        if key in settings:
            settings[key] = _strip_azureml(settings[key])
    if "default_compute" not in settings and job.compute is not None:  # its older name
        settings["default_compute"] = _strip_azureml(job.compute)
    return {
        "name": job.name,
        "display_name": job.display_name,
        "description": job.description,
        "experiment_name": job.experiment_name,
        "tags": dict(job.tags or {}),
        "properties": dict(job.properties or {}),
        "identity": _rest(job.identity),
        "services": {name: _rest(service) for name, service in (job.services or {}).items()},
        "settings": settings,
        "inputs": _pipeline_inputs(job, base),
        "outputs": _pipeline_outputs(job),
        "jobs": {name: _node(node, base) for name, node in job.jobs.items()},
    }


def job_dict(job: Any) -> dict[str, Any]:
    """Every field azure-ai-ml keeps for ``job``: its own ``_to_dict()``, normalised.

    Where :func:`job_graph` picks the fields that make a pipeline, this keeps all of
    them, so a field neither azpipe nor this module knows still shows up in a
    comparison. Normalised, because they only differ in spelling or do not reach
    Azure ML: local paths (an input's ``./data``, which azure-ai-ml dumps as
    ``azureml:./data``, relative to the pipeline's folder) become absolute; the
    names and versions of components and environments azure-ai-ml registers
    anonymously are dropped, as is a component's ``$schema`` (an editor's hint);
    a node's environment equal to its component's, and
    environment variables stated on the component instead of the node, are moved
    to where the YAML form states them. The settings are those the job sends
    (``settings._to_dict()``, which also holds ``on_init``/``on_finalize``).
    """
    found: dict[str, Any] = job._to_dict()
    base = getattr(job, "base_path", None)
    settings = job.settings._to_dict() if job.settings is not None else {}
    settings = {k: v for k, v in settings.items() if not k.startswith("_") and v is not None}
    compute = found.pop("compute", None)  # the older name of `settings.default_compute`
    if compute is not None:
        settings.setdefault("default_compute", compute)
    for key in ("default_compute", "default_datastore"):  # `azureml:NAME` and `NAME` are one name
        if key in settings:
            settings[key] = _strip_azureml(settings[key])
    if settings:
        found["settings"] = settings
    else:
        found.pop("settings", None)
    _local_inputs(found.get("inputs"), base)
    for name, node in (found.get("jobs") or {}).items():
        _node_dict(node, job.jobs[name], base)
    outputs = {name: dict(value or {}) for name, value in (found.get("outputs") or {}).items()}
    for name in job.outputs:  # an output set to nothing is not in the dict: it is still sent
        outputs.setdefault(name, {})
    for value in outputs.values():
        value.setdefault("type", _DEFAULT_OUTPUT_TYPE)
    if outputs:
        found["outputs"] = outputs
    return found


_DEFAULT_OUTPUT_TYPE = "uri_folder"  # what azure-ai-ml sends for an output with no type


def _node_dict(node: dict[str, Any], job_node: Any, job_base: Any) -> None:
    if job_node.type == "parallel":
        _parallel_task_codes(node, job_node)
    _local_inputs(node.get("inputs"), job_base)  # a node's local inputs are the pipeline's (submission)
    if "trial" in node:  # a sweep node's component, normalised alike
        node["component"] = node.pop("trial")
    base = getattr(_component_of(job_node), "base_path", None) or job_base
    component = node.get("component")
    if not isinstance(component, dict):
        return
    if component.pop("name", None) is not None:  # a pipeline's components are registered anonymously
        component.pop("version", None)
    component.pop("$schema", None)  # a schema URL for editors
    if component.get("additional_includes"):
        component["additional_includes"] = [
            _abs_path(item, base) for item in component["additional_includes"]
        ]
    environment = component.get("environment")
    if isinstance(environment, dict) and environment.get("name") == _ANONYMOUS_ENVIRONMENT:
        environment.pop("name")
        environment.pop("version", None)  # a hash of the content, which is compared
    if node.get("environment") == component.get("environment"):
        node.pop("environment", None)
    variables = component.pop("environment_variables", None)
    if variables and not node.get("environment_variables"):
        node["environment_variables"] = variables
    declared = component.get("outputs") or {}
    outputs = node.get("outputs") or {}
    for name, value in list(outputs.items()):
        # A node output that restates only its component's type is the output the component has.
        if isinstance(value, dict) and value == {"type": (declared.get(name) or {}).get("type")}:
            del outputs[name]
    if "outputs" in node and not outputs:
        del node["outputs"]
    inner_jobs = getattr(job_node.component, "jobs", None)  # a sub-pipeline: its nodes alike
    if isinstance(component.get("jobs"), dict) and isinstance(inner_jobs, dict):
        for name, inner in component["jobs"].items():
            if isinstance(inner, dict) and name in inner_jobs:
                _node_dict(inner, inner_jobs[name], base)


_ANONYMOUS_ENVIRONMENT = "CliV2AnonymousEnvironment"


def _parallel_task_codes(node: dict[str, Any], job_node: Any) -> None:
    """A parallel task's code as an absolute path: azure-ai-ml dumps it as written
    (``azureml:./src``) or against the working directory, whichever form loaded it."""
    component = job_node.component
    base = getattr(component, "base_path", None)
    owners = (
        (node, getattr(job_node, "task", None)),
        (node.get("component"), getattr(component, "task", None)),
    )
    for holder, task in owners:
        dumped = holder.get("task") if isinstance(holder, dict) else None
        code = task.get("code") if isinstance(task, dict) else getattr(task, "code", None)
        if isinstance(dumped, dict) and code is not None:
            dumped["code"] = _asset_path(code, base)


def _local_inputs(inputs: Any, base: Any) -> None:
    """Local input paths as absolute paths (azure-ai-ml dumps ``./data`` as ``azureml:./data``)."""
    for value in (inputs or {}).values():
        if isinstance(value, dict) and isinstance(value.get("path"), str):
            value["path"] = _local_path(value["path"], base) or value["path"]


def _local_path(text: str, base: Any) -> str | None:
    bare = str(_strip_azureml(text))
    if _URI.match(bare) or "${{" in bare:
        return None
    if bare.startswith(("./", "../", "/")) or (base is not None and Path(base, bare).exists()):
        return _abs_path(bare, base)
    return None


def diff(left: Any, right: Any, path: str = "") -> list[str]:
    """The differences between two ``job_graph`` results, one readable line each."""
    if isinstance(left, dict) and isinstance(right, dict):
        found = []
        for key in sorted(set(left) | set(right), key=str):
            if key not in left:
                found.append(f"{path}.{key}: missing on the left, right={right[key]!r}")
            elif key not in right:
                found.append(f"{path}.{key}: left={left[key]!r}, missing on the right")
            else:
                found += diff(left[key], right[key], f"{path}.{key}")
        return found
    if left != right or type(left) is not type(right):
        return [f"{path}: left={left!r} right={right!r}"]
    return []
