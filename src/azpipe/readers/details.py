"""The job details steps, jobs and components share: names, tags, resources, identity...

One reader for every place that holds them (azpipe steps and ``components:``,
native jobs, inline components and component files), so each reads the same
shapes (:mod:`azpipe.readers.shapes`) into the same :class:`~azpipe.model.Settings`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from azpipe.model import Settings
from azpipe.readers.reader import Reader
from azpipe.readers.shapes import (
    DISTRIBUTIONS,
    IDENTITIES,
    LIMITS,
    QUEUE_SETTINGS,
    RESOURCES,
    read_object,
    read_services,
    read_typed,
)
from azpipe.schema.language import DETAIL_PROPERTIES, keys_of
from azpipe.source.nodes import Map, Node

DETAIL_KEYS = keys_of({"type": "object", "properties": DETAIL_PROPERTIES})  # the language schema's


def read_details(reader: Reader, mapping: Map, where: str, component: bool = False) -> Settings:
    """The job details shared by steps and components (nested shapes: :mod:`azpipe.readers.shapes`).

    ``component``: an Azure ML command component's (a file, or inline in a job), whose
    ``resources`` and ``distribution`` azure-ai-ml reads ignoring unknown keys: those are the
    schema walker's to report, as warnings. Only the keys written are read (most steps write
    few of them): an absent one keeps :class:`~azpipe.model.Settings`' default."""
    settings = Settings()
    for key, read in _READERS.items():
        node = mapping.get(key)
        if node is not None:
            setattr(settings, key, read(reader, node, f"`{key}` of {where}", component))
    return settings


def _includes(reader: Reader, node: Node, where: str) -> list[str]:
    return [text for text, _ in reader.string_list(node, where)]


_Read = Callable[[Reader, Node, str, bool], Any]
# Settings' fields in the order their problems are reported.
_READERS: dict[str, _Read] = {
    "display_name": lambda reader, node, where, component: reader.string(node, where),
    "description": lambda reader, node, where, component: reader.string(node, where),
    "tags": lambda reader, node, where, component: reader.string_map(node, where),
    "environment_variables": lambda reader, node, where, component: reader.string_map(node, where),
    "resources": lambda reader, node, where, component: read_object(
        reader, node, where, RESOURCES, lenient=component
    ),
    "distribution": lambda reader, node, where, component: read_typed(
        reader, node, where, DISTRIBUTIONS, lenient=component
    ),
    "limits": lambda reader, node, where, component: read_object(reader, node, where, LIMITS),
    "is_deterministic": lambda reader, node, where, component: reader.boolean(node, where),
    "identity": lambda reader, node, where, component: read_typed(reader, node, where, IDENTITIES),
    "properties": lambda reader, node, where, component: reader.string_map(node, where),
    "services": lambda reader, node, where, component: read_services(reader, node, where),
    "queue_settings": lambda reader, node, where, component: read_object(reader, node, where, QUEUE_SETTINGS),
    "comment": lambda reader, node, where, component: reader.string(node, where),
    "additional_includes": lambda reader, node, where, component: _includes(reader, node, where),
}
