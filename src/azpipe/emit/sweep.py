"""Sweeps in both targets (issue 11 item 2).

Python: the trial is the step's command node, called with each search-space
input as its distribution (``lr=LogUniform(min_value=..., max_value=...)``, from
``azure.ai.ml.sweep``), then turned into the sweep node with
``.sweep(primary_metric=..., goal=..., sampling_algorithm=..., max_total_trials=...,
early_termination_policy=...)``, as azure-ai-ml's own samples write it; the
variable is reused, so the node keeps the step's name. YAML: a ``type: sweep``
node whose ``trial:`` is the component, with ``search_space``, ``objective``,
``sampling_algorithm``, ``limits`` and ``early_termination`` as Azure ML's
schema writes them. This module writes text only: it never imports azure-ai-ml.
"""

from __future__ import annotations

from typing import Any

from azpipe.emit.values import INDENT, WIDTH, Call, Code, call, py
from azpipe.model import Distribution, Step, Sweep

SEARCH_CLASSES = {
    "choice": "Choice", "randint": "Randint", "uniform": "Uniform", "loguniform": "LogUniform",
    "quniform": "QUniform", "qloguniform": "QLogUniform", "normal": "Normal", "lognormal": "LogNormal",
    "qnormal": "QNormal", "qlognormal": "QLogNormal",
}  # fmt: skip
SAMPLING_CLASSES = {
    "random": "RandomSamplingAlgorithm",
    "grid": "GridSamplingAlgorithm",
    "bayesian": "BayesianSamplingAlgorithm",
}
POLICY_CLASSES = {
    "bandit": "BanditPolicy",
    "median_stopping": "MedianStoppingPolicy",
    "truncation_selection": "TruncationSelectionPolicy",
}
SWEEP_IMPORTS = (*SEARCH_CLASSES.values(), *SAMPLING_CLASSES.values(), *POLICY_CLASSES.values())
LIMIT_ORDER = ("max_total_trials", "max_concurrent_trials", "timeout", "trial_timeout")


def plan_sweep(step: Step, result: Any) -> None:
    """The sweep of ``step`` on its ``StepPlan``; literal inputs stay as written (a sweep node
    sends ``1024`` to a ``number`` input as ``1024``, where a command node makes it ``1024.0``)."""
    assert step.sweep is not None
    result.sweep = step.sweep
    for port in result.inputs:
        binding = step.inputs[port.name].binding if port.name in step.inputs else None
        if port.source is not None and port.source.kind == "literal" and binding is not None:
            port.source.value = binding.value


def python_search_space(module: Any, sweep: Sweep) -> list[tuple[str | None, Any]]:
    """The trial call's keyword arguments for the search space: ``NAME=Distribution(...)``."""
    return [(name, _distribution(module, item)) for name, item in sweep.search_space.items()]


def _distribution(module: Any, item: Distribution) -> Call:
    return call(module.use(SEARCH_CLASSES[item.type]), **item.params)


def python_sweep(module: Any, sweep: Sweep, local: str) -> Call:
    """``LOCAL.sweep(...)``: the sweep node made from the trial node ``local``."""
    limits = {key: sweep.limits[key] for key in LIMIT_ORDER if key in sweep.limits}
    return call(
        f"{local}.sweep",
        primary_metric=sweep.primary_metric,
        goal=sweep.goal,
        sampling_algorithm=_python_sampling(module, sweep),
        **limits,
        early_termination_policy=_python_policy(module, sweep.early_termination),
    )


def _python_sampling(module: Any, sweep: Sweep) -> Any:
    """The algorithm as written: a name (``"random"``), or its object (``RandomSamplingAlgorithm(seed=1)``).

    Unset, it is ``None``: ``.sweep()`` would otherwise write ``random`` where the YAML target
    (and a native file) leaves it out.
    """
    if sweep.sampling_algorithm is None:
        return _NONE
    if sweep.sampling_form == "string":
        return sweep.sampling_algorithm
    return call(module.use(SAMPLING_CLASSES[sweep.sampling_algorithm]), **sweep.sampling)


def _python_policy(module: Any, policy: dict[str, Any]) -> Call | None:
    if not policy:
        return None
    settings = {key: value for key, value in policy.items() if key != "type"}
    return call(module.use(POLICY_CLASSES[policy["type"]]), **settings)


_NONE = Code("None")  # an argument `call` keeps (it leaves out those whose value is None)


def python_lines(module: Any, sweep: Sweep, local: str, trial: Call, registered: bool) -> tuple[str, Call]:
    """The trial's assignment line, and the sweep call to assign to ``local``.

    A component function takes the search space as its inputs' values; a registered
    component's node (``Command(...)``) gets it as ``.sweep(search_space=...)``.
    """
    searched = (
        trial if registered else Call(trial.func, trial.args + tuple(python_search_space(module, sweep)))
    )
    line = f"{INDENT}{local} = {py(searched, 4, len(local) + 3)}"
    sweep_call = python_sweep(module, sweep, local)
    if registered:
        space = {name: value for name, value in python_search_space(module, sweep) if name is not None}
        sweep_call = Call(sweep_call.func, (*sweep_call.args, ("search_space", space)))
    return line, sweep_call


def python_imports(used: set[str]) -> list[str]:
    """``from azure.ai.ml.sweep import ...`` for the sweep classes the module uses."""
    names = sorted(name for name in SWEEP_IMPORTS if name in used)
    if not names:
        return []
    flat = "from azure.ai.ml.sweep import " + ", ".join(names)
    if len(flat) <= WIDTH:
        return [flat]
    return ["from azure.ai.ml.sweep import (\n" + "".join(f"{INDENT}{name},\n" for name in names) + ")"]


def yaml_fields(sweep: Sweep) -> dict[str, Any]:
    """A sweep node's own fields, in the order Azure ML's examples write them."""
    found: dict[str, Any] = {}
    if sweep.sampling_algorithm is not None:
        found["sampling_algorithm"] = (
            sweep.sampling_algorithm
            if sweep.sampling_form == "string"
            else {"type": sweep.sampling_algorithm, **sweep.sampling}
        )
    found["search_space"] = {
        name: {"type": item.type, **item.params} for name, item in sweep.search_space.items()
    }
    found["objective"] = {"goal": sweep.goal, "primary_metric": sweep.primary_metric}
    found["limits"] = {key: sweep.limits[key] for key in LIMIT_ORDER if key in sweep.limits}
    if sweep.early_termination:
        found["early_termination"] = dict(sweep.early_termination)
    return found
