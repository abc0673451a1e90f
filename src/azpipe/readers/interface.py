"""Pipeline inputs and outputs."""

from __future__ import annotations

import os
import re
from typing import Any

from azpipe.expr.ast import RefKind
from azpipe.model import (
    ASSET_TYPES,
    INPUT_MODES,
    OUTPUT_MODES,
    DataAsset,
    Pipeline,
    PipelineInput,
    PipelineOutput,
)
from azpipe.readers.bindings import read_binding
from azpipe.readers.ports import read_type
from azpipe.readers.reader import Reader
from azpipe.schema.language import PIPELINE_INPUT, PIPELINE_OUTPUT, keys_of
from azpipe.source.nodes import Map, Node, Scalar

INPUT_KEYS = keys_of(PIPELINE_INPUT)  # from the language's schema, which describes them
# A native file's pipeline input may also be `{value: ...}` (a literal), or set what azpipe refuses.
NATIVE_INPUT_KEYS = (*INPUT_KEYS, "value", "path_on_compute")
OUTPUT_KEYS = keys_of(PIPELINE_OUTPUT)
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_LITERAL_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string"}


def is_asset_path(value: str) -> bool:
    """True for strings that name data: ``./x``, ``../x``, ``azureml:x`` or a URI."""
    return value.startswith(("./", "../", "azureml:")) or bool(_URI.match(value))


def is_local_path(value: str) -> bool:
    """True for an asset path on this machine (not ``azureml:`` or a URI)."""
    return not value.startswith("azureml:") and not _URI.match(value)


def infer_type(value: Any, base_dir: str) -> str:
    """The type of a literal pipeline input."""
    if isinstance(value, str) and is_asset_path(value):
        if is_local_path(value):
            return "uri_file" if os.path.isfile(os.path.join(base_dir, value)) else "uri_folder"
        last = value.rstrip("/").rsplit("/", 1)[-1]
        return "uri_file" if "." in last and not value.startswith("azureml:") else "uri_folder"
    return _LITERAL_TYPES.get(type(value), "string")


def read_input(
    reader: Reader,
    name: str,
    key: Scalar,
    node: Node,
    data: dict[str, DataAsset],
    base_dir: str,
    native: bool = False,
) -> PipelineInput | None:
    """A pipeline input: a literal, ``${{data.NAME}}``, or the mapping form."""
    where = f"pipeline input `{name}`"
    if isinstance(node, Map):
        return _input_mapping(reader, name, key, node, base_dir, native)
    binding = read_binding(reader, node, where, (RefKind.DATA,))
    if binding is None:
        return None
    if binding.ref is not None:
        asset = data.get(binding.ref.name)
        kind = asset.type if asset else "uri_folder"
        return PipelineInput(name, key.span, kind, data=binding.ref.name)
    # azure-ai-ml reads a native file's bare value as a literal of its own type, even one that
    # looks like a path (`compute_node: azureml:cpu-cluster` is a string); the language infers.
    literal = _LITERAL_TYPES.get(type(binding.value), "string")
    kind = literal if native else infer_type(binding.value, base_dir)
    return PipelineInput(name, key.span, kind, default=binding.value, value_span=binding.span)


def _input_mapping(
    reader: Reader, name: str, key: Scalar, node: Map, base_dir: str, native: bool = False
) -> PipelineInput:
    where = f"pipeline input `{name}`"
    reader.mapping(node, where, None)
    refused = node.key_node("path_on_compute")
    if native and refused is not None:
        reader.report("S108", refused.span, f"azpipe does not carry `path_on_compute` of {where} to Azure ML",
                      "remove it, or submit this file with `az ml job create`")  # fmt: skip
    default_node = node.get("default") or (node.get("value") if native else None)
    path_node = node.get("path")
    default: Any = None
    if isinstance(default_node, Scalar):
        default = default_node.value
        if default_node.trap:
            reader.report(
                "Y011",
                default_node.span,
                f"default of {where}: {default_node.trap}",
                reader.trap_hint(default_node),
            )
    elif default_node is not None:
        reader.wrong_shape(default_node, f"`default` of {where}", "literal")
    path = reader.string(path_node, f"`path` of {where}", allow_numbers=False)
    kind = read_type(reader, node.get("type"), f"`type` of {where}", ignore_case=True)
    if kind is None and "type" not in node:
        kind = (
            infer_type(path if path is not None else default, base_dir)
            if (path or default is not None)
            else None
        )
        if kind is None:
            reader.report("S103", key.span, f"{where} needs `type` (or a `default` to infer it from)")
    value = path if path is not None else default
    value_node = path_node if path is not None else default_node
    modes = INPUT_MODES if kind in ASSET_TYPES else ()
    return PipelineInput(
        name,
        key.span,
        kind or "string",
        default=value,
        optional=bool(reader.boolean(node.get("optional"), f"`optional` of {where}")),
        description=reader.string(node.get("description"), f"`description` of {where}"),
        mode=reader.choice(node.get("mode"), f"`mode` of {where}", modes, ignore_case=True)
        if "mode" in node
        else None,
        datastore=reader.string(node.get("datastore"), f"`datastore` of {where}"),
        value_span=value_node.span if value_node is not None else None,
    )


def read_inputs(reader: Reader, pipeline: Pipeline, node: Node | None, native: bool = False) -> None:
    """Every pipeline input under ``inputs:`` (the same form in both file formats)."""
    for name, key, value in reader.named(node, "`inputs`"):
        found = read_input(reader, name, key, value, pipeline.data, pipeline.base_dir, native)
        if found:
            pipeline.inputs[name] = found


def read_output_settings(reader: Reader, mapping: Map, output: PipelineOutput, where: str) -> None:
    """A pipeline output's ``type``, ``mode``, ``description``, ``path``, ``name`` and ``version``."""
    if "type" in mapping:
        output.type = read_type(reader, mapping.get("type"), f"`type` of {where}", ignore_case=True)
    if "mode" in mapping:
        output.mode = reader.choice(mapping.get("mode"), f"`mode` of {where}", OUTPUT_MODES, ignore_case=True)
    output.description = reader.string(mapping.get("description"), f"`description` of {where}")
    output.path = reader.string(mapping.get("path"), f"`path` of {where}")
    output.asset_name = reader.string(mapping.get("name"), f"`name` of {where}")
    name = mapping.get("name")
    output.asset_name_span = name.span if name is not None else None
    output.asset_version = reader.string(mapping.get("version"), f"`version` of {where}")


def read_output(reader: Reader, name: str, key: Scalar, node: Node) -> PipelineOutput:
    """A pipeline output: ``${{STEP.outputs.NAME}}`` or ``{value, mode, description, path, name, version}``."""
    where = f"pipeline output `{name}`"
    output = PipelineOutput(name, key.span)
    value: Node | None = node
    if isinstance(node, Map):
        reader.mapping(node, where, None, required=("value",))
        value = node.get("value")
        read_output_settings(reader, node, output, where)
    if value is None:
        return output
    binding = read_binding(reader, value, where, (RefKind.STEP_OUTPUT,))
    if binding is not None and binding.ref is None:
        reader.report(
            "E202", binding.span, f"{where} must refer to a step output", "write `${{STEP.outputs.NAME}}`"
        )
        binding = None
    output.binding = binding
    return output
