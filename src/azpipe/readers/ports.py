"""Port declarations: typed interfaces of components, outputs of steps."""

from __future__ import annotations

from azpipe.model import OUTPUT_MODES, TYPES, Port
from azpipe.readers.reader import Reader
from azpipe.source.nodes import Map, Node, Scalar
from azpipe.suggest import did_you_mean

PORT_INPUT_KEYS = ("type", "default", "optional", "description")
OUTPUT_KEYS = ("type", "mode", "path", "name", "version", "description")


def read_type(reader: Reader, node: Node | None, where: str) -> str | None:
    """A type name; unknown names are reported (T602) with a suggestion."""
    value = reader.string(node, where, allow_numbers=False)
    if value is None or node is None:
        return None
    if value not in TYPES:
        hint = did_you_mean(value, TYPES) or "types: " + ", ".join(TYPES)
        reader.report("T602", node.span, f"unknown type `{value}` in {where}", hint)
        return None
    return value


def read_typed_input(reader: Reader, name: str, key: Scalar, node: Node, where: str) -> Port:
    """A component input: a type name or ``{type, default, optional, description}``."""
    if not isinstance(node, Map):
        return Port(name, key.span, type=read_type(reader, node, where))
    reader.mapping(node, where, PORT_INPUT_KEYS, required=("type",))
    default_node = node.get("default")
    default = default_node.value if isinstance(default_node, Scalar) else None
    return Port(
        name,
        key.span,
        type=read_type(reader, node.get("type"), f"`type` of {where}"),
        optional=bool(reader.boolean(node.get("optional"), f"`optional` of {where}")),
        default=default,
        description=reader.string(node.get("description"), f"`description` of {where}"),
    )


def read_output(reader: Reader, name: str, key: Scalar, node: Node, where: str) -> Port:
    """An output: a type name or ``{type, mode, path, name, version, description}``."""
    if isinstance(node, Scalar) and node.value is None:
        return Port(name, key.span, type="uri_folder")
    if not isinstance(node, Map):
        return Port(name, key.span, type=read_type(reader, node, where) or "uri_folder")
    reader.mapping(node, where, OUTPUT_KEYS)
    return Port(
        name,
        key.span,
        type=read_type(reader, node.get("type"), f"`type` of {where}"),
        mode=reader.choice(node.get("mode"), f"`mode` of {where}", OUTPUT_MODES),
        path=reader.string(node.get("path"), f"`path` of {where}"),
        asset_name=reader.string(node.get("name"), f"`name` of {where}"),
        asset_version=reader.string(node.get("version"), f"`version` of {where}"),
        description=reader.string(node.get("description"), f"`description` of {where}"),
    )
