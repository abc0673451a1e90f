"""Azure ML's spark component files (``type: spark``, ``sparkComponent.schema.json``).

Derived from azure-ai-ml 1.35's ``SparkComponentSchema``
(``azure/ai/ml/_schema/component/spark_component.py``: ``ComponentSchema`` with
``ParameterizedSparkSchema``), which ``load_component`` reads with ``unknown=INCLUDE``, as
``SparkComponentFileRefField`` does a file a pipeline's node names: an unknown key at the top
(``resources``, ``compute``, a misspelt ``jar``) is ignored, a warning. ``conf`` is a mapping of
any names (``fields.Dict``) whose values may not be empty. The ports, ``entry``
(``SparkEntryFileSchema``/``SparkEntryClassSchema``), an inline environment and
``auto_delete_setting`` keep their own schemas, which reject an unknown key: an error.
No field but ``environment`` takes an empty value. ``tests/test_spark_component_schema.py``
asks azure-ai-ml which is which.

What else azure-ai-ml or Azure ML needs (exactly one of ``entry.file`` and
``entry.class_name``, no duplicate in ``py_files``..., ``args`` naming the component's own
ports, the entry file in ``code``, the driver and executor settings in ``conf``) is
reported by :mod:`azpipe.readers.spark` and :mod:`azpipe.checks.spark` (K1xx).
"""

from __future__ import annotations

from typing import Any

from azpipe.schema.azure_ml import (
    ANY_MAP,
    BOOLEAN,
    COMMAND_COMPONENT,
    COMPONENT_INPUT,
    COMPONENT_OUTPUT,
    COMPONENT_TAGS,
    ENVIRONMENT_REF,
    STRING,
    VERSION,
)

_Schema = dict[str, Any]
# Any value, an empty one too.
_ANYTHING: _Schema = {"type": ["object", "array", "string", "integer", "number", "boolean", "null"]}
_FILES: _Schema = {"type": "array", "items": STRING}
# A path or class name: an empty one leaves azure-ai-ml without an entry ("has no attribute 'entry'").
_NAME: _Schema = {**STRING, "minLength": 1}
# component/input_output.py: OutputPortSchema alone (a spark component has no primitive outputs).
_PORT: _Schema = COMPONENT_OUTPUT["anyOf"][1]
_OUTPUT: _Schema = {
    "anyOf": [STRING, {**_PORT, "oneOf": [v for v in _PORT["oneOf"] if "uri_folder" in v["x-when"]]}]
}
# assets/auto_delete_setting.py: AutoDeleteSettingSchema (an unknown key is refused).
_AUTO_DELETE: _Schema = {
    "type": "object",
    "properties": {
        "condition": {"type": "string", "enum": ["created_greater_than", "last_accessed_greater_than"],
                      "x-ignore-case": True},
        "value": STRING,
    },
    "additionalProperties": False,
}  # fmt: skip
# job/parameterized_spark.py: SparkEntryFileSchema or SparkEntryClassSchema (exactly one of the
# two keys: azpipe.readers.spark says so); a plain `entry: main.py` is refused.
ENTRY: _Schema = {
    "type": "object",
    "properties": {
        "file": {**_NAME, "description": "The Python (or JAR) file Spark runs, in `code`."},
        "class_name": {**_NAME, "description": "The JVM main class Spark runs."},
    },
    "additionalProperties": False,
    "x-no-null": True,
    "description": "What Spark runs: `{file: main.py}` or `{class_name: ...}`.",
}
SPARK_COMPONENT: _Schema = {
    "type": "object",
    "properties": {
        "$schema": STRING,
        "type": {"type": "string", "enum": ["spark"], "x-ignore-case": True},
        "name": COMMAND_COMPONENT["properties"]["name"],  # ComponentNameStr, as a command component's
        "version": VERSION,
        "display_name": STRING,
        "description": STRING,
        "tags": COMPONENT_TAGS,
        "is_deterministic": BOOLEAN,
        "id": STRING,
        "auto_delete_setting": _AUTO_DELETE,
        "properties": ANY_MAP,
        "inputs": {"type": "object", "additionalProperties": COMPONENT_INPUT},
        "outputs": {"type": "object", "additionalProperties": _OUTPUT},
        "additional_includes": _FILES,
        "code": {**STRING, "description": "The folder holding the entry file, relative to this file."},
        "entry": ENTRY,
        "py_files": {**_FILES, "description": "Python files (.zip, .egg, .py) put on the PYTHONPATH."},
        "jars": {**_FILES, "description": "JARs put on the driver's and executors' classpaths."},
        "files": {**_FILES, "description": "Files put in each executor's working folder."},
        "archives": {**_FILES, "description": "Archives unpacked in each executor's working folder."},
        "conf": {
            "type": "object",
            "additionalProperties": {"type": ["object", "array", "string", "integer", "number", "boolean"]},
            "description": "Spark properties (`spark.executor.instances: 2`).",
        },
        "args": {**STRING, "description": "The entry's arguments; `${{inputs.X}}` and `${{outputs.Y}}` name ports."},
        # EnvironmentField(allow_none=True): the one field an empty value is absent from.
        "environment": {"anyOf": [*ENVIRONMENT_REF["anyOf"], {"type": "null"}]},
    },
    "additionalProperties": False,
    "x-unknown": "warning",
    "x-no-null": True,
    "required": ["name", "type", "entry"],
    "description": "An Azure ML spark component file.",
}  # fmt: skip
# The same file used by a pipeline's node (SparkComponentFileRefField): azure-ai-ml reads it with
# AnonymousSparkComponentSchema, which neither needs nor checks a `name` (the node registers it
# anonymously).
USED_SPARK_COMPONENT: _Schema = {
    **SPARK_COMPONENT,
    # AnonymousAssetSchema makes `name` and `version` dump-only: read with INCLUDE, any value passes.
    "properties": {**SPARK_COMPONENT["properties"], "name": _ANYTHING, "version": _ANYTHING},
    "required": ["type", "entry"],
    "description": "An Azure ML spark component file a pipeline uses.",
}
