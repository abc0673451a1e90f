"""Names Azure ML and the emitted Python accept (N701 invalid-name, N702 reserved-name,
N703 name-collision).

Step, port, pipeline input/output and component names become Azure ML node names
and Python identifiers: ``^[a-z_][a-z0-9_]*$``, at most 255 characters, not a
Python (soft) keyword, unique regardless of case. Step names also cannot be
words the expression language gives a meaning (``parent``, ``inputs``...).

Declared environments, compute targets and data assets are created under their
names, so those follow Azure ML's own rules (N701):

- environment and data asset names, as azure-ai-ml's asset operations check them:
  letters, digits, ``-``, ``_`` and ``.``, starting with a letter or digit, not
  ending with ``.``, at most 255 characters;
- compute cluster (``amlcompute``) names: letters, digits and ``-``, starting with
  a letter and ending with a letter or digit, 2 to 16 characters; compute
  instance names the same with 3 to 24 characters, and not ending in ``-`` and a digit;
- names an output registers (``name:`` of an output): letters, digits, ``-`` and
  ``_``, at most 255 characters (azure-ai-ml's ``Output`` rule).

Names that only refer to something in the workspace (``compute: NAME``,
``environment: NAME@label``) are held to the characters every asset and compute
name shares, so whitespace, line breaks and markup never reach Azure ML.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable, Iterator

from azpipe.diagnostics import Diagnostic, Span
from azpipe.model import EnvRef, Pipeline, Port
from azpipe.naming import (
    ASSET_NAME,
    CLUSTER_NAME,
    INSTANCE_NAME,
    MAX_LENGTH,
    NAME,
    OUTPUT_ASSET_NAME,
    REFERENCE,
)
from azpipe.rules import rule
from azpipe.suggest import snake_case

_SPACE = re.compile(r"\s")

_ASSET_RULE = (
    "use letters, digits, `-`, `_` and `.`, start with a letter or digit, "
    "do not end with `.`; at most 255 characters"
)
_COMPUTE_RULES = {
    "amlcompute": (CLUSTER_NAME, "use letters, digits and `-`, start with a letter, end with a letter "
                   "or digit; 2 to 16 characters"),
    "computeinstance": (INSTANCE_NAME, "use letters, digits and `-`, start with a letter, end with a letter "
                        "(or a digit not after `-`); 3 to 24 characters"),
}  # fmt: skip
RESERVED_STEP_NAMES = frozenset({"parent", "inputs", "outputs", "data", "jobs"})
# Names the emitted module itself defines or imports; a step named so would shadow them.
MODULE_NAMES = frozenset(
    {"command", "dsl", "Input", "Output", "main", "build_pipeline", "provision", "pipeline"}
)


def check(pipeline: Pipeline) -> Iterator[Diagnostic]:
    """Check every name the pipeline defines."""
    if pipeline.name:
        yield from _name(pipeline.name, pipeline.name_span or pipeline.span, "pipeline")
    yield from _group(((n, s.span) for n, s in pipeline.steps.items()), "step", reserved=True)
    yield from _group(((n, i.span) for n, i in pipeline.inputs.items()), "pipeline input")
    yield from _group(((n, o.span) for n, o in pipeline.outputs.items()), "pipeline output")
    yield from _group(((n, c.span) for n, c in pipeline.components.items()), "component")
    for component in pipeline.components.values():
        yield from _ports(component.inputs, component.outputs, f"component `{component.name}`")
    for step in pipeline.steps.values():
        if step.uses is None:
            yield from _ports(step.inputs, step.outputs, f"step `{step.name}`")
    yield from _entities(pipeline)
    yield from _references(pipeline)
    yield from _output_assets(pipeline)


def _ports(inputs: dict[str, Port], outputs: dict[str, Port], owner: str) -> Iterator[Diagnostic]:
    explicit = [(n, p.span) for n, p in {**inputs, **outputs}.items() if not p.implicit]
    yield from _group(explicit, f"port of {owner}")


def _group(names: Iterable[tuple[str, Span]], what: str, reserved: bool = False) -> Iterator[Diagnostic]:
    seen: dict[str, str] = {}
    for name, span in names:
        yield from _name(name, span, what, reserved)
        folded = name.lower()
        if folded in seen and seen[folded] != name:
            yield rule("N703").at(
                span,
                f"{what} `{name}` differs from `{seen[folded]}` only in case",
                "Azure ML treats names case-insensitively; rename one",
            )
        seen.setdefault(folded, name)


def _name(name: str, span: Span, what: str, reserved: bool = False) -> Iterator[Diagnostic]:
    if not is_valid_name(name):
        hint = f"Azure ML names use lowercase letters, digits and `_`, e.g. `{snake_case(name, MAX_LENGTH)}`"
        yield rule("N701").at(span, f"{what} name `{name}` is not a valid Azure ML name", hint)
    elif keyword.iskeyword(name) or keyword.issoftkeyword(name):
        yield rule("N702").at(span, f"{what} name `{name}` is a Python keyword", f"rename it, e.g. `{name}_`")
    elif reserved and (name in RESERVED_STEP_NAMES or name in MODULE_NAMES):
        yield rule("N702").at(span, f"{what} name `{name}` is reserved", f"rename it, e.g. `{name}_step`")


def is_valid_name(name: str) -> bool:
    """True for a step, port or pipeline name Azure ML accepts (N701 reports the others)."""
    return NAME.fullmatch(name) is not None and len(name) <= MAX_LENGTH


def _entities(pipeline: Pipeline) -> Iterator[Diagnostic]:
    """Declared environments, compute targets and data assets, at their names."""
    for env in pipeline.environments.values():
        yield from _azure_name(env.name, env.name_span or env.span, "environment", ASSET_NAME, _ASSET_RULE)
    for target in pipeline.compute.values():
        pattern, explained = _COMPUTE_RULES.get(target.type, _COMPUTE_RULES["amlcompute"])
        yield from _azure_name(target.name, target.name_span or target.span, "compute", pattern, explained)
    for asset in pipeline.data.values():
        yield from _azure_name(
            asset.name, asset.name_span or asset.span, "data asset", ASSET_NAME, _ASSET_RULE
        )


def _azure_name(
    name: str, span: Span, what: str, pattern: re.Pattern[str], explained: str
) -> Iterator[Diagnostic]:
    if not pattern.fullmatch(name):
        yield rule("N701").at(
            span, f"{what} name `{name}` is not a valid Azure ML name", f"Azure ML {what} names {explained}"
        )


def _references(pipeline: Pipeline) -> Iterator[Diagnostic]:
    """Compute and environment names that refer to the workspace (or a registry)."""
    computes = [(pipeline.default_compute, pipeline.default_compute_span)]
    computes += [(step.compute, step.compute_span) for step in pipeline.steps.values()]
    for name, span in computes:
        if name and span and name not in pipeline.compute:
            yield from _compute_ref(name, span)
    refs = [pipeline.default_environment, *(s.environment for s in pipeline.steps.values())]
    refs += [c.environment for c in pipeline.components.values()]
    for ref in refs:
        if ref is not None and "${{" not in ref.value:
            yield from _environment_ref(ref)


def _compute_ref(name: str, span: Span) -> Iterator[Diagnostic]:
    if not REFERENCE.fullmatch(name) and "${{" not in name:  # native files may bind it to an input
        message = f"compute `{name}` is not a valid Azure ML compute name"
        yield rule("N701").at(span, message, "compute names use letters, digits and `-`")


def _environment_ref(ref: EnvRef) -> Iterator[Diagnostic]:
    """``NAME:VERSION``, ``NAME@LABEL`` (``azureml:`` optional) or a registry URI."""
    if ref.kind == "registry":
        if not ref.value.isprintable() or _SPACE.search(ref.value):
            message = f"environment `{ref.value}` holds whitespace or a control character"
            yield rule("N701").at(ref.span, message)
        return
    if ref.kind != "registered":
        return
    name, _, version = ref.value.removeprefix("azureml:").partition("@" if "@" in ref.value else ":")
    if not ASSET_NAME.fullmatch(name):
        message = f"environment name `{name}` is not a valid Azure ML name"
        yield rule("N701").at(ref.span, message, f"Azure ML environment names {_ASSET_RULE}")
    elif not REFERENCE.fullmatch(version):
        message = f"environment `{ref.value}` has no valid version or label after `{name}`"
        hint = "write `NAME:VERSION` or `NAME@LABEL` (letters, digits, `-`, `_` and `.`)"
        yield rule("N701").at(ref.span, message, hint)


def _output_assets(pipeline: Pipeline) -> Iterator[Diagnostic]:
    """Names outputs register as data assets, at the ``name:`` value."""
    named = [
        (o.asset_name, o.asset_name_span or o.span, f"pipeline output `{o.name}`")
        for o in pipeline.outputs.values()
    ]
    for step in pipeline.steps.values():
        named += [
            (p.asset_name, p.asset_name_span or p.span, f"output `{p.name}` of step `{step.name}`")
            for p in step.outputs.values()
        ]
    hint = "output asset names use letters, digits, `-` and `_`; at most 255 characters"
    for name, span, where in named:
        if name is not None and "${{" not in name and not OUTPUT_ASSET_NAME.fullmatch(name):
            yield rule("N701").at(
                span, f"{where} registers the asset name `{name}`, which Azure ML rejects", hint
            )
