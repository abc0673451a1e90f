"""AutoML nodes in both targets.

An AutoML step is planned as a command step (its data inputs bound as any input,
its outputs, its node settings), then :func:`plan_automl` makes it an ``automl``
node: no component, the task and its settings kept as written. The Python target
calls azure-ai-ml's builder for the task (``automl.classification(...)``,
``automl.regression(...)``, ``automl.forecasting(...)``) with the data and the plain
settings, then ``set_limits``, ``set_training``, ``set_featurization`` and
``set_forecast_settings``; the NLP and image tasks' builders (``automl.text_ner(...)``,
``automl.image_object_detection(...)``...) likewise, then ``set_training_parameters``,
``set_sweep`` (its policy an ``azure.ai.ml.sweep`` policy object) and
``extend_search_space`` (``automl.SearchSpace`` of ``azure.ai.ml.sweep`` distributions);
the YAML target writes a ``type: automl`` node with the
same fields, the data as ``${{...}}`` bindings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from azpipe.emit.values import INDENT, Call, Code, call, py
from azpipe.model import Step

if TYPE_CHECKING:
    from azpipe.emit.plan import StepPlan
    from azpipe.emit.python import _Module

SETTERS = {"limits": "set_limits", "training": "set_training", "featurization": "set_featurization",
           "forecasting": "set_forecast_settings", "training_parameters": "set_training_parameters",
           "sweep": "set_sweep", "search_space": "extend_search_space"}  # fmt: skip
NLP = ("text_classification", "text_classification_multilabel", "text_ner")
DATA = ("training_data", "validation_data", "test_data")
TIMEOUT_YAML, TIMEOUT_KEYWORD = "ensemble_model_download_timeout_minutes", "ensemble_model_download_timeout"


def plan_automl(step: Step, result: StepPlan) -> None:
    """Make the planned command node ``result`` of ``step`` an AutoML node."""
    assert step.automl is not None
    result.kind = "automl"
    result.command = None
    result.code = None
    result.environment = result.node_environment = None
    result.automl = {"task": step.automl.task, **step.automl.settings}
    for port in result.inputs:  # data as the node takes it: no interface of its own
        port.type = port.default = port.description = None
        port.declared_mode = None


def python_call(module: _Module, step: StepPlan) -> Call:
    """``automl.TASK(training_data=..., target_column_name=..., ...)``: the node."""
    assert step.automl is not None
    settings = {key: value for key, value in step.automl.items() if key != "task" and key not in SETTERS}
    data = {port.name: module.source(port.source) for port in step.inputs if port.source is not None}
    outputs = {port.name: call(module.use("Output"), type=port.type) for port in step.outputs} or None
    module.use("automl")
    return call(f"automl.{step.automl['task']}", **data, **settings, outputs=outputs)


def _sweep(module: _Module, values: dict[str, Any]) -> dict[str, Any]:
    """``set_sweep``'s arguments: the policy as its ``azure.ai.ml.sweep`` object."""
    from azpipe.emit.sweep import POLICY_CLASSES

    policy = values.get("early_termination")
    if not policy:
        return values
    settings = {key: value for key, value in policy.items() if key != "type"}
    return {**values, "early_termination": call(module.use(POLICY_CLASSES[policy["type"]]), **settings)}


def _distribution(module: _Module, item: dict[str, Any]) -> Call:
    from azpipe.emit.sweep import SEARCH_CLASSES

    return call(module.use(SEARCH_CLASSES[item["type"]]), **{k: v for k, v in item.items() if k != "type"})


def _setter(module: _Module, task: str, group: str, values: Any, local: str) -> Call:
    """``LOCAL.SETTER(...)`` for one group of settings."""
    setter = f"{local}.{SETTERS[group]}"
    if group == "search_space":  # a list of mappings of distributions
        spaces = [call("automl.SearchSpace", **{name: _distribution(module, item) for name, item in space.items()})
                  for space in values]  # fmt: skip
        return Call(setter, ((None, spaces),))
    if group == "sweep":
        values = _sweep(module, values)
    if (
        group == "training" and TIMEOUT_YAML in values
    ):  # the YAML name; `set_training` takes it without `_minutes`
        values = {(TIMEOUT_KEYWORD if key == TIMEOUT_YAML else key): value for key, value in values.items()}
    if group == "limits" and task in NLP:
        # `set_limits` makes an unset max_concurrent_trials 1 where the YAML form leaves it unset
        values = {"max_concurrent_trials": Code("None"), **values}
    return call(setter, **values)


def python_settings(module: _Module, step: StepPlan, local: str) -> list[str]:
    """``NODE.set_limits(...)`` and the other setters, for the groups the step sets."""
    assert step.automl is not None
    lines = []
    for group in SETTERS:
        values: Any = step.automl.get(group)
        if values:
            lines.append(INDENT + py(_setter(module, str(step.automl["task"]), group, values, local), 4))
    training = step.automl.get("training") or {}
    if step.automl["task"] == "forecasting" and "enable_stack_ensemble" not in training:
        # `automl.forecasting()` sets False where the YAML form leaves it unset (the service's default)
        lines.append(f"{INDENT}{local}.training.enable_stack_ensemble = None")
    return lines


def yaml_fields(step: StepPlan, bindings: dict[str, Any]) -> dict[str, Any]:
    """The node's AutoML fields in the order Azure ML's examples write them, data as bindings."""
    assert step.automl is not None
    fields: dict[str, Any] = {"task": step.automl["task"]}
    rest = {key: value for key, value in step.automl.items() if key != "task"}
    for key in ("primary_metric", "target_column_name"):
        if key in rest:
            fields[key] = rest.pop(key)
    fields.update({key: bindings[key] for key in DATA if key in bindings})
    fields.update(rest)
    return fields
