"""Hypothesis strategies for sweeps: search spaces over every distribution, and whole ``sweep:`` blocks.

Every block drawn is valid for azpipe and azure-ai-ml: grid sampling gets only
choices, bayesian only choice/uniform/quniform and no early termination, ranges
are not empty. :func:`add_sweep` turns a generated step with its own command
into a sweep over a new input (used by :mod:`tests.fidelity_strategies`).
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

SWEPT = "swept_hp"  # the input a generated pipeline's sweep step samples
NOT_ON_SWEEP = (
    "environment_variables",
    "limits",
    "services",
    "identity",
)  # W106; identity: Python only (S109)

_NUMBER = st.one_of(st.integers(-50, 50), st.floats(-50, 50, allow_nan=False).map(lambda x: round(x, 3)))
_POSITIVE = st.one_of(st.integers(1, 9), st.floats(0.01, 9).map(lambda x: round(x, 3) or 0.5))


@st.composite
def distributions(draw: st.DrawFn, kind: str) -> dict[str, Any]:
    """One search-space entry of a ``number`` input, valid for azure-ai-ml and azpipe."""
    if kind == "choice":
        return {"type": kind, "values": draw(st.lists(_NUMBER, min_size=1, max_size=4, unique=True))}
    if kind == "randint":
        return {"type": kind, "upper": draw(st.integers(1, 100))}
    if kind in ("uniform", "loguniform", "quniform", "qloguniform"):
        low = draw(_POSITIVE) if "log" in kind else draw(_NUMBER)
        found: dict[str, Any] = {"type": kind, "min_value": low, "max_value": round(low + draw(_POSITIVE), 3)}
    else:
        found = {"type": kind, "mu": draw(_NUMBER), "sigma": draw(_POSITIVE)}
    if kind.startswith("q"):
        found["q"] = draw(_POSITIVE)
    return found


KINDS = ("choice", "randint", "uniform", "loguniform", "quniform", "qloguniform", "normal", "lognormal",
         "qnormal", "qlognormal")  # fmt: skip


@st.composite
def sweeps(draw: st.DrawFn, names: tuple[str, ...] = ()) -> dict[str, Any]:
    """A whole ``sweep:`` block over ``number`` inputs ``names`` (default: ``p0``..``pN``, 1 to 3)."""
    algorithm = draw(st.sampled_from(["random", "grid", "bayesian", {"type": "random", "seed": 3}]))
    kind = algorithm if isinstance(algorithm, str) else "random"
    allowed = {"grid": ("choice",), "bayesian": ("choice", "uniform", "quniform")}.get(kind, KINDS)
    names = names or tuple(f"p{i}" for i in range(draw(st.integers(1, 3))))
    space = {name: draw(distributions(draw(st.sampled_from(allowed)))) for name in names}
    block = {
        "search_space": space,
        "objective": {"goal": draw(st.sampled_from(["minimize", "maximize"])), "primary_metric": "m"},
        "sampling_algorithm": algorithm,
        "limits": {"max_total_trials": draw(st.integers(1, 50))},
    }
    if kind != "bayesian" and draw(st.booleans()):
        block["early_termination"] = {
            "type": "median_stopping",
            "evaluation_interval": draw(st.integers(1, 5)),
        }
    return block


def add_sweep(step: dict[str, Any], draw: st.DrawFn) -> None:
    """Make a generated step with its own command a sweep over a new ``number`` input."""
    step["command"] = step["command"] + " --hp ${{inputs." + SWEPT + "}}"
    for key in NOT_ON_SWEEP:
        step.pop(key, None)
    step["sweep"] = draw(sweeps((SWEPT,)))
