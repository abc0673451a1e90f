"""The azpipe language: every key a pipeline file may hold, and what its value may be.

``LANGUAGE`` is the one description of the language. ``azpipe check`` validates
every azpipe file against it (:mod:`azpipe.checks.values`: value types, enums,
ranges, patterns, closed mappings, required keys); the readers
(``azpipe.readers``) build the model and take their key lists from it
(:func:`keys_of`); ``azpipe schema`` prints it as JSON Schema and
``docs/language.md``'s key tables are generated from it; ``azpipe lsp`` completes
keys and values from it. The job details handed to Azure ML as written
(resources, distribution, limits, identity, queue settings, services) and a
component's inputs take Azure ML's own schemas (:mod:`azpipe.schema.azure_ml`).

Who reports what, once: the walker checks the keys of every mapping the schema
describes (unknown S101, with "did you mean"); the readers read those mappings
without checking their keys again, and check keys only where the schema leaves a
mapping open (``Reader.unwalked``: a native node of a kind without a schema) or
where azpipe carries fewer keys than Azure ML takes (an inline environment). A
missing key the reader needs to build the model (S103) and a wrong value are
reported by the reader where it says more than the schema can (the step kind a
key belongs to, a value's meaning), else by the walker; the walker drops what a
reader reported at the same place (``checks.values.not_reported``).
``tests/test_unknown_key_everywhere.py`` holds the two together: an unknown key
in any mapping of the examples and the corpus is flagged on its line, once.
The node-kind blocks (``sweep``, ``parallel``, ``spark``, ``data_transfer``) are described
in :mod:`azpipe.schema.node_kinds`, ``automl`` in :mod:`azpipe.schema.automl`.
"""

from __future__ import annotations

from typing import Any

from azpipe.naming import MAX_LENGTH, NAME
from azpipe.schema.automl import AUTOML_BLOCK
from azpipe.schema.azure_ml import (
    COMPONENT_INPUT,
    DISTRIBUTION,
    IDENTITY,
    LIMITS,
    QUEUE_SETTINGS,
    RESOURCES,
    SERVICE,
    SERVICES,
)
from azpipe.schema.environments import ENVIRONMENT_DECLARATION, ENVIRONMENT_USE
from azpipe.schema.node_kinds import (
    DATA_TRANSFER_BLOCK,
    PARALLEL_BLOCK,
    SPARK_BLOCK,
    SWEEP_BLOCK,
)

_Schema = dict[str, Any]

_STRING: _Schema = {"type": "string"}
# Azure ML's node-name rule (azpipe.naming.NAME): pipeline, step and port names.
_NAME_PATTERN = "^" + NAME.pattern + "$"
_NAME: _Schema = {"type": "string", "pattern": _NAME_PATTERN, "maxLength": MAX_LENGTH}
_TEXT: _Schema = {"type": ["string", "number", "integer", "boolean"]}
_TAGS: _Schema = {"type": "object", "additionalProperties": _TEXT}
# A list of strings; the readers take a single string as a list of one (Reader.string_list).
_STRINGS: _Schema = {"anyOf": [_STRING, {"type": "array", "items": _STRING}]}
_VERSION: _Schema = {"type": ["string", "integer", "number"]}
# The version of an asset azpipe registers and refers to as `azureml:NAME:VERSION`, which
# azure-ai-ml refuses with a `/` in it ("Could not parse ..."): an environment's, a data asset's,
# a component's.
ASSET_VERSION: _Schema = {
    **_VERSION,
    "pattern": "^[^/]*$",
    "x-pattern-hint": "a version without `/` (`1`, `2.0`, `v3`: Azure ML refers to it as `azureml:NAME:VERSION`)",
}
_BOOL: _Schema = {"type": "boolean"}
# Names of types and modes (azpipe.model.TYPES, INPUT_MODES, OUTPUT_MODES; a test keeps them equal).
TYPE_NAMES = ("uri_file", "uri_folder", "mltable", "mlflow_model", "custom_model", "triton_model", "path",
              "integer", "number", "string", "boolean")  # fmt: skip
INPUT_MODE_NAMES = ("ro_mount", "download", "direct", "eval_mount", "eval_download")
OUTPUT_MODE_NAMES = ("rw_mount", "upload", "direct")
_TYPE: _Schema = {
    "type": "string",
    "enum": list(TYPE_NAMES),
    "title": "type name",
    "description": "An Azure ML type.",
}
_INPUT_MODE: _Schema = {
    "type": "string",
    "enum": list(INPUT_MODE_NAMES),
    "description": "How the job reads it.",
}
_OUTPUT_MODE: _Schema = {
    "type": "string",
    "enum": list(OUTPUT_MODE_NAMES),
    "description": "How the job writes it.",
}


def _d(schema: _Schema, description: str) -> _Schema:
    """``schema`` with a one-line ``description``."""
    return {**schema, "description": description}


def _scalar_properties(schema: Any) -> Any:
    """``schema`` with each ``properties:`` setting (Azure ML: any mapping) taking scalar values, as
    the language's readers read it (``azpipe.readers.shapes``: a mapping of text)."""
    if isinstance(schema, list):
        return [_scalar_properties(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    found = {key: _scalar_properties(value) for key, value in schema.items()}
    fields = found.get("properties")
    if isinstance(fields, dict) and fields.get("properties") == {"type": "object"}:
        found["properties"] = {**fields, "properties": _TAGS}
    return found


def _titled(schema: _Schema, title: str) -> _Schema:
    """``schema`` with a ``title``: what a value of it is called in the docs' tables."""
    return {**schema, "title": title}


def _named(values: _Schema, description: str) -> _Schema:
    """A mapping of Azure ML names (steps, ports) to ``values``."""
    return _d({"type": "object", "propertyNames": _NAME, "additionalProperties": values}, description)


def _closed(properties: dict[str, _Schema], description: str, required: tuple[str, ...] = ()) -> _Schema:
    """A mapping with exactly ``properties`` (any other key is S101)."""
    found: _Schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        found["required"] = list(required)
    return _d(found, description)


COMPUTE_DECLARATION: _Schema = _titled(
    _closed(
        {
            "type": _d({"type": "string", "enum": ["amlcompute", "computeinstance"]}, "The kind of compute."),
            "size": _d(_STRING, "The VM size (`STANDARD_D2_V2`)."),
            "min_instances": _d({"type": "integer", "minimum": 0}, "The fewest nodes kept running."),
            "max_instances": _d({"type": "integer", "minimum": 1}, "The most nodes."),
            "idle_time_before_scale_down": _d(
                {"type": "integer", "minimum": 0}, "Seconds idle before a node stops."
            ),
        },
        "A compute target azpipe creates if it is missing.",
    ),
    "compute target",
)
DATA_DECLARATION: _Schema = _titled(
    _closed(
        {
            "type": _d(
                {"type": "string", "enum": ["uri_file", "uri_folder", "mltable"]}, "The kind of data."
            ),
            "path": _d(_STRING, "A local path (relative to the pipeline file) or a URI."),
            "version": _d(ASSET_VERSION, "The version it is registered as."),
            "description": _d(_STRING, "What it holds."),
        },
        "A data asset azpipe registers; `${{data.NAME}}` refers to it.",
        required=("path",),
    ),
    "data asset",
)
PIPELINE_INPUT: _Schema = _d(
    {"anyOf": [
        _d(_TEXT, "A literal (its type is inferred), a local path, or `${{data.NAME}}`."),
        _closed({
            "type": _TYPE,
            "default": _d(_TEXT, "Its value unless the run sets another."),
            "optional": _d(_BOOL, "May be left without a value."),
            "description": _d(_STRING, "What it is."),
            "path": _d(_STRING, "A data input's default path or URI."),
            "mode": _INPUT_MODE,
            "datastore": _d(_STRING, "Where a local file is uploaded to."),
        }, "A pipeline input with its settings."),
    ]},
    "A pipeline input.",
)  # fmt: skip
PIPELINE_OUTPUT: _Schema = _d(
    {"anyOf": [
        _d(_STRING, "`${{STEP.outputs.NAME}}`: the step output it exposes."),
        _closed({
            "value": _d(_STRING, "`${{STEP.outputs.NAME}}`: the step output it exposes."),
            "type": _TYPE,
            "mode": _OUTPUT_MODE,
            "description": _d(_STRING, "What it is (Python target only: S109)."),
            "path": _d(_STRING, "Where it is written (`azureml://datastores/NAME/paths/...`)."),
            "name": _d(_STRING, "Register it as a data asset of this name."),
            "version": _d(_VERSION, "The version of that data asset."),
        }, "A pipeline output with its settings.", required=("value",)),
    ]},
    "A pipeline output.",
)  # fmt: skip
STEP_OUTPUT: _Schema = _d(
    {"anyOf": [
        _TYPE,
        {"type": "null"},
        _closed({
            "type": _TYPE,
            "mode": _OUTPUT_MODE,
            "path": _d(_STRING, "Where it is written (`azureml://datastores/NAME/paths/...`)."),
            "name": _d(_STRING, "Register it as a data asset of this name."),
            "version": _d(_VERSION, "The version of that data asset."),
            "description": _d(_STRING, "What it is."),
        }, "An output with its settings."),
    ]},
    "An output: its type, or its settings.",
)  # fmt: skip
STEP_INPUT: _Schema = _d(
    {"anyOf": [
        _d(_TEXT, "`${{parent.inputs.X}}`, `${{STEP.outputs.Y}}`, `${{data.NAME}}`, a literal or a local path."),
        _closed({
            "value": _d(_TEXT, "What it is bound to."),
            "type": _TYPE,
            "mode": _INPUT_MODE,
            "optional": _d(_BOOL, "May be left without a value."),
            "datastore": _d(_STRING, "Where a local file is uploaded to."),
        }, "A binding with its settings.", required=("value",)),
    ]},
    "A step input's binding.",
)  # fmt: skip
_PORT_SETTINGS: dict[str, _Schema] = {
    "type": _TYPE,
    "default": _d(_TEXT, "Its value when the step leaves it unbound."),
    "optional": _d(_BOOL, "May be left unbound."),
    "description": _d(_STRING, "What it is."),
    "min": _d({"type": ["number", "integer", "string"]}, "The smallest value of a number input."),
    "max": _d({"type": ["number", "integer", "string"]}, "The largest value of a number input."),
    "enum": _d({"type": "array"}, "The values a string input may take."),
    "mode": _INPUT_MODE,
}
# The settings each type takes, and their values, are Azure ML's (COMPONENT_INPUT: what the
# compiled component must hold; checks.values walks it): only the descriptions are added here.
COMPONENT_PORT_INPUT: _Schema = _d(
    {"anyOf": [_TYPE, {**COMPONENT_INPUT["anyOf"][1], "properties": _PORT_SETTINGS, "additionalProperties": False,
                       "description": "An input with its settings."}]},
    "A component input: its type, or its settings.",
)  # fmt: skip
DETAIL_PROPERTIES: dict[str, _Schema] = {
    "display_name": _d(_STRING, "The name shown in Azure ML Studio."),
    "description": _d(_STRING, "What it does."),
    "tags": _d(
        _TAGS,
        "Tags on the job (keys: no control characters, line breaks or invisible format characters, N705).",
    ),
    "environment_variables": _d(
        _TAGS,
        "Variables set for the command (names: letters, digits and `_`, not starting with a digit, N704).",
    ),
    "resources": _d(
        _scalar_properties(RESOURCES),
        "The compute resources the job asks for (`docker_args`: a string or a list).",
    ),
    "distribution": _d(
        DISTRIBUTION, "How the job is spread over nodes and processes: `type` and its settings."
    ),
    "limits": _d(LIMITS, "`timeout`: the most seconds the job may run."),
    "is_deterministic": _d(_BOOL, "Whether Azure ML may reuse an earlier run's outputs (default: true)."),
    "identity": _d(
        IDENTITY,
        "The identity the job runs as (the ids: `managed` only; `msi_resource_id` "
        "compiles to Python only, S109).",
    ),
    "properties": _d(_TAGS, "Properties of the job."),
    "services": _d(
        {**SERVICES, "additionalProperties": _titled(_scalar_properties(SERVICE), "service")},
        "Interactive services on the node, by name (`type`: `ssh`, `tensor_board`, "
        "`vs_code`, `jupyter_lab`; without one, `ssh`; any other type is dropped, S110).",
    ),
    "queue_settings": _d(QUEUE_SETTINGS, "Where the job is queued: `job_tier` and `priority`."),
    "additional_includes": _d(
        _STRINGS,
        "Files and folders, relative to the pipeline file, added to the code "
        "snapshot (a step that `uses:` a component lists them in the component).",
    ),
}
_PORTS: dict[str, _Schema] = {
    "outputs": _named(
        STEP_OUTPUT, "Port name to a type name or `{type, mode, path, name, version, description}`."
    ),
}
STEP_PROPERTIES: dict[str, _Schema] = {
    "command": _d(
        _STRING,
        "The command line, a template (`${{inputs.x}}`, `${{outputs.y}}`, "
        "`$[[ optional ]]`); required unless `uses:`.",
    ),
    "code": _d(
        _STRING,
        "The folder the command runs in, relative to the pipeline file (must exist, must stay "
        "inside the repository), or a registered code asset `azureml:NAME:VERSION`.",
    ),
    "uses": _d(
        _STRING,
        "A component: a name under `components:`, a native component file "
        "(`./components/train.yml`), or a registered one (`azureml:train:3`, `train@latest`).",
    ),
    "environment": ENVIRONMENT_USE,
    "compute": _d(
        {**_STRING, "minLength": 1},
        'Where it runs: a name under `compute:`, a workspace compute, or `serverless` (see "Compute").',
    ),
    "inputs": _named(
        STEP_INPUT,
        "Port name to a binding (`${{ ... }}`), a literal, or `{value, type, mode, "
        "optional, datastore}` (`type`: the input's type in a step with its own command, "
        "the type of a literal path, or checked against what is bound).",
    ),
    **_PORTS,
    "after": _d(_STRINGS, "Steps that must finish first (ordering with no data)."),
    "comment": _d(_STRING, "A node's comment in Studio."),
    **DETAIL_PROPERTIES,
    # The node kinds (issue 11): described for editors; their readers check them.
    "parallel": PARALLEL_BLOCK,
    "sweep": SWEEP_BLOCK,
    "spark": SPARK_BLOCK,
    "automl": AUTOML_BLOCK,
    "data_transfer": DATA_TRANSFER_BLOCK,
}
COMPONENT_PROPERTIES: dict[str, _Schema] = {
    "command": STEP_PROPERTIES["command"],
    "code": STEP_PROPERTIES["code"],
    "environment": ENVIRONMENT_USE,
    "inputs": _named(COMPONENT_PORT_INPUT, "Its inputs, by name."),
    **_PORTS,
    "version": _d(ASSET_VERSION, "The component's version."),
    **DETAIL_PROPERTIES,
}
STEP_DECLARATION: _Schema = _titled(_closed(STEP_PROPERTIES, "A step: one job."), "step")
COMPONENT_DECLARATION: _Schema = _titled(
    _closed(COMPONENT_PROPERTIES, "A reusable command with a typed interface.", required=("command",)),
    "component",
)
LANGUAGE: _Schema = _closed(
    {
        "azpipe": _d({"const": 1}, "The language version: the integer `1` (not `true`, `1.0` or `\"1\"`)."),
        "name": _d(_NAME, "The pipeline's name."),
        "job_name": _d(_STRING, "The job's own name in the workspace (`name:` of an Azure ML job file); unique, "
                                "so a second submission needs another."),
        "display_name": _d(_STRING, "Shown in Azure ML Studio; unset, it stays unset, as with `az ml job create`."),
        "description": _d(_STRING, "What the pipeline does, shown in Azure ML Studio."),
        "experiment": _d(_STRING, "The experiment the job is filed under on submission (unset: Azure ML's "
                                  "choice, as with `az ml job create`)."),
        "tags": _d(_TAGS, "Job tags."),
        "properties": _d(_TAGS, "Job properties."),
        "identity": DETAIL_PROPERTIES["identity"],
        "services": DETAIL_PROPERTIES["services"],
        "defaults": _closed(
            {"compute": _d({**_STRING, "minLength": 1}, "The compute of steps without one."),
             "environment": ENVIRONMENT_USE,
             "datastore": _d(_STRING, "Where outputs are written unless they say otherwise.")},
            "Step defaults: what steps get unless they say otherwise.",
        ),
        "settings": _d(
            {"type": "object",
             "properties": {
                 "continue_on_step_failure": _d(_BOOL, "Keep running other steps when one fails."),
                 "force_rerun": _d(_BOOL, "Run every step, reusing no earlier output."),
                 "on_init": _d(_STRING, "A step Azure ML runs before all others."),
                 "on_finalize": _d(_STRING, "A step Azure ML runs after all others, even on failure."),
             },
             "additionalProperties": False, "x-unknown": "warning"},
            "Pipeline settings; `on_init` runs before every other step, `on_finalize` after them all (it must "
            "have no data edge to the others); any other key is a warning (S101) and is passed on to Azure ML "
            "as written, as azure-ai-ml does.",
        ),
        "environments": _d({"type": "object", "additionalProperties": ENVIRONMENT_DECLARATION},
                           "Environments azpipe registers, by name."),
        "compute": _d({"type": "object", "additionalProperties": COMPUTE_DECLARATION},
                      "Compute targets azpipe creates, by name."),
        "data": _d({"type": "object", "additionalProperties": DATA_DECLARATION}, "Data assets, by name."),
        "components": _d({"type": "object", "additionalProperties": COMPONENT_DECLARATION},
                         "Reusable commands, by name."),
        "inputs": _named(PIPELINE_INPUT, "The pipeline's inputs, by name."),
        "outputs": _named(PIPELINE_OUTPUT, "The pipeline's outputs, by name."),
        "steps": _named(STEP_DECLARATION, "The jobs: step name to step."),
    },
    "An azpipe pipeline file.",
    required=("azpipe", "name", "steps"),
)  # fmt: skip


def keys_of(schema: _Schema) -> tuple[str, ...]:
    """The keys a mapping ``schema`` describes, in order (of its mapping branch, for a value that
    may also be written short): what a reader accepts there."""
    branches = [branch for branch in schema.get("anyOf", [schema]) if branch.get("type") == "object"]
    return tuple(branches[0]["properties"])
