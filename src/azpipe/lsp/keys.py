"""Which keys a mapping may hold, by where it is: read from the builders' key tables.

The tables are the ones the builders check files against (``readers/*.py``), so
completion offers exactly the keys ``azpipe check`` accepts. A pattern is the
path of keys from the root, ``*`` standing for any name (a step, a port...).
"""

from __future__ import annotations

from azpipe.readers import component_file, entities, interface, native, pipeline, ports, steps

Pattern = tuple[str, ...]
Table = tuple[tuple[Pattern, tuple[str, ...]], ...]


def _job_details(prefix: Pattern) -> Table:
    """The sub-mappings every step, job or component has (``resources:``...)."""
    return (
        ((*prefix, "resources"), steps.RESOURCE_KEYS),
        ((*prefix, "distribution"), steps.DISTRIBUTION_KEYS),
        ((*prefix, "limits"), steps.LIMIT_KEYS),
        ((*prefix, "identity"), steps.IDENTITY_KEYS),
    )


AZPIPE_KEYS: Table = (
    ((), pipeline.TOP_KEYS),
    (("defaults",), pipeline.DEFAULT_KEYS),
    (("settings",), pipeline.SETTING_KEYS),
    (("environments", "*"), entities.ENVIRONMENT_KEYS),
    (("compute", "*"), entities.COMPUTE_KEYS),
    (("data", "*"), entities.DATA_KEYS),
    (("inputs", "*"), interface.INPUT_KEYS),
    (("outputs", "*"), interface.OUTPUT_KEYS),
    (("components", "*"), steps.COMPONENT_KEYS),
    (("components", "*", "inputs", "*"), ports.PORT_INPUT_KEYS),
    (("components", "*", "outputs", "*"), ports.OUTPUT_KEYS),
    (("components", "*", "environment"), entities.ENVIRONMENT_KEYS),
    *_job_details(("components", "*")),
    (("steps", "*"), steps.STEP_KEYS),
    (("steps", "*", "inputs", "*"), steps.STEP_INPUT_KEYS),
    (("steps", "*", "outputs", "*"), ports.OUTPUT_KEYS),
    (("steps", "*", "environment"), entities.ENVIRONMENT_KEYS),
    *_job_details(("steps", "*")),
)

NATIVE_KEYS: Table = (
    ((), native.TOP_KEYS),
    (("settings",), native.SETTING_KEYS),
    (("inputs", "*"), interface.INPUT_KEYS),
    (("outputs", "*"), native.OUTPUT_KEYS),
    (("jobs", "*"), native.NODE_KEYS),
    (("jobs", "*", "inputs", "*"), native.NODE_INPUT_KEYS),
    (("jobs", "*", "outputs", "*"), native.OUTPUT_KEYS),
    (("jobs", "*", "environment"), entities.ENVIRONMENT_KEYS),
    (("jobs", "*", "component", "inputs", "*"), component_file.INPUT_KEYS),
    (("jobs", "*", "component", "outputs", "*"), component_file.OUTPUT_KEYS),
    *_job_details(("jobs", "*")),
)


def _matches(pattern: Pattern, path: tuple[str, ...]) -> bool:
    return len(pattern) == len(path) and all(p in ("*", key) for p, key in zip(pattern, path, strict=True))


def keys_at(path: tuple[str, ...], native_file: bool) -> tuple[str, ...]:
    """The keys the mapping at ``path`` may hold (empty when azpipe does not know)."""
    table = NATIVE_KEYS if native_file else AZPIPE_KEYS
    for pattern, keys in table:
        if _matches(pattern, path):
            return keys
    return ()
