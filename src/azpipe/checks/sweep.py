"""Sweeps (W101 unknown-search-input, W102 search-type-mismatch, W103 unsupported-distribution,
W104 bayesian-early-termination, W105 search-input-bound, W107 sweep-needs-search-space).

The shapes of a ``sweep:`` block are checked when it is read
(:mod:`azpipe.readers.sweep`); these checks need the trial's interface: each
search-space key must name an input of the trial, and its distribution must
give values of that input's type. Azure ML runs each trial with the sampled
values bound to those inputs, so an input that ``inputs:`` also binds is
ambiguous (the Python SDK drops the binding, the YAML form keeps both): refused.
"""

from __future__ import annotations

from collections.abc import Iterator

from azpipe.diagnostics import Diagnostic, Span
from azpipe.model import Distribution, Pipeline, Port, Step, Sweep
from azpipe.readers.sweep import distribution_type
from azpipe.rules import rule
from azpipe.suggest import Suggestions

_Q_KINDS = ("quniform", "qloguniform", "qnormal", "qlognormal")
# The types each input type takes from a distribution's samples.
_FITS = {
    "integer": ("integer",),
    "number": ("integer", "number"),
    "string": ("string",),
    "boolean": ("boolean",),
}


def check(pipeline: Pipeline) -> Iterator[Diagnostic]:
    """Every sweep step's search space against its trial, and its algorithm's restrictions."""
    suggestions = Suggestions.for_names(sum(len(step.inputs) for step in pipeline.steps.values()))
    for step in pipeline.steps.values():
        unreadable = step.command is None and step.uses is None  # its trial's interface is unknown
        if step.sweep is not None and not unreadable:
            yield from _step(step, step.sweep, suggestions)


def _step(step: Step, sweep: Sweep, suggestions: Suggestions) -> Iterator[Diagnostic]:
    if not sweep.search_space:
        yield rule("W107").at(
            _head(sweep.span),
            f"the sweep of step `{step.name}` has no search space",
            "add `search_space:` with one input of the trial or more (`lr: {type: uniform, ...}`)",
        )
    known = step.uses is None or step.uses.known
    for name, distribution in sweep.search_space.items():
        key_span = sweep.key_spans.get(name, distribution.span)
        port = step.inputs.get(name)
        if port is None:
            if known:
                yield _unknown(step, name, key_span, suggestions)
            continue
        if port.binding is not None:
            yield rule("W105").at(
                port.span,
                f"input `{name}` of step `{step.name}` is both bound and swept",
                "remove it from `inputs:` (the sweep samples it) or from `search_space:`",
            )
        if not distribution.type or (distribution.type == "choice" and "values" not in distribution.params):
            continue  # its reading reported why (a choice without values gives no type to compare)
        yield from _fits(step, port, distribution)
        yield from _algorithm(step, sweep, name, distribution)
    if sweep.sampling_algorithm == "bayesian" and sweep.early_termination:
        yield rule("W104").at(
            sweep.early_termination_span or sweep.span,
            f"the sweep of step `{step.name}` samples with `bayesian`, which takes no early termination",
            "remove `early_termination:`, or sample with `random`",
        )


def _unknown(step: Step, name: str, span: Span, suggestions: Suggestions) -> Diagnostic:
    names = [port for port in step.inputs if not step.inputs[port].implicit or step.uses is not None]
    hint = suggestions.did_you_mean(name, names) or (
        "its inputs: " + ", ".join(names[:8]) if names else "the trial declares no inputs"
    )
    return rule("W101").at(span, f"search-space key `{name}` is not an input of step `{step.name}`", hint)


def _fits(step: Step, port: Port, distribution: Distribution) -> Iterator[Diagnostic]:
    """A distribution's samples must be values of the input's type (an asset is never swept)."""
    if port.type is None:
        return  # a registered component's input: unknown offline
    sampled = _sampled_type(distribution)
    if sampled in _FITS.get(port.type, ()) or (port.type == "boolean" and _boolean_words(distribution)):
        return
    if port.type in _FITS:
        hint = _hint_for(port.type)
    else:
        hint = "sweep a parameter input (integer, number, string or boolean), not data"
    yield rule("W102").at(
        distribution.spans.get("values", distribution.spans.get("type", distribution.span)),
        f"`{distribution.type}` gives {sampled} values; input `{port.name}` of step `{step.name}` "
        f"is {port.type}",
        hint,
    )


def _sampled_type(distribution: Distribution) -> str:
    """What a distribution gives: a choice its values' type; a q-distribution over integers integers."""
    if distribution.type in _Q_KINDS:
        numbers = [distribution.params.get(key) for key in ("min_value", "max_value", "mu", "sigma", "q")]
        given = [value for value in numbers if value is not None]
        if given and all(type(value) is int for value in given):
            return "integer"
    return distribution_type(distribution)


def _boolean_words(distribution: Distribution) -> bool:
    """A choice of `"true"` and `"false"` (any case): what a boolean input is swept with, since
    azure-ai-ml's ChoiceSchema takes no YAML boolean."""
    values = distribution.params.get("values") or []
    return bool(values) and all(isinstance(v, str) and v.lower() in ("true", "false") for v in values)


def _hint_for(kind: str) -> str:
    if kind == "integer":
        return "use `randint`, a `choice` of integers, or a q-distribution with integer parameters"
    if kind == "number":
        return "use `uniform`, `loguniform`, `normal`... or a `choice` of numbers"
    if kind == "boolean":
        return 'use a `choice` of `"true"` and `"false"` (quoted: azure-ai-ml takes no YAML boolean there)'
    return f"use a `choice` of {kind} values"


def _algorithm(step: Step, sweep: Sweep, name: str, distribution: Distribution) -> Iterator[Diagnostic]:
    """Grid sampling enumerates choices; Bayesian sampling models choice, uniform and quniform only."""
    taken = _ALGORITHM_TAKES.get(sweep.sampling_algorithm or "")
    if taken is not None and distribution.type not in taken:
        yield rule("W103").at(
            distribution.spans.get("type", distribution.span),
            f"{sweep.sampling_algorithm} sampling of step `{step.name}` cannot sample `{name}` "
            f"from `{distribution.type}`",
            f"{sweep.sampling_algorithm} sampling takes "
            + ", ".join(f"`{kind}`" for kind in taken)
            + "; or sample with `random`",
        )


_ALGORITHM_TAKES = {"grid": ("choice",), "bayesian": ("choice", "uniform", "quniform")}


def _head(span: Span) -> Span:
    return Span(span.file, span.line, span.column, span.line, span.column + 1)
