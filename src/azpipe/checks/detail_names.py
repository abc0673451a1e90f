"""Names inside job details: environment variables (N704 invalid-env-var-name) and tag
keys (N705 invalid-tag-key).

An environment-variable name must be a portable shell name, ``^[A-Za-z_][A-Za-z0-9_]*$``:
anything else cannot be exported from a shell, and ``=``, NUL or a newline cannot be
passed to a process at all. azure-ai-ml validates neither environment-variable
names nor tag keys, so the file is accepted and fails (or misleads) later.

Tag keys are free text to Azure ML, but a key holding a control character, a line
or paragraph separator or an invisible format character (a bidi override, a
zero-width space) shows reviewers something other than what it is.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from azpipe.diagnostics import Diagnostic, Span
from azpipe.model import Pipeline, Settings
from azpipe.rules import rule

ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Unicode categories a tag key may not hold: controls, formats, surrogates, line and paragraph separators.
_UNSEEN = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_SHOWN = 60  # characters of a long name quoted in a message


def check(pipeline: Pipeline) -> Iterator[Diagnostic]:
    """Check every environment-variable name and tag key the pipeline sets."""
    yield from _tags(pipeline.tags, pipeline.span, "the pipeline")
    for owner, details, span in _details(pipeline):
        yield from _tags(details.tags, span, owner)
        yield from _env_names(details.environment_variables, span, owner)


def _details(pipeline: Pipeline) -> Iterator[tuple[str, Settings, Span]]:
    """Each step's and component's details once (steps may share a component)."""
    seen: set[int] = set()
    found = [(f"component `{c.name}`", c.details, c.span) for c in pipeline.components.values()]
    for step in pipeline.steps.values():
        found.append((f"step `{step.name}`", step.details, step.span))
        if step.uses is not None:
            found.append((f"component `{step.uses.name}`", step.uses.details, step.uses.span))
    for owner, details, span in found:
        if id(details) not in seen:
            seen.add(id(details))
            yield owner, details, span


def _env_names(variables: dict[str, str], fallback: Span, owner: str) -> Iterator[Diagnostic]:
    for name in variables:
        if not ENV_NAME.fullmatch(name):
            suggestion = re.sub(r"[^A-Za-z0-9_]", "_", name)[:_SHOWN] or "_"
            if suggestion[0].isdigit():
                suggestion = "_" + suggestion
            yield rule("N704").at(
                _key_span(variables, name, fallback),
                f"environment variable {_show(name)} of {owner} is not a valid name",
                f"use letters, digits and `_`, not starting with a digit, e.g. `{suggestion}`",
            )


def _tags(tags: dict[str, str], fallback: Span, owner: str) -> Iterator[Diagnostic]:
    for key in tags:
        bad = next((char for char in key if unicodedata.category(char) in _UNSEEN), None)
        if bad is not None:
            yield rule("N705").at(
                _key_span(tags, key, fallback),
                f"tag key {_show(key)} of {owner} holds U+{ord(bad):04X} ({unicodedata.name(bad, 'a control character')})",
                "tag keys are shown to people: use printable text without line breaks",
            )


def _key_span(mapping: dict[str, str], key: str, fallback: Span) -> Span:
    """Where ``key`` was written, when the builder recorded it (:class:`~azpipe.readers.reader.StringMap`)."""
    spans: dict[str, Span] = getattr(mapping, "key_spans", {})
    return spans.get(key, fallback)


def _show(name: str) -> str:
    """``name`` quoted for a message: escaped like a Python string, long ones shortened."""
    shown = name if len(name) <= _SHOWN else name[:_SHOWN] + "…"
    return repr(shown)
