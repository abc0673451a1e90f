"""A pipeline's ``settings:``: the keys azure-ai-ml passes on as written.

azure-ai-ml reads ``settings:`` leniently (``unknown = INCLUDE``): a key it does
not know is kept and sent to Azure ML unchanged. azpipe does the same, so that no
setting is lost between the file and the job, and warns (S101), since a key Azure
ML does not know is most often a typo of one it does.
"""

from __future__ import annotations

from azpipe.model import Pipeline
from azpipe.readers.reader import Reader
from azpipe.source.nodes import Map, Node, plain
from azpipe.suggest import did_you_mean


def read_settings_mapping(reader: Reader, node: Node | None) -> Map | None:
    """``settings:`` as a mapping. Its keys are the schema walker's to check: one it does not know
    is a warning (S101, ``x-unknown``), as azure-ai-ml passes it on."""
    return reader.mapping(node, "`settings`", None)


def read_extra_settings(reader: Reader, pipeline: Pipeline, settings: Map, known: tuple[str, ...]) -> None:
    """Keep the settings azpipe does not model, to send on as written.

    A private-looking key (``_init``) or a mapping method's name (``items``) would
    overwrite azure-ai-ml's own attributes of its settings object (a ``dict``), which
    then breaks: refused (S108) rather than passed on.
    """
    for entry in settings:
        key = entry.key.value
        if not isinstance(key, str) or key in known:
            continue
        if key.startswith("_") or hasattr(dict, key):
            hint = did_you_mean(key.lstrip("_"), known) or "remove it"
            reader.report("S108", entry.key.span, f"azpipe does not carry `settings.{key}` to Azure ML", hint)
            continue
        pipeline.extra_settings[key] = plain(entry.value)
