"""Azure ML's parallel component files (``type: parallel``, ``parallelComponent.schema.json``).

Derived from azure-ai-ml 1.35's ``ParallelComponentSchema``
(``azure/ai/ml/_schema/component/parallel_component.py``), which ``load_component`` reads
with ``unknown=INCLUDE``: an unknown key at the top, in ``task``
(``ComponentParallelTaskSchema``), ``retry_settings`` (``RetrySettingsSchema``) and
``resources`` (``ComponentResourceSchema``) is ignored (a warning), while the ports and an
inline environment keep their own schemas, which reject one (an error).
``tests/test_parallel_component_schema.py`` asks azure-ai-ml which is which.

What azure-ai-ml does not check but Azure ML needs (``input_data``, ``task`` and its
``entry_script``; the ports ``input_data`` and ``append_row_to`` name; thresholds and
retries in range; the mini-batch size's form; the entry script itself) is reported by
:mod:`azpipe.readers.parallel_component` and :mod:`azpipe.checks.parallel` (L1xx).
"""

from __future__ import annotations

from typing import Any

from azpipe.schema.azure_ml import (
    ANY_MAP,
    BOOLEAN,
    COMMAND_COMPONENT,
    COMPONENT_INPUT,
    COMPONENT_OUTPUT,
    COMPONENT_RESOURCES,
    COMPONENT_TAGS,
    ENVIRONMENT_REF,
    INTEGER,
    STRING,
    VERSION,
)

_Schema = dict[str, Any]
# Any value, an empty one too.
_ANYTHING: _Schema = {"type": ["object", "array", "string", "integer", "number", "boolean", "null"]}

# component/input_output.py: OutputPortSchema alone (a parallel component has no primitive outputs).
_PORT: _Schema = COMPONENT_OUTPUT["anyOf"][1]
_OUTPUT: _Schema = {
    "anyOf": [STRING, {**_PORT, "oneOf": [v for v in _PORT["oneOf"] if "uri_folder" in v["x-when"]]}]
}
# component/retry_settings.py: UnionField([Int, DataBindingStr]): an integer, or text holding a `${{ }}`.
_RETRY_VALUE: _Schema = {
    "type": ["integer", "string"],
    "pattern": r"^\s*[+-]?[0-9]+\s*$|\$\{\{\s*\S*\s*\}\}",
    "x-pattern-hint": "an integer or a data binding `${{inputs.NAME}}`",
}
# component/parallel_task.py: ComponentParallelTaskSchema (StringTransformedEnum lower-cases `type`).
TASK: _Schema = {
    "type": "object",
    "properties": {
        "type": {"type": "string", "enum": ["run_function", "model", "function"], "x-ignore-case": True,
                 "description": "How the task runs: `run_function` calls the entry script's `run()`."},
        "code": {**STRING, "description": "The folder holding the entry script, relative to this file."},
        "entry_script": {**STRING, "description": "The script defining `init()` and `run(mini_batch)`."},
        "program_arguments": {**STRING, "description": "Arguments for the entry script; `${{inputs.X}}` names ports."},
        "model": STRING,
        "append_row_to": {**STRING, "description": "`${{outputs.NAME}}`: the output run()'s rows are appended to."},
        "environment": ENVIRONMENT_REF,
    },
    "additionalProperties": False,
    "x-unknown": "warning",
    "x-no-null": True,
    "required": ["type", "environment"],
    "description": "What each worker runs.",
}  # fmt: skip
PARALLEL_COMPONENT: _Schema = {
    "type": "object",
    "properties": {
        "$schema": STRING,
        "type": {"type": "string", "enum": ["parallel"], "x-ignore-case": True},
        "name": COMMAND_COMPONENT["properties"]["name"],  # ComponentNameStr, as a command component's
        "version": VERSION,
        "display_name": STRING,
        "description": STRING,
        "tags": COMPONENT_TAGS,
        "is_deterministic": BOOLEAN,
        "id": STRING,
        "auto_delete_setting": ANY_MAP,
        # Not a field of ParallelComponentSchema: azure-ai-ml passes any value on to the component.
        "properties": _ANYTHING,
        "inputs": {"type": "object", "additionalProperties": COMPONENT_INPUT},
        "outputs": {"type": "object", "additionalProperties": _OUTPUT},
        "resources": {**COMPONENT_RESOURCES, "x-no-null": True},
        "logging_level": {"type": "string", "enum": ["DEBUG", "INFO", "WARNING"]},
        "task": TASK,
        "mini_batch_size": {**STRING, "description": 'Files or rows (`"10"`), or bytes (`"100mb"`), per mini-batch.'},
        "partition_keys": {"type": "array", "items": STRING, "description": "The columns mini-batches are split by."},
        "input_data": {**STRING, "description": "`${{inputs.NAME}}`: the input split into mini-batches."},
        "retry_settings": {
            "type": "object",
            "properties": {"max_retries": _RETRY_VALUE, "timeout": {**_RETRY_VALUE, "x-unit": "seconds"}},
            "additionalProperties": False,
            "x-unknown": "warning",
            "x-no-null": True,
        },
        "max_concurrency_per_instance": INTEGER,
        "error_threshold": INTEGER,
        "mini_batch_error_threshold": INTEGER,
    },
    "additionalProperties": False,
    "x-unknown": "warning",
    "x-no-null": True,  # no field of ParallelComponentSchema takes an empty value
    "required": ["name", "type"],
    "description": "An Azure ML parallel component file.",
}  # fmt: skip
# The same file used by a pipeline's node (ParallelComponentFileRefField): azure-ai-ml reads it with
# AnonymousParallelComponentSchema, which neither needs nor checks a `name` (the node registers it
# anonymously).
USED_PARALLEL_COMPONENT: _Schema = {
    **PARALLEL_COMPONENT,
    "properties": {**PARALLEL_COMPONENT["properties"], "name": STRING},
    "required": ["type"],
    "description": "An Azure ML parallel component file a pipeline uses.",
}
