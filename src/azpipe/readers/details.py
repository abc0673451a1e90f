"""The job details steps, jobs and components share: names, tags, resources, identity...

One reader for every place that holds them (azpipe steps and ``components:``,
native jobs, inline components and component files), so each reads the same
shapes (:mod:`azpipe.readers.shapes`) into the same :class:`~azpipe.model.Settings`.
"""

from __future__ import annotations

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
from azpipe.source.nodes import Map

DETAIL_KEYS = keys_of({"type": "object", "properties": DETAIL_PROPERTIES})  # the language schema's


def read_details(reader: Reader, mapping: Map, where: str, component: bool = False) -> Settings:
    """The job details shared by steps and components (nested shapes: :mod:`azpipe.readers.shapes`).

    ``component``: an Azure ML command component's (a file, or inline in a job), whose
    ``resources`` and ``distribution`` azure-ai-ml reads ignoring unknown keys: those are the
    schema walker's to report, as warnings."""
    return Settings(
        display_name=reader.string(mapping.get("display_name"), f"`display_name` of {where}"),
        description=reader.string(mapping.get("description"), f"`description` of {where}"),
        tags=reader.string_map(mapping.get("tags"), f"`tags` of {where}"),
        environment_variables=reader.string_map(
            mapping.get("environment_variables"), f"`environment_variables` of {where}"
        ),
        resources=read_object(
            reader, mapping.get("resources"), f"`resources` of {where}", RESOURCES, lenient=component
        ),
        distribution=read_typed(
            reader,
            mapping.get("distribution"),
            f"`distribution` of {where}",
            DISTRIBUTIONS,
            lenient=component,
        ),
        limits=read_object(reader, mapping.get("limits"), f"`limits` of {where}", LIMITS),
        is_deterministic=reader.boolean(mapping.get("is_deterministic"), f"`is_deterministic` of {where}"),
        identity=read_typed(reader, mapping.get("identity"), f"`identity` of {where}", IDENTITIES),
        properties=reader.string_map(mapping.get("properties"), f"`properties` of {where}"),
        services=read_services(reader, mapping.get("services"), f"`services` of {where}"),
        queue_settings=read_object(
            reader, mapping.get("queue_settings"), f"`queue_settings` of {where}", QUEUE_SETTINGS
        ),
        comment=reader.string(mapping.get("comment"), f"`comment` of {where}"),
        additional_includes=[
            text
            for text, _ in reader.string_list(
                mapping.get("additional_includes"), f"`additional_includes` of {where}"
            )
        ],
    )
