"""Completion: keys where a key is being typed, values after ``key: ``, names inside ``${{ }}``.

Completion runs on the text as it is being typed, which is often not valid YAML
yet (``resou`` with no colon), so the cursor's place is found from indentation:
the keys of the lines above it that are less indented, each with the scalar
values written beside it (a mapping's ``type:`` selects its alternative). Keys and
values come from the declarative schema (:mod:`azpipe.lsp.keys`), with each key's
description as its documentation; names come from the last model of the
document that could be read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lsprotocol import types

from azpipe.lsp.keys import Level, description, keys_at, schema_at, schema_of_text, values_of
from azpipe.lsp.occurrences import owner_of
from azpipe.model import Pipeline, Port
from azpipe.schema import Schema

_KEY_LINE = re.compile(r"""^(\s*)(?:-\s+)?("[^"]*"|'[^']*'|[^\s#'"][^:#]*?)\s*:(?:\s|$)""")
_NATIVE_START = re.compile(r"""^type\s*:\s*['"]?pipeline\b""")
_TYPING_KEY = re.compile(r"^(\s*)(-\s+)?([\w$.-]*)$")
_TYPING_VALUE = re.compile(r"""^(\s*)(-\s+)?([\w$.-]+)\s*:\s+['"]?([\w.-]*)$""")
_SCALAR_VALUE = re.compile(
    r"""^\s*(?:-\s+)?(?:"[^"]*"|'[^']*'|[^\s#'"][^:#]*?)\s*:\s+(?:"([^"]*)"|'([^']*)'|([^\s#{\[|>&*!][^#]*?))\s*(?:#.*)?$"""
)
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
    return tuple(key for key, _, _ in _enclosing(lines, line_no, indent))


def _enclosing(lines: list[str], line_no: int, indent: int) -> list[tuple[str, int, int]]:
    """The key lines that hold a line at ``indent``: (key, line number, indentation), outermost first."""
    found: list[tuple[str, int, int]] = []
    for number in range(min(line_no, len(lines)) - 1, -1, -1):
        if indent == 0:
            break
        line = lines[number]
        if not line.strip() or line.lstrip().startswith("#") or _indent(line) >= indent:
            continue
        key = line_key(line)
        if key is not None and key[0] < indent:
            indent = key[0]
            found.append((key[1], number, key[0]))
        elif _indent(line) < indent:
            indent = _indent(line)  # a list item or a flow line: it still closes deeper blocks
    return found[::-1]


def _siblings(lines: list[str], line_no: int, indent: int) -> dict[str, str | None]:
    """The keys already written in the mapping the line ``line_no`` belongs to (not on that
    line), with their values when they are plain scalars written on the key's line."""
    found: dict[str, str | None] = {}
    for step in (-1, 1):
        number = line_no + step
        while 0 <= number < len(lines):
            line = lines[number]
            if line.strip() and not line.lstrip().startswith("#"):
                key = line_key(line)
                # Going up, a list item's first line (`- key: v`) still belongs to its mapping.
                if key is not None and key[0] == indent and (step == -1 or _indent(line) == indent):
                    found[key[1]] = _scalar(line)
                if _indent(line) < indent:
                    break
            number += step
    return found


def _scalar(line: str) -> str | None:
    match = _SCALAR_VALUE.match(line)
    return None if match is None else next(g for g in match.groups() if g is not None)


def _values(siblings: dict[str, str | None]) -> dict[str, str]:
    return {key: value for key, value in siblings.items() if value is not None}


def context(lines: list[str], line_no: int, indent: int) -> tuple[list[Level], dict[str, str]]:
    """The path to the mapping a line at ``indent`` belongs to, and the values written in it."""
    path = [
        Level(key, _values(_siblings(lines, number, key_indent)))
        for key, number, key_indent in _enclosing(lines, line_no, indent)
    ]
    return path, _values(_siblings(lines, line_no, indent))


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
        keys = _line_path(lines, line_no, line)
        return _names(prefix, pipeline, owner_of(keys), "command" in keys)
    root = schema_of_text("\n".join(lines))
    if root is None:
        return []
    typing = _TYPING_KEY.match(before)
    if typing is None:
        value = _TYPING_VALUE.match(before)
        return _value_items(lines, line_no, value, root) if value is not None else []
    indent = len(typing.group(1)) + len(typing.group(2) or "")
    path, values = context(lines, line_no, indent)
    taken = _siblings(lines, line_no, indent)
    return [
        _item(key, _Kind.Property, "key", description(schema))
        for key, schema in keys_at(root, path, values).items()
        if key not in taken
    ]


def _value_items(
    lines: list[str], line_no: int, typed: re.Match[str], root: Schema
) -> list[types.CompletionItem]:
    """After ``key: ``: the values the schema allows there (enum values, a kind, booleans)."""
    indent = len(typed.group(1)) + len(typed.group(2) or "")
    key = typed.group(3)
    path, values = context(lines, line_no, indent)
    holder = schema_at(root, path)
    schema = schema_at(root, [*path, Level(key, values)])
    if schema is None:
        return []
    return [_item(value, _Kind.EnumMember, "value") for value in values_of(schema, holder, key, values)]


def key_hover(lines: list[str], line_no: int, column: int) -> str | None:
    """Markdown for the key under the cursor: its path and its schema's description."""
    line = lines[line_no] if line_no < len(lines) else ""
    found = line_key(line)
    root = schema_of_text("\n".join(lines))
    if found is None or root is None:
        return None
    indent, key = found
    if not indent <= column <= indent + len(key) + 2:  # on the key (quotes included), not its value
        return None
    path, values = context(lines, line_no, indent)
    schema = schema_at(root, [*path, Level(key, values)])
    text = description(schema) if schema is not None else None
    return f"**{key}**\n\n{text}" if text else None


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
