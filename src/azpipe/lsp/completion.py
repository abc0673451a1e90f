"""Completion: keys where a key is being typed, names inside ``${{ }}``.

Completion runs on the text as it is being typed, which is often not valid YAML
yet (``resou`` with no colon), so the cursor's place is found from indentation:
the keys of the lines above it that are less indented. The names come from the
last model of the document that could be read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lsprotocol import types

from azpipe.lsp.keys import keys_at
from azpipe.lsp.occurrences import owner_of
from azpipe.model import Pipeline, Port

_KEY_LINE = re.compile(r"""^(\s*)(?:-\s+)?("[^"]*"|'[^']*'|[^\s#'"][^:#]*?)\s*:(?:\s|$)""")
_NATIVE_START = re.compile(r"""^type\s*:\s*['"]?pipeline\b""")
_TYPING_KEY = re.compile(r"^(\s*)(-\s+)?([\w$.-]*)$")
_Kind = types.CompletionItemKind


def expression_prefix(before: str) -> str | None:
    """The text typed so far inside an unclosed ``${{`` (``None`` when not inside one)."""
    start = before.rfind("${{")
    if start == -1 or "}}" in before[start:]:
        return None
    return before[start + 3 :]


def is_native_text(lines: list[str]) -> bool:
    """True for an Azure ML pipeline job (``type: pipeline``, no ``azpipe:``), as the loader decides."""
    starts = [line for line in lines if line[:1] not in (" ", "\t", "#", "")]
    if any(line.startswith("azpipe") and line[6:].lstrip().startswith(":") for line in starts):
        return False
    return any(_NATIVE_START.match(line) for line in starts)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def line_key(line: str) -> tuple[int, str] | None:
    """The indentation and key of a ``key:`` line (``None`` for other lines)."""
    match = _KEY_LINE.match(line)
    if match is None or line.lstrip().startswith("#"):
        return None
    key = match.group(2)
    if key[:1] in "\"'":
        key = key[1:-1]
    item = line.lstrip(" ")
    indent = _indent(line) + (len(item) - len(item[1:].lstrip()) if item.startswith("- ") else 0)
    return indent, key


def enclosing_path(lines: list[str], line_no: int, indent: int) -> tuple[str, ...]:
    """The keys of the mappings that hold a line at ``indent`` (outermost first)."""
    path: list[str] = []
    for number in range(min(line_no, len(lines)) - 1, -1, -1):
        if indent == 0:
            break
        line = lines[number]
        if not line.strip() or line.lstrip().startswith("#") or _indent(line) >= indent:
            continue
        found = line_key(line)
        if found is not None and found[0] < indent:
            indent = found[0]
            path.append(found[1])
        elif _indent(line) < indent:
            indent = _indent(line)  # a list item or a flow line: it still closes deeper blocks
    return tuple(reversed(path))


def _siblings(lines: list[str], line_no: int, indent: int) -> set[str]:
    """The keys already written in the mapping the cursor's line belongs to."""
    found: set[str] = set()
    for step in (-1, 1):
        number = line_no + step
        while 0 <= number < len(lines):
            line = lines[number]
            if line.strip() and not line.lstrip().startswith("#"):
                if _indent(line) < indent:
                    break
                key = line_key(line)
                if key is not None and key[0] == indent:
                    found.add(key[1])
            number += step
    return found


def complete(
    lines: list[str], line_no: int, column: int, pipeline: Pipeline | None
) -> list[types.CompletionItem]:
    """The completion items at ``line_no`` (0-based) and ``column`` (in characters) of ``lines``."""
    line = lines[line_no] if line_no < len(lines) else ""
    before = line[:column]
    prefix = expression_prefix(before)
    if prefix is not None:
        if pipeline is None:
            return []
        path = _line_path(lines, line_no, line)
        return _names(prefix, pipeline, owner_of(path), "command" in path)
    typing = _TYPING_KEY.match(before)
    if typing is None:
        return []
    indent = len(typing.group(1)) + len(typing.group(2) or "")
    native = is_native_text(lines)
    path = enclosing_path(lines, line_no, indent)
    taken = _siblings(lines, line_no, indent)
    return [_item(key, _Kind.Property, "key") for key in keys_at(path, native) if key not in taken]


def _line_path(lines: list[str], line_no: int, line: str) -> tuple[str, ...]:
    """The path of the value being written on ``line`` (its own key included)."""
    found = line_key(line)
    indent = found[0] if found is not None else _indent(line)
    path = enclosing_path(lines, line_no, indent)
    return (*path, found[1]) if found is not None else path


def _item(
    label: str, kind: types.CompletionItemKind, detail: str | None, doc: str | None = None
) -> types.CompletionItem:
    return types.CompletionItem(label=label, kind=kind, detail=detail, documentation=doc)


def _ports(ports: Iterable[Port], what: str) -> list[types.CompletionItem]:
    return [_item(p.name, _Kind.Field, f"{what}: {p.type or 'unknown'}", p.description) for p in ports]


def _names(
    prefix: str, pipeline: Pipeline, owner: tuple[str, str] | None, in_command: bool
) -> list[types.CompletionItem]:
    """What may follow the dotted names typed so far (the last one is being typed)."""
    typed = [name.strip() for name in prefix.split(".")][:-1]
    steps = pipeline.steps
    if not typed:
        return _first_names(pipeline, owner, in_command)
    if typed == ["parent"]:
        return [_item(word, _Kind.Keyword, None) for word in ("inputs", "outputs", "jobs")]
    if typed == ["parent", "inputs"]:
        return [
            _item(i.name, _Kind.Variable, f"pipeline input: {i.type}", i.description)
            for i in pipeline.inputs.values()
        ]
    if typed == ["parent", "outputs"]:
        return [
            _item(o.name, _Kind.Variable, "pipeline output", o.description) for o in pipeline.outputs.values()
        ]
    if typed == ["parent", "jobs"]:
        return [_item(name, _Kind.Module, "step") for name in steps]
    if typed == ["data"]:
        return [
            _item(d.name, _Kind.Variable, f"data asset: {d.type}", d.description)
            for d in pipeline.data.values()
        ]
    if len(typed) == 1 and typed[0] in ("inputs", "outputs"):
        return _own_ports(pipeline, owner, typed[0])
    return _step_names(typed, pipeline)


def _first_names(
    pipeline: Pipeline, owner: tuple[str, str] | None, in_command: bool
) -> list[types.CompletionItem]:
    """Right after ``${{``: a component's command sees only its own ports; elsewhere steps,
    ``parent``, data assets, and in a step's command its own ports too."""
    own = [_item(word, _Kind.Keyword, None) for word in ("inputs", "outputs")] if in_command else []
    if owner is not None and owner[0] == "components":
        return own
    items = [_item(name, _Kind.Module, "step") for name in pipeline.steps]
    items.append(_item("parent", _Kind.Keyword, None))
    if pipeline.data:
        items.append(_item("data", _Kind.Keyword, None))
    return items + own


def _own_ports(pipeline: Pipeline, owner: tuple[str, str] | None, which: str) -> list[types.CompletionItem]:
    if owner is None:
        return []
    section, name = owner
    holder = pipeline.components.get(name) if section == "components" else pipeline.steps.get(name)
    if holder is None:
        return []
    ports = holder.inputs if which == "inputs" else holder.outputs
    return _ports(ports.values(), which[:-1])


def _step_names(typed: list[str], pipeline: Pipeline) -> list[types.CompletionItem]:
    """After ``STEP.``, ``STEP.outputs.``, ``parent.jobs.STEP.`` and ``parent.jobs.STEP.outputs.``."""
    long_form = typed[:2] == ["parent", "jobs"]
    if long_form:
        typed = typed[2:]
    step = pipeline.steps.get(typed[0]) if typed else None
    if step is None:
        return []
    if len(typed) == 1:  # the short form `STEP.NAME` exists only without `parent.jobs.`
        short = [] if long_form else _ports(step.outputs.values(), "output")
        return [_item("outputs", _Kind.Keyword, None), *short]
    if typed[1:] == ["outputs"]:
        return _ports(step.outputs.values(), "output")
    return []
