"""Port declarations: typed interfaces of components, outputs of steps."""

from __future__ import annotations

from typing import Any

from azpipe.model import INPUT_MODES, LEGACY_TYPES, MODERN_TYPES, OUTPUT_MODES, TYPES, Port
from azpipe.readers.reader import Reader
from azpipe.schema.language import COMPONENT_PORT_INPUT, STEP_OUTPUT, keys_of
from azpipe.source.nodes import Map, Node, Scalar, Seq
from azpipe.suggest import did_you_mean

# From the language's schema (azpipe.schema.language), which describes them.
PORT_INPUT_KEYS = keys_of(COMPONENT_PORT_INPUT)
OUTPUT_KEYS = keys_of(STEP_OUTPUT)


def read_type(reader: Reader, node: Node | None, where: str, ignore_case: bool = False) -> str | None:
    """A type name; unknown names are reported (T602) with a suggestion. With ``ignore_case`` (a job's
    ports: azure-ai-ml lower-cases their type; a component's it does not), `Uri_Folder` is `uri_folder`."""
    value = reader.string(node, where, allow_numbers=False)
    if value is None or node is None:
        return None
    if ignore_case and value.lower() in TYPES:
        value = value.lower()
    if value in LEGACY_TYPES:
        modern = LEGACY_TYPES[value]
        reader.report("T604", node.span, f"`{value}` in {where} is an older name Azure ML still reads",
                      f"write `{modern}`, its name now")  # fmt: skip
        return value
    if value not in TYPES:
        hint = did_you_mean(value, MODERN_TYPES) or "types: " + ", ".join(MODERN_TYPES)
        reader.report("T602", node.span, f"unknown type `{value}` in {where}", hint)
        return None
    return value


def read_typed_input(reader: Reader, name: str, key: Scalar, node: Node, where: str) -> Port:
    """A component input: a type name or ``{type, default, optional, description, min, max, enum, mode}``."""
    if not isinstance(node, Map):
        return Port(name, key.span, type=read_type(reader, node, where))
    reader.mapping(node, where, None, required=("type",))
    default_node = node.get("default")
    default = default_node.value if isinstance(default_node, Scalar) else None
    return Port(
        name,
        key.span,
        type=read_type(reader, node.get("type"), f"`type` of {where}"),
        optional=bool(reader.boolean(node.get("optional"), f"`optional` of {where}")),
        default=default,
        description=reader.string(node.get("description"), f"`description` of {where}"),
        mode=reader.choice(node.get("mode"), f"`mode` of {where}", INPUT_MODES, ignore_case=True)
        if "mode" in node
        else None,
        min=_number(reader, node.get("min"), f"`min` of {where}"),
        max=_number(reader, node.get("max"), f"`max` of {where}"),
        enum=_texts(reader, node.get("enum"), f"`enum` of {where}"),
    )


def _number(reader: Reader, node: Node | None, where: str) -> Any:
    """A bound of a number input (Azure ML also takes it as text)."""
    if node is None:
        return None
    if (
        isinstance(node, Scalar)
        and isinstance(node.value, (int, float, str))
        and not isinstance(node.value, bool)
    ):
        return node.value
    reader.wrong_shape(node, where, "number")
    return None


def _texts(reader: Reader, node: Node | None, where: str) -> list[Any] | None:
    """The values a string input may take."""
    if node is None:
        return None
    if not isinstance(node, Seq):
        reader.wrong_shape(node, where, "list")
        return None
    return [item.value for item in node.items if isinstance(item, Scalar)]


def read_output(reader: Reader, name: str, key: Scalar, node: Node, where: str) -> Port:
    """An output: a type name or ``{type, mode, path, name, version, description}``."""
    if isinstance(node, Scalar) and node.value is None:
        return Port(name, key.span, type="uri_folder")
    if not isinstance(node, Map):
        return Port(name, key.span, type=read_type(reader, node, where) or "uri_folder")
    reader.mapping(node, where, reader.unwalked(OUTPUT_KEYS))
    return Port(
        name,
        key.span,
        type=read_type(reader, node.get("type"), f"`type` of {where}", ignore_case=True),
        mode=reader.choice(node.get("mode"), f"`mode` of {where}", OUTPUT_MODES, ignore_case=True),
        path=reader.string(node.get("path"), f"`path` of {where}"),
        asset_name=reader.string(node.get("name"), f"`name` of {where}"),
        asset_version=reader.string(node.get("version"), f"`version` of {where}"),
        asset_name_span=getattr(node.get("name"), "span", None),
        description=reader.string(node.get("description"), f"`description` of {where}"),
    )
