"""Generate the key tables of ``docs/language.md`` from the language schema.

Each table sits between ``<!-- BEGIN GENERATED: NAME -->`` and ``<!-- END GENERATED: NAME -->``;
the rest of the page is written by hand. ``tests/test_json_schema.py`` fails when a
table differs from the schema (``pytest --update-golden`` rewrites them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from azpipe.schema import language

Schema = dict[str, Any]


@dataclass(frozen=True)
class Table:
    """One generated table: the keys of the mapping ``schema`` describes."""

    title: str
    schema: Schema


TABLES = {
    "top-level keys": Table("top-level keys", language.LANGUAGE),
    "step keys": Table("step keys", {"type": "object", "properties": language.STEP_PROPERTIES}),
}
_BLOCK = re.compile(
    r"(<!-- BEGIN GENERATED: (?P<name>[a-z -]+) -->\n).*?(<!-- END GENERATED: (?P=name) -->)", re.S
)


def generated_doc(text: str) -> str:
    """``text`` (``docs/language.md``) with every generated table rewritten from the schema."""
    return _BLOCK.sub(lambda m: m.group(1) + table(TABLES[m.group("name")]) + m.group(3), text)


def table(which: Table) -> str:
    """The markdown table of ``which``: key, required, shape, meaning."""
    required = set(which.schema.get("required", ()))
    rows = ["| key | required | shape | meaning |", "|---|---|---|---|"]
    for key, value in which.schema["properties"].items():
        cells = (f"`{key}`", "yes" if key in required else "no", shape(value), value.get("description", ""))
        rows.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    return "\n".join(rows) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def shape(schema: Schema, depth: int = 0) -> str:
    """A few words for the shape of a value ``schema`` allows."""
    if depth and "title" in schema:
        return str(schema["title"])
    if "const" in schema:
        return f"`{schema['const']}`"
    if "enum" in schema:
        return " | ".join(f"`{value}`" for value in schema["enum"])
    if "anyOf" in schema:
        return " or ".join(dict.fromkeys(shape(branch, depth) for branch in schema["anyOf"]))
    kind = schema.get("type")
    if kind == "object":
        return _mapping(schema, depth)
    if kind == "array":
        return f"list of {_plural(shape(schema.get('items', {}), depth + 1))}"
    if kind == "null":
        return "empty"
    if isinstance(kind, list):
        return "scalar" if "string" in kind and len(kind) > 2 else " or ".join(kind)
    if kind == "string" and "pattern" in schema:
        return f"name (`{schema['pattern']}`)" if schema["pattern"].startswith("^[a-z_]") else "string"
    if kind == "integer" and "minimum" in schema:
        return f"integer ≥ {schema['minimum']}"
    return kind or "any"


def _mapping(schema: Schema, depth: int) -> str:
    keys = list(schema.get("properties", {}))
    for branch in schema.get("oneOf", []):
        keys += [key for key in branch.get("properties", {}) if key not in keys]
    others = schema.get("additionalProperties")
    if keys:
        return "`{" + ", ".join(keys) + "}`" if depth else "mapping: " + ", ".join(f"`{key}`" for key in keys)
    if isinstance(others, dict) and depth == 0:
        return f"mapping of name to {shape(others, depth + 1)}"
    return "mapping"


def _plural(text: str) -> str:
    return {"string": "strings", "integer": "integers"}.get(text, text)
