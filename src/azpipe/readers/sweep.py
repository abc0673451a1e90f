"""Sweeps: a step's ``sweep:`` block and native ``type: sweep`` nodes, read into :class:`~azpipe.model.Sweep`.

The fields and their parameters are those azure-ai-ml 1.35's schemas take
(``azure/ai/ml/_schema/_sweep/``: search spaces, objective, sampling algorithm,
early termination; ``job/job_limits.py``: ``SweepJobLimitsSchema``). Shapes are
checked here (S101/S102/S103/S106, V001/V003); what needs the trial's interface
(the search-space keys and their types) is checked in :mod:`azpipe.checks.sweep`.
"""

from __future__ import annotations

import math
from typing import Any

from azpipe.diagnostics import Span
from azpipe.model import Distribution, Port, Step, Sweep
from azpipe.readers.details import read_details
from azpipe.readers.entities import read_compute_ref
from azpipe.readers.reader import Reader
from azpipe.schema.language import keys_of
from azpipe.schema.node_kinds import SWEEP_BLOCK
from azpipe.source.nodes import Map, Node, Scalar, Seq
from azpipe.suggest import did_you_mean

SWEEP_KEYS = keys_of(SWEEP_BLOCK)  # the language schema's `sweep:` block
# Each distribution's parameters, as azure-ai-ml's search-space schemas name them (all required).
DISTRIBUTIONS: dict[str, tuple[str, ...]] = {
    "choice": ("values",),
    "randint": ("upper",),
    "uniform": ("min_value", "max_value"),
    "loguniform": ("min_value", "max_value"),
    "quniform": ("min_value", "max_value", "q"),
    "qloguniform": ("min_value", "max_value", "q"),
    "normal": ("mu", "sigma"),
    "lognormal": ("mu", "sigma"),
    "qnormal": ("mu", "sigma", "q"),
    "qlognormal": ("mu", "sigma", "q"),
}
SAMPLING_ALGORITHMS = ("random", "grid", "bayesian")
SAMPLING_KEYS = {"random": ("type", "seed", "rule", "logbase"), "grid": ("type",), "bayesian": ("type",)}
RANDOM_RULES = ("random", "sobol")
GOALS = ("maximize", "minimize")
LIMIT_KEYS = keys_of(SWEEP_BLOCK["properties"]["limits"])
POLICIES: dict[str, tuple[str, ...]] = {
    "bandit": ("slack_factor", "slack_amount", "evaluation_interval", "delay_evaluation"),
    "median_stopping": ("evaluation_interval", "delay_evaluation"),
    "truncation_selection": ("truncation_percentage", "evaluation_interval", "delay_evaluation"),
}
_POLICY_INTEGERS = ("evaluation_interval", "delay_evaluation", "truncation_percentage")
# A sweep node's own keys besides its trial's interface (pipeline/component_job.py: SweepSchema).
NODE_KEYS = (
    "type", "trial", "compute", "inputs", "outputs", "properties", "comment", "name", "display_name",
    "description", "tags", "experiment_name", "identity", "queue_settings", "resources", *SWEEP_KEYS,
)  # fmt: skip


def read_sweep(reader: Reader, node: Node | None, where: str) -> Sweep | None:
    """The ``sweep:`` block (or a native sweep node's own fields, ``node`` being the node)."""
    if node is None:
        return None
    mapping = node if isinstance(node, Map) else reader.mapping(node, where, SWEEP_KEYS)
    if mapping is None:
        return None
    sweep = Sweep(mapping.span)
    for key in ("objective", "limits"):
        if key not in mapping:
            reader.report("S103", _head(mapping.span), f"{where} needs `{key}`")
    _search_space(reader, sweep, mapping.get("search_space"), where)
    _objective(reader, sweep, mapping.get("objective"), where)
    _sampling(reader, sweep, mapping.get("sampling_algorithm"), where)
    _limits(reader, sweep, mapping.get("limits"), where)
    _early_termination(reader, sweep, mapping.get("early_termination"), where)
    return sweep


def read_step_sweep(reader: Reader, step: Step, step_mapping: Map, where: str) -> None:
    """A language step's ``sweep:``: the step becomes a sweep node whose trial is its command.

    A step with its own command gets each search-space key as an input of its own (typed
    from the distribution), which its command uses as ``${{inputs.NAME}}``.
    """
    if step.kind == "pipeline":
        return  # a sub-pipeline is not swept (the sub-pipeline reader reports `sweep`, U102)
    key = step_mapping.key_node("sweep")
    if step.kind != "command" and key is not None:  # a spark component file, say
        reader.report("S105", key.span, f"{where} is a {step.kind} step: it cannot be swept",
                      "Azure ML sweeps a command: its trial is a command component")  # fmt: skip
        return
    mapping = reader.mapping(step_mapping.get("sweep"), f"`sweep` of {where}", SWEEP_KEYS)
    sweep = read_sweep(reader, mapping, f"`sweep` of {where}")
    if sweep is None:
        return
    step.kind, step.sweep = "sweep", sweep
    _node_settings(reader, step, step_mapping, where)
    if step.uses is not None:
        return
    for name, distribution in sweep.search_space.items():
        if name not in step.inputs:
            port_type = distribution_type(distribution)
            step.inputs[name] = Port(name, sweep.key_spans[name], type=port_type, implicit=True)


# Step settings a sweep node does not take (azure-ai-ml's Sweep has no such field): refused, never lost.
NOT_ON_SWEEP = ("environment_variables", "limits", "services")
NOT_ON_SWEEP_WITH_COMPONENT = ("distribution",)  # with its own command, it goes to the trial


def _node_settings(reader: Reader, step: Step, mapping: Map, where: str) -> None:
    refused = NOT_ON_SWEEP + (NOT_ON_SWEEP_WITH_COMPONENT if step.uses is not None else ())
    for key in refused:
        found = mapping.key_node(key)
        if found is None:
            continue
        hint = (
            "sweep limits go under `sweep: {limits: ...}`"
            if key == "limits"
            else ("a sweep node has no such setting; set it in the trial's component")
        )
        reader.report("W106", found.span, f"`{key}` cannot be set on sweep {where}", hint)


OTHER_KINDS = ("spark", "parallel")  # a sweep's trial is a command (azure-ai-ml: a command component)


def sweep_conflicts(reader: Reader, mapping: Map, where: str) -> None:
    """S105 for ``sweep:`` next to the block of another node kind (which is read instead)."""
    key = mapping.key_node("sweep")
    if key is None:
        return
    for other in OTHER_KINDS:
        if other in mapping:
            reader.report("S105", key.span, f"{where} has both `{other}` and `sweep`",
                          "Azure ML sweeps a command: its trial is a command component")  # fmt: skip


def distribution_type(distribution: Distribution) -> str:
    """The input type a distribution's samples have: a choice's values' type, else integer or number."""
    if distribution.type == "randint":
        return "integer"
    if distribution.type != "choice":
        return "number"
    kinds = {_value_type(value) for value in distribution.params.get("values", [])}
    if kinds <= {"integer"} and kinds:
        return "integer"
    if kinds <= {"integer", "number"} and kinds:
        return "number"
    return kinds.pop() if len(kinds) == 1 else "string"


def _value_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return "string"


def _search_space(reader: Reader, sweep: Sweep, node: Node | None, where: str) -> None:
    if node is None:
        return
    for name, key, value in reader.named(node, f"`search_space` of {where}"):
        distribution = _distribution(reader, value, f"`search_space.{name}` of {where}")
        if distribution is not None:
            sweep.search_space[name] = distribution
            sweep.key_spans[name] = key.span


def _distribution(reader: Reader, node: Node, where: str) -> Distribution | None:
    kind_node = node.get("type") if isinstance(node, Map) else None
    kind = reader.choice(kind_node, f"`type` of {where}", DISTRIBUTIONS) if kind_node else None
    allowed = ("type", *DISTRIBUTIONS.get(kind or "", ()))
    mapping = reader.mapping(node, where, allowed if kind else ("type", *_all_parameters()), ("type",))
    if mapping is None or kind is None:
        return Distribution("", node.span)  # unreadable (reported): the key is still swept
    distribution = Distribution(kind, mapping.span)
    assert kind_node is not None
    distribution.spans["type"] = kind_node.span
    for parameter in DISTRIBUTIONS[kind]:
        value = mapping.get(parameter)
        if value is None:
            reader.report("S103", _head(mapping.span), f"{where} needs `{parameter}`")
            continue
        distribution.spans[parameter] = value.span
        read = (
            _choices(reader, value, where)
            if parameter == "values"
            else _parameter(reader, kind, parameter, value, where)
        )
        if read is not None:
            distribution.params[parameter] = read
    _ranges(reader, distribution, where)
    return distribution  # incomplete after an error, but still the input's sweep (no cascade)


def _all_parameters() -> tuple[str, ...]:
    return tuple(dict.fromkeys(p for params in DISTRIBUTIONS.values() for p in params))


def _parameter(reader: Reader, kind: str, parameter: str, node: Node, where: str) -> int | float | None:
    """A number; ``randint``'s ``upper`` an integer (azure-ai-ml's ``fields.Integer``)."""
    value = node.value if isinstance(node, Scalar) else None
    integer_only = kind == "randint"
    ok = isinstance(value, int) if integer_only else isinstance(value, (int, float))
    if not ok or isinstance(value, bool):
        expected = "an integer" if integer_only else "a number"
        reader.report("V001", node.span, f"`{parameter}` of {where} must be {expected}", _quoted_hint(node))
        return None
    if isinstance(value, float) and not math.isfinite(value):
        reader.report("T603", node.span, f"`{parameter}` of {where} must be a finite number")
        return None
    return value  # type: ignore[return-value]


def _choices(reader: Reader, node: Node, where: str) -> list[Any] | None:
    """A choice's ``values``: a non-empty list of scalars (nested search spaces are refused)."""
    if not isinstance(node, Seq):
        reader.wrong_shape(node, f"`values` of {where}", "list")
        return None
    found: list[Any] = []
    for item in node.items:
        if isinstance(item, Map):
            reader.report("W106", item.span, f"`values` of {where} holds a nested search space",
                          "azpipe does not support nested (conditional) search spaces yet; list plain values")  # fmt: skip
            return None
        if not isinstance(item, Scalar) or item.value is None:
            reader.wrong_shape(item, f"a value of {where}", "string or number")
            return None
        if isinstance(item.value, float) and not math.isfinite(item.value):
            reader.report("T603", item.span, f"a value of {where} must be a finite number")
            return None
        found.append(item.value)
    if not found:
        reader.report("V003", node.span, f"`values` of {where} is empty", "list one value or more")
        return None
    return found


def _ranges(reader: Reader, distribution: Distribution, where: str) -> None:
    """Bounds Azure ML rejects when the sweep starts: an empty range, a non-positive spread or step."""
    params, spans = distribution.params, distribution.spans
    problems: list[tuple[str, str]] = []
    if "min_value" in params and "max_value" in params and params["min_value"] >= params["max_value"]:
        problems.append(("max_value", "`max_value` must be greater than `min_value`"))
    if "upper" in params and params["upper"] < 1:
        problems.append(("upper", "`upper` must be at least 1 (randint samples 0 to upper - 1)"))
    for key in ("sigma", "q"):
        if key in params and params[key] <= 0:
            problems.append((key, f"`{key}` must be greater than 0"))
    for key, message in problems:
        reader.report("V003", spans[key], f"{where}: {message}")
        params.pop(key, None)


def _objective(reader: Reader, sweep: Sweep, node: Node | None, where: str) -> None:
    mapping = reader.mapping(
        node, f"`objective` of {where}", ("goal", "primary_metric"), ("goal", "primary_metric")
    )
    if mapping is None:
        return
    sweep.objective_span = mapping.span
    goal = mapping.get("goal")
    if goal is not None:
        text = reader.string(goal, f"`objective.goal` of {where}")
        # azure-ai-ml reads the goal in any case (camel_to_snake, then the enum).
        if text is not None and text.lower() not in GOALS:
            hint = did_you_mean(text.lower(), GOALS) or "maximize or minimize"
            reader.report("V002", goal.span, f"`objective.goal` of {where} cannot be `{text}`", hint)
        elif text is not None:
            sweep.goal = text.lower()
    metric = mapping.get("primary_metric")
    sweep.primary_metric = reader.string(metric, f"`objective.primary_metric` of {where}")
    if sweep.primary_metric is not None and not sweep.primary_metric.strip() and metric is not None:
        reader.report("V003", metric.span, f"`objective.primary_metric` of {where} is empty",
                      "name the metric each trial logs")  # fmt: skip
        sweep.primary_metric = None


def _sampling(reader: Reader, sweep: Sweep, node: Node | None, where: str) -> None:
    if node is None:
        return
    sweep.sampling_span = node.span
    what = f"`sampling_algorithm` of {where}"
    if isinstance(node, Scalar):
        sweep.sampling_algorithm = _algorithm(reader, node, what)
        return
    mapping = reader.mapping(node, what, ("type", "seed", "rule", "logbase"), ("type",))
    if mapping is None or "type" not in mapping:
        return
    kind_node = mapping.get("type")
    assert kind_node is not None
    kind = _algorithm(reader, kind_node, f"`type` of {what}")
    if kind is None:
        return
    sweep.sampling_algorithm, sweep.sampling_form = kind, "mapping"
    for entry in mapping:
        key = entry.key.value
        if key == "type" or not isinstance(key, str):
            continue
        if key not in SAMPLING_KEYS[kind]:
            reader.report("S105", entry.key.span, f"`{key}` of {what} does not apply to `{kind}` sampling",
                          "only random sampling takes `seed`, `rule` and `logbase`")  # fmt: skip
            continue
        value = _sampling_setting(reader, key, entry.value, f"`{key}` of {what}")
        if value is not None:
            sweep.sampling[key] = value


def _algorithm(reader: Reader, node: Node, what: str) -> str | None:
    text = reader.string(node, what)
    if text is None:
        return None
    if text.lower() not in SAMPLING_ALGORITHMS:
        hint = did_you_mean(text.lower(), SAMPLING_ALGORITHMS) or "random, grid or bayesian"
        reader.report("V002", node.span, f"{what} cannot be `{text}`", hint)
        return None
    return text.lower()


def _sampling_setting(reader: Reader, key: str, node: Node, what: str) -> Any:
    if key == "seed":
        return reader.integer(node, what, minimum=None)
    if key == "rule":
        text = reader.string(node, what)
        if text is not None and text.lower() not in RANDOM_RULES:
            reader.report("V002", node.span, f"{what} cannot be `{text}`", "random or sobol")
            return None
        return text.lower() if text else None
    value = node.value if isinstance(node, Scalar) else None  # logbase: a number or a string ("e")
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        reader.report("V001", node.span, f"{what} must be a number or a string")
        return None
    return value


def _limits(reader: Reader, sweep: Sweep, node: Node | None, where: str) -> None:
    what = f"`limits` of {where}"
    mapping = reader.mapping(node, what, LIMIT_KEYS, ("max_total_trials",))
    if mapping is None:
        return
    sweep.limits_span = mapping.span
    for entry in mapping:
        key = entry.key.value
        if key not in LIMIT_KEYS:
            continue
        value = entry.value.value if isinstance(entry.value, Scalar) else None
        if type(value) is not int:
            reader.report(
                "V001", entry.value.span, f"`{key}` of {what} must be an integer", _quoted_hint(entry.value)
            )
            continue
        if value < 1:
            reader.report("V003", entry.value.span, f"`{key}` of {what} must be at least 1")
            continue
        sweep.limits[key] = value
        sweep.limit_spans[key] = entry.value.span


def _early_termination(reader: Reader, sweep: Sweep, node: Node | None, where: str) -> None:
    what = f"`early_termination` of {where}"
    if node is None:
        return
    kind_node = node.get("type") if isinstance(node, Map) else None
    kind = reader.choice(kind_node, f"`type` of {what}", POLICIES) if kind_node is not None else None
    allowed = ("type", *POLICIES.get(kind or "", _all_policy_keys()))
    mapping = reader.mapping(node, what, allowed, ("type",))
    if mapping is None or kind is None:
        return
    sweep.early_termination_span = mapping.span
    found: dict[str, Any] = {"type": kind}
    for entry in mapping:
        key = entry.key.value
        if key == "type" or key not in POLICIES[kind]:
            continue
        value = _policy_value(reader, key, entry.value, f"`{key}` of {what}")
        if value is not None:
            found[key] = value
    if kind == "truncation_selection" and "truncation_percentage" not in mapping:
        reader.report("S103", _head(mapping.span), f"{what} needs `truncation_percentage`")
    sweep.early_termination = found


def _all_policy_keys() -> tuple[str, ...]:
    return tuple(dict.fromkeys(key for keys in POLICIES.values() for key in keys))


def _policy_value(reader: Reader, key: str, node: Node, what: str) -> int | float | None:
    value = node.value if isinstance(node, Scalar) else None
    if key in _POLICY_INTEGERS:
        if type(value) is not int:
            reader.report("V001", node.span, f"{what} must be an integer", _quoted_hint(node))
            return None
        if value < 0 or (key == "truncation_percentage" and not 1 <= value <= 99):
            limits = "between 1 and 99" if key == "truncation_percentage" else "at least 0"
            reader.report("V003", node.span, f"{what} must be {limits}")
            return None
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        reader.report("V001", node.span, f"{what} must be a number", _quoted_hint(node))
        return None
    if value < 0:
        reader.report("V003", node.span, f"{what} must be at least 0")
        return None
    return float(value)


def _quoted_hint(node: Node) -> str | None:
    if isinstance(node, Scalar) and isinstance(node.value, str) and node.style in ("'", '"'):
        return "remove the quotes: YAML reads a quoted value as text"
    return None


def _head(span: Span) -> Span:
    return Span(span.file, span.line, span.column, span.line, span.column + 1)


def read_sweep_node(reader: Reader, step: Step, mapping: Map, where: str) -> None:
    """A native ``type: sweep`` node's own fields and settings (its trial is read as a node's
    component, by :mod:`azpipe.readers.native`)."""
    reader.mapping(mapping, where, NODE_KEYS, required=("trial",))
    step.kind = "sweep"
    compute = mapping.get("compute")
    step.compute = read_compute_ref(reader, compute, f"`compute` of {where}")
    step.compute_span = compute.span if compute else None
    # `limits` of a sweep node are the sweep's own, read with the other sweep fields.
    settings = Map(mapping.span, [entry for entry in mapping if entry.key.value != "limits"])
    step.details = read_details(reader, settings, where)
    step.details.comment = reader.string(mapping.get("comment"), f"`comment` of {where}")
    identity = mapping.key_node("identity")
    if identity is not None:  # load_job keeps it on the node but never sends it (_to_dict, REST)
        reader.report("S110", identity.span, f"azure-ai-ml ignores `identity` on sweep {where}",
                      "a sweep node's identity is only sent when built in Python; remove it")  # fmt: skip
        step.details.identity = {}
    step.sweep = read_sweep(reader, mapping, where)
    step.incomplete = "trial" not in mapping
