"""Azure ML's native files: command components and the nodes of pipeline jobs (CLI v2 YAML).

Derived from azure-ai-ml 1.35's marshmallow schemas; the class each part comes
from is named next to it (``azure/ai/ml/_schema/...``). The pipeline job itself, with its
nodes of every kind, is :mod:`azpipe.schema.pipeline_job`'s.
"""

from __future__ import annotations

from typing import Any

_Schema = dict[str, Any]

STRING: _Schema = {"type": "string"}
INTEGER: _Schema = {"type": "integer"}
BOOLEAN: _Schema = {"type": "boolean"}
# Free text Azure ML passes through `unknown=INCLUDE` on pipeline nodes: any scalar is taken.
TEXT: _Schema = {"type": ["string", "number", "integer", "boolean"]}
STRING_MAP: _Schema = {"type": "object", "additionalProperties": STRING}
# A component's tags: ComponentSchema's Dict(values=Str()), whose values may not be left empty
# (a job's and an environment's may).
COMPONENT_TAGS: _Schema = {**STRING_MAP, "x-no-null": True}
ANY_MAP: _Schema = {"type": "object"}
# Settings passed on as written, one value each (azpipe refuses a list or mapping there: S102).
SCALAR_MAP: _Schema = {"type": "object", "additionalProperties": {"type": [*TEXT["type"], "null"]}}
ANY: _Schema = {}
VERSION: _Schema = {"type": ["string", "integer", "number", "boolean"], "description": "An asset version."}
COUNT: _Schema = {"type": "integer", "minimum": 1}
PORT_NUMBER: _Schema = {"type": "integer", "minimum": 1, "maximum": 65535}
# A compute, datastore or component named by reference: azure-ai-ml reads it with ArmStr,
# RegistryStr or a file reference, all of which refuse an empty string.
REFERENCE: _Schema = {"type": "string", "minLength": 1}

# job_resource_configuration.py: JobResourceConfigurationSchema (unknown=RAISE).
_RESOURCE_KEYS: _Schema = {
    "instance_count": {**COUNT, "description": "How many nodes the job runs on."},
    "instance_type": {**STRING, "description": "The instance type (Kubernetes compute)."},
    "shm_size": {
        "type": "string",
        "pattern": r"^[0-9]+[bkmgBKMG]$",
        "x-pattern-hint": "a number and a unit: b, k, m or g (`2g`)",
        "description": "The size of the container's shared memory block.",
    },
    "max_instance_count": {**COUNT, "description": "The most nodes the job may scale to."},
    "locations": {"type": "array", "items": STRING, "description": "The regions the job may run in."},
    "docker_args": {
        "anyOf": [STRING, {"type": "array", "items": STRING}],
        "description": "Extra arguments for `docker run`.",
    },
    "properties": {**SCALAR_MAP, "description": "Other resource properties, passed on as written."},
}
RESOURCES: _Schema = {
    "type": "object",
    "properties": _RESOURCE_KEYS,
    "additionalProperties": False,
    "description": "The compute resources a job asks for.",
}
# component/resource.py: ComponentResourceSchema (unknown=INCLUDE).
COMPONENT_RESOURCES: _Schema = {**RESOURCES, "x-unknown": "warning"}

# job/job_limits.py: CommandJobLimitsSchema.
LIMITS: _Schema = {
    "type": "object",
    "properties": {
        "timeout": {
            "type": "integer",
            "x-unit": "seconds",
            "description": "The most seconds the job may run.",
        },
    },
    "additionalProperties": False,
}

_KIND: _Schema = {**STRING, "description": "The kind: it decides the other keys."}
_PROCESSES: _Schema = {**COUNT, "description": "Processes started on each node (one per GPU, usually)."}
_WORKERS: _Schema = {**COUNT, "description": "How many workers."}
_PARAMETER_SERVERS: _Schema = {"type": "integer", "minimum": 0, "description": "How many parameter servers."}

# job/distribution.py: PyTorch, TensorFlow and MPI distributions, chosen by `type`.
DISTRIBUTION: _Schema = {
    "type": "object",
    "oneOf": [
        {"type": "object", "x-when": ["pytorch"], "additionalProperties": False,
         "properties": {"type": _KIND, "process_count_per_instance": _PROCESSES}},
        {"type": "object", "x-when": ["mpi"], "additionalProperties": False,
         "properties": {"type": _KIND, "process_count_per_instance": _PROCESSES}},
        {"type": "object", "x-when": ["tensorflow"], "additionalProperties": False,
         "properties": {"type": _KIND, "worker_count": _WORKERS, "parameter_server_count": _PARAMETER_SERVERS}},
        # An experimental kind (RayDistributionSchema).
        {"type": "object", "x-when": ["ray"], "additionalProperties": False,
         "properties": {"type": STRING, "port": PORT_NUMBER, "address": STRING, "include_dashboard": BOOLEAN,
                        "dashboard_port": PORT_NUMBER, "head_node_additional_args": STRING,
                        "worker_node_additional_args": STRING}},
    ],
    "discriminator": {"propertyName": "type"},
    "required": ["type"],
    "x-ignore-case": True,
    "description": "How a job is spread over nodes and processes.",
}  # fmt: skip
# A component's distribution: azure-ai-ml 1.35 lets a key of another kind through there.
COMPONENT_DISTRIBUTION: _Schema = {**DISTRIBUTION, "x-unknown": "warning"}

# queue_settings.py: QueueSettingsSchema (constants/_job/job.py: JobTierNames, JobPriorityValues).
QUEUE_SETTINGS: _Schema = {
    "type": "object",
    "properties": {
        "job_tier": {"type": "string", "enum": ["spot", "basic", "standard", "premium", "null"],
                     "x-ignore-case": True, "description": "The tier of the queue (`spot`: preemptible)."},
        "priority": {"type": "string", "enum": ["low", "medium", "high"], "x-ignore-case": True,
                     "description": "The job's priority in the queue."},
    },
    "additionalProperties": False,
}  # fmt: skip

# job/identity.py: managed, AML token and user identities, chosen by `type`.
IDENTITY: _Schema = {
    "type": "object",
    "oneOf": [
        {"type": "object", "x-when": ["managed", "managed_identity"], "additionalProperties": False,
         "properties": {"type": STRING, "client_id": STRING, "object_id": STRING, "msi_resource_id": STRING}},
        {"type": "object", "x-when": ["aml_token"], "additionalProperties": False, "properties": {"type": STRING}},
        {"type": "object", "x-when": ["user_identity"], "additionalProperties": False, "properties": {"type": STRING}},
    ],
    "discriminator": {"propertyName": "type"},
    "required": ["type"],
    "x-ignore-case": True,
}  # fmt: skip

# job/services.py: the kinds of JobServiceSchema, chosen by `type`; any other type
# (`custom`, `tracking`, `studio`) takes the settings they share.
_SERVICE_COMMON: _Schema = {
    "type": {
        **STRING,
        "description": "The kind of service: `ssh`, `tensor_board`, `vs_code`, `jupyter_lab`.",
    },
    "port": {**PORT_NUMBER, "description": "The port it listens on."},
    "nodes": {**STRING, "description": "The nodes it runs on (`all`)."},
    "properties": {**SCALAR_MAP, "description": "Other settings, passed on as written."},
}
SERVICE: _Schema = {
    "type": "object",
    "oneOf": [
        {"type": "object", "x-when": ["ssh"], "additionalProperties": False,
         "properties": {**_SERVICE_COMMON,
                        "ssh_public_keys": {**STRING, "description": "The public keys that may log in."}}},
        {"type": "object", "x-when": ["tensor_board"], "additionalProperties": False,
         "properties": {**_SERVICE_COMMON, "log_dir": {**STRING, "description": "The folder of the logs shown."}}},
        {"type": "object", "x-when": ["vs_code", "jupyter_lab", "*"], "additionalProperties": False,
         "properties": _SERVICE_COMMON},
    ],
    "discriminator": {"propertyName": "type", "x-default": "*"},
    "x-ignore-case": True,
}  # fmt: skip
SERVICES: _Schema = {"type": "object", "additionalProperties": SERVICE}

# assets/environment.py: AnonymousEnvironmentSchema (an environment written inline).
ENVIRONMENT: _Schema = {
    "type": "object",
    # Every field but `name` and `version` refuses an empty value ("Field may not be null"); the
    # readers refuse `id`, `inference_config`, `datastore` and `auto_delete_setting` themselves
    # (azpipe does not carry them), so an empty one is not reported twice.
    "x-no-null": True,
    "properties": {
        "name": {"type": ["string", "null"]},
        "id": {"type": ["string", "null"]},
        "description": STRING,
        "tags": STRING_MAP,
        "version": {**VERSION, "type": [*VERSION["type"], "null"]},
        "image": {**STRING, "description": "The Docker image."},
        "conda_file": {"anyOf": [STRING, ANY_MAP], "description": "A conda file, or its content."},
        "build": {"type": "object", "properties": {"path": STRING, "dockerfile_path": STRING},
                  "additionalProperties": False},
        "os_type": {"type": "string", "enum": ["linux", "windows"], "x-ignore-case": True},
        "inference_config": {"type": ["object", "null"]},
        "datastore": {"type": ["string", "null"]},
        "auto_delete_setting": {"type": ["object", "null"]},
    },
    "additionalProperties": False,
}  # fmt: skip
# EnvironmentField: an inline environment, or a registered one by ArmVersionedStr / RegistryStr,
# both of which need the `azureml:` prefix (`sklearn:1` alone: "Environment schema data cannot
# be a string"); a node's `${{ }}` binding stands for any value before the pattern is looked at.
_ENVIRONMENT_NAME: _Schema = {
    **REFERENCE,
    "pattern": "^azureml:",
    "x-pattern-hint": "`azureml:NAME:VERSION`, `azureml:NAME@latest` or `azureml://registries/...` "
    "(a registered environment), or an inline environment",
}
ENVIRONMENT_REF: _Schema = {"anyOf": [_ENVIRONMENT_NAME, ENVIRONMENT]}

# component/input_output.py: ParameterSchema and InputPortSchema, OutputPortSchema
# and PrimitiveOutputSchema, chosen by `type` (DumpableEnumField: case-sensitive).
_PRIMITIVES = ["boolean", "integer", "number", "string"]
_ASSETS = ["path", "custom_model", "mlflow_model", "mltable", "triton_model", "uri_file", "uri_folder"]
_PORT_MODES = ["direct", "download", "eval_download", "eval_mount", "mount", "ro_mount", "rw_mount", "upload",
               "link"]  # fmt: skip
_PORT_MODE: _Schema = {"type": "string", "enum": _PORT_MODES}
_LIMIT: _Schema = {"type": ["string", "number", "integer"]}
# A parameter's `default` is read as its type (Input._parse_default); `min` and `max` as numbers.
_NUMERIC_LIMIT: _Schema = {"type": "number"}
_PARAMETER_KEYS: _Schema = {"type": STRING, "optional": BOOLEAN, "description": STRING, "default": STRING,
                            "min": _LIMIT, "max": _LIMIT, "enum": {"type": "array", "items": STRING}}  # fmt: skip
# A boolean input's default: ParameterSchema reads it as a string or number first, and Input._parse
# then takes only "true" or "false" in any case (`0`, `1.0` or `"yes"` are refused); a YAML boolean is kept.
_BOOLEAN_DEFAULT: _Schema = {"type": ["boolean", "string"], "enum": ["true", "false"], "x-ignore-case": True}
# Input._validate_parameter_combinations (IOConstants.INPUT_TYPE_COMBINATION): only numbers take bounds.
_UNBOUNDED_KEYS: _Schema = {k: v for k, v in _PARAMETER_KEYS.items() if k not in ("min", "max")}
# ComponentSchema reads a port with ParameterSchema or InputPortSchema (OutputPortSchema) only: a
# port written as a string (`data: uri_folder`, the azpipe language's shorthand) is refused, whatever
# the string ("Invalid input type"). The branch is kept so that a string is told what to write.
_PORT_STRING: _Schema = {
    "type": "string",
    "pattern": r"^(?!)",
    "x-rule": "S102",
    "x-pattern-hint": "a mapping such as `{type: uri_folder}` (Azure ML has no shorthand for a component's port)",
}
COMPONENT_INPUT: _Schema = {
    "anyOf": [
        _PORT_STRING,
        {
            "type": "object",
            "oneOf": [
                {"type": "object", "x-when": ["integer"], "additionalProperties": False,
                 "properties": {**_PARAMETER_KEYS, "default": INTEGER, "min": _NUMERIC_LIMIT,
                                "max": _NUMERIC_LIMIT}},
                {"type": "object", "x-when": ["number", "float"], "additionalProperties": False,
                 "properties": {**_PARAMETER_KEYS, "default": {"type": "number"}, "min": _NUMERIC_LIMIT,
                                "max": _NUMERIC_LIMIT}},
                {"type": "object", "x-when": ["boolean"], "additionalProperties": False,
                 "properties": {**_UNBOUNDED_KEYS, "default": _BOOLEAN_DEFAULT}},
                {"type": "object", "x-when": ["string"], "additionalProperties": False,
                 "properties": {**_UNBOUNDED_KEYS, "default": TEXT}},
                # InputPortSchema reads a `default`, but Input refuses one on an asset type
                # ("Non-primitive type Input has no default value"), so it is no key here.
                {"type": "object", "x-when": _ASSETS, "additionalProperties": False,
                 "properties": {"type": STRING, "optional": BOOLEAN, "description": STRING,
                                "mode": _PORT_MODE}},
            ],
            "discriminator": {"propertyName": "type"},
            "required": ["type"],
            # ParameterSchema and InputPortSchema: no field allows None ("Field may not be null").
            "x-no-null": True,
        },
    ]
}  # fmt: skip
COMPONENT_OUTPUT: _Schema = {
    "anyOf": [
        _PORT_STRING,
        {
            "type": "object",
            "oneOf": [
                {"type": "object", "x-when": _PRIMITIVES, "x-unknown": "warning",
                 "additionalProperties": False,
                 "properties": {"type": STRING, "description": STRING, "mode": _PORT_MODE}},
                {"type": "object", "x-when": _ASSETS, "additionalProperties": False,
                 "properties": {"type": STRING, "description": STRING, "mode": _PORT_MODE}},
            ],
            "discriminator": {"propertyName": "type"},
            "required": ["type"],
            "x-no-null": True,  # OutputPortSchema: no field allows None
        },
    ]
}  # fmt: skip

# entities/_component/component.py: Component._validate_io_names (IOConstants.VALID_KEY_PATTERN),
# for every component's inputs and outputs: identifiers (dotted for a group's), unique ignoring case.
_PORT_NAMES: _Schema = {
    "pattern": r"^[a-zA-Z_][a-zA-Z0-9_]*(\.[a-zA-Z_][a-zA-Z0-9_]*)*$",
    "x-pattern-hint": "letters, digits and `_`, not starting with a digit",
    "x-rule": "N701",
    "x-unique-ignore-case": True,
}
# A port left empty (`data:`) is refused: "Field may not be null".
COMPONENT_INPUTS: _Schema = {
    "type": "object",
    "additionalProperties": COMPONENT_INPUT,
    "propertyNames": _PORT_NAMES,
    "x-no-null": True,
}
COMPONENT_OUTPUTS: _Schema = {
    "type": "object",
    "additionalProperties": COMPONENT_OUTPUT,
    "propertyNames": _PORT_NAMES,
    "x-no-null": True,
}

# A node azure-ai-ml reads with unknown=INCLUDE when it names a `component:` (BaseNodeSchema: an
# unknown key is ignored, a warning), and as an inline job, whose schema rejects one, without.
LENIENT_WITH_COMPONENT: _Schema = {
    "additionalProperties": False,
    "x-unknown": "warning",
    "x-unknown-with": "component",
}
# component/command_component.py: AnonymousCommandComponentSchema (inline in a node,
# read with unknown=INCLUDE) and CommandComponentSchema (a file).
_COMPONENT_KEYS: _Schema = {
    "$schema": STRING,
    "type": {"type": "string", "enum": ["command"], "x-ignore-case": True},
    "name": STRING,
    "version": VERSION,
    "display_name": STRING,
    "description": STRING,
    "tags": COMPONENT_TAGS,
    "properties": ANY_MAP,
    "id": STRING,
    "is_deterministic": BOOLEAN,
    "command": {
        **STRING,
        "description": "The command line; `${{inputs.X}}` and `${{outputs.Y}}` name ports.",
    },
    "code": {**STRING, "description": "The folder (or URL, or registered code) the command runs in."},
    "environment": ENVIRONMENT_REF,
    "environment_variables": ANY_MAP,
    "inputs": COMPONENT_INPUTS,
    "outputs": COMPONENT_OUTPUTS,
    "resources": COMPONENT_RESOURCES,
    "distribution": COMPONENT_DISTRIBUTION,
    "queue_settings": QUEUE_SETTINGS,
    "additional_includes": {"type": "array", "items": STRING},
    "auto_delete_setting": ANY_MAP,
}
INLINE_COMPONENT: _Schema = {
    "type": "object",
    "properties": _COMPONENT_KEYS,
    "additionalProperties": False,
    "x-unknown": "warning",
    "required": ["command", "environment"],
}
COMMAND_COMPONENT: _Schema = {
    **INLINE_COMPONENT,
    "properties": {
        **_COMPONENT_KEYS,
        # core/fields.py: PythonFuncNameStr (ComponentNameStr).
        "name": {
            "type": "string",
            "pattern": r"^[a-z][a-z0-9_]*$",
            "x-pattern-hint": "lower-case letters, digits and `_`, starting with a letter",
            "x-rule": "N701",
            "x-suggest": "snake_case",
            "description": "The component's name in the workspace.",
        },
    },
    "required": ["name", "command", "environment"],
    "description": "An Azure ML command component file.",
}

# The same file used by a pipeline's node (ComponentFileRefField): read anonymously, so its
# `name` is neither needed nor checked.
USED_COMMAND_COMPONENT: _Schema = {
    **COMMAND_COMPONENT,
    "properties": {**COMMAND_COMPONENT["properties"], "name": STRING},
    "required": ["command", "environment"],
    "description": "An Azure ML command component file a pipeline uses.",
}

# job/input_output_entry.py: DataInputSchema, ModelInputSchema, MLTableInputSchema and
# InputLiteralValueSchema; the union InputsField reads a node's or a pipeline's inputs with.
_INPUT_COMMON: _Schema = {"type": STRING, "path": STRING, "datastore": STRING}
_DATA_MODES = ["download", "ro_mount", "direct"]
JOB_INPUT: _Schema = {
    "anyOf": [
        TEXT,
        {
            "type": "object",
            "oneOf": [
                {"type": "object", "x-when": ["uri_folder", "uri_file"], "additionalProperties": False,
                 "properties": {**_INPUT_COMMON, "path_on_compute": STRING,
                                "mode": {"type": "string", "enum": _DATA_MODES, "x-ignore-case": True}}},
                {"type": "object", "x-when": ["mlflow_model", "custom_model", "triton_model"],
                 "additionalProperties": False,
                 "properties": {**_INPUT_COMMON,
                                "mode": {"type": "string", "enum": _DATA_MODES, "x-ignore-case": True}}},
                {"type": "object", "x-when": ["mltable"], "additionalProperties": False,
                 "properties": {**_INPUT_COMMON, "path_on_compute": STRING,
                                "mode": {"type": "string", "enum": [*_DATA_MODES, "eval_mount", "eval_download"],
                                         "x-ignore-case": True}}},
                # No `type`: a data input of any kind, or a literal written as {value: ...}.
                {"type": "object", "x-when": [""], "additionalProperties": False,
                 "properties": {"path": STRING, "datastore": STRING, "path_on_compute": STRING, "value": TEXT,
                                "mode": {"type": "string", "enum": [*_DATA_MODES, "eval_mount", "eval_download"],
                                         "x-ignore-case": True}}},
            ],
            "discriminator": {"propertyName": "type", "x-default": ""},
            "x-ignore-case": True,
            "x-hint": "a job's literal input is a plain value (`epochs: 10`) or `{value: 10}`",
        },
    ]
}  # fmt: skip

# job/input_output_entry.py: OutputSchema.
OUTPUT: _Schema = {
    "type": "object",
    "properties": {
        "type": {"type": "string", "x-ignore-case": True,
                 "enum": ["uri_file", "uri_folder", "custom_model", "mlflow_model", "mltable", "triton_model"]},
        "mode": {"type": "string", "enum": ["mount", "upload", "rw_mount", "direct"], "x-ignore-case": True},
        "path": STRING,
        "name": STRING,
        "version": VERSION,
    },
    "additionalProperties": False,
    "dependentRequired": {"version": ["name"]},
}  # fmt: skip
JOB_OUTPUT: _Schema = {"anyOf": [STRING, OUTPUT]}
# pipeline/component_job.py: BaseNodeSchema.outputs, UnionField([OutputBindingStr, OutputSchema]): a
# node with a component (and a node of any other kind) takes an output as a mapping or as a binding
# to the pipeline's outputs; a plain string (`uri_folder`, a path) is refused ("Value passed is not
# a data binding string"). A command node written inline is read as a command job, which takes one.
_NODE_OUTPUT: _Schema = {
    "anyOf": [
        {"type": "string", "pattern": r"\$\{\{",
         "x-pattern-hint": "a mapping (`type:`, `path:`, `mode:`) or a binding `${{parent.outputs.NAME}}`"},
        OUTPUT,
    ]
}  # fmt: skip
NODE_OUTPUTS: _Schema = {"type": "object", "additionalProperties": _NODE_OUTPUT}

# pipeline/component_job.py: CommandSchema (a `command` node of `jobs:`, unknown=INCLUDE with a
# component; tests/test_unknown_keys_azure.py asks azure-ai-ml which mappings ignore unknown keys).
COMMAND_NODE: _Schema = {
    "type": "object",
    "x-when": ["command"],
    "properties": {
        "type": STRING,
        "component": {"anyOf": [REFERENCE, INLINE_COMPONENT]},
        "command": STRING,
        "code": STRING,
        "environment": ENVIRONMENT_REF,
        "environment_variables": ANY_MAP,
        "compute": STRING,  # a node takes `""`: it then runs on the pipeline's default compute
        "inputs": {"type": "object", "additionalProperties": JOB_INPUT},
        "outputs": {"type": "object", "additionalProperties": JOB_OUTPUT},
        "properties": STRING_MAP,
        "comment": STRING,
        "resources": RESOURCES,
        "distribution": DISTRIBUTION,
        "limits": LIMITS,
        "queue_settings": QUEUE_SETTINGS,
        "services": SERVICES,
        "identity": IDENTITY,
        "name": TEXT,
        "display_name": TEXT,
        "description": TEXT,
        "tags": ANY_MAP,
        "experiment_name": TEXT,
        "is_deterministic": BOOLEAN,
        "parent_job_name": STRING,
        # Passed to `command()` (unknown=INCLUDE), which reads them as resources, limits and
        # queue settings.
        "instance_count": _RESOURCE_KEYS["instance_count"],
        "instance_type": _RESOURCE_KEYS["instance_type"],
        "locations": _RESOURCE_KEYS["locations"],
        "docker_args": _RESOURCE_KEYS["docker_args"],
        "shm_size": _RESOURCE_KEYS["shm_size"],
        "timeout": LIMITS["properties"]["timeout"],
        "job_tier": QUEUE_SETTINGS["properties"]["job_tier"],
        "priority": QUEUE_SETTINGS["properties"]["priority"],
        "additional_includes": {
            "type": "array",
            "items": STRING,
            "description": "Files and folders added to the code snapshot.",
        },
    },
    **LENIENT_WITH_COMPONENT,
    # With a component, azure-ai-ml reads the node with CommandSchema (BaseNodeSchema's outputs).
    "x-with": {"component": {"outputs": NODE_OUTPUTS}},
    "x-bindings": True,
}

# pipeline/settings.py: PipelineJobSettingsSchema (unknown=INCLUDE).
SETTINGS: _Schema = {
    "type": "object",
    "properties": {
        "default_compute": REFERENCE,
        "default_datastore": REFERENCE,
        "continue_on_step_failure": BOOLEAN,
        "force_rerun": BOOLEAN,
        "on_init": STRING,
        "on_finalize": STRING,
    },
    "additionalProperties": False,
    "x-unknown": "warning",
}

# pipeline/pipeline_job.py: PipelineJobSchema (with job/base_job.py: BaseJobSchema).
# pipeline/pipeline_component.py: PipelineSchema (a `type: pipeline` node: a pipeline component
# file, name or registry id); keys it does not take are the readers' (U102).
PIPELINE_NODE: _Schema = {
    "type": "object",
    "x-when": ["pipeline"],
    "properties": {
        "type": STRING,
        "component": REFERENCE,
        "inputs": {"type": "object", "additionalProperties": JOB_INPUT},
        "outputs": NODE_OUTPUTS,
        "properties": STRING_MAP,
        "comment": STRING,
        "display_name": TEXT,
        "description": TEXT,
        "tags": ANY_MAP,
    },
    "required": ["component"],
}
