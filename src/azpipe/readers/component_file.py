"""Native Azure ML component files named by ``uses: ./components/train.yml``.

The file is read with azpipe's own safe loader, so the YAML safety rules apply
and every diagnostic points into the component file. What is read is the
interface a step binds against: the typed ``inputs`` and ``outputs``, and the
``command`` (its placeholders must name declared ports), and ``code`` (relative to
the component file, as Azure ML reads it; ``azpipe run`` runs from there).
Everything else (``environment``, ``resources``...) stays Azure ML's business:
the file is passed to Azure ML as it is, and Azure ML resolves its paths.
"""

from __future__ import annotations

import os
from typing import Any

from azpipe.model import INPUT_MODES, OUTPUT_MODES, Component, EnvRef, Port
from azpipe.readers.bindings import check_own_ports, read_template
from azpipe.readers.details import read_details
from azpipe.readers.entities import env_kind, read_env_ref
from azpipe.readers.ports import read_type
from azpipe.readers.reader import Reader
from azpipe.source.loader import load_file
from azpipe.source.nodes import Map, Node, Scalar, Seq

FILE_SUFFIXES = (".yml", ".yaml")
FILE_PREFIXES = ("./", "../")
INPUT_KEYS = ("type", "default", "optional", "description", "min", "max", "enum", "mode")
OUTPUT_KEYS = ("type", "mode", "description")
# The keys of an inline component (azure-ai-ml's AnonymousCommandComponentSchema), and those of
# them azure-ai-ml drops (it registers the component anonymously) or azpipe does not carry.
INLINE_KEYS = (
    "$schema", "type", "name", "version", "display_name", "description", "tags", "is_deterministic", "code",
    "command", "environment", "environment_variables", "inputs", "outputs", "resources", "distribution",
    "properties", "queue_settings", "additional_includes", "id", "auto_delete_setting",
)  # fmt: skip
INLINE_IGNORED = ("name", "version")
INLINE_UNSUPPORTED = ("id", "auto_delete_setting")
_FLOAT = "float"  # an older spelling of `number` Azure ML still reads


def is_component_file(value: str) -> bool:
    """True when a ``uses:`` value names a file rather than a component."""
    return value.endswith(FILE_SUFFIXES) or value.startswith(FILE_PREFIXES)


def read_component_file(reader: Reader, value: str, uses: Scalar, base_dir: str) -> Component | None:
    """The component in file ``value`` (relative to ``base_dir``), or ``None`` after reporting why not.

    Path problems (F801 missing, F802 escaping, F803 absolute) are reported at the
    ``uses:`` value; problems inside the file are reported in the file.
    """
    from azpipe.source.local_paths import check_path

    where = f"component file `{value}`"
    path_problems = list(check_path(base_dir, value, uses.span, where))
    reader.diagnostics.extend(path_problems)
    if any(d.code in ("F801", "F803") for d in path_problems):
        return None
    full = os.path.normpath(os.path.join(base_dir, value))
    if os.path.isdir(full):
        reader.report("F801", uses.span, f"{where} is a folder", "name the component's YAML file")
        return None
    loaded = load_file(full, _display(uses.span.file, value))
    reader.diagnostics.extend(loaded.diagnostics)
    if loaded.root is None:
        return None
    return read_component_mapping(reader, loaded.root, value, where)


def _display(pipeline_file: str, value: str) -> str:
    """The component file's name in diagnostics: next to the pipeline file's name as given."""
    return os.path.normpath(os.path.join(os.path.dirname(pipeline_file), value))


def read_component_mapping(reader: Reader, root: Node, value: str, where: str) -> Component | None:
    """A command component from its YAML mapping (a file's root, or inline in a native job)."""
    if not isinstance(root, Map):
        reader.wrong_shape(root, where, "mapping")
        return None
    # azure-ai-ml lower-cases a component's type (`type: Spark` is a spark component).
    kind = (reader.string(root.get("type"), f"`type` of {where}") or "command").lower()
    if kind == "spark":  # readers/spark.py
        from azpipe.readers.spark import read_spark_component

        return read_spark_component(reader, root, value, where)
    from azpipe.readers.parallel_component import is_flow_document, read_parallel_kind

    if kind == "parallel" or is_flow_document(root, value):  # readers/parallel_component.py
        return read_parallel_kind(reader, root, value, where)
    if kind != "command":
        node = root.get("type")
        reader.report(
            "S106",
            node.span if node else root.span,
            f"{where} is a `{kind}` component",
            "azpipe steps use `command` components",
        )
        return None
    inline = value == "inline"
    if inline:
        _inline_keys(reader, root, where)
    name_node = root.get("name")
    component = Component(reader.string(name_node, f"`name` of {where}") or value, root.span, source="file")
    component.path = value
    component.code = reader.string(root.get("code"), f"`code` of {where}")  # relative to the file
    component.code_span = getattr(root.get("code"), "span", None)
    component.version = reader.string(root.get("version"), f"`version` of {where}")
    component.environment = _environment(reader, root.get("environment"), where)
    component.details = read_details(reader, root, where, component=True)
    component.details.comment = None  # not a component's (refused above when inline)
    _ports(reader, component, root, where)
    _command(reader, component, root, where)
    return component


def _inline_keys(reader: Reader, root: Map, where: str) -> None:
    """Unknown keys (S101), keys azure-ai-ml drops (S110) and keys azpipe would lose (S108)."""
    reader.mapping(root, where, None)  # unknown keys: azure-ai-ml ignores them, the walker warns (S101)
    for key in INLINE_IGNORED:
        found = root.key_node(key)
        if found is not None:
            reader.report("S110", found.span, f"azure-ai-ml ignores the `{key}` of an {where}",
                          "an inline component is registered anonymously; use a component file to name it")  # fmt: skip
    for key in INLINE_UNSUPPORTED:
        found = root.key_node(key)
        if found is not None:
            reader.report("S108", found.span, f"azpipe does not carry `{key}` of an {where} to Azure ML",
                          "remove it, or submit this file with `az ml job create`")  # fmt: skip


def _environment(reader: Reader, node: Node | None, where: str) -> EnvRef | None:
    """The component's own environment (for a file, only to know that it has one)."""
    if node is None:
        return None
    if isinstance(node, Map):
        return read_env_ref(reader, node, f"`environment` of {where}")
    text = reader.string(node, f"`environment` of {where}", allow_numbers=False)
    return EnvRef(env_kind(text), text, node.span) if text else None


def _ports(reader: Reader, component: Component, root: Map, where: str) -> None:
    for name, key, node in reader.named(root.get("inputs"), f"inputs of {where}"):
        component.inputs[name] = _input(reader, name, key, node, f"input `{name}` of {where}")
    for name, key, node in reader.named(root.get("outputs"), f"outputs of {where}"):
        component.outputs[name] = _output(reader, name, key, node, f"output `{name}` of {where}")


def _input(reader: Reader, name: str, key: Scalar, node: Node, where: str) -> Port:
    """``{type, default, optional, description, min, max, enum, mode}``, or a bare type."""
    if not isinstance(node, Map):
        return Port(name, key.span, type=_type(reader, node, where))
    reader.mapping(node, where, None, required=("type",))
    default = node.get("default")
    return Port(
        name,
        key.span,
        type=_type(reader, node.get("type"), f"`type` of {where}"),
        optional=bool(reader.boolean(node.get("optional"), f"`optional` of {where}")),
        default=default.value if isinstance(default, Scalar) else None,
        description=reader.string(node.get("description"), f"`description` of {where}"),
        mode=reader.choice(node.get("mode"), f"`mode` of {where}", INPUT_MODES) if "mode" in node else None,
        min=_scalar(node.get("min")),
        max=_scalar(node.get("max")),
        enum=_scalars(reader, node.get("enum"), f"`enum` of {where}"),
    )


# Shared with the other component kinds' readers (readers/spark.py).
def read_ports(reader: Reader, component: Component, root: Map, where: str) -> None:
    """The component's typed ``inputs`` and ``outputs``."""
    _ports(reader, component, root, where)


def component_environment(reader: Reader, node: Node | None, where: str) -> EnvRef | None:
    """The component's own environment."""
    return _environment(reader, node, where)


def _scalar(node: Node | None) -> Any:
    return node.value if isinstance(node, Scalar) else None


def _scalars(reader: Reader, node: Node | None, where: str) -> list[Any] | None:
    """A list of scalars (an input's `enum`)."""
    if node is None:
        return None
    if not isinstance(node, Seq):
        reader.wrong_shape(node, where, "list")
        return None
    return [item.value for item in node.items if isinstance(item, Scalar)]


def _output(reader: Reader, name: str, key: Scalar, node: Node, where: str) -> Port:
    """``{type, mode, description}``, or a bare type."""
    if not isinstance(node, Map):
        return Port(name, key.span, type=_type(reader, node, where) or "uri_folder")
    reader.mapping(node, where, None, required=("type",))
    return Port(
        name,
        key.span,
        type=_type(reader, node.get("type"), f"`type` of {where}") or "uri_folder",
        mode=reader.choice(node.get("mode"), f"`mode` of {where}", OUTPUT_MODES),
        description=reader.string(node.get("description"), f"`description` of {where}"),
    )


def _type(reader: Reader, node: Node | None, where: str) -> str | None:
    if isinstance(node, Scalar) and node.value == _FLOAT:
        return "number"
    return read_type(reader, node, where)


def _command(reader: Reader, component: Component, root: Map, where: str) -> None:
    """The command; each placeholder must name one of the file's own ports."""
    if "command" not in root:
        reader.report("S103", root.span, f"{where} needs `command`")
        return
    parsed = read_template(reader, root.get("command"), f"`command` of {where}")
    if parsed is None:
        return
    component.command, component.command_node = parsed
    check_own_ports(reader, component, *parsed, "a component's command", where)
