"""The nested settings Azure ML takes, as data: identity, resources, distribution,
services, queue settings and limits.

Each is read into a plain ``dict`` of scalars, lists of strings and string
mappings, checked against the keys and value kinds azure-ai-ml 1.35's schemas
accept (``azure/ai/ml/_schema/job_resource_configuration.py``,
``job/distribution.py``, ``job/identity.py``, ``job/services.py``,
``queue_settings.py``, ``job/job_limits.py``). The azpipe language and native
files share these tables, so both read the same shapes and both targets write
them back unchanged. A typed object (``identity``, ``distribution``, a service)
takes the keys of its ``type``; a key of another type is refused when compiling
(S105), with the keys that apply.
"""

from __future__ import annotations

from typing import Any

from azpipe.readers.reader import Reader
from azpipe.records import record
from azpipe.source.nodes import Map, Node, Scalar, Seq


@record(frozen=True)
class Value:
    """The kind of one value: ``string``, ``integer``, ``boolean``, ``strings`` (a list),
    ``text_or_strings`` (a string or a list of them), ``mapping`` (string keys, scalar
    values) or ``choice`` (one of ``choices``)."""

    kind: str
    choices: tuple[str, ...] = ()


STRING, INTEGER, BOOLEAN = Value("string"), Value("integer"), Value("boolean")
STRINGS, TEXT_OR_STRINGS, MAPPING = Value("strings"), Value("text_or_strings"), Value("mapping")

RESOURCES: dict[str, Value] = {
    "instance_count": INTEGER,
    "instance_type": STRING,
    "shm_size": STRING,
    "docker_args": TEXT_OR_STRINGS,
    "locations": STRINGS,
    "max_instance_count": INTEGER,
    "properties": MAPPING,
}
LIMITS: dict[str, Value] = {"timeout": INTEGER}
QUEUE_SETTINGS: dict[str, Value] = {
    "job_tier": Value("choice", ("spot", "basic", "standard", "premium", "null")),
    "priority": Value("choice", ("low", "medium", "high")),
}
# Typed objects: the settings each `type` takes.
IDENTITIES: dict[str, dict[str, Value]] = {
    "managed": {"client_id": STRING, "object_id": STRING, "msi_resource_id": STRING},
    "managed_identity": {"client_id": STRING, "object_id": STRING, "msi_resource_id": STRING},
    "user_identity": {},
    "aml_token": {},
}
DISTRIBUTIONS: dict[str, dict[str, Value]] = {
    "pytorch": {"process_count_per_instance": INTEGER},
    "mpi": {"process_count_per_instance": INTEGER},
    "tensorflow": {"worker_count": INTEGER, "parameter_server_count": INTEGER},
    "ray": {
        "port": INTEGER,
        "address": STRING,
        "include_dashboard": BOOLEAN,
        "dashboard_port": INTEGER,
        "head_node_additional_args": STRING,
        "worker_node_additional_args": STRING,
    },
}
_SERVICE = {"nodes": STRING, "port": INTEGER, "properties": MAPPING}
SERVICES: dict[str, dict[str, Value]] = {
    "ssh": {**_SERVICE, "ssh_public_keys": STRING},
    "tensor_board": {**_SERVICE, "log_dir": STRING},
    "vs_code": dict(_SERVICE),
    "jupyter_lab": dict(_SERVICE),
}
# Any other service type (Azure ML's `custom`, `tracking`, `studio`) takes the common settings.
OTHER_SERVICE: dict[str, Value] = dict(_SERVICE)


def settings_of(table: dict[str, dict[str, Value]], kind: Any) -> dict[str, Value]:
    """The settings a typed object of type ``kind`` takes (services: any type)."""
    if table is SERVICES:
        return table.get(kind, OTHER_SERVICE) if isinstance(kind, str) else {}
    return table.get(kind, {}) if isinstance(kind, str) else {}


def union(table: dict[str, dict[str, Value]]) -> dict[str, Value]:
    """Every setting any type of ``table`` takes (what a reader accepts before the type is known)."""
    found: dict[str, Value] = {}
    for fields in table.values():
        found.update(fields)
    return found


def read_object(
    reader: Reader, node: Node | None, where: str, fields: dict[str, Value], lenient: bool = False
) -> dict[str, Any]:
    """A mapping of ``fields`` read into a dict (wrong kinds reported, and unknown keys where the
    schema walker does not check them); ``lenient``: unknown keys are left out unreported (Azure ML
    ignores them there: the schema's walker warns)."""
    mapping = reader.mapping(node, where, None if lenient else reader.unwalked(fields))
    found: dict[str, Any] = {}
    if mapping is None:
        return found
    for entry in mapping:
        key = entry.key.value
        if isinstance(key, str) and key in fields:
            value = read_value(reader, entry.value, f"`{key}` of {where}", fields[key])
            if value is not None:
                found[key] = value
        # A key a `<<` merge brought is checked too (Reader.mapping skips merged keys).
        elif isinstance(key, str) and entry.merged and not lenient:
            reader.report(
                "S101",
                entry.key.span,
                f"unknown key `{key}` in {where}",
                "allowed keys: " + ", ".join(fields),
            )
    return found


def read_typed(
    reader: Reader,
    node: Node | None,
    where: str,
    table: dict[str, dict[str, Value]],
    open_types: bool = False,
    lenient: bool = False,
) -> dict[str, Any]:
    """A typed object (``type`` plus that type's settings); ``open_types`` takes any type name."""
    types = tuple(table)
    kind = Value("string") if open_types else Value("choice", types)
    return read_object(reader, node, where, {"type": kind, **union(table)}, lenient)


def read_services(reader: Reader, node: Node | None, where: str) -> dict[str, dict[str, Any]]:
    """``services:``: name → a typed service (``ssh``, ``tensor_board``, ``vs_code``, ``jupyter_lab``...)."""
    found: dict[str, dict[str, Any]] = {}
    for name, _key, value in reader.named(node, where):
        found[name] = read_typed(reader, value, f"service `{name}` of {where}", SERVICES, open_types=True)
        kind = value.get("type") if isinstance(value, Map) else None
        if isinstance(kind, Scalar) and found[name].get("type") not in (None, *SERVICES):
            reader.report("S110", kind.span, f"azure-ai-ml ignores the type `{kind.value}` of service `{name}`",
                          "it keeps only " + ", ".join(SERVICES) + "; remove `type` or use one of them")  # fmt: skip
    return found


def read_value(reader: Reader, node: Node, where: str, value: Value) -> Any:
    """One value of kind ``value.kind``, or ``None`` after reporting why not."""
    if value.kind == "string":
        return reader.string(node, where)
    if value.kind == "integer":
        return reader.integer(node, where, minimum=None)
    if value.kind == "boolean":
        return reader.boolean(node, where)
    if value.kind == "choice":
        return reader.choice(node, where, value.choices, ignore_case=True)  # as the schema's x-ignore-case
    if value.kind == "mapping":
        return _scalar_map(reader, node, where)
    if value.kind == "text_or_strings" and isinstance(node, Scalar):
        return reader.string(node, where)
    if not isinstance(node, Seq):
        reader.wrong_shape(node, where, "list")
        return None
    return [text for text, _item in reader.string_list(node, where)]


def _scalar_map(reader: Reader, node: Node, where: str) -> dict[str, Any] | None:
    if not isinstance(node, Map):
        reader.wrong_shape(node, where, "mapping")
        return None
    found: dict[str, Any] = {}
    for name, _key, value in reader.named(node, where):
        if isinstance(value, Scalar):
            found[name] = value.value
        else:
            reader.wrong_shape(value, f"`{name}` in {where}", "value")
    return found


def misplaced(values: dict[str, Any], table: dict[str, dict[str, Value]]) -> list[str]:
    """Keys of a typed object that its ``type`` does not take."""
    allowed = settings_of(table, values.get("type"))
    return [key for key in values if key != "type" and key not in allowed]
