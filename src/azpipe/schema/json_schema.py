"""The declarative schema as a plain JSON Schema (draft 2020-12), for editors (`azpipe schema`).

azpipe's schema (:mod:`azpipe.schema`) is JSON Schema plus a few ``x-`` extensions
for how Azure ML reads YAML. Editors (VS Code's YAML extension, Neovim's yamlls)
know only JSON Schema, so each extension is spelt out in it:

- a ``oneOf`` chosen by a ``discriminator`` key (``distribution: {type: mpi}``)
  becomes one ``if``/``then`` per alternative, on the key's value;
- ``x-ignore-case`` enum values become a pattern that ignores case (``camel``: and underscores);
- scalars are read as marshmallow reads them: an integer field also takes ``"2"``,
  a number field ``"0.5"``, a boolean field ``"yes"``, ``1``...;
- under ``x-bindings`` any value may also be a ``${{ }}`` data binding;
- a mapping whose unknown keys Azure ML only ignores (``x-unknown: warning``) takes
  other keys (JSON Schema has no warnings: an editor would show them as errors);
  with ``x-unknown-with: KEY`` only while ``KEY`` is there (a command job without a
  ``component:`` rejects them);
- the other ``x-`` keys and ``discriminator`` are dropped; ``description`` is kept,
  for hovers.

What JSON Schema cannot say (references between steps, ports used in commands,
types along edges, files that must exist) stays with ``azpipe check`` and
``azpipe lsp``.
"""

from __future__ import annotations

import re
from typing import Any

from azpipe.schema.language import LANGUAGE
from azpipe.schema.pipeline_job import PIPELINE_JOB

Schema = dict[str, Any]

DRAFT = "https://json-schema.org/draft/2020-12/schema"
_COPIED = (
    "type", "required", "enum", "const", "minimum", "maximum", "pattern", "maxLength", "minLength",
    "title", "description", "dependentRequired", "minItems",
)  # fmt: skip
_INTEGER_TEXT = r"^\s*[+-]?[0-9]+\s*$"
_NUMBER_TEXT = r"^\s*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?\s*$"
# marshmallow's Boolean: the words it takes for true and false besides YAML's booleans.
_BOOLEAN_WORDS = sorted(
    {word for base in ("t", "true", "on", "y", "yes", "f", "false", "off", "n", "no")
     for word in (base, base.capitalize(), base.upper())} | {"0", "1"}
)  # fmt: skip
_BINDING: Schema = {"type": "string", "pattern": r"^\s*\$\{\{.*\}\}\s*$"}


def language_schema() -> Schema:
    """The JSON Schema of an azpipe pipeline file."""
    return _document(LANGUAGE, "azpipe pipeline", "An azpipe pipeline file (`azpipe: 1`).")


def native_schema() -> Schema:
    """The JSON Schema of an Azure ML pipeline job file, as ``azpipe check`` reads it."""
    return _document(PIPELINE_JOB, "Azure ML pipeline job", "An Azure ML CLI v2 pipeline job file.")


def _document(schema: Schema, title: str, description: str) -> Schema:
    return {"$schema": DRAFT, "title": title, **convert(schema), "description": description}


def convert(schema: Schema, bindings: bool = False) -> Schema:
    """``schema`` in plain JSON Schema; ``bindings``: a ``${{ }}`` may stand for any value."""
    bindings = bindings or bool(schema.get("x-bindings"))
    found: Schema = {key: schema[key] for key in _COPIED if key in schema}
    if isinstance(found.get("type"), list):
        found["type"] = list(found["type"])
    if "anyOf" in schema:
        found["anyOf"] = [convert(branch, bindings) for branch in schema["anyOf"]]
    if "properties" in schema:
        found["properties"] = {key: convert(value, bindings) for key, value in schema["properties"].items()}
    others = schema.get("additionalProperties")
    if isinstance(others, dict):
        found["additionalProperties"] = convert(others, bindings)
    elif others is False and schema.get("x-unknown") != "warning":
        found["additionalProperties"] = False
    elif others is False and "x-unknown-with" in schema:
        # Other keys only beside this one (an if/then/else: JSON Schema has no warnings).
        known = {"enum": list(schema.get("properties", {}))}
        found.update({"if": {"required": [schema["x-unknown-with"]]}, "else": {"propertyNames": known}})
    if "propertyNames" in schema:
        found["propertyNames"] = convert(schema["propertyNames"])
    if "items" in schema:
        found["items"] = convert(schema["items"], bindings)
    if schema.get("x-ignore-case") and "enum" in schema:
        found.pop("enum")
        found["pattern"] = _any_case(schema["enum"], schema["x-ignore-case"])
    if "oneOf" in schema:
        _discriminated(found, schema, bindings)
    _lenient(found)
    if bindings and not _is_container(found):
        return {"anyOf": [found, _BINDING]} if found else found
    return found


def _is_container(schema: Schema) -> bool:
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return bool({"object", "array"} & set(kinds)) and not {"string"} & set(kinds)


def _any_case(values: list[Any], mode: Any = True) -> str:
    """A pattern matching any of ``values`` whatever their letters' case (JSON Schema patterns
    are ECMA-262: no inline flags); with ``mode`` ``camel`` (AutoML's ``camel_to_snake``) the
    underscores may be left out too (`LogisticRegression` for `logistic_regression`)."""

    def letters(text: str) -> str:
        found = "".join(f"[{c.lower()}{c.upper()}]" if c.lower() != c.upper() else re.escape(c) for c in text)
        return found.replace("_", "_?") if mode == "camel" else found

    return "^(" + "|".join(letters(str(value)) for value in values) + ")$"


def _lenient(schema: Schema) -> None:
    """Scalars as marshmallow reads them: integers, numbers and booleans also as text."""
    kinds = schema.get("type")
    if not isinstance(kinds, (str, list)) or "enum" in schema or "const" in schema:
        return
    kinds = [kinds] if isinstance(kinds, str) else kinds
    if "string" in kinds or not {"integer", "number", "boolean"} & set(kinds):
        return
    if kinds == ["integer"]:
        schema.update(type=["integer", "string"], pattern=_INTEGER_TEXT)
    elif set(kinds) <= {"integer", "number"}:
        schema.update(type=["number", "string"], pattern=_NUMBER_TEXT)
    elif kinds == ["boolean"]:
        schema.pop("type")
        schema["enum"] = [True, False, 0, 1, *_BOOLEAN_WORDS]


def _discriminated(found: Schema, schema: Schema, bindings: bool) -> None:
    """``oneOf`` + ``discriminator``: each alternative applies when the key has one of its
    ``x-when`` values (``*``: any other value, or none when that is ``x-default``)."""
    discriminator = schema.get("discriminator", {})
    key = discriminator["propertyName"]
    ignore_case = schema.get("x-ignore-case", False)
    named = [value for branch in schema["oneOf"] for value in branch.get("x-when", []) if value != "*"]
    rules: list[Schema] = []
    # Whatever the alternatives, the key's value is text (a list is S102 in `check`).
    properties = found.setdefault("properties", {})
    properties[key] = {**properties.get(key, {}), "type": "string"}
    for branch in schema["oneOf"]:
        values = [value for value in branch.get("x-when", []) if value != "*"]
        then = convert({k: v for k, v in branch.items() if k != "x-when"}, bindings)
        if values:
            condition = _has(key, values, ignore_case)
            if discriminator.get("x-default") in values:  # the key left out means this alternative
                condition = {"anyOf": [condition, {"not": {"required": [key]}}]}
            rules.append({"if": condition, "then": then})
        if "*" in branch.get("x-when", []):
            otherwise: Schema = {"not": _has(key, named, ignore_case)}
            if discriminator.get("x-default") != "*":
                otherwise = {"required": [key], **otherwise}
            rules.append({"if": otherwise, "then": then})
    if not any("*" in branch.get("x-when", []) for branch in schema["oneOf"]) and not discriminator.get(
        "x-others"
    ):
        choice: Schema = (
            {"type": "string", "pattern": _any_case(named, ignore_case)} if ignore_case else {"enum": named}
        )
        found.setdefault("properties", {})[key] = {**found.get("properties", {}).get(key, {}), **choice}
    found["allOf"] = rules


def _has(key: str, values: list[Any], ignore_case: Any) -> Schema:
    """A schema true when ``key`` is present with one of ``values`` (compared as ``x-ignore-case``
    says)."""
    value: Schema = {"pattern": _any_case(values, ignore_case)} if ignore_case else {"enum": values}
    if ignore_case:
        value["type"] = "string"
    return {"properties": {key: value}, "required": [key]}
