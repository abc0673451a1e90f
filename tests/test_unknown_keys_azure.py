"""Which mappings of a pipeline job, a command node and a command component azure-ai-ml
ignores an unknown key in (marshmallow's ``unknown=INCLUDE``/``EXCLUDE``) and which it
rejects (``RAISE``), asked of azure-ai-ml itself, and ``azpipe check`` agreeing: a
warning (S101) where Azure ML ignores the key, an error where it rejects it.

Each case adds ``zz_extra: "1"`` at one level of a file azure-ai-ml accepts, loads it
with ``load_job``/``load_component`` and ``_validate()``, and checks the file with
azpipe. A new azure-ai-ml release that changes a mapping's ``unknown`` fails here, with
the mapping named, instead of silently making azpipe too strict or too lenient.
"""

from __future__ import annotations

import copy
import json
import logging
import warnings
from pathlib import Path
from typing import Any

import pytest
import yaml

from azpipe.diagnostics import Severity
from azpipe.loading import check_file

EXTRA = "zz_extra"
_COMMAND = "echo ${{inputs.a}} ${{outputs.b}}"
_ENVIRONMENT = {"image": "python:3.11"}
_URI = "azureml://datastores/workspaceblobstore/paths/x"
_INLINE = {
    "command": _COMMAND,
    "environment": _ENVIRONMENT,
    "inputs": {"a": {"type": "integer", "default": 1}},
    "outputs": {"b": {"type": "uri_folder"}},
    "resources": {"instance_count": 1},
    "distribution": {"type": "pytorch", "process_count_per_instance": 1},
}

_NODE_SETTINGS = {
    "resources": {"instance_count": 1},
    "limits": {"timeout": 10},
    "distribution": {"type": "pytorch", "process_count_per_instance": 1},
    "queue_settings": {"job_tier": "standard"},
    "services": {"s": {"type": "ssh", "nodes": "all"}},
    "identity": {"type": "managed"},
}


def _node_settings() -> dict[str, Any]:
    """A node's settings, a fresh copy each time (a key added to one node is not in another)."""
    return copy.deepcopy(_NODE_SETTINGS)


PIPELINE: dict[str, Any] = {
    "$schema": "https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json",
    "type": "pipeline",
    "settings": {"default_compute": "azureml:cpu-cluster"},
    "inputs": {"pin": {"type": "uri_folder", "path": _URI}},
    "outputs": {"pout": {"type": "uri_folder", "mode": "rw_mount"}},
    "identity": {"type": "managed"},
    "jobs": {
        # an inline command job: a command of its own, no component
        "own": {
            "type": "command",
            "command": _COMMAND,
            "environment": _ENVIRONMENT,
            "inputs": {"a": {"type": "uri_folder", "path": _URI}},
            "outputs": {"b": "${{parent.outputs.pout}}"},
            **_node_settings(),
        },
        # a node with an inline component
        "inline": {
            "type": "command",
            "component": _INLINE,
            "inputs": {"a": 2, "x": "${{parent.inputs.pin}}"},
            "outputs": {"b": {"type": "uri_folder", "mode": "rw_mount"}},
            "environment": _ENVIRONMENT,
            **_node_settings(),
        },
        # a node with a component file
        "file": {"type": "command", "component": "./component.yml", "inputs": {"a": 1}},
    },
}
COMPONENT: dict[str, Any] = {
    "$schema": "https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json",
    "type": "command",
    "name": "train",
    **_INLINE,
    "inputs": {"a": {"type": "integer", "default": 1}, "d": {"type": "uri_folder", "optional": True}},
    "queue_settings": {"job_tier": "standard"},
}
PIPELINE["jobs"]["inline"]["component"]["inputs"]["x"] = {"type": "uri_folder"}

IGNORED, REJECTED = "ignored", "rejected"
# (the file, the path of the mapping the key is added to, what azure-ai-ml 1.35 does with it)
CASES: list[tuple[str, tuple[str, ...], str]] = [
    ("pipeline", (), REJECTED),
    ("pipeline", ("settings",), IGNORED),
    ("pipeline", ("inputs", "pin"), REJECTED),
    ("pipeline", ("outputs", "pout"), REJECTED),
    ("pipeline", ("identity",), REJECTED),
    ("pipeline", ("jobs", "own"), REJECTED),
    ("pipeline", ("jobs", "own", "inputs", "a"), REJECTED),
    ("pipeline", ("jobs", "own", "resources"), REJECTED),
    ("pipeline", ("jobs", "own", "limits"), REJECTED),
    ("pipeline", ("jobs", "own", "distribution"), REJECTED),
    ("pipeline", ("jobs", "own", "queue_settings"), REJECTED),
    ("pipeline", ("jobs", "own", "services", "s"), REJECTED),
    ("pipeline", ("jobs", "own", "identity"), REJECTED),
    ("pipeline", ("jobs", "own", "environment"), REJECTED),
    ("pipeline", ("jobs", "inline"), IGNORED),
    ("pipeline", ("jobs", "inline", "outputs", "b"), REJECTED),
    ("pipeline", ("jobs", "inline", "resources"), REJECTED),
    ("pipeline", ("jobs", "inline", "limits"), REJECTED),
    ("pipeline", ("jobs", "inline", "distribution"), REJECTED),
    ("pipeline", ("jobs", "inline", "queue_settings"), REJECTED),
    ("pipeline", ("jobs", "inline", "services", "s"), REJECTED),
    ("pipeline", ("jobs", "inline", "identity"), REJECTED),
    ("pipeline", ("jobs", "inline", "environment"), REJECTED),
    ("pipeline", ("jobs", "inline", "component"), IGNORED),
    ("pipeline", ("jobs", "inline", "component", "inputs", "a"), REJECTED),
    ("pipeline", ("jobs", "inline", "component", "outputs", "b"), REJECTED),
    ("pipeline", ("jobs", "inline", "component", "resources"), IGNORED),
    ("pipeline", ("jobs", "inline", "component", "distribution"), IGNORED),
    ("pipeline", ("jobs", "inline", "component", "environment"), REJECTED),
    ("pipeline", ("jobs", "file"), IGNORED),
    ("component", (), IGNORED),
    ("component", ("inputs", "a"), REJECTED),
    ("component", ("inputs", "d"), REJECTED),
    ("component", ("outputs", "b"), REJECTED),
    ("component", ("resources",), IGNORED),
    ("component", ("distribution",), IGNORED),
    ("component", ("queue_settings",), REJECTED),
    ("component", ("environment",), REJECTED),
]


def _written(folder: Path, kind: str, path: tuple[str, ...] | None) -> Path:
    """The file of ``kind`` with the extra key at ``path`` (none: as it is), and its component file."""
    # A JSON round trip, not deepcopy: no two places share a mapping (YAML would write an alias).
    document = json.loads(json.dumps(PIPELINE if kind == "pipeline" else COMPONENT))
    if path is not None:
        mapping = document
        for key in path:
            mapping = mapping[key]
        mapping[EXTRA] = "1"
    (folder / "component.yml").write_text(yaml.safe_dump(COMPONENT, sort_keys=False))
    target = folder / ("pipeline.yml" if kind == "pipeline" else "component.yml")
    target.write_text(yaml.safe_dump(document, sort_keys=False))
    assert "&id" not in target.read_text()
    return target


def _azure_verdict(target: Path, kind: str) -> str:
    """``ignored`` when azure-ai-ml loads and validates the file, ``rejected`` when it refuses it."""
    from azure.ai.ml import load_component, load_job

    logging.disable(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            loaded = load_job(target) if kind == "pipeline" else load_component(target)
            return IGNORED if loaded._validate().passed else REJECTED
    except Exception:  # marshmallow's ValidationError and azure-ai-ml's own, wrapped
        return REJECTED
    finally:
        logging.disable(logging.NOTSET)


@pytest.mark.parametrize("kind", ["pipeline", "component"])
def test_the_files_without_the_key_are_accepted_by_both(kind: str, tmp_path: Path) -> None:
    pytest.importorskip("azure.ai.ml")
    target = _written(tmp_path, kind, None)
    assert _azure_verdict(target, kind) == IGNORED
    assert [d for d in check_file(str(target)).diagnostics if d.severity is Severity.ERROR] == []


@pytest.mark.parametrize(
    ("kind", "path", "verdict"), CASES, ids=[f"{k}:{'.'.join(p) or '<top>'}" for k, p, _ in CASES]
)
def test_an_unknown_key_is_a_warning_where_azure_ml_ignores_it_and_an_error_where_it_rejects_it(
    kind: str, path: tuple[str, ...], verdict: str, tmp_path: Path
) -> None:
    pytest.importorskip("azure.ai.ml")
    target = _written(tmp_path, kind, path)
    where = ".".join(path) or "the top level"
    assert _azure_verdict(target, kind) == verdict, (
        f"azure-ai-ml no longer {verdict} an unknown key in {where} of a {kind} file: update "
        "x-unknown in src/azpipe/schema/azure_ml.py (and the readers' key checks) to match"
    )
    line = (
        target.read_text().splitlines().index(next(t for t in target.read_text().splitlines() if EXTRA in t))
        + 1
    )
    found = [d for d in check_file(str(target)).diagnostics if d.code == "S101" and EXTRA in d.message]
    assert [(d.span.line, d.severity) for d in found] == [
        (line, Severity.WARNING if verdict == IGNORED else Severity.ERROR)
    ], [(d.span.line, d.severity, d.message) for d in found]
