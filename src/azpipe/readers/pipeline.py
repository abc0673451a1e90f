"""The top level of a pipeline file."""

from __future__ import annotations

import os

from azpipe.diagnostics import Diagnostic
from azpipe.model import Pipeline
from azpipe.readers.entities import read_compute, read_compute_ref, read_data, read_env_ref, read_environment
from azpipe.readers.interface import read_inputs, read_output
from azpipe.readers.reader import Reader
from azpipe.readers.settings import read_extra_settings, read_settings_mapping
from azpipe.readers.shapes import IDENTITIES, read_services, read_typed
from azpipe.readers.steps import StepReader, read_component, read_step_hooks
from azpipe.schema.language import LANGUAGE, keys_of
from azpipe.source.nodes import Map, Node, Scalar

# The keys come from the language's schema (azpipe.schema.language), which describes them.
TOP_KEYS = keys_of(LANGUAGE)
DEFAULT_KEYS = keys_of(LANGUAGE["properties"]["defaults"])
SETTING_KEYS = keys_of(LANGUAGE["properties"]["settings"])
LANGUAGE_VERSION = 1


def build_pipeline(root: Node, path: str, base_dir: str) -> tuple[Pipeline, list[Diagnostic]]:
    """Read the model out of a file's root node; returns it and the diagnostics found."""
    reader = Reader()
    pipeline = Pipeline(path=path, base_dir=base_dir)
    mapping = reader.mapping(root, "the pipeline file", None, required=("azpipe", "name", "steps"))
    if mapping is None:
        return pipeline, reader.diagnostics
    pipeline.span = root.span
    _header(reader, pipeline, mapping)
    _defaults(reader, pipeline, mapping)
    _entities(reader, pipeline, mapping)
    read_inputs(reader, pipeline, mapping.get("inputs"))
    for name, key, node in reader.named(mapping.get("outputs"), "`outputs`"):
        pipeline.outputs[name] = read_output(reader, name, key, node)
    steps = StepReader(reader, pipeline.components, base_dir)
    for name, key, node in reader.named(mapping.get("steps"), "`steps`"):
        step = steps.read(name, key, node)
        if step:
            pipeline.steps[name] = step
    settings = mapping.get("settings")
    if isinstance(settings, Map):
        read_step_hooks(reader, pipeline, settings)
    return pipeline, reader.diagnostics


def _header(reader: Reader, pipeline: Pipeline, mapping: Map) -> None:
    version = mapping.get("azpipe")
    if version is not None and not _is_language_version(version):
        # A scalar as written, with its type unless an integer; else "a list", "a mapping".
        shown = f"a {version.kind}"
        if isinstance(version, Scalar):
            shown = f"`{version.text}`" + ("" if type(version.value) is int else f" ({version.kind})")
        hint = "this azpipe reads `azpipe: 1`"
        reader.report("S104", version.span, f"unsupported language version {shown}", hint)
    name = mapping.get("name")
    pipeline.name = reader.string(name, "`name`", allow_numbers=False) or ""
    pipeline.name_span = name.span if name is not None else None
    pipeline.display_name = reader.string(mapping.get("display_name"), "`display_name`")
    pipeline.description = reader.string(mapping.get("description"), "`description`")
    experiment = mapping.get("experiment")
    pipeline.experiment = reader.string(experiment, "`experiment`")
    pipeline.experiment_span = experiment.span if experiment is not None else None
    pipeline.tags = reader.string_map(mapping.get("tags"), "`tags`")
    pipeline.job_name = reader.string(mapping.get("job_name"), "`job_name`", allow_numbers=False)
    pipeline.properties = reader.string_map(mapping.get("properties"), "`properties`")
    pipeline.identity = read_typed(reader, mapping.get("identity"), "`identity`", IDENTITIES)
    pipeline.services = read_services(reader, mapping.get("services"), "`services`")


def _is_language_version(node: Node) -> bool:
    """True only for the integer 1: YAML's `true` is a bool, which Python counts as 1,
    and `1.0` equals 1."""
    return isinstance(node, Scalar) and type(node.value) is int and node.value == LANGUAGE_VERSION


def _defaults(reader: Reader, pipeline: Pipeline, mapping: Map) -> None:
    defaults = reader.mapping(mapping.get("defaults"), "`defaults`", None)
    if defaults is not None:
        compute = defaults.get("compute")
        pipeline.default_compute = read_compute_ref(reader, compute, "`defaults.compute`")
        pipeline.default_compute_span = compute.span if compute else None
        pipeline.default_environment = read_env_ref(
            reader, defaults.get("environment"), "`defaults.environment`"
        )
        pipeline.default_datastore = reader.string(defaults.get("datastore"), "`defaults.datastore`")
    settings = read_settings_mapping(reader, mapping.get("settings"))
    if settings is not None:
        read_extra_settings(reader, pipeline, settings, SETTING_KEYS)
        pipeline.continue_on_step_failure = reader.boolean(
            settings.get("continue_on_step_failure"), "`settings.continue_on_step_failure`"
        )
        pipeline.force_rerun = reader.boolean(settings.get("force_rerun"), "`settings.force_rerun`")


def _entities(reader: Reader, pipeline: Pipeline, mapping: Map) -> None:
    for name, key, node in reader.named(mapping.get("environments"), "`environments`"):
        environment = read_environment(reader, name, node)
        if environment:
            environment.name_span = key.span
            pipeline.environments[name] = environment
    for name, key, node in reader.named(mapping.get("compute"), "`compute`"):
        compute = read_compute(reader, name, node)
        if compute:
            compute.name_span = key.span
            pipeline.compute[name] = compute
    for name, key, node in reader.named(mapping.get("data"), "`data`"):
        asset = read_data(reader, name, node)
        if asset:
            asset.name_span = key.span
            pipeline.data[name] = asset
    for name, key, node in reader.named(mapping.get("components"), "`components`"):
        component = read_component(reader, name, key, node)
        if component:
            pipeline.components[name] = component


def base_dir_of(path: str) -> str:
    """The folder relative paths in ``path`` are resolved against."""
    return os.path.dirname(os.path.abspath(path))
