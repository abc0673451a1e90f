"""Sweeps: a step's ``sweep:`` block and native ``type: sweep`` nodes, read into :class:`~azpipe.model.Sweep`.

The fields and their parameters are those azure-ai-ml 1.35's schemas take
(``azure/ai/ml/_schema/_sweep/``: search spaces, objective, sampling algorithm,
early termination; ``job/job_limits.py``: ``SweepJobLimitsSchema``), described in
:mod:`azpipe.schema.node_kinds`: ``SWEEP_BLOCK`` for a language step, and
``NATIVE_SWEEP_FIELDS`` (in ``pipeline_job.SWEEP_NODE``) for a native node, which
azure-ai-ml reads in any case and where it takes a ``${{ }}`` binding for a value.
The schema walker checks both, keys, shapes, types, enums and ranges
(:mod:`azpipe.checks.values`), so this reader reads from a checked node and skips,
unreported, a value the walker reports. It reports a missing required key (S103: the
step is then incomplete, ``readers.steps``) and what needs meaning: a random-only
sampling setting on another algorithm (S105), an empty or reversed range (V003), a
nested search space and a binding, which azpipe does not carry yet (W106).
What needs the trial's interface (the search-space keys and their types) is checked in
:mod:`azpipe.checks.sweep`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

from azpipe.diagnostics import Span
from azpipe.model import Distribution, Port, Step, Sweep
from azpipe.readers import walked
from azpipe.readers.details import read_details
from azpipe.readers.entities import read_compute_ref
from azpipe.readers.reader import Reader
from azpipe.schema.language import keys_of
from azpipe.schema.node_kinds import (
    DISTRIBUTIONS,
    GOALS,
    POLICIES,
    RANDOM_RULES,
    SAMPLING_ALGORITHMS,
    SWEEP_BLOCK,
)
from azpipe.schema.scalars import camel_to_snake
from azpipe.source.nodes import Map, Node, Scalar, Seq

SWEEP_KEYS = keys_of(SWEEP_BLOCK)  # the language schema's `sweep:` block
SAMPLING_KEYS = {"random": ("type", "seed", "rule", "logbase"), "grid": ("type",), "bayesian": ("type",)}
LIMIT_KEYS = keys_of(SWEEP_BLOCK["properties"]["limits"])
_POLICY_INTEGERS = ("evaluation_interval", "delay_evaluation", "truncation_percentage")


def read_sweep(reader: Reader, node: Node | None, where: str) -> Sweep | None:
    """The ``sweep:`` block (or a native sweep node's own fields, ``node`` being the node)."""
    if node is None:
        return None
    # The keys are the walker's (SWEEP_BLOCK, SWEEP_NODE); the required ones mark the step incomplete.
    mapping = reader.mapping(node, where, None, ("objective", "limits")) if isinstance(node, Map) else None
    if mapping is None:
        return None
    sweep = Sweep(mapping.span)
    _search_space(reader, sweep, mapping.get("search_space"), where)
    _objective(reader, sweep, _given(mapping.get("objective")), where)
    _sampling(reader, sweep, mapping.get("sampling_algorithm"), where)
    _limits(reader, sweep, _given(mapping.get("limits")), where)
    _early_termination(reader, sweep, mapping.get("early_termination"), where)
    return sweep


def _given(node: Node | None) -> Node | None:
    """A required field's node, ``None`` when left empty (the walker: S103, "needs a value")."""
    return None if isinstance(node, Scalar) and node.value is None else node


def _bound(reader: Reader, node: Node, what: str) -> bool:
    """Whether ``node`` is a ``${{ }}`` binding, reported (W106): azure-ai-ml takes one for a native
    sweep node's values (the walker says where), but azpipe does not carry it to either target yet."""
    if not (isinstance(node, Scalar) and isinstance(node.value, str) and "${{" in node.value):
        return False
    reader.report("W106", node.span, f"{what} is a binding, `{node.value.strip()}`",
                  "azpipe does not carry a binding in a sweep's settings yet; write the value")  # fmt: skip
    return True


def _kind(node: Node | None, choices: Iterable[str], fold: Callable[[str], str] = str.lower) -> str | None:
    """A kind among ``choices`` as azure-ai-ml compares it (``fold``: lower-cased, or ``camel_to_snake``
    for the goal, a policy's type and a random rule: `MedianStopping`); the walker, which walks every
    sweep, reports any other value (in the language, any other case too)."""
    value = node.value if isinstance(node, Scalar) else None
    if not isinstance(value, str):
        return None
    return fold(value) if fold(value) in choices else None


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
    block = step_mapping.get("sweep")
    sweep = read_sweep(reader, block, f"`sweep` of {where}") if isinstance(block, Map) else None
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
        what = f"`search_space.{name}` of {where}"
        if _bound(reader, value, what):  # a whole distribution as a binding (azure-ai-ml takes one)
            sweep.search_space[name], sweep.key_spans[name] = Distribution("", value.span), key.span
            continue
        distribution = _distribution(reader, value, what, booleans=False)
        if distribution is not None:
            sweep.search_space[name] = distribution
            sweep.key_spans[name] = key.span


def _distribution(reader: Reader, node: Node, where: str, booleans: bool = True) -> Distribution | None:
    """A distribution; a sweep's choices take no ``booleans`` (an AutoML search space's do)."""
    kind_node = node.get("type") if isinstance(node, Map) else None
    kind = _kind(kind_node, DISTRIBUTIONS)  # lower-cased, as azure-ai-ml reads it (the language: V002)
    allowed = ("type", *DISTRIBUTIONS.get(kind or "", ()))
    mapping = walked.mapping(
        reader, node, where, allowed if kind else ("type", *_all_parameters()), ("type",)
    )
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
            _choices(reader, value, where, booleans)
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
    what = f"`{parameter}` of {where}"
    if _bound(reader, node, what):
        return None
    return walked.number(reader, node, what, integer=kind == "randint")


def _choices(reader: Reader, node: Node, where: str, booleans: bool) -> list[Any] | None:
    """A choice's ``values``: a non-empty list of scalars (nested search spaces are refused; where
    azure-ai-ml takes no ``booleans``, the walker reports one)."""
    if not isinstance(node, Seq):
        if not reader.walked:
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
        if _bound(reader, item, f"a value of {where}") or (isinstance(item.value, bool) and not booleans):
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
    keys = ("goal", "primary_metric")
    mapping = walked.mapping(reader, node, f"`objective` of {where}", keys, keys)
    if mapping is None:
        return
    sweep.objective_span = mapping.span
    goal, metric = mapping.get("goal"), mapping.get("primary_metric")
    if goal is not None and not _bound(reader, goal, f"`objective.goal` of {where}"):
        sweep.goal = _kind(goal, GOALS, camel_to_snake)  # any case (camel_to_snake, then the enum)
    if metric is None or _bound(reader, metric, f"`objective.primary_metric` of {where}"):
        return
    sweep.primary_metric = walked.text(reader, metric, f"`objective.primary_metric` of {where}")
    if sweep.primary_metric is not None and not sweep.primary_metric.strip():
        reader.report("V003", metric.span, f"`objective.primary_metric` of {where} is empty",
                      "name the metric each trial logs")  # fmt: skip
        sweep.primary_metric = None


def _sampling(reader: Reader, sweep: Sweep, node: Node | None, where: str) -> None:
    if node is None:
        return
    sweep.sampling_span = node.span
    what = f"`sampling_algorithm` of {where}"
    if isinstance(node, Scalar) and node.value is None:
        reader.wrong_shape(node, what, "string or mapping")  # azure-ai-ml: "Field may not be null"
        return
    if isinstance(node, Scalar):
        sweep.sampling_algorithm = _kind(node, SAMPLING_ALGORITHMS)
        return
    mapping = walked.mapping(reader, node, what, SAMPLING_KEYS["random"], ("type",))
    if mapping is None or "type" not in mapping:
        return
    kind = _kind(mapping.get("type"), SAMPLING_ALGORITHMS, camel_to_snake)
    if kind is None:
        return
    sweep.sampling_algorithm, sweep.sampling_form = kind, "mapping"
    for entry in mapping:
        key = entry.key.value
        if key == "type" or not isinstance(key, str):
            continue
        if key not in SAMPLING_KEYS["random"]:
            continue  # an unknown key: reported by the walker
        if key not in SAMPLING_KEYS[kind]:
            reader.report("S105", entry.key.span, f"`{key}` of {what} does not apply to `{kind}` sampling",
                          "only random sampling takes `seed`, `rule` and `logbase`")  # fmt: skip
            continue
        value = _sampling_setting(reader, key, entry.value, f"`{key}` of {what}")
        if value is not None:
            sweep.sampling[key] = value


def _sampling_setting(reader: Reader, key: str, node: Node, what: str) -> Any:
    if _bound(reader, node, what):
        return None
    if key == "seed":
        return walked.number(reader, node, what, integer=True)
    if key == "rule":
        return _kind(node, RANDOM_RULES, camel_to_snake)
    value = node.value if isinstance(node, Scalar) else None  # logbase: a number or a string ("e")
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None  # the walker reports it
    return value


def _limits(reader: Reader, sweep: Sweep, node: Node | None, where: str) -> None:
    what = f"`limits` of {where}"
    mapping = walked.mapping(reader, node, what, LIMIT_KEYS, ("max_total_trials",))
    if mapping is None:
        return
    sweep.limits_span = mapping.span
    for entry in mapping:
        key = entry.key.value
        if key not in LIMIT_KEYS or _bound(reader, entry.value, f"`{key}` of {what}"):
            continue
        value = walked.number(reader, entry.value, f"`{key}` of {what}", integer=True)
        if not isinstance(value, int) or value < 1:
            continue  # the walker reports it (V001, V003)
        sweep.limits[key] = value
        sweep.limit_spans[key] = entry.value.span


def _early_termination(reader: Reader, sweep: Sweep, node: Node | None, where: str) -> None:
    what = f"`early_termination` of {where}"
    if node is None:
        return
    kind_node = node.get("type") if isinstance(node, Map) else None
    kind = _kind(kind_node, POLICIES, camel_to_snake)  # as azure-ai-ml reads it (the language: V002)
    allowed = ("type", *POLICIES.get(kind or "", _all_policy_keys()))
    mapping = walked.mapping(reader, node, what, allowed, ("type",))
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
    if _bound(reader, node, what):
        return None
    integer = key in _POLICY_INTEGERS
    value = walked.number(reader, node, what, integer)
    if value is None:
        return None
    if value < 0 or (key == "truncation_percentage" and not 1 <= value <= 99):
        return None  # the walker reports it (V003)
    return value if integer else float(value)


def _head(span: Span) -> Span:
    return Span(span.file, span.line, span.column, span.line, span.column + 1)


# The settings SweepSchema does not declare, which Sweep takes through unknown=INCLUDE (SWEEP_NODE).
_INCLUDED = ("name", "display_name", "description", "tags", "experiment_name")


def _empty_included(key: Scalar, value: Node) -> bool:
    return key.value in _INCLUDED and isinstance(value, Scalar) and value.value is None


def read_sweep_node(reader: Reader, step: Step, mapping: Map, where: str) -> None:
    """A native ``type: sweep`` node's own fields and settings (its trial is read as a node's
    component, by :mod:`azpipe.readers.native`); the walker checks its keys and values
    (``pipeline_job.SWEEP_NODE``)."""
    step.kind = "sweep"
    compute = mapping.get("compute")
    step.compute = read_compute_ref(reader, compute, f"`compute` of {where}")
    step.compute_span = compute.span if compute else None
    # `limits` of a sweep node are the sweep's own, read with the other sweep fields; a setting Sweep
    # takes through unknown=INCLUDE may be left empty (azure-ai-ml reads it as absent).
    settings = Map(
        mapping.span,
        [
            entry
            for entry in mapping
            if entry.key.value != "limits" and not _empty_included(entry.key, entry.value)
        ],
    )
    step.details = read_details(reader, settings, where)
    step.details.comment = reader.string(mapping.get("comment"), f"`comment` of {where}")
    identity = mapping.key_node("identity")
    if identity is not None:  # load_job keeps it on the node but never sends it (_to_dict, REST)
        reader.report("S110", identity.span, f"azure-ai-ml ignores `identity` on sweep {where}",
                      "a sweep node's identity is only sent when built in Python; remove it")  # fmt: skip
        step.details.identity = {}
    step.sweep = read_sweep(reader, mapping, where)
    step.incomplete = "trial" not in mapping
