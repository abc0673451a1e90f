"""Spark nodes in both targets: what the plan keeps of a spark step, and how each writes it.

A spark step is planned as a command step (ports, code, node settings), then
:func:`plan_spark` turns it into a ``spark`` node: the step's ``args`` take the
command's place, and the entry, files, ``conf`` and serverless ``resources`` are
kept in a :class:`SparkPlan`. The Python target builds a step's own component with
azure-ai-ml's ``SparkComponent(...)`` (a spark component file is loaded with
``load_component``, as a command's) and sets ``SparkResourceConfiguration`` on the
node; the YAML target writes a ``type: spark`` node with an inline spark
component. A spark step's own data ports are in ``direct`` mode unless they say
otherwise: the only mode Azure ML's spark jobs take.
"""

from __future__ import annotations

from dataclasses import field
from typing import TYPE_CHECKING, Any

from azpipe.emit.values import Call, call
from azpipe.model import ASSET_TYPES, Step
from azpipe.records import record

if TYPE_CHECKING:
    from azpipe.emit.plan import EnvPlan, StepPlan, _Planner
    from azpipe.emit.python import _Module

DIRECT = "direct"
LISTS = ("py_files", "jars", "files", "archives")


@record
class SparkPlan:
    """A spark node's own fields (its code, environment and ports are the step plan's)."""

    entry: dict[str, str] | None = None  # {"file": ...} or {"class_name": ...}
    lists: dict[str, list[str]] = field(
        default_factory=dict
    )  # py_files, jars, files, archives (the given ones)
    conf: dict[str, Any] = field(default_factory=dict)
    args: str | None = None
    resources: dict[str, Any] = field(default_factory=dict)  # the node's instance_type, runtime_version


def spark_environments(planner: _Planner, step: Step) -> tuple[EnvPlan | None, EnvPlan | None]:
    """A spark step's environment is optional (Azure ML's spark runtime has one): its own, or the
    pipeline's default, on the component azpipe writes; a component's own stays in it."""
    ref = step.environment or (None if step.uses is not None else planner.pipeline.default_environment)
    if step.uses is None:
        return (planner._env_plan(ref) if ref else None), None
    return None, planner._env_plan(step.environment) if step.environment else None


def plan_spark(step: Step, result: StepPlan) -> None:
    """Make the planned command node ``result`` of ``step`` a spark node."""
    spark = step.spark
    assert spark is not None
    own = step.uses is None
    resources = dict(spark.resources)
    if isinstance(resources.get("instance_type"), str):  # Azure ML's YAML reads it in lower case
        resources["instance_type"] = resources["instance_type"].lower()
    result.spark = SparkPlan(resources=resources)
    result.node.resources = dict(resources)  # the node's: SparkResourceConfiguration
    if own:
        result.spark.entry = {spark.entry_kind: spark.entry} if spark.entry is not None else None
        result.spark.lists = {key: list(getattr(spark, key)) for key in LISTS if getattr(spark, key)}
        result.spark.conf = dict(spark.conf)
        result.spark.args = result.command or None
        for port in result.inputs:
            if port.type in ASSET_TYPES and port.declared_mode is None:
                port.declared_mode = DIRECT
        for output in result.outputs:
            if output.declared_mode is None:
                output.declared_mode = DIRECT
    else:  # a node output restating its component's mode keeps it (azure-ai-ml sends both)
        _component_outputs(step, result)
        for output in result.outputs:
            written = step.outputs.get(output.name)
            # Only beside a path or an asset name: a mode alone restates the component's (and an output
            # bound to a pipeline output takes the pipeline output's, which a restated one would override).
            if written is not None and written.mode is not None and (written.path or written.asset_name):
                output.mode = written.mode
    result.command = None


# ------------------------------------------------------------------ Python


def python_component(module: _Module, step: StepPlan) -> Call:
    """``SparkComponent(...)``: the component azpipe writes for a spark step of its own."""
    spark = step.spark
    assert spark is not None
    details = step.details
    return call(
        module.use("SparkComponent"),
        display_name=details.display_name,
        description=details.description,
        tags=details.tags or None,
        is_deterministic=details.is_deterministic,
        code=module.code(step.code),
        entry=spark.entry,
        **{key: spark.lists.get(key) for key in LISTS},
        conf=spark.conf or None,
        args=spark.args,
        environment=module.environment(step.environment),
        inputs={port.name: module._input_spec(port) for port in step.inputs} or None,
        outputs={port.name: module._output_spec(port) for port in step.outputs} or None,
        properties=details.properties or None,
    )


def python_resources(module: _Module, values: dict[str, Any]) -> Call | None:
    """``SparkResourceConfiguration(instance_type=..., runtime_version=...)``."""
    return call(module.use("SparkResourceConfiguration"), **values) if values else None


# ------------------------------------------------------------------ YAML


def yaml_component(step: StepPlan) -> dict[str, Any]:
    """The spark fields of the inline component, in the order Azure ML's examples write them."""
    spark = step.spark
    assert spark is not None
    values: dict[str, Any] = {
        "entry": spark.entry,
        **spark.lists,
        "conf": spark.conf or None,
        "args": spark.args,
    }
    return {key: value for key, value in values.items() if value is not None}


def _component_outputs(step: Step, result: StepPlan) -> None:
    """Every output of the spark component, with the mode it declares: a pipeline output bound to one
    takes that mode in Python (``@dsl.pipeline``), which the Python target must then unset as YAML has it."""
    from azpipe.emit.plan import OutPort

    assert step.uses is not None
    have = {port.name for port in result.outputs}
    for name, port in step.uses.outputs.items():
        if name not in have:
            result.outputs.append(OutPort(name, port.type, declared_mode=port.mode))
