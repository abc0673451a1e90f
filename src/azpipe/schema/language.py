"""The azpipe language: the values azpipe passes through to Azure ML unchanged.

The readers (``azpipe.readers``) check the language's keys and the values they
interpret (names, types, references, compute sizes). The job details below are
handed to Azure ML as written, so their values are checked against what Azure ML
accepts, with Azure ML's own schemas (:mod:`azpipe.schema.azure_ml`).
"""

from __future__ import annotations

from typing import Any

from azpipe.schema.azure_ml import (
    COMPONENT_INPUT,
    DISTRIBUTION,
    IDENTITY,
    LIMITS,
    QUEUE_SETTINGS,
    RESOURCES,
    SERVICES,
)

_Schema = dict[str, Any]

_DETAILS: _Schema = {
    "resources": RESOURCES,
    "limits": LIMITS,
    "distribution": DISTRIBUTION,
    "identity": IDENTITY,
    "queue_settings": QUEUE_SETTINGS,
    "services": SERVICES,
}
STEP: _Schema = {"type": "object", "properties": _DETAILS, "description": "A step: one command job."}
# A component's inputs are compiled into an Azure ML component: a parameter's `default`,
# `min` and `max` must be what Azure ML reads for its type.
COMPONENT: _Schema = {
    "type": "object",
    "properties": {**_DETAILS, "inputs": {"type": "object", "additionalProperties": COMPONENT_INPUT}},
    "description": "A reusable command.",
}

AZPIPE: _Schema = {
    "type": "object",
    "properties": {
        "steps": {"type": "object", "additionalProperties": STEP},
        "components": {"type": "object", "additionalProperties": COMPONENT},
    },
    "description": "An azpipe pipeline file.",
}
