"""Which keys a mapping may hold, what they mean and which values they take: the schema, walked.

Completion and hover read the same declarative schema ``azpipe check`` validates
with (:mod:`azpipe.schema`): the language's ``LANGUAGE`` for azpipe files, Azure
ML's pipeline job, command component and pipeline component schemas for native
files. A place in a document is the path of keys from the root, each with the
scalar values written beside it in its mapping (a mapping's ``type:`` picks the
alternative of a ``oneOf`` with a discriminator: ``distribution: {type: mpi}``
takes MPI's keys).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from azpipe.records import record
from azpipe.schema import COMMAND_COMPONENT, PIPELINE_COMPONENT, PIPELINE_JOB, Schema
from azpipe.schema.language import LANGUAGE

# Top-level lines that tell a file's kind (as azpipe.source.kinds decides it from text).
_AZPIPE_LINE = re.compile(r"^azpipe[ \t]*:", re.MULTILINE)
_TYPE_LINE = re.compile(r"""^type[ \t]*:[ \t]*['"]?(pipeline|command)\b""", re.MULTILINE)
_COMPONENT_SCHEMA = re.compile(r"^\$schema[ \t]*:.*Component\.schema\.json", re.MULTILINE | re.IGNORECASE)
_COMPONENT_ONLY = re.compile(r"^(version|is_deterministic)[ \t]*:", re.MULTILINE)
_HEAD_CHARS = 64 * 1024


@record(frozen=True)
class Level:
    """One key of a path, with the scalar values written in the mapping that holds it."""

    key: str
    values: Mapping[str, str]


def schema_of_text(text: str) -> Schema | None:
    """The schema of the file ``text`` starts (``None`` for a file azpipe does not check)."""
    head = text[:_HEAD_CHARS]
    if _AZPIPE_LINE.search(head):
        return LANGUAGE
    typed = _TYPE_LINE.search(head)
    if typed is None:
        return None
    component = bool(_COMPONENT_SCHEMA.search(head)) or bool(_COMPONENT_ONLY.search(head))
    if typed.group(1) == "command":
        return COMMAND_COMPONENT
    return PIPELINE_COMPONENT if component else PIPELINE_JOB


def branches(schema: Schema, values: Mapping[str, str]) -> list[Schema]:
    """The mapping alternatives of ``schema`` that apply, given the ``values`` written in the mapping:
    ``anyOf``/``allOf`` expanded, a ``oneOf`` with a discriminator narrowed to the branch its key's
    value selects (all of them while no value is written and there is no default)."""
    found: list[Schema] = []
    for part in schema.get("allOf", ()):
        found.extend(branches(part, values))
    if "anyOf" in schema:
        for branch in schema["anyOf"]:
            found.extend(branches(branch, values))
    elif _is_list(schema) and isinstance(schema.get("items"), dict):
        found.extend(branches(schema["items"], values))  # a list of mappings: its items' keys
    elif _is_mapping(schema):
        found.append(schema)
        found.extend(_variants(schema, values))
    return found


def _variants(schema: Schema, values: Mapping[str, str]) -> list[Schema]:
    """The ``oneOf`` alternatives the discriminator's value (or its default) selects."""
    options: list[Schema] = schema.get("oneOf", [])
    if not options:
        return []
    discriminator = schema.get("discriminator", {})
    value = values.get(discriminator.get("propertyName", ""), discriminator.get("x-default"))
    if value is None:
        return list(options)
    fold = str.lower if schema.get("x-ignore-case") else str
    chosen = [o for o in options if fold(value) in {fold(w) for w in o.get("x-when", ()) if w != "*"}]
    chosen = chosen or [o for o in options if "*" in o.get("x-when", ())]
    return chosen


def _is_mapping(schema: Schema) -> bool:
    kind = schema.get("type")
    return kind == "object" or (isinstance(kind, list) and "object" in kind)


def _is_list(schema: Schema) -> bool:
    kind = schema.get("type")
    return kind == "array" or (isinstance(kind, list) and "array" in kind)


def properties(schema: Schema, values: Mapping[str, str]) -> dict[str, Schema]:
    """The keys the mapping ``schema`` describes, with their schemas (in the schema's order)."""
    found: dict[str, Schema] = {}
    for branch in branches(schema, values):
        for key, value in branch.get("properties", {}).items():
            found.setdefault(key, value)
    return found


def child(schema: Schema, key: str, values: Mapping[str, str]) -> Schema | None:
    """The schema of ``key``'s value in a mapping of ``schema``: a described key, else the schema
    every named entry takes (``additionalProperties``: steps, ports, services)."""
    applying = branches(schema, values)
    for branch in applying:
        if key in branch.get("properties", {}):
            found: Schema = branch["properties"][key]
            return found
    for branch in applying:
        others = branch.get("additionalProperties")
        if isinstance(others, dict):
            return others
    return None


def schema_at(root: Schema, path: Sequence[Level]) -> Schema | None:
    """The schema of the value at ``path`` (``None`` where the schema says nothing)."""
    schema: Schema | None = root
    for level in path:
        if schema is None:
            return None
        schema = child(schema, level.key, level.values)
    return schema


def keys_at(root: Schema, path: Sequence[Level], values: Mapping[str, str]) -> dict[str, Schema]:
    """The keys the mapping at ``path`` may hold (its own ``values`` pick its alternative)."""
    schema = schema_at(root, path)
    return properties(schema, values) if schema is not None else {}


def values_of(schema: Schema, holder: Schema | None, key: str, values: Mapping[str, str]) -> list[str]:
    """The values ``key`` may take: its enum or constant, a boolean's words, or, for the
    discriminator of the mapping ``holder``, the kinds its alternatives are for."""
    found: list[str] = []
    for branch in _scalar_branches(schema):
        found.extend(str(value) for value in branch.get("enum", ()))
        if "const" in branch:
            found.append(str(branch["const"]))
        if branch.get("type") == "boolean":
            found.extend(("true", "false"))
    for option in branches(holder, values) if holder is not None else ():
        discriminator = option.get("discriminator", {})
        if discriminator.get("propertyName") == key:
            found.extend(
                w for o in option.get("oneOf", ()) for w in o.get("x-when", ()) if w not in ("", "*")
            )
            found.extend(discriminator.get("x-kinds", ()))  # kinds their readers check
    return list(dict.fromkeys(found))


def _scalar_branches(schema: Schema) -> list[Schema]:
    if "anyOf" in schema:
        return [found for branch in schema["anyOf"] for found in _scalar_branches(branch)]
    return [schema]


def description(schema: Any) -> str | None:
    """The one line that says what a key is (of its schema or, for a short form, its branches)."""
    if not isinstance(schema, dict):
        return None
    text = schema.get("description")
    if text:
        return str(text)
    for branch in schema.get("anyOf", ()):
        found = description(branch)
        if found:
            return found
    return None
