"""AutoML steps: native ``type: automl`` nodes and the language's ``automl:`` block.

Both hold the same fields, under Azure ML's names, described task by task in
:mod:`azpipe.schema.automl` (azure-ai-ml 1.35's ``AutoMLClassificationSchema``...,
``NlpVerticalSchema``, ``ImageVerticalSchema``): the schema walker checks their keys, shapes,
types and enums (:mod:`azpipe.checks.values`), and this reader reads the checked mapping, skipping
a value the walker reports. It reads the task, its data (``training_data``, ``validation_data``,
``test_data``: the step's inputs, so references and the graph see them) and the settings; a
``sweep``'s early termination and a ``search_space``'s distributions are read as a sweep step's.
It reports what the schema cannot: the fields azpipe does not carry to Azure ML yet (S108).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from azpipe.expr.ast import RefKind
from azpipe.model import AutoML, Port, Step
from azpipe.readers import walked
from azpipe.readers.bindings import read_binding
from azpipe.readers.ports import read_output
from azpipe.readers.reader import Reader
from azpipe.schema.automl import AUTOML_BLOCK, DATA, IMAGE, NLP, NOT_CARRIED, TASKS, task_properties
from azpipe.schema.language import keys_of
from azpipe.schema.scalars import as_boolean, as_integer, camel_to_snake
from azpipe.source.nodes import Map, Node, Scalar, Seq, plain

if TYPE_CHECKING:
    from azpipe.readers.native import _JobReader
    from azpipe.readers.steps import StepReader

BLOCK_KEYS = keys_of(AUTOML_BLOCK)  # the language's `automl:` block
GROUPS = ("limits", "training", "featurization", "forecasting", "training_parameters")
# What azpipe refuses (S108) until it carries it to Azure ML; the schema describes them.
VERTICAL_NOT_CARRIED = {
    "image": ("test_data", "test_data_size"),  # azure-ai-ml's builders take neither
    "nlp": ("sweep",),  # azure-ai-ml 1.35 cannot dump an NLP job's sweep: its own validation fails on it
}
NOT_CARRIED_IN_GROUPS = {"training": ("stack_ensemble_settings",), "featurization": ("transformer_params",)}


def read_automl(reader: Reader, step: Step, mapping: Map, where: str, bindable: Collection[RefKind]) -> None:
    """The AutoML fields of ``mapping`` (a native node, or a step's ``automl:`` block) into ``step``."""
    step.kind = "automl"
    automl = step.automl = AutoML(mapping.span)
    written = mapping.get("task")
    text = written.value if isinstance(written, Scalar) and isinstance(written.value, str) else None
    task = camel_to_snake(text) if text is not None else None  # azure-ai-ml reads `Classification` too
    if task not in TASKS:
        automl.task = text
        step.incomplete = True  # the walker says why (S103, V002)
        for entry in mapping:  # its data are still the step's inputs: what they name is used
            if entry.key.value in DATA:
                key = str(entry.key.value)
                _data(reader, step, key, entry.key, entry.value, f"`{key}` of {where}", bindable)
        return
    assert task is not None
    automl.task = task
    properties = task_properties(task)
    vertical = "image" if task in IMAGE else "nlp" if task in NLP else ""
    refused = (*NOT_CARRIED, *VERTICAL_NOT_CARRIED.get(vertical, ()))
    for entry in mapping:
        key = entry.key.value
        if key in refused:
            _not_carried(reader, entry.key, f"`{key}` of {where}")
            continue
        if not isinstance(key, str) or key not in properties:
            continue  # `task`, the node's own keys, or a key the walker reports
        automl.spans[key] = entry.value.span
        if key in DATA:
            _data(reader, step, key, entry.key, entry.value, f"`{key}` of {where}", bindable)
        elif key == "sweep":
            automl.settings[key] = _sweep(reader, entry.value, f"`sweep` of {where}")
        elif key == "search_space":
            automl.settings[key] = _search_space(reader, entry.value, f"`search_space` of {where}")
        elif key in GROUPS:
            automl.settings[key] = _group(reader, automl, key, properties[key], entry.value, where)
        else:
            value = checked_value(entry.value, properties[key])
            if value is not None:
                automl.settings[key] = value


def _not_carried(reader: Reader, key: Scalar, what: str) -> None:
    reader.report("S108", key.span, f"azpipe does not carry {what} to Azure ML yet",
                  "remove it, or submit this file with `az ml job create`")  # fmt: skip


def _data(
    reader: Reader,
    step: Step,
    key: str,
    key_node: Scalar,
    node: Node,
    where: str,
    bindable: Collection[RefKind],
) -> None:
    """A data field: a step input of that name, bound as written (a reference or a path)."""
    port = Port(key, key_node.span, type="mltable")
    if isinstance(node, Map):
        value = node.get("path")
        if value is None:
            return  # the walker reports it missing
        mode = node.get("mode")
        port.mode = mode.value if isinstance(mode, Scalar) and isinstance(mode.value, str) else None
        node = value
    elif not isinstance(node, Scalar) or node.value is None:
        return  # the walker reports the shape or the empty value
    port.binding = read_binding(reader, node, where, bindable)
    step.inputs[key] = port


def _sweep(reader: Reader, node: Node, where: str) -> dict[str, Any]:
    """``sweep``: ``sampling_algorithm`` by name, and ``early_termination`` read as a sweep step's."""
    from azpipe.model import Sweep
    from azpipe.readers.sweep import _early_termination

    found: dict[str, Any] = {}
    if not isinstance(node, Map):
        return found
    algorithm = node.get("sampling_algorithm")
    if isinstance(algorithm, Scalar) and isinstance(algorithm.value, str):
        found["sampling_algorithm"] = algorithm.value.lower()  # the walker checks the name
    policy = Sweep(node.span)
    _early_termination(reader, policy, node.get("early_termination"), where)
    if policy.early_termination:
        found["early_termination"] = policy.early_termination
    return found


def _search_space(reader: Reader, node: Node, where: str) -> list[dict[str, Any]]:
    """``search_space``: a list of mappings, each name a distribution (read as a sweep's)."""
    from azpipe.readers.sweep import _distribution

    found: list[dict[str, Any]] = []
    for item in node.items if isinstance(node, Seq) else []:
        space: dict[str, Any] = {}
        for entry in item if isinstance(item, Map) else []:
            name = entry.key.value
            distribution = _distribution(reader, entry.value, f"`{name}` of {where}")
            if distribution is not None and distribution.type:
                space[str(name)] = {"type": distribution.type, **distribution.params}
        found.append(space)
    return found


def _group(
    reader: Reader, automl: AutoML, key: str, schema: dict[str, Any], node: Node, where: str
) -> dict[str, Any]:
    """A mapping of settings (``limits``, ``training``...): the values the walker takes."""
    found: dict[str, Any] = {}
    if not isinstance(node, Map):
        return found
    properties = schema["properties"]
    for entry in node:
        name = entry.key.value
        if name in NOT_CARRIED_IN_GROUPS.get(key, ()):
            _not_carried(reader, entry.key, f"`{key}.{name}` of {where}")
            continue
        if isinstance(name, str) and name in properties:
            value = checked_value(entry.value, properties[name])
            if value is not None:
                found[name] = value
                automl.spans[f"{key}.{name}"] = entry.value.span
    return found


def checked_value(node: Node, schema: dict[str, Any]) -> Any:
    """``node``'s value as marshmallow reads it for ``schema`` (`"2"` for an integer is 2), or
    ``None`` where the walker reports it (a wrong shape, type or enum value, or an empty one).
    Enum values are kept as written (azure-ai-ml compares them itself)."""
    if "anyOf" in schema:
        branches = [branch for branch in schema["anyOf"] if _shape_fits(node, branch)]
        if not branches:
            return None
        schema = branches[0]
    kinds = schema.get("type", ())
    kinds = (kinds,) if isinstance(kinds, str) else kinds
    if isinstance(node, Seq):
        items = (
            [checked_value(item, schema.get("items", {})) for item in node.items]
            if "array" in kinds
            else [None]
        )
        return None if any(item is None for item in items) else items
    if isinstance(node, Map):
        others = schema.get("additionalProperties")
        if "object" not in kinds:
            return None
        if not isinstance(others, dict):
            return plain(node)
        values = {str(entry.key.value): checked_value(entry.value, others) for entry in node}
        return None if any(value is None for value in values.values()) else values
    value = node.value if isinstance(node, Scalar) else None
    if value is None:
        return None
    found = next((read for kind in kinds if (read := _scalar(value, kind)) is not None), None)
    if found is None or ("enum" in schema and _folded(found, schema) not in schema["enum"]):
        return None
    if "pattern" in schema and isinstance(found, str):
        return found if re.search(schema["pattern"], found) else None
    return found


def _shape_fits(node: Node, schema: dict[str, Any]) -> bool:
    kinds = schema.get("type", ())
    kinds = (kinds,) if isinstance(kinds, str) else kinds
    if isinstance(node, Map):
        return "object" in kinds
    if isinstance(node, Seq):
        return "array" in kinds
    return not kinds or bool(set(kinds) - {"object", "array"})


def _scalar(value: Any, kind: str) -> Any:
    if kind == "integer":
        return as_integer(value)
    if kind == "number":
        return walked.as_number(value)
    if kind == "boolean":
        return as_boolean(value)
    return value if kind == "string" and isinstance(value, str) else None


def _folded(value: Any, schema: dict[str, Any]) -> Any:
    mode = schema.get("x-ignore-case")
    if mode == "camel":
        return camel_to_snake(str(value))
    return str(value).lower() if mode else value


def read_automl_outputs(reader: Reader, step: Step, node: Node | None, where: str) -> None:
    """The outputs an AutoML step exposes (``best_model``: an ``mlflow_model``)."""
    for name, key, value in reader.named(node, f"outputs of {where}"):
        if isinstance(value, Scalar) and value.value is None:
            step.outputs[name] = Port(name, key.span, type="mlflow_model")
            continue
        port = read_output(reader, name, key, value, f"output `{name}` of {where}")
        port.type = port.type or "mlflow_model"
        step.outputs[name] = port


LANGUAGE_STEP_KEYS = ("automl", "compute", "outputs", "after", "display_name", "description", "tags", "properties",
                      "comment")  # fmt: skip
DETAIL_NAMES = ("display_name", "description", "tags", "properties", "comment")


def read_native_automl(jobs: _JobReader, step: Step, mapping: Map, where: str) -> None:
    """A native ``type: automl`` node."""
    from azpipe.readers.native import JOB_BINDINGS

    read_automl(jobs.reader, step, mapping, where, JOB_BINDINGS)
    if step.automl is None or step.automl.task not in TASKS:
        return
    jobs._ignored_and_refused(step.name, mapping, where)
    _node_settings(jobs.reader, step, mapping, where)
    jobs._outputs(step, mapping.get("outputs"), where, None)


def read_automl_step(steps: StepReader, step: Step, mapping: Map, where: str) -> None:
    """A step of the azpipe language with an ``automl:`` block."""
    from azpipe.readers.steps import BINDABLE

    reader = steps.reader
    reader.mapping(mapping, where, LANGUAGE_STEP_KEYS)
    block = walked.mapping(reader, mapping.get("automl"), f"`automl` of {where}", BLOCK_KEYS)
    if block is None:
        step.kind, step.incomplete = "automl", True
        return
    read_automl(reader, step, block, f"`automl` of {where}", BINDABLE)
    _node_settings(reader, step, mapping, where)
    read_automl_outputs(reader, step, mapping.get("outputs"), where)


def _node_settings(reader: Reader, step: Step, mapping: Map, where: str) -> None:
    """The node's compute, names, tags, properties and comment (its other keys are the task's)."""
    from azpipe.readers.details import read_details
    from azpipe.readers.entities import read_compute_ref
    from azpipe.readers.spark import without

    compute = mapping.get("compute")
    step.compute = read_compute_ref(reader, compute, f"`compute` of {where}")
    step.compute_span = compute.span if compute else None
    others = tuple(entry.key.value for entry in mapping if entry.key.value not in DETAIL_NAMES)
    step.details = read_details(reader, without(mapping, others), where)
