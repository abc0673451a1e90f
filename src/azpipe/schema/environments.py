"""Environments in the azpipe language: declared under ``environments:``, or written in place.

Their own module, as both a step (:mod:`azpipe.schema.language`) and a parallel block's task
(:mod:`azpipe.schema.node_kinds`) take an environment, and the language imports the blocks.
"""

from __future__ import annotations

from typing import Any

_Schema = dict[str, Any]

_STRING: _Schema = {"type": "string"}
_TAGS: _Schema = {
    "type": "object",
    "additionalProperties": {"type": ["string", "number", "integer", "boolean"]},
}
# As language.ASSET_VERSION (not imported: the language imports this module).
_VERSION: _Schema = {
    "type": ["string", "integer", "number"],
    "pattern": "^[^/]*$",
    "x-pattern-hint": "a version without `/` (`1`, `2.0`, `v3`: Azure ML refers to it as `azureml:NAME:VERSION`)",
}


def _d(schema: _Schema, description: str) -> _Schema:
    """``schema`` with a one-line ``description``."""
    return {**schema, "description": description}


def _closed(properties: dict[str, _Schema], description: str, required: tuple[str, ...] = ()) -> _Schema:
    """A mapping with exactly ``properties`` (any other key is S101)."""
    found: _Schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        found["required"] = list(required)
    return _d(found, description)


_ENVIRONMENT_PROPERTIES: dict[str, _Schema] = {
    "image": _d(_STRING, "The Docker image it starts from."),
    "conda_file": _d(_STRING, "A conda file to install on top, relative to the pipeline file."),
    "build": _closed(
        {"path": _d(_STRING, "The Docker build context folder."),
         "dockerfile_path": _d(_STRING, "The Dockerfile, relative to `path`.")},
        "Build the image from a Docker context instead.", required=("path",),
    ),
    "os_type": _d({"type": "string", "enum": ["linux", "windows"]}, "The operating system."),
    "version": _d(_VERSION, "The version it is registered as."),
    "description": _d(_STRING, "What it is."),
    "tags": _d(_TAGS, "Tags on the environment."),
}  # fmt: skip
ENVIRONMENT_DECLARATION: _Schema = {
    **_closed(_ENVIRONMENT_PROPERTIES, "An environment azpipe registers."),
    "title": "environment",
}
_IGNORED = "Ignored: an inline environment is registered anonymously (S110)."
INLINE_ENVIRONMENT: _Schema = _closed(
    {
        **{key: value for key, value in _ENVIRONMENT_PROPERTIES.items() if key != "version"},
        "name": _d(_STRING, _IGNORED),
        "version": _d(_VERSION, _IGNORED),
    },
    "An environment written in place (registered anonymously).",
)
ENVIRONMENT_USE: _Schema = _d(
    {"anyOf": [_STRING, INLINE_ENVIRONMENT]},
    "A declared environment's name, `azureml:NAME:VERSION`, `NAME@latest`, a registry URI, or one written in place.",
)
