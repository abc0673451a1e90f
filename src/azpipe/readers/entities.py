"""Declared entities: environments, compute targets and data assets."""

from __future__ import annotations

from azpipe.diagnostics import Span
from azpipe.model import Compute, DataAsset, Environment, EnvRef
from azpipe.readers.reader import Reader
from azpipe.schema.environments import ENVIRONMENT_DECLARATION, INLINE_ENVIRONMENT
from azpipe.schema.language import (
    COMPUTE_DECLARATION,
    DATA_DECLARATION,
    keys_of,
)
from azpipe.source.nodes import Map, Node, Scalar

# The keys and choices come from the language's schema (azpipe.schema.language), the one place
# that describes them (for `azpipe schema` and the docs' tables too).
ENVIRONMENT_KEYS = keys_of(ENVIRONMENT_DECLARATION)
# An inline environment is registered anonymously: azure-ai-ml drops its name and version (S110).
INLINE_ENVIRONMENT_KEYS = keys_of(INLINE_ENVIRONMENT)
BUILD_KEYS = keys_of(ENVIRONMENT_DECLARATION["properties"]["build"])
OS_TYPES = tuple(ENVIRONMENT_DECLARATION["properties"]["os_type"]["enum"])
COMPUTE_KEYS = keys_of(COMPUTE_DECLARATION)
COMPUTE_TYPES = tuple(COMPUTE_DECLARATION["properties"]["type"]["enum"])
DATA_KEYS = keys_of(DATA_DECLARATION)
DATA_TYPES = tuple(DATA_DECLARATION["properties"]["type"]["enum"])


def read_environment(reader: Reader, name: str, node: Node, inline: bool = False) -> Environment | None:
    """An environment definition (``inline``: written in a step or component, registered anonymously)."""
    where = "inline environment" if inline else f"environment `{name}`"
    # Azure ML's inline environment takes keys azpipe does not carry (`datastore`, `id`,
    # `inference_config`...): refused here, where the schema walker would take them.
    keys = INLINE_ENVIRONMENT_KEYS if inline else reader.unwalked(ENVIRONMENT_KEYS)
    mapping = reader.mapping(node, where, keys)
    if mapping is None:
        return None
    if "image" not in mapping and "build" not in mapping:
        reader.report(
            "S103", node.span, f"{where} needs `image` or `build`", "an image name, or a Docker build context"
        )
    if inline:
        for key in ("name", "version"):
            found = mapping.key_node(key)
            if found is not None:
                reader.report("S110", found.span, f"azure-ai-ml ignores the `{key}` of an {where}",
                              "it is registered anonymously; declare it under `environments:` to name it")  # fmt: skip
    build = {}
    build_node = reader.mapping(
        mapping.get("build"), f"`build` of {where}", reader.unwalked(BUILD_KEYS), required=("path",)
    )
    if build_node is not None:
        for key in BUILD_KEYS:
            text = reader.string(build_node.get(key), f"`build.{key}` of {where}")
            if text is not None:
                build[key] = text
    return Environment(
        name=name,
        span=node.span,
        image=reader.string(mapping.get("image"), f"`image` of {where}"),
        conda_file=reader.string(mapping.get("conda_file"), f"`conda_file` of {where}"),
        version=None if inline else reader.string(mapping.get("version"), f"`version` of {where}"),
        description=reader.string(mapping.get("description"), f"`description` of {where}"),
        build=build,
        tags=reader.string_map(mapping.get("tags"), f"`tags` of {where}"),
        os_type=reader.choice(mapping.get("os_type"), f"`os_type` of {where}", OS_TYPES),
        value_spans=_value_spans(mapping, build_node),
    )


def _value_spans(mapping: Map, build: Map | None) -> dict[str, Span]:
    """Where an environment's paths are written: its ``conda_file`` and ``build.path``."""
    found = {"conda_file": mapping.get("conda_file"), "build.path": build.get("path") if build else None}
    return {key: node.span for key, node in found.items() if node is not None}


def _span(node: Node | None) -> Span | None:
    return node.span if node is not None else None


def read_compute(reader: Reader, name: str, node: Node) -> Compute | None:
    """A compute target definition."""
    where = f"compute `{name}`"
    mapping = reader.mapping(node, where, None)
    if mapping is None:
        return None
    kind = reader.choice(mapping.get("type"), f"`type` of {where}", COMPUTE_TYPES) or "amlcompute"
    return Compute(
        name=name,
        span=node.span,
        type=kind,
        size=reader.string(mapping.get("size"), f"`size` of {where}"),
        min_instances=reader.integer(mapping.get("min_instances"), f"`min_instances` of {where}"),
        max_instances=reader.integer(mapping.get("max_instances"), f"`max_instances` of {where}", 1),
        idle_time_before_scale_down=reader.integer(
            mapping.get("idle_time_before_scale_down"), f"`idle_time_before_scale_down` of {where}"
        ),
    )


def read_data(reader: Reader, name: str, node: Node) -> DataAsset | None:
    """A data asset definition."""
    where = f"data asset `{name}`"
    mapping = reader.mapping(node, where, None, required=("path",))
    if mapping is None:
        return None
    return DataAsset(
        name=name,
        span=node.span,
        type=reader.choice(mapping.get("type"), f"`type` of {where}", DATA_TYPES) or "uri_folder",
        path=reader.string(mapping.get("path"), f"`path` of {where}") or "",
        path_span=_span(mapping.get("path")),
        version=reader.string(mapping.get("version"), f"`version` of {where}"),
        description=reader.string(mapping.get("description"), f"`description` of {where}"),
    )


def read_env_ref(reader: Reader, node: Node | None, where: str) -> EnvRef | None:
    """How a step, component or ``defaults:`` names an environment."""
    if node is None:
        return None
    if isinstance(node, Map):
        inline = read_environment(reader, "inline", node, inline=True)
        return EnvRef("inline", "", node.span, inline) if inline else None
    value = reader.string(node, where, allow_numbers=False)
    if value is None:
        return None
    return EnvRef(env_kind(value), value, node.span)


def env_kind(value: str) -> str:
    """Classify an environment string: ``registry``, ``registered`` or ``declared``."""
    if value.startswith("azureml://"):
        return "registry"
    if value.startswith("azureml:") or ":" in value or "@" in value:
        return "registered"
    return "declared"


def read_compute_ref(reader: Reader, node: Node | None, where: str) -> str | None:
    """A compute name, without Azure ML's optional ``azureml:`` prefix."""
    value = reader.string(node, where, allow_numbers=False)
    if value is None:
        return None
    return value.removeprefix("azureml:")


def scalar_span(node: Node | None) -> Scalar | None:
    """``node`` if it is a scalar (for spans), else ``None``."""
    return node if isinstance(node, Scalar) else None
