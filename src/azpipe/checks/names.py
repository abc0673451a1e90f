"""Names Azure ML and the emitted Python accept (N701 invalid-name, N702 reserved-name,
N703 name-collision).

Step, port, pipeline input/output and component names become Azure ML node names
and Python identifiers: ``^[a-z_][a-z0-9_]*$``, at most 255 characters, not a
Python (soft) keyword, unique regardless of case. Step names also cannot be
words the expression language gives a meaning (``parent``, ``inputs``...).
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable, Iterator

from azpipe.diagnostics import Diagnostic, Span
from azpipe.model import Pipeline, Port
from azpipe.rules import rule

NAME = re.compile(r"[a-z_][a-z0-9_]*")
MAX_LENGTH = 255
RESERVED_STEP_NAMES = frozenset({"parent", "inputs", "outputs", "data", "jobs"})
# Names the emitted module itself defines or imports; a step named so would shadow them.
MODULE_NAMES = frozenset(
    {"command", "dsl", "Input", "Output", "main", "build_pipeline", "provision", "pipeline"}
)


def check(pipeline: Pipeline) -> Iterator[Diagnostic]:
    """Check every name the pipeline defines."""
    if pipeline.name:
        yield from _name(pipeline.name, pipeline.span, "pipeline name")
    yield from _group(((n, s.span) for n, s in pipeline.steps.items()), "step", reserved=True)
    yield from _group(((n, i.span) for n, i in pipeline.inputs.items()), "pipeline input")
    yield from _group(((n, o.span) for n, o in pipeline.outputs.items()), "pipeline output")
    yield from _group(((n, c.span) for n, c in pipeline.components.items()), "component")
    for component in pipeline.components.values():
        yield from _ports(component.inputs, component.outputs, f"component `{component.name}`")
    for step in pipeline.steps.values():
        if step.uses is None:
            yield from _ports(step.inputs, step.outputs, f"step `{step.name}`")


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
    if not NAME.fullmatch(name) or len(name) > MAX_LENGTH:
        suggestion = re.sub(r"[^a-z0-9_]", "_", name.lower())
        if suggestion[:1].isdigit():
            suggestion = "_" + suggestion
        hint = f"Azure ML names use lowercase letters, digits and `_`, e.g. `{suggestion[:MAX_LENGTH]}`"
        yield rule("N701").at(span, f"{what} name `{name}` is not a valid Azure ML name", hint)
    elif keyword.iskeyword(name) or keyword.issoftkeyword(name):
        yield rule("N702").at(span, f"{what} name `{name}` is a Python keyword", f"rename it, e.g. `{name}_`")
    elif reserved and (name in RESERVED_STEP_NAMES or name in MODULE_NAMES):
        yield rule("N702").at(span, f"{what} name `{name}` is reserved", f"rename it, e.g. `{name}_step`")
