"""Azure ML's pipeline job and pipeline component files, with their nodes of every kind.

Derived from azure-ai-ml 1.35's marshmallow schemas (``pipeline/pipeline_job.py``,
``pipeline/pipeline_component.py``, ``pipeline/component_job.py``...): the node kinds' own
schemas are :mod:`azpipe.schema.azure_ml`'s (command, pipeline, sweep, parallel),
:mod:`azpipe.schema.automl`'s, and the ones below. A node alternative with ``x-reader``
leaves some of its mappings open: its reader checks the keys there (``WALKED_NODE_KINDS``
are the others, whose every key the schema walker checks).
"""

from __future__ import annotations

from typing import Any

from azpipe.schema.automl import AUTOML_NODE
from azpipe.schema.azure_ml import (
    BOOLEAN,
    COMMAND_COMPONENT,
    COMMAND_NODE,
    COMPONENT_INPUTS,
    COMPONENT_OUTPUTS,
    IDENTITY,
    JOB_INPUT,
    OUTPUT,
    PARALLEL_NODE,
    PIPELINE_NODE,
    SERVICES,
    SETTINGS,
    STRING,
    STRING_MAP,
    SWEEP_NODE,
    VERSION,
)

_Schema = dict[str, Any]
_NODES = [COMMAND_NODE, PIPELINE_NODE, SWEEP_NODE, PARALLEL_NODE, AUTOML_NODE]
# The node kinds whose keys the schema walker checks everywhere; a reader checks the keys of the others.
WALKED_NODE_KINDS = frozenset(kind for node in _NODES if not node.get("x-reader") for kind in node["x-when"])
# The node kinds the schema leaves to their own readers (`azpipe lsp` completes them too).
_READ_KINDS = ["spark", "data_transfer"]

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
                # x-kinds: the node types their own readers check (completed by `azpipe lsp`).
                "discriminator": {"propertyName": "type", "x-default": "command", "x-others": "S107",
                                  "x-kinds": _READ_KINDS},
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
