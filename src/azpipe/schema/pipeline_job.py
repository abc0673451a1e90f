"""Azure ML's pipeline job and pipeline component files, with their nodes of every kind.

Derived from azure-ai-ml 1.35's marshmallow schemas (``pipeline/pipeline_job.py``,
``pipeline/pipeline_component.py``, ``pipeline/component_job.py``...): the node kinds' own
schemas are :mod:`azpipe.schema.azure_ml`'s (command, pipeline),
:mod:`azpipe.schema.automl`'s, and the ones below (a sweep node's own fields are
:mod:`azpipe.schema.node_kinds`' ``NATIVE_SWEEP_FIELDS``). A node alternative with ``x-reader``
would leave some of its mappings open, its reader checking the keys there
(``WALKED_NODE_KINDS`` are the others, whose every key the schema walker checks; today all).
"""

from __future__ import annotations

from typing import Any

from azpipe.schema.automl import AUTOML_NODE
from azpipe.schema.azure_ml import (
    ANY,
    ANY_MAP,
    BOOLEAN,
    COMMAND_COMPONENT,
    COMMAND_NODE,
    COMPONENT_INPUTS,
    COMPONENT_OUTPUTS,
    ENVIRONMENT_REF,
    IDENTITY,
    INLINE_COMPONENT,
    INTEGER,
    JOB_INPUT,
    JOB_OUTPUT,
    LENIENT_WITH_COMPONENT,
    NODE_OUTPUTS,
    OUTPUT,
    PIPELINE_NODE,
    QUEUE_SETTINGS,
    REFERENCE,
    RESOURCES,
    SERVICES,
    SETTINGS,
    STRING,
    STRING_MAP,
    TEXT,
    VERSION,
)
from azpipe.schema.node_kinds import (
    DATA_TRANSFER_BLOCK,
    LOGGING_LEVELS,
    NATIVE_SWEEP_FIELDS,
    PARALLEL_TASK,
    SPARK_BLOCK,
)
from azpipe.schema.spark_component import SPARK_COMPONENT

_Schema = dict[str, Any]
_INPUTS: _Schema = {"type": "object", "additionalProperties": JOB_INPUT}
# A node's own settings, as job/base_job.py's BaseJobSchema and pipeline/component_job.py's
# BaseNodeSchema read them (the ones azpipe carries).
_NODE_DETAILS: dict[str, _Schema] = {
    "compute": STRING,
    "properties": STRING_MAP,
    "comment": STRING,
    "name": TEXT,
    "display_name": TEXT,
    "description": TEXT,
    "tags": ANY_MAP,
    "experiment_name": TEXT,
}

# job/data_transfer_job.py: DataTransferCopyJobSchema, DataTransferImportJobSchema and
# DataTransferExportJobSchema (a data transfer job written inline, by its `task`; each rejects an
# unknown key); `source` and `sink` are the language block's (DatabaseSchema, FileSystemSchema). A
# node with a `component` is refused by its reader (S107).
_TRANSFER: dict[str, _Schema] = {
    "type": STRING,
    "task": DATA_TRANSFER_BLOCK["properties"]["task"],
    "component": ANY,
    "inputs": _INPUTS,
    "outputs": {"type": "object", "additionalProperties": JOB_OUTPUT},
    **_NODE_DETAILS,
}
_TRANSFER_TASKS = {
    "copy_data": {"data_copy_mode": DATA_TRANSFER_BLOCK["properties"]["data_copy_mode"]},
    "import_data": {"source": DATA_TRANSFER_BLOCK["properties"]["source"]},
    "export_data": {"sink": DATA_TRANSFER_BLOCK["properties"]["sink"]},
}
DATA_TRANSFER_NODE: _Schema = {
    "type": "object",
    "x-when": ["data_transfer"],
    "oneOf": [
        {
            "type": "object",
            "x-when": [task],
            "properties": {**_TRANSFER, **own},
            "additionalProperties": False,
        }
        for task, own in _TRANSFER_TASKS.items()
    ],
    "discriminator": {"propertyName": "task"},
    "x-ignore-case": True,
    "x-bindings": True,
}
# pipeline/component_job.py: SparkSchema with job/parameterized_spark.py (a node with a component, read
# with unknown=INCLUDE: an unknown key is ignored, a warning) and job/spark_job.py's SparkJobSchema (a
# spark job written inline, which rejects one); the job's fields are a spark component file's, its
# `resources` the language block's. The inline component is walked by azpipe.checks.spark.
_SPARK_FIELDS = ("code", "entry", "py_files", "jars", "files", "archives", "conf", "args", "environment")
SPARK_NODE: _Schema = {
    "type": "object",
    "x-when": ["spark"],
    "properties": {
        "type": STRING,
        "component": {"anyOf": [REFERENCE, ANY_MAP]},
        "inputs": _INPUTS,
        "outputs": {"type": "object", "additionalProperties": JOB_OUTPUT},
        "identity": IDENTITY,
        "resources": SPARK_BLOCK["properties"]["resources"],
        **_NODE_DETAILS,
        **{key: SPARK_COMPONENT["properties"][key] for key in _SPARK_FIELDS},
    },
    **LENIENT_WITH_COMPONENT,
    "x-with": {"component": {"outputs": NODE_OUTPUTS}},
    "x-bindings": True,
}
# pipeline/component_job.py: ParallelSchema with job/parameterized_parallel.py: a parallel job written
# inline (as Azure's examples write it) or a node with a `component:` (whose `task` its reader refuses,
# S108); BaseNodeSchema reads it with unknown=INCLUDE, and so do its `task`
# (ComponentParallelTaskSchema) and `retry_settings`: an unknown key there is ignored (a warning), at
# the top only with a component (azure-ai-ml rejects it on a job written inline). Its thresholds'
# ranges are azpipe.checks.parallel's (L1xx).
_NATIVE_TASK: _Schema = {
    **{key: value for key, value in PARALLEL_TASK.items() if key != "required"},
    "properties": {
        **PARALLEL_TASK["properties"],
        "environment": ENVIRONMENT_REF,
        "model": {"description": "A model task's model (azpipe does not carry it: S108)."},
        "args": {**STRING, "description": "Dropped by azure-ai-ml (S110): `program_arguments` is sent."},
    },
}
PARALLEL_NODE: _Schema = {
    "type": "object",
    "x-when": ["parallel"],
    "properties": {
        "type": STRING,
        "compute": STRING,
        "inputs": _INPUTS,
        "outputs": NODE_OUTPUTS,
        "properties": STRING_MAP,
        "name": TEXT,
        "display_name": TEXT,
        "description": TEXT,
        "tags": ANY_MAP,
        "experiment_name": TEXT,
        "identity": IDENTITY,
        "resources": RESOURCES,
        "environment_variables": ANY_MAP,
        "input_data": STRING,
        "mini_batch_size": STRING,
        "partition_keys": {"type": "array", "items": STRING},
        "max_concurrency_per_instance": INTEGER,
        "error_threshold": INTEGER,
        "mini_batch_error_threshold": INTEGER,
        "logging_level": {"type": "string", "enum": list(LOGGING_LEVELS)},
        "retry_settings": {
            "type": "object",
            "properties": {"max_retries": INTEGER, "timeout": INTEGER},
            "additionalProperties": False,
            "x-unknown": "warning",
        },
        "task": _NATIVE_TASK,
        "component": {"anyOf": [REFERENCE, ANY_MAP]},
    },
    **LENIENT_WITH_COMPONENT,
    "x-bindings": True,
}


# pipeline/component_job.py: SweepSchema (BaseNodeSchema with _sweep/parameterized_sweep.py). It is read
# with unknown=INCLUDE: an unknown key is ignored (a warning), but its sweep fields
# (node_kinds.NATIVE_SWEEP_FIELDS) reject one. No field of its own may be left empty ("Field may not
# be null"); those it does not declare, which Sweep takes through INCLUDE, may.
def _nullable(schema: _Schema) -> _Schema:
    kinds = schema.get("type", [])
    return {**schema, "type": [*([kinds] if isinstance(kinds, str) else kinds), "null"]}


_SWEEP_INCLUDED: dict[str, _Schema] = {
    "name": TEXT,
    "display_name": TEXT,
    "description": TEXT,
    "tags": ANY_MAP,
    "experiment_name": TEXT,  # its reader says azure-ai-ml ignores it (S110)
    "identity": IDENTITY,  # and that azure-ai-ml never sends it (S110)
    "is_deterministic": BOOLEAN,  # ignored (S110)
    "parent_job_name": STRING,  # refused (S108)
}
SWEEP_NODE: _Schema = {
    "type": "object",
    "x-when": ["sweep"],
    "properties": {
        "type": STRING,
        "trial": {
            "anyOf": [REFERENCE, INLINE_COMPONENT],
            "description": "The command component each trial runs (a file, a registered one or written here).",
        },
        "compute": STRING,
        "inputs": _INPUTS,
        "outputs": NODE_OUTPUTS,
        "properties": STRING_MAP,
        "comment": STRING,
        "queue_settings": QUEUE_SETTINGS,
        "resources": RESOURCES,
        **{key: _nullable(schema) for key, schema in _SWEEP_INCLUDED.items()},
        **NATIVE_SWEEP_FIELDS,
    },
    "required": ["trial", "objective", "limits"],
    "additionalProperties": False,
    "x-unknown": "warning",
    "x-no-null": True,
}
_NODES = [COMMAND_NODE, PIPELINE_NODE, SWEEP_NODE, PARALLEL_NODE, AUTOML_NODE, DATA_TRANSFER_NODE, SPARK_NODE]
# The node kinds whose keys the schema walker checks everywhere; a reader checks the keys of the others.
WALKED_NODE_KINDS = frozenset(kind for node in _NODES if not node.get("x-reader") for kind in node["x-when"])

PIPELINE_JOB: _Schema = {
    "type": "object",
    "properties": {
        "$schema": STRING,
        "type": {"type": "string", "enum": ["pipeline"],
                 "x-hint": "without `type: pipeline` Azure ML reads the file as a command job"},
        "name": STRING,
        "display_name": STRING,
        "description": STRING,
        "experiment_name": STRING,
        "tags": STRING_MAP,
        "properties": STRING_MAP,
        "compute": STRING,  # `""` is taken (settings.default_compute is not)
        "identity": IDENTITY,
        "services": SERVICES,
        "settings": SETTINGS,
        "inputs": {"type": "object", "additionalProperties": JOB_INPUT},
        "outputs": {"type": "object", "additionalProperties": {"anyOf": [{"type": "null"}, OUTPUT]}},
        "jobs": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "oneOf": _NODES,
                "discriminator": {"propertyName": "type", "x-default": "command", "x-others": "S107"},
                "x-ignore-case": True,
            },
        },
        "component": STRING,
    },
    "additionalProperties": False,
    "required": ["type"],
    "description": "An Azure ML pipeline job file.",
}  # fmt: skip

# pipeline/pipeline_component.py: PipelineComponentSchema (a `type: pipeline` component file, used
# by a pipeline node): a pipeline's jobs behind a component's typed inputs and outputs.
PIPELINE_COMPONENT: _Schema = {
    **PIPELINE_JOB,
    "properties": {
        **PIPELINE_JOB["properties"],
        "name": COMMAND_COMPONENT["properties"]["name"],  # ComponentSchema: ComponentNameStr too
        "version": VERSION,
        "is_deterministic": BOOLEAN,
        "inputs": COMPONENT_INPUTS,
        "outputs": COMPONENT_OUTPUTS,
    },
    # ComponentSchema: a component file loaded on its own needs its name.
    "required": ["type", "name"],
    "description": "An Azure ML pipeline component file.",
}
# A pipeline component file a pipeline node names (PipelineComponentFileRefField reads it with
# _AnonymousPipelineComponentSchema): it may go without a name.
USED_PIPELINE_COMPONENT: _Schema = {**PIPELINE_COMPONENT, "required": ["type"]}
